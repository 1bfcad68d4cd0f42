"""A restored ``renkei.db`` is noticed, refused for writing, and ``renkei
recover`` puts the terminal right against the reference server.

Backups are copies of the real files: ``renkei.db`` alone once every session
closed (the WAL folded in), or ``renkei.db`` with its ``-wal`` while a session
is open. Expected values come from what the test put on the server (its
files and certificates) and entered, read back from the server's own folder.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from core.errors import EXIT_LOCKED, EXIT_PROBLEMS
from core.session import unlock
from tests.support.linkage import (
    PASSPHRASE,
    LinkageServer,
    Sleeps,
    make_terminal,
    spr_file,
    spr_records,
)

DB = "renkei.db"


class Cli:
    def __init__(self, renkei_cmd: list[str], env: dict[str, str], data: Path) -> None:
        self.cmd, self.data = renkei_cmd, data
        self.env = dict(env, RENKEI_PASSPHRASE=PASSPHRASE, RENKEI_UNLOCK_DELAY="0.01")

    def run(self, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.cmd, *args, "--data", str(self.data), "--lang", "en"],
            env=dict(self.env, **extra),
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )


@pytest.fixture
def cli(renkei_cmd, cli_env, tmp_path: Path, linkage_server: LinkageServer) -> Cli:
    data = make_terminal(tmp_path / "terminal", linkage_server)
    return Cli(renkei_cmd, cli_env, data)


def _backup(data: Path, to: Path, with_wal: bool) -> None:
    to.mkdir()
    shutil.copy2(data / DB, to / DB)
    if with_wal:
        assert (data / f"{DB}-wal").exists()
        shutil.copy2(data / f"{DB}-wal", to / f"{DB}-wal")


def _restore(backup: Path, data: Path) -> None:
    for suffix in ("-wal", "-shm"):
        (data / f"{DB}{suffix}").unlink(missing_ok=True)
    for path in backup.iterdir():
        shutil.copy2(path, data / path.name)


def _assert_every_writing_command_refuses(cli: Cli, tmp_path: Path) -> None:
    new = tmp_path / "new-passphrase"
    new.write_text("another long passphrase\n")
    for args in (
        ("send",),
        ("fetch",),
        ("enter", "AB00000001CD", "2024-05-02"),
        ("passwd", "--new-passphrase-file", str(new)),
        ("rekey",),
    ):
        done = cli.run(*args)
        assert done.returncode == EXIT_LOCKED, (args, done.stderr)
        assert "renkei recover" in done.stderr and "Traceback" not in done.stderr, args
    status = cli.run("status")  # reading still works, with the warning
    assert status.returncode == 0 and "renkei recover" in status.stderr


def _server_cards(server: LinkageServer) -> Counter[str]:
    return Counter(r["card_number"] for r in server.received_records())


@pytest.mark.parametrize("with_wal", [False, True], ids=["db-only", "db+wal"])
def test_restored_from_before_a_send(
    with_wal: bool, cli: Cli, tmp_path: Path, linkage_server: LinkageServer
) -> None:
    linkage_server.put_notice("spr-131041-20261121-0001.csv", spr_file(spr_records(10)))
    backup = tmp_path / "backup"
    with unlock(cli.data, PASSPHRASE, sleep=Sleeps()) as t:
        t.fetch()
        for n in range(3):
            t.enter(f"AB{n:08d}CD", date(2024, 5, 1 + n))
        if with_wal:
            _backup(cli.data, backup, True)
    if not with_wal:
        _backup(cli.data, backup, False)
    sent = cli.run("send")
    assert sent.returncode == 0, sent.stderr
    _restore(backup, cli.data)

    _assert_every_writing_command_refuses(cli, tmp_path)
    assert _server_cards(linkage_server) == Counter(f"AB{n:08d}CD" for n in range(3))

    done = cli.run("recover")
    assert done.returncode == 0, done.stderr
    assert "3 records the server already held marked sent" in done.stdout
    with unlock(cli.data, PASSPHRASE, sleep=Sleeps()) as t:
        st = t.status()
        assert (st.sent, st.queued, st.sending, st.pending_batches) == (3, 0, 0, 0)
        assert st.waiting == 7
    again = cli.run("send")
    assert again.returncode == 0, again.stderr
    assert cli.run("enter", "AB00000005CD", "2024-05-06").returncode == 0
    assert cli.run("send").returncode == 0
    assert _server_cards(linkage_server) == Counter(
        [*(f"AB{n:08d}CD" for n in range(3)), "AB00000005CD"]
    )
    assert cli.run("audit", "verify").returncode == 0


@pytest.mark.parametrize("with_wal", [False, True], ids=["db-only", "db+wal"])
def test_restored_from_before_a_fetch(
    with_wal: bool, cli: Cli, tmp_path: Path, linkage_server: LinkageServer
) -> None:
    linkage_server.put_notice("spr-131041-20261121-0001.csv", spr_file(spr_records(5)))
    backup = tmp_path / "backup"
    with unlock(cli.data, PASSPHRASE, sleep=Sleeps()) as t:
        t.fetch()
        if with_wal:
            _backup(cli.data, backup, True)
    if not with_wal:
        _backup(cli.data, backup, False)
    linkage_server.put_notice("spr-131041-20261121-0002.csv", spr_file(spr_records(5, 100)))
    assert cli.run("fetch").returncode == 0
    # one certificate of the new file entered and sent after the backup
    assert cli.run("enter", "AB00000100CD", "2024-05-01").returncode == 0
    assert cli.run("send").returncode == 0
    _restore(backup, cli.data)

    _assert_every_writing_command_refuses(cli, tmp_path)

    done = cli.run("recover")
    assert done.returncode == 0, done.stderr
    assert "1 receipted files fetched again (5 certificates back" in done.stdout
    assert "holds 1 municipal notices this database does not know" in done.stdout
    with unlock(cli.data, PASSPHRASE, sleep=Sleeps()) as t:
        # every certificate back on the 未入力 list (the one sent after the
        # backup is reported above and stays on the list)
        cards = {e.card_number for e in t.waiting()}
        assert cards == {f"AB{n:08d}CD" for n in (*range(5), *range(100, 105))}
        files = {f.file_id: f.status for f in t.inbox()}
        assert set(files) == {"spr-131041-20261121-0001", "spr-131041-20261121-0002"}
        rows = t.vault.store.query("SELECT state FROM exchange_inbox")
        assert {r[0] for r in rows} == {"receipted"}
    db = sqlite3.connect(linkage_server.root / "server.sqlite")
    receipts = Counter(r[0] for r in db.execute("SELECT file_id FROM receipts"))
    db.close()
    assert receipts == Counter(["spr-131041-20261121-0001", "spr-131041-20261121-0002"])
    assert _server_cards(linkage_server) == Counter(["AB00000100CD"])
    assert cli.run("fetch").returncode == 0  # writing works again


def test_a_receipted_file_the_server_no_longer_has_is_reported(
    cli: Cli, tmp_path: Path, linkage_server: LinkageServer
) -> None:
    backup = tmp_path / "backup"
    _backup(cli.data, backup, False)
    path = linkage_server.put_notice("spr-131041-20261121-0001.csv", spr_file(spr_records(5)))
    assert cli.run("fetch").returncode == 0
    path.unlink()
    _restore(backup, cli.data)
    done = cli.run("recover")
    assert done.returncode == EXIT_PROBLEMS
    assert "spr-131041-20261121-0001 was receipted but the linkage server no longer" in (
        done.stderr
    )
    assert cli.run("fetch").returncode == 0  # the terminal works again


def test_audit_cut_with_the_head_put_back_is_found(cli: Cli, linkage_server: LinkageServer) -> None:
    linkage_server.put_notice("spr-131041-20261121-0001.csv", spr_file(spr_records(5)))
    with unlock(cli.data, PASSPHRASE, sleep=Sleeps()) as t:
        t.fetch()
        store = t.vault.store
        seq = store.query("SELECT max(seq) FROM audit_log")[0][0]
        head = store.meta("audit_head")
        t.enter("AB00000001CD", date(2024, 5, 2))
        t.enter("AB00000002CD", date(2024, 5, 3))
    db = sqlite3.connect(cli.data / DB)
    with db:
        db.execute("DELETE FROM audit_log WHERE seq > ?", (seq,))
        db.execute("UPDATE vault_meta SET value = ? WHERE name = 'audit_head'", (head,))
    db.close()
    verify = cli.run("audit", "verify")
    assert verify.returncode == 1, verify.stdout + verify.stderr
    assert f"{seq + 1}" in verify.stdout + verify.stderr
    refused = cli.run("enter", "AB00000003CD", "2024-05-04")
    assert refused.returncode == EXIT_LOCKED and "audit log is shorter" in refused.stderr


def test_recover_on_an_up_to_date_database_changes_nothing(
    cli: Cli, linkage_server: LinkageServer
) -> None:
    linkage_server.put_notice("spr-131041-20261121-0001.csv", spr_file(spr_records(5)))
    assert cli.run("fetch").returncode == 0
    assert cli.run("enter", "AB00000001CD", "2024-05-02").returncode == 0
    assert cli.run("send").returncode == 0
    done = cli.run("recover")
    assert done.returncode == 0, done.stderr
    assert "no rollback found" in done.stdout
    assert "0 records the server already held marked sent" in done.stdout
    assert "0 receipted files fetched again" in done.stdout
    with unlock(cli.data, PASSPHRASE, sleep=Sleeps()) as t:
        st = t.status()
        assert (st.waiting, st.sent, st.queued) == (4, 1, 0)
    assert _server_cards(linkage_server) == Counter(["AB00000001CD"])
