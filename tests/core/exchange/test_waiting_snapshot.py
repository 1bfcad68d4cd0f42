"""The sealed snapshot of the 未入力 list (``core.exchange.snapshot``) always
equals the store.

The reference every load is compared with is not the loader: the waiting rows
read by plain SQL and opened one by one through ``Store.unseal_text`` (the
per-row path the other workflow tests check against the notices sent), the
entered dates matched by card blind from the send queue. Each test makes the
store change behind the snapshot in another way (a change here, a second
process, an older snapshot file put back, a cut or altered one, a writer
killed mid-write) and checks that the list still equals that reference, and
whether it came from the snapshot or from the rows.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import tracemalloc
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from core.exchange import entry, records, snapshot
from core.session import Session, unlock
from core.store.db import Store
from core.vault import envelope
from core.waiting import FIELDS, keys_version, normalise
from tests.conftest import ROOT
from tests.support.linkage import PASSPHRASE, LinkageServer, Sleeps, spr_file, spr_records

FILE = "spr-131041-20261121-{:04d}.csv"


def session(data: Path) -> Session:
    return unlock(data, PASSPHRASE, sleep=Sleeps())


def reference(store: Store) -> list[tuple[Any, ...]]:
    """The list by plain SQL and the per-row unseal, in card-number order."""
    entered: dict[bytes, str] = {}
    for row in store.query(
        "SELECT notice_id, card_blind, delivered_sealed FROM exchange_outbox"
        " WHERE state IN ('queued', 'sending') ORDER BY created_at"
    ):
        day = store.unseal_text(
            row["delivered_sealed"], entry.outbox_aad(row["notice_id"], "delivered_sealed")
        )
        if day:
            entered[bytes(row["card_blind"])] = day
    out = []
    for row in store.query(
        "SELECT card_blind, record_sealed, received_at FROM exchange_certificates"
        " WHERE state = 'waiting'"
    ):
        # one row at a time (either sealed form), the path tests/core/exchange/
        # test_records.py checks against the served file read with the csv module
        record = records.open_record(store, row["record_sealed"])
        values = [record[f] for f in FIELDS if f != "received_at"]
        stamp = datetime.fromisoformat(row["received_at"]).isoformat()
        out.append((*values, stamp, entered.get(bytes(row["card_blind"]))))
    return sorted(out)


def as_rows(index: Any) -> list[tuple[Any, ...]]:
    """The loaded list in the reference's terms (dates as the records write them)."""
    out = []
    for e in index:
        values = []
        for f in FIELDS:
            value = getattr(e, f)
            if f in ("card_made_date", "birth_date"):
                value = value.strftime("%Y%m%d")
            elif f == "received_at":
                value = value.isoformat()
            values.append(value)
        out.append((*values, e.entered_date.isoformat() if e.entered_date else None))
    return out


def settled() -> None:
    """Wait for the search-key threads (and the snapshot writes they end with)."""
    for thread in threading.enumerate():
        if thread.name == "waiting-keys":
            thread.join()


@pytest.fixture
def sources(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Where each load came from: "snapshot" or "rows"."""
    seen: list[str] = []
    real = snapshot.load

    def load(*args: Any) -> Any:
        found = real(*args)
        seen.append("rows" if found is None else "snapshot")
        return found

    monkeypatch.setattr(snapshot, "load", load)
    return seen


def check(t: Session) -> list[tuple[Any, ...]]:
    """Load the list, check it against the reference, let its snapshot be written."""
    index = t.waiting()
    rows = as_rows(index)
    assert rows == reference(t.vault.store)
    assert len(index) == len(rows)
    settled()
    return rows


def test_the_second_load_is_the_snapshot_and_equals_the_rows(
    linkage_server: LinkageServer, terminal_dir: Path, sources: list[str]
) -> None:
    linkage_server.put_notice(FILE.format(1), spr_file(spr_records(300)))
    with session(terminal_dir) as t:
        assert t.fetch().waiting_added == 300
        t.enter("AB00000003CD", date(2024, 5, 1))
        rows = check(t)
        path = snapshot.path_of(t.vault.store)
        assert path.exists() and sources == ["rows"]
        again = t.waiting()
        assert sources == ["rows", "snapshot"]
        assert as_rows(again) == rows
        assert again.get("AB00000003CD").entered_date == date(2024, 5, 1)
        # the search keys came with it: the same answers as a list built from rows
        built = entry.waiting.WaitingList(list(again))
        for query in ("kim", "李 花子", "AB0000001", "1953-04-13", "ｌｅｅ"):
            found = [e.card_number for e in again.search(query)]
            assert found == [e.card_number for e in built.search(query)], query
            assert found, query
    # sealed: no card number, name or address of the rows in the file's bytes
    raw = path.read_bytes()
    assert envelope.is_envelope(path)
    for text in ("AB00000003CD", "LEE TARO", "花子", "西新宿", "19530413"):
        assert text.encode("utf-8") not in raw
        assert text.encode("utf-16-le") not in raw
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_a_date_entry_keeps_the_snapshot_and_every_change_of_the_set_replaces_it(
    linkage_server: LinkageServer, terminal_dir: Path, sources: list[str]
) -> None:
    linkage_server.put_notice(FILE.format(1), spr_file(spr_records(40)))
    with session(terminal_dir) as t:
        t.fetch()
        check(t)
        t.enter("AB00000001CD", date(2024, 5, 1))  # the send queue only
        assert check(t)[1][-1] == "2024-05-01"
        assert sources[-1] == "snapshot"
        t.enter("AB00000001CD", date(2024, 5, 3))  # entered again: the latest counts
        assert check(t)[1][-1] == "2024-05-03" and sources[-1] == "snapshot"
        t.enter("AB00000002CD", date(2024, 5, 2))
        t.send()  # both leave the list
        assert len(check(t)) == 38 and sources[-1] == "rows"
        check(t)
        assert sources[-1] == "snapshot"
        # a resent notice with other data for a waiting card, and one that reports a date
        changed = spr_records(1, start=5)[0] | {"address": "東京都中野区1丁目"}
        reported = spr_records(1, start=6)[0] | {"card_delivered_date": "20240510"}
        new = spr_records(2, start=100)
        linkage_server.put_notice(FILE.format(2), spr_file([changed, reported, *new]))
        assert t.fetch().files == 1
        rows = check(t)
        assert sources[-1] == "rows" and len(rows) == 38 - 1 + 2
        assert next(r for r in rows if r[0] == "AB00000005CD")[11] == "東京都中野区1丁目"
        check(t)
        assert sources[-1] == "snapshot"


def test_a_change_made_by_another_process(
    linkage_server: LinkageServer, terminal_dir: Path, sources: list[str]
) -> None:
    linkage_server.put_notice(FILE.format(1), spr_file(spr_records(30)))
    env = dict(os.environ, PYTHONPATH=str(ROOT), RENKEI_PASSPHRASE=PASSPHRASE)
    with session(terminal_dir) as t:
        t.fetch()
        check(t)
        linkage_server.put_notice(FILE.format(2), spr_file(spr_records(5, start=30)))
        other = subprocess.Popen(
            [sys.executable, "-m", "tests.support.session_proc", str(terminal_dir)],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert other.stdin is not None and other.stdout is not None
        answers = []
        for line in ("fetch", "enter AB00000004CD 2024-05-04", "send", "quit"):
            answers.append(json.loads(other.stdout.readline()))
            other.stdin.write(line + "\n")
            other.stdin.flush()
        answers.append(json.loads(other.stdout.readline()))
        assert other.wait(60) == 0
        assert answers[1] == {"ok": {"files": 1, "records": 5}}, answers
        assert answers[3]["ok"]["accepted"] == 1, answers
        rows = check(t)
        assert sources[-1] == "rows" and len(rows) == 30 + 5 - 1
        check(t)
        assert sources[-1] == "snapshot"


def test_an_older_cut_altered_or_foreign_snapshot_is_not_used(
    linkage_server: LinkageServer,
    terminal_dir: Path,
    sources: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(snapshot, "CHUNK", 4096)  # a small list still spans chunks
    linkage_server.put_notice(FILE.format(1), spr_file(spr_records(50)))
    with session(terminal_dir) as t:
        t.fetch()
        check(t)
        path = snapshot.path_of(t.vault.store)
        older = path.read_bytes()
        linkage_server.put_notice(FILE.format(2), spr_file(spr_records(3, start=50)))
        t.fetch()
        check(t)  # rows, and a new snapshot
        current = path.read_bytes()
        assert current != older

        def put(content: bytes) -> None:
            path.write_bytes(content)
            sources.clear()
            assert len(check(t)) == 53  # checks it against the reference
            assert sources == ["rows"]
            assert path.read_bytes() != content  # replaced by a snapshot of now
            check(t)
            assert sources == ["rows", "snapshot"]

        put(older)  # a copy of the file from before the fetch
        chunk = 4096 + 16  # a chunk and its tag
        head = envelope.HEADER_SIZE
        assert len(current) > head + chunk  # more than one chunk: cut at a boundary too
        put(current[: head + chunk])  # cut after its first chunk
        put(current[:-1])  # cut inside the last
        put(current + b"\0")  # something after it
        altered = bytearray(current)
        altered[len(altered) // 2] ^= 1
        put(bytes(altered))
        put(b"")
        inbox = next((terminal_dir / "files" / "inbox").iterdir())
        put(inbox.read_bytes())  # another envelope under the same key
        path.unlink()
        sources.clear()
        check(t)
        assert sources == ["rows"] and path.exists()


KILLED_WRITER = """
import sys, threading, time
from core.session import unlock
from core.vault import envelope
real = envelope.EnvelopeWriter.write
calls = []
def write(self, data):
    calls.append(1)
    if len(calls) == 12:  # well inside the snapshot: its first parts are written
        print("writing", flush=True)
        time.sleep(600)
    return real(self, data)
envelope.EnvelopeWriter.write = write
with unlock(sys.argv[1], sys.argv[2]) as t:
    t.waiting()
    for thread in threading.enumerate():
        if thread.name == "waiting-keys":
            thread.join()
print("no snapshot written", flush=True)
"""


def test_a_writer_killed_mid_write_leaves_the_old_snapshot_or_none(
    linkage_server: LinkageServer, terminal_dir: Path, sources: list[str]
) -> None:
    linkage_server.put_notice(FILE.format(1), spr_file(spr_records(3000)))
    with session(terminal_dir) as t:
        t.fetch()
        check(t)
        path = snapshot.path_of(t.vault.store)
        before = path.read_bytes()
        linkage_server.put_notice(FILE.format(2), spr_file(spr_records(2, start=3000)))
        t.fetch()  # the snapshot on disk is now of an older state
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(terminal_dir), PASSPHRASE],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline() == "writing\n"
    temps = [p for p in path.parent.iterdir() if p.name.startswith(".tmp-")]
    assert temps  # its snapshot was being written beside the old one
    child.send_signal(signal.SIGKILL)
    child.wait(30)
    assert path.read_bytes() == before  # the old file, whole
    with session(terminal_dir) as t:
        sources.clear()
        assert len(check(t)) == 3002
        check(t)
        assert sources == ["rows", "snapshot"]


def test_no_snapshot_is_written_once_the_vault_is_locked(
    linkage_server: LinkageServer, terminal_dir: Path
) -> None:
    linkage_server.put_notice(FILE.format(1), spr_file(spr_records(20)))
    with session(terminal_dir) as t:
        t.fetch()
        store = t.vault.store
        now = snapshot.token(store)
        index = entry.waiting.WaitingList.from_columns(entry._row_chunks(store), keys="now")
    assert store.closed
    assert snapshot.save(store, now, index) is False
    assert not snapshot.path_of(store).exists()
    assert not [p for p in snapshot.path_of(store).parent.iterdir() if p.name.startswith(".tmp")]


def test_a_snapshot_load_peaks_lower_than_a_load_from_the_rows(
    linkage_server: LinkageServer,
    terminal_dir: Path,
    sources: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Bytes by ``tracemalloc``, not time: both loads with their search keys built."""
    linkage_server.put_notice(FILE.format(1), spr_file(spr_records(20_000)))
    with session(terminal_dir) as t:
        t.fetch()
        store = t.vault.store
        normalise("髙")  # tables read once per process, in neither measure
        keys_version()
        saved: list[Any] = []
        monkeypatch.setattr(snapshot, "save_quietly", lambda *args: saved.append(args))
        gc.collect()
        tracemalloc.start()
        try:
            index = t.waiting()
            index._search_keys()
            rows_peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        settled()
        assert snapshot.save(*saved[0])  # the save the keys thread would have made
        del index
        gc.collect()
        tracemalloc.start()
        try:
            index = t.waiting()
            snapshot_peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert sources == ["rows", "snapshot"]
        assert len(index) == 20_000
        assert snapshot_peak <= rows_peak, (snapshot_peak, rows_peak)
        assert as_rows(index) == reference(store)


def test_renkei_fetch_and_send_from_cron_leave_the_list_sealed_for_the_next_unlock(
    linkage_server: LinkageServer,
    terminal_dir: Path,
    sources: list[str],
    renkei_cmd: list[str],
    cli_env: dict[str, str],
) -> None:
    env = dict(cli_env, RENKEI_PASSPHRASE=PASSPHRASE, RENKEI_UNLOCK_DELAY="0.01")

    def renkei(*args: str) -> None:
        done = subprocess.run(
            [*renkei_cmd, *args, "--data", str(terminal_dir), "--lang", "en"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr

    linkage_server.put_notice(FILE.format(1), spr_file(spr_records(25)))
    renkei("fetch")
    with session(terminal_dir) as t:
        assert len(check(t)) == 25 and sources == ["snapshot"]
        t.enter("AB00000002CD", date(2024, 5, 2))
    renkei("send")
    with session(terminal_dir) as t:
        assert len(check(t)) == 24 and sources == ["snapshot", "snapshot"]
        assert t.seal_waiting() is False  # already of this state: nothing written


def test_no_snapshot_takes_the_last_free_space_of_the_disk(
    linkage_server: LinkageServer,
    terminal_dir: Path,
    sources: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    linkage_server.put_notice(FILE.format(1), spr_file(spr_records(20)))
    free = shutil.disk_usage(terminal_dir).free
    monkeypatch.setattr(snapshot, "SPARE", free)  # as if the disk were nearly full
    with session(terminal_dir) as t:
        t.fetch()
        check(t)
        check(t)
        assert sources == ["rows", "rows"]
        path = snapshot.path_of(t.vault.store)
        assert not path.exists()
        assert not [p for p in path.parent.iterdir() if p.name.startswith(".tmp")]
