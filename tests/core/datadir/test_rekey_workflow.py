"""Rekey and the plaintext scan on a real day of work: fetch from the reference
server over TLS, entries, a send; then a new data key and the day goes on."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pytest

from core.datadir.rekey import envelope_files, rekey
from core.session import unlock
from core.vault import envelope
from core.vault.keys import KeyFile
from tests.support.linkage import PASSPHRASE, LinkageServer, Sleeps, spr_file, spr_records


def test_rekey_mid_day_keeps_every_workflow_working(
    linkage_server: LinkageServer,
    terminal_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    recs = spr_records(12)
    linkage_server.put_notice("spr-131041-20261121-0001.csv", spr_file(recs))
    with unlock(terminal_dir, PASSPHRASE, sleep=Sleeps()) as t:
        assert t.fetch().waiting_added == 12
        t.enter("AB00000002CD", date(2024, 5, 1))
        t.enter("AB00000004CD", date(2024, 5, 2))
        assert t.send().accepted == 2
        t.enter("AB00000005CD", date(2024, 5, 3))  # queued, not yet sent
    old_key = KeyFile.load(terminal_dir).current

    result = rekey(terminal_dir, PASSPHRASE)
    assert result.files >= 1 and result.fields > 0

    keyfile = KeyFile.load(terminal_dir)
    assert keyfile.current != old_key and list(keyfile.wrapped) == [keyfile.current]
    assert all(envelope.read_key_id(p) == keyfile.current for p in envelope_files(terminal_dir))
    with unlock(terminal_dir, PASSPHRASE, sleep=Sleeps()) as t:
        waiting = t.waiting()
        assert len(waiting) == 10  # 12 - 2 sent; found again through the recomputed blinds
        assert waiting.get("AB00000005CD").entered_date == date(2024, 5, 3)
        assert waiting.get("AB00000007CD").name_alpha == recs[7]["name_alpha"]
        t.enter("AB00000007CD", date(2024, 5, 4))
        assert t.send().accepted == 2
        t.vault.audit.verify()
        files = {f.name for f in t.inbox()}
        assert files
    sent = sorted(r["card_number"] for r in linkage_server.received_records())
    assert sent == ["AB00000002CD", "AB00000004CD", "AB00000005CD", "AB00000007CD"]

    found = _scan_people(terminal_dir, temp, recs)
    assert found == []


def _scan_people(data: Path, temp: Path, recs: list[dict[str, str]]) -> list[str]:
    needles = []
    for r in recs:
        for text in (
            r["card_number"],
            r["name_alpha"],
            r["name_kanji"],
            r["birth_date"],
            r["address"],
        ):
            for codec in ("utf-8", "cp932", "utf-16-le"):
                needles.append(text.encode(codec))
    found = []
    for root in (data, temp):
        for path in root.rglob("*"):
            if path.is_file():
                raw = path.read_bytes()
                found += [f"{path}: {n!r}" for n in needles if n in raw]
    return found
