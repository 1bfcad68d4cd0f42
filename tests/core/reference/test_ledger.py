"""server.sqlite on a real file: receipts once, uploads and the notices they
brought, kept across a restart; an upload that fails half-way records nothing.

Expected values are what was put in (PROTOCOL.md: a receipt is idempotent, the
same Idempotency-Key answers the same result)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.reference.ledger import Ledger

LASDEC = "131041"


def test_a_receipt_is_recorded_once_with_its_first_time(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "server.sqlite")
    first = ledger.receipt(LASDEC, "spr-1", "a" * 64)
    assert ledger.receipt(LASDEC, "spr-1", "a" * 64) == first
    assert ledger.receipted(LASDEC) == {"spr-1"}
    assert ledger.receipted("472018") == set()
    assert ledger.receipts(LASDEC) == [("spr-1", "a" * 64, first)]


def test_an_upload_and_its_notices_outlive_a_restart(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "server.sqlite")
    with ledger.delivering() as delivery:
        assert delivery.held(LASDEC, ["N1", "N2"]) == {}
        delivery.record(LASDEC, "key-0001", "r-1", "d" * 64, '{"a": 1}', ["N1", "N2"])
    again = Ledger(tmp_path / "server.sqlite")
    assert again.upload(LASDEC, "key-0001") == ("d" * 64, '{"a": 1}')
    assert again.upload(LASDEC, "key-0002") is None
    assert again.answer(LASDEC, "r-1") == '{"a": 1}'
    assert again.uploads(LASDEC) == [("key-0001", "r-1")]
    assert again.notices_by_receipt(LASDEC) == {"r-1": ["N1", "N2"]}
    with again.delivering() as delivery:
        assert delivery.held(LASDEC, ["N2", "N3"]) == {"N2": "r-1"}
        assert delivery.held("472018", ["N2"]) == {}


def test_many_notices_are_looked_up_in_parts(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "server.sqlite")
    ids = [f"N{n:05d}" for n in range(1234)]
    with ledger.delivering() as delivery:
        delivery.record(LASDEC, "key-0001", "r-1", "d" * 64, "{}", ids[::2])
    with ledger.delivering() as delivery:
        assert delivery.held(LASDEC, ids) == dict.fromkeys(ids[::2], "r-1")


def test_an_upload_that_fails_half_way_records_nothing(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "server.sqlite")
    with pytest.raises(OSError), ledger.delivering() as delivery:
        delivery.record(LASDEC, "key-0001", "r-1", "d" * 64, "{}", ["N1"])
        raise OSError("disk full while writing the received file")
    reopened = Ledger(tmp_path / "server.sqlite")
    assert reopened.upload(LASDEC, "key-0001") is None
    with reopened.delivering() as delivery:
        assert delivery.held(LASDEC, ["N1"]) == {}
    # and the ledger still works afterwards
    with ledger.delivering() as delivery:
        delivery.record(LASDEC, "key-0001", "r-1", "d" * 64, "{}", ["N1"])
    assert ledger.answer(LASDEC, "r-1") == "{}"
