"""Encrypted files bound to their database rows: inside the data directory, a
received file swapped with another, or a batch file copied over another, is
refused (each file's plaintext hash is sealed to its own row id).

Expected values come from what was put on the reference server: the records
of each file, and the cards entered.
"""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from core.exchange import protocol as p
from core.exchange import send
from core.paths import OUTBOX_DIR
from core.session import unlock
from tests.support.linkage import PASSPHRASE, LinkageServer, Sleeps, spr_file, spr_records


def test_swapped_inbox_files_are_refused(terminal_dir: Path, linkage_server: LinkageServer):
    linkage_server.put_notice("spr-131041-20261121-0001.csv", spr_file(spr_records(3)))
    linkage_server.put_notice("spr-131041-20261121-0002.csv", spr_file(spr_records(5, 10)))
    inbox = terminal_dir / "files" / "inbox"
    with unlock(terminal_dir, PASSPHRASE, sleep=Sleeps()) as t:
        t.fetch()
        records, _ = t.inbox_records("spr-131041-20261121-0002")
        assert [r["card_number"] for r in records] == [f"AB{n:08d}CD" for n in range(10, 15)]
        a, b = inbox / "spr-131041-20261121-0001.rke", inbox / "spr-131041-20261121-0002.rke"
        tmp = inbox / "swap"
        a.rename(tmp)
        b.rename(a)
        tmp.rename(b)
        for file_id in ("spr-131041-20261121-0001", "spr-131041-20261121-0002"):
            with pytest.raises(p.ExchangeError) as caught:
                t.inbox_records(file_id)
            assert caught.value.key == "exchange.inbox.not_its_file"
            assert caught.value.params["file"] == file_id


def test_a_batch_file_copied_over_another_is_refused(
    terminal_dir: Path, linkage_server: LinkageServer
) -> None:
    linkage_server.put_notice("spr-131041-20261121-0001.csv", spr_file(spr_records(10)))
    with unlock(terminal_dir, PASSPHRASE, sleep=Sleeps()) as t:
        t.fetch()
        batches = []
        for first in (0, 2):  # two batches built, neither sent yet
            for n in range(first, first + 2):
                t.enter(f"AB{n:08d}CD", date(2024, 5, 1 + n))
            batches.append(send.build_batch(t.vault))
        outbox = terminal_dir / OUTBOX_DIR
        shutil.copyfile(outbox / f"{batches[0]}.rke", outbox / f"{batches[1]}.rke")
        result = t.send()
        assert (result.accepted, result.rejected) == (4, 0)
        history = [(h.action, h.result) for h in t.history()]
        assert ("exchange.history.rebuilt", "rebuilt") in history
        audit = [(e.action, e.record) for e in t.vault.audit.entries()]
        assert ("exchange.batch_rebuilt", batches[1]) in audit
    # each entered record exactly once at the server, none lost to the copy
    received = Counter(r["card_number"] for r in linkage_server.received_records())
    assert received == Counter(f"AB{n:08d}CD" for n in range(4))
