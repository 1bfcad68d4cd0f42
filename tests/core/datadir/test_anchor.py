"""The anchor's two slots: a write torn by a crash falls back to the older
whole slot (no false alarm), an anchor that is not ours is refused, and the
generation it records follows the database's commits."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.datadir import anchor
from core.datadir.anchor import RolledBack
from core.datadir.unlock import init_vault, open_vault

PW = "a long enough passphrase"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    init_vault(tmp_path / "d", PW, cost="low").close()
    return tmp_path / "d"


def _generations(data: Path) -> tuple[int, int]:
    with open_vault(data, PW, delay_base=0.0) as vault:
        return vault.store.generation(), anchor.read(data).generation


def test_the_anchor_follows_each_commit_that_matters(data: Path) -> None:
    with open_vault(data, PW, delay_base=0.0) as vault:
        before = anchor.read(data).generation
        assert before == vault.store.generation() > 0
        vault.audit.append("test.step")
        assert anchor.read(data).generation == vault.store.generation() == before + 1


def test_a_torn_slot_falls_back_to_the_other(data: Path) -> None:
    with open_vault(data, PW, delay_base=0.0) as vault:
        vault.audit.append("test.step")
    latest = anchor.read(data)
    raw = bytearray(anchor.path(data).read_bytes())
    start = latest.slot * anchor.SLOT
    raw[start + 10 : start + 60] = b"\x00" * 50  # half-written
    anchor.path(data).write_bytes(bytes(raw))
    older = anchor.read(data)
    assert older.slot == 1 - latest.slot and older.generation < latest.generation
    with open_vault(data, PW, delay_base=0.0) as vault:  # behind the database: no alarm
        assert vault.rolled_back is None
        vault.audit.append("test.after")
    db, anchored = _generations(data)
    assert db == anchored


def test_an_anchor_from_another_terminal_is_refused(data: Path, tmp_path: Path) -> None:
    init_vault(tmp_path / "other", PW, cost="low").close()
    anchor.path(data).write_bytes(anchor.path(tmp_path / "other").read_bytes())
    with open_vault(data, PW, delay_base=0.0) as vault:
        assert vault.rolled_back is not None and vault.rolled_back.reason == "altered"
        with pytest.raises(RolledBack):
            vault.audit.append("test.refused")


def test_a_deleted_anchor_is_noticed(data: Path) -> None:
    anchor.path(data).unlink()
    with open_vault(data, PW, delay_base=0.0) as vault:
        assert vault.rolled_back is not None and vault.rolled_back.reason == "missing"
