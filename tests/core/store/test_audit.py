"""The audit chain: edits, removals, reorders and cut-off tails are found."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from core.paths import DB_NAME
from core.store.audit import AuditBroken
from tests.support.vault import new_vault, reopen


def _filled(tmp_path: Path, n: int = 6) -> Path:
    data = tmp_path / "d"
    with new_vault(data) as vault:
        for i in range(n):
            vault.audit.append(
                "test.action", actor="clerk1", record=vault.store.ref(f"C{i}"), detail=f"step {i}"
            )
        assert vault.audit.verify() == n + 1
    return data


def _edit(data: Path, sql: str, *params: object) -> None:
    conn = sqlite3.connect(data / DB_NAME)
    conn.execute(sql, params)
    conn.commit()
    conn.close()


def _broken(data: Path) -> AuditBroken:
    vault = reopen(data)
    try:
        with pytest.raises(AuditBroken) as caught:
            vault.audit.verify()
    finally:
        vault.close()
    return caught.value


def test_intact_chain_verifies(tmp_path: Path) -> None:
    data = _filled(tmp_path)
    with reopen(data) as vault:
        assert vault.audit.verify() == 8  # + the unlock entry
        assert [e.action for e in vault.audit.entries(2)] == ["test.action", "vault.unlock"]


def test_edited_entry(tmp_path: Path) -> None:
    data = _filled(tmp_path)
    _edit(data, "UPDATE audit_log SET result = 'ok!' WHERE seq = 4")
    err = _broken(data)
    assert (err.seq, err.reason) == (4, "altered")
    assert "4" in err.message("en") and "edited" in err.message("en")


def test_removed_entry(tmp_path: Path) -> None:
    data = _filled(tmp_path)
    _edit(data, "DELETE FROM audit_log WHERE seq = 3")
    err = _broken(data)
    assert (err.seq, err.reason) == (3, "missing")


def test_reordered_entries(tmp_path: Path) -> None:
    data = _filled(tmp_path)
    _edit(data, "UPDATE audit_log SET seq = 100 WHERE seq = 3")
    _edit(data, "UPDATE audit_log SET seq = 3 WHERE seq = 4")
    _edit(data, "UPDATE audit_log SET seq = 4 WHERE seq = 100")
    err = _broken(data)
    assert (err.seq, err.reason) == (3, "altered")


def test_removed_tail_is_found_even_after_new_entries(tmp_path: Path) -> None:
    data = _filled(tmp_path)
    _edit(data, "DELETE FROM audit_log WHERE seq >= 6")
    err = _broken(data)  # reopen appended an unlock entry after the cut
    assert err.reason == "truncated"
    assert err.seq == 6


def test_no_personal_data_in_refs(tmp_path: Path) -> None:
    data = tmp_path / "d"
    with new_vault(data) as vault:
        ref = vault.store.ref("AB12345678CD")
        vault.audit.append("entry.enter", record=ref)
        assert "AB12345678CD" not in (data / DB_NAME).read_bytes().decode("latin-1")
        assert vault.audit.entries()[-1].record == ref
