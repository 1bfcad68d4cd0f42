"""The 未入力 list's sealed records (core/exchange/records.py) against what the
reference server served, and rows written in the earlier form still read.

Expected values come from the served file itself, downloaded here with httpx
and parsed with the standard ``csv`` module per FORMATS.md (RFC 4180, a header
row of column ids, UTF-8) — not with ``core.formats``; the earlier form of a
row is made here from its documented layout (migration 0100: the record as a
JSON object, sealed at ``exchange_certificates.record_sealed``; the card number
sealed at ``exchange_certificates.card_sealed``; ``card_blind`` its blind of
purpose ``card``).
"""

from __future__ import annotations

import csv
import io
import json
import ssl
from datetime import date, datetime
from pathlib import Path

import httpx
import pytest

from core.exchange import entry, records
from core.session import Session, unlock
from core.store.db import Store
from core.vault.errors import SealError
from tests.support.linkage import PASSPHRASE, LinkageServer, Sleeps, spr_file, spr_records

NAME = "spr-131041-20261121-0001.csv"


def session(data: Path) -> Session:
    return unlock(data, PASSPHRASE, sleep=Sleeps())


def served(server: LinkageServer, name: str) -> list[dict[str, str]]:
    """The records of the file as the server serves it, read with ``csv``."""
    ctx = ssl.create_default_context(cafile=str(server.ca))
    headers = {"Authorization": f"Bearer {server.token}"}
    with httpx.Client(base_url=server.url, verify=ctx, headers=headers) as http:
        body = http.get(f"/v1/moj-notices/{name.removesuffix('.csv')}").content
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"), newline="")))


def _file() -> list[dict[str, str]]:
    recs = spr_records(40)
    # values JSON must escape, and CSV must quote
    recs[3]["address"] = '東京都新宿区西新宿1丁目"2"番\\3号, 4階'
    recs[5]["application_text"] = "切替交付（再）"
    recs[7]["card_delivered_date"] = "20240501"  # MOJ knows the date: not waiting
    return recs


def _day(text: str) -> date | None:
    return datetime.strptime(text, "%Y%m%d").date() if text else None


def test_fetched_records_are_the_served_file_row_for_row(
    linkage_server: LinkageServer, terminal_dir: Path
) -> None:
    linkage_server.put_notice(NAME, spr_file(_file()))
    expected = served(linkage_server, NAME)
    with session(terminal_dir) as t:
        got = t.fetch()
        assert (got.records, got.errors, got.invalid) == (40, (), ())
        store = t.vault.store
        stored = {}
        sql = "SELECT card_blind, record_sealed, state FROM exchange_certificates"
        for row in store.query(sql):
            rec = records.open_record(store, row["record_sealed"])
            assert bytes(row["card_blind"]) == store.blind(rec["card_number"], "card")
            stored[rec["card_number"]] = (rec, row["state"])
        assert stored == {
            r["card_number"]: (r, "reported" if r["card_delivered_date"] else "waiting")
            for r in expected
        }
        # each notice registered once, at its place in the file
        notices = {
            r["notice_id"]: r["record"]
            for r in store.query("SELECT notice_id, record FROM exchange_notices")
        }
        assert notices == {r["notice_id"]: n for n, r in enumerate(expected)}
        waiting = t.waiting()
        want = [r for r in expected if not r["card_delivered_date"]]
        assert [w.card_number for w in waiting] == sorted(r["card_number"] for r in want)
        for r in want:
            w = waiting.get(r["card_number"])
            assert w is not None
            assert (w.notice_id, w.name_alpha, w.name_kanji, w.address) == (
                r["notice_id"],
                r["name_alpha"],
                r["name_kanji"],
                r["address"],
            )
            assert (w.application_text, w.sex_code, w.nationality_code) == (
                r["application_text"],
                r["sex_code"],
                r["nationality_code"],
            )
            assert (w.card_made_date, w.birth_date) == (
                _day(r["card_made_date"]),
                _day(r["birth_date"]),
            )
        # the card stands in the entry check as the file had it
        found = entry.certificate(store, "AB00000003CD")
        assert found is not None and found[1] == expected[3]


def _old_row(store: Store, record: dict[str, str], at: str = "2026-01-05T09:00:00+00:00") -> None:
    """A row as the code before the array form wrote it (migration 0100's layout)."""
    store.execute(
        "INSERT INTO exchange_certificates (card_blind, card_sealed, record_sealed, file_id,"
        " state, received_at, updated_at) VALUES (?, ?, ?, ?, 'waiting', ?, ?)",
        (
            store.blind(record["card_number"], "card"),
            store.seal(record["card_number"], "exchange_certificates.card_sealed"),
            store.seal(
                json.dumps(record, ensure_ascii=False), "exchange_certificates.record_sealed"
            ),
            "spr-131041-20260105-0001",
            at,
            at,
        ),
    )


def test_rows_written_the_earlier_way_still_read(
    linkage_server: LinkageServer, terminal_dir: Path
) -> None:
    old = spr_records(3, start=900)
    del old[2]["application_text"]  # an older record without a field: shown empty
    with session(terminal_dir) as t:
        for rec in old:
            _old_row(t.vault.store, rec)
        linkage_server.put_notice(NAME, spr_file(spr_records(5)))
        assert t.fetch().waiting_added == 5  # new rows in the array form beside them
        waiting = t.waiting()
        assert len(waiting) == 8
        for rec in old:
            w = waiting.get(rec["card_number"])
            assert w is not None and w.name_alpha == rec["name_alpha"]
            assert w.application_text == rec.get("application_text", "")
            assert w.received_at == datetime.fromisoformat("2026-01-05T09:00:00+00:00")
        found = entry.certificate(t.vault.store, old[0]["card_number"])
        assert found is not None and found[1] == old[0]
        # an entry on an old row goes through as on a new one
        t.enter(old[0]["card_number"], date(2024, 5, 1))
        assert t.waiting().get(old[0]["card_number"]).entered_date == date(2024, 5, 1)


def test_a_column_list_changed_in_the_table_opens_nothing(
    linkage_server: LinkageServer, terminal_dir: Path
) -> None:
    linkage_server.put_notice(NAME, spr_file(spr_records(4)))
    with session(terminal_dir) as t:
        t.fetch()
        store = t.vault.store
        (listed,) = store.query("SELECT columns FROM exchange_record_columns")
        names = json.loads(listed[0])
        swapped = [names[1], names[0], *names[2:]]  # card_number and notice_id swapped
        store.execute(
            "UPDATE exchange_record_columns SET columns = ?",
            (json.dumps(swapped, separators=(",", ":")),),
        )
        blob = store.query("SELECT record_sealed FROM exchange_certificates LIMIT 1")[0][0]
        with pytest.raises(SealError) as caught:
            records.open_record(store, blob)
        assert caught.value.key == "vault.seal.misplaced"
        with pytest.raises(SealError):
            t.waiting()


def test_a_card_again_is_told_from_a_row_written_the_earlier_way(
    linkage_server: LinkageServer, terminal_dir: Path
) -> None:
    # FORMATS.md: the same card_number + card_made_date with the same content is a
    # copy (kept, reported, not taken again); with other content, a correction
    old = spr_records(3, start=700)
    with session(terminal_dir) as t:
        for rec in old:
            _old_row(t.vault.store, rec)
        again = [dict(rec, notice_id=f"NEW{n:010d}") for n, rec in enumerate(old)]
        again[2]["address"] = "東京都中野区中野4丁目8番"
        linkage_server.put_notice(NAME, spr_file(again))
        got = t.fetch()
        assert (got.duplicates, got.waiting_added, got.errors) == (2, 0, ())
        found = entry.certificate(t.vault.store, old[2]["card_number"])
        assert found is not None and found[1] == again[2]  # the correction, in the new form
        assert entry.certificate(t.vault.store, old[0]["card_number"])[1] == old[0]  # type: ignore[index]
