"""Two real processes on one data directory (README "Concurrency model").

A long-lived session (``tests.support.session_proc``, what the TUI holds open)
and ``renkei send`` from cron, one of them paused at each step boundary of a
send (``RENKEI_PAUSE_AT``) while the other runs; the same for ``renkei fetch``;
then two ``renkei send`` and two ``renkei fetch`` at once, round after round, some killed at random.
Expected: the server (the reference server, read from its own folder) holds
each entered record exactly once, nothing is left queued, sending or on disk,
and no process ends with exit 70.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from core.errors import EXIT_INTERNAL, EXIT_LOCKED
from core.session import unlock
from tests.support.linkage import (
    PASSPHRASE,
    LinkageServer,
    Sleeps,
    make_terminal,
    spr_file,
    spr_records,
)

ROUNDS = int(os.environ.get("RENKEI_CONCURRENCY_ROUNDS", "20"))  # the 100: set it
CERTS = max(40, 2 * ROUNDS)

SEND_STEPS = [
    "send.locked",
    "send.reserved",
    "send.built",
    "send.marked",
    "send.posted",
    "send.recorded",
]


class Procs:
    """Start ``renkei`` commands and the long-lived session on one data directory."""

    def __init__(self, renkei_cmd: list[str], env: dict[str, str], data: Path, pauses: Path):
        self.cmd = renkei_cmd
        self.env = dict(
            env,
            RENKEI_PASSPHRASE=PASSPHRASE,
            RENKEI_UNLOCK_DELAY="0.01",
            RENKEI_PAUSE_DIR=str(pauses),
            RENKEI_LOCK_WAIT="60",
        )
        self.data = data
        self.pauses = pauses

    def command(self, name: str, **extra: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [*self.cmd, name, "--data", str(self.data), "--lang", "en"],
            env=dict(self.env, **extra),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def session(self, **extra: str) -> Session:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.support.session_proc", str(self.data)],
            env=dict(self.env, **extra),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        return Session(proc)

    def wait_paused(self, step: str, proc: subprocess.Popen[str] | None = None) -> None:
        marker = self.pauses / f"{step}.paused"
        while not marker.exists():
            if proc is not None and proc.poll() is not None:
                raise AssertionError(f"{step}: process ended before pausing ({proc.returncode})")
            time.sleep(0.01)

    def resume(self, step: str) -> None:
        (self.pauses / f"{step}.go").touch()

    @contextlib.contextmanager
    def released(self, step: str) -> Iterator[None]:
        """While inside, every stop at ``step`` is let go at once (the pause hook
        stays set in a long-lived process: a later pass must not wait for it)."""
        stop = threading.Event()

        def release() -> None:
            while not stop.is_set():
                go = self.pauses / f"{step}.go"
                if (self.pauses / f"{step}.paused").exists() and not go.exists():
                    go.touch()
                time.sleep(0.01)

        helper = threading.Thread(target=release, daemon=True)
        helper.start()
        try:
            yield
        finally:
            stop.set()
            helper.join()

    def run_through(self, step: str, proc: subprocess.Popen[str]) -> None:
        """Let ``proc`` go on each time it stops at ``step``, until it ends."""
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            go = self.pauses / f"{step}.go"
            if (self.pauses / f"{step}.paused").exists() and not go.exists():
                go.touch()
            time.sleep(0.01)


class Session:
    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        assert self.answer()["ok"] == "ready"

    def ask(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def answer(self) -> dict:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line, f"session ended (exit {self.proc.wait()})"
        return json.loads(line)

    def run(self, line: str) -> dict:
        self.ask(line)
        return self.answer()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.run("quit")
        assert self.proc.wait(timeout=60) == 0


@pytest.fixture
def procs(renkei_cmd, cli_env, tmp_path: Path, linkage_server: LinkageServer) -> Procs:
    data = make_terminal(tmp_path / "terminal", linkage_server)
    linkage_server.put_notice("spr-131041-20261121-0001.csv", spr_file(spr_records(CERTS)))
    with unlock(data, PASSPHRASE, sleep=Sleeps()) as t:
        t.fetch()
    pauses = tmp_path / "pauses"
    pauses.mkdir()
    return Procs(renkei_cmd, cli_env, data, pauses)


def _card(n: int) -> str:
    return f"AB{n:08d}CD"


def _assert_settled(server: LinkageServer, data: Path, entered: list[str]) -> None:
    received = Counter(r["card_number"] for r in server.received_records())
    assert received == Counter(entered)  # each entered record exactly once
    with unlock(data, PASSPHRASE, sleep=Sleeps()) as t:
        st = t.status()
        assert (st.sent, st.queued, st.sending, st.pending_batches) == (len(entered), 0, 0, 0)
        states = t.vault.store.query("SELECT state FROM exchange_batches")
        assert {r[0] for r in states} <= {"done"}
    assert not list((data / "files" / "outbox").glob("*.rke"))


@pytest.mark.parametrize("step", SEND_STEPS)
def test_cron_send_paused_while_the_session_sends(
    step: str, procs: Procs, linkage_server: LinkageServer
) -> None:
    session = procs.session()
    try:
        for n in range(3):
            assert session.run(f"enter {_card(n)} 2024-05-0{n + 1}") == {"ok": "entered"}
        cron = procs.command("send", RENKEI_PAUSE_AT=step)
        procs.wait_paused(step, cron)
        # while cron stands at the boundary the session keeps working and sends (an
        # entry waits for the database if cron stands inside a transaction; the send
        # waits for cron's step lock)
        for n in range(3, 5):
            session.ask(f"enter {_card(n)} 2024-05-0{n + 1}")
        session.ask("send")
        time.sleep(0.2)
        procs.resume(step)
        _, err = cron.communicate(timeout=60)
        assert cron.returncode == 0, err
        assert [session.answer() for _ in range(2)] == [{"ok": "entered"}] * 2
        answer = session.answer()
        assert "ok" in answer, answer
        assert session.run("send") == {"ok": {"files": 0, "accepted": 0, "rejected": 0}}
    finally:
        session.close()
    _assert_settled(linkage_server, procs.data, [_card(n) for n in range(5)])


@pytest.mark.parametrize("step", SEND_STEPS)
def test_session_send_paused_while_cron_sends(
    step: str, procs: Procs, linkage_server: LinkageServer
) -> None:
    session = procs.session(RENKEI_PAUSE_AT=step)
    try:
        for n in range(3):
            assert session.run(f"enter {_card(n)} 2024-05-0{n + 1}") == {"ok": "entered"}
        session.ask("send")
        procs.wait_paused(step, session.proc)
        # more processes: two entries (they wait for the database if the session
        # stands inside a transaction) and cron's send (it waits for the step lock)
        enters = [
            subprocess.Popen(
                [*procs.cmd, "enter", _card(n), f"2024-05-0{n + 1}", "--data", str(procs.data)],
                env=procs.env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for n in range(3, 5)
        ]
        cron = procs.command("send")
        time.sleep(0.2)
        procs.resume(step)
        assert "ok" in session.answer()
        for proc in [*enters, cron]:
            _, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err
        with procs.released(step):  # whatever cron's send did not find yet
            assert "ok" in session.run("send")
    finally:
        session.close()
    _assert_settled(linkage_server, procs.data, [_card(n) for n in range(5)])


FETCH_STEPS = [
    "fetch.listed",
    "fetch.downloaded",
    "fetch.stored",
    "fetch.recorded",
    "fetch.receipted",
]


@pytest.mark.parametrize("step", FETCH_STEPS)
def test_cron_fetch_paused_while_the_session_fetches(
    step: str, procs: Procs, linkage_server: LinkageServer
) -> None:
    for n in range(2):
        recs = spr_records(5, start=1000 + 5 * n)
        linkage_server.put_notice(f"spr-131041-20261122-{n:04d}.csv", spr_file(recs))
    session = procs.session()
    try:
        cron = procs.command("fetch", RENKEI_PAUSE_AT=step)
        procs.wait_paused(step, cron)
        session.ask("fetch")  # waits for cron's fetch lock
        time.sleep(0.2)
        procs.run_through(step, cron)  # the step passes once per file
        _, err = cron.communicate(timeout=60)
        assert cron.returncode == 0, err
        assert "ok" in session.answer()
    finally:
        session.close()
    db = sqlite3.connect(linkage_server.root / "server.sqlite")
    receipts = sorted(r[0] for r in db.execute("SELECT file_id FROM receipts"))
    db.close()
    assert receipts == [
        "spr-131041-20261121-0001",
        "spr-131041-20261122-0000",
        "spr-131041-20261122-0001",
    ]
    with unlock(procs.data, PASSPHRASE, sleep=Sleeps()) as t:
        rows = t.vault.store.query("SELECT state, count(*) FROM exchange_inbox GROUP BY state")
        assert {r[0]: r[1] for r in rows} == {"receipted": 3}
        assert len(t.waiting()) == CERTS + 10
    assert len(list((procs.data / "files" / "inbox").glob("*.rke"))) == 3


def test_a_held_lock_is_reported_with_its_holder(procs: Procs) -> None:
    """Waiting is bounded: then the command says who holds the step (exit 3, not 70)."""
    session = procs.session(RENKEI_PAUSE_AT="send.marked")
    try:
        assert session.run(f"enter {_card(0)} 2024-05-01") == {"ok": "entered"}
        session.ask("send")
        procs.wait_paused("send.marked", session.proc)
        cron = procs.command("send", RENKEI_LOCK_WAIT="0.3")
        _, err = cron.communicate(timeout=60)
        assert cron.returncode == EXIT_LOCKED, err
        assert f"pid {session.proc.pid}" in err and "send" in err
        assert "Traceback" not in err
        procs.resume("send.marked")
        assert "ok" in session.answer()
    finally:
        session.close()


def _rounds(procs: Procs, command: str, rounds: int, before_round) -> list[int]:
    """``rounds`` times: two ``renkei COMMAND`` at once, one of them killed at a
    random instant in two rounds of three; the exit codes seen."""
    rng = random.Random(f"{command}-20261127")
    codes: list[int] = []
    for n in range(rounds):
        before_round(n)
        pair = [procs.command(command), procs.command(command)]
        if n % 3:
            time.sleep(rng.uniform(0.0, 1.0))
            pair[rng.randrange(2)].send_signal(signal.SIGKILL)
        for proc in pair:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode != EXIT_INTERNAL, err
            assert proc.returncode in (0, -signal.SIGKILL), err
            codes.append(proc.returncode)
    return codes


@pytest.mark.slow
def test_two_sends_at_once_with_random_kills(procs: Procs, linkage_server: LinkageServer) -> None:
    entered: list[str] = []

    def enter(n: int) -> None:
        with unlock(procs.data, PASSPHRASE, sleep=Sleeps()) as t:
            for k in range(2):
                card = _card(2 * n + k)
                t.enter(card, date(2024, 5, 1))
                entered.append(card)

    _rounds(procs, "send", ROUNDS, enter)
    last = procs.command("send")
    _, err = last.communicate(timeout=60)
    assert last.returncode == 0, err
    _assert_settled(linkage_server, procs.data, entered)


@pytest.mark.slow
def test_two_fetches_at_once_with_random_kills(procs: Procs, linkage_server: LinkageServer) -> None:
    def offer(n: int) -> None:
        recs = spr_records(10, start=1000 + 10 * n)
        linkage_server.put_notice(f"spr-131041-20261122-{n:04d}.csv", spr_file(recs))

    _rounds(procs, "fetch", ROUNDS, offer)
    last = procs.command("fetch")
    _, err = last.communicate(timeout=60)
    assert last.returncode == 0, err
    db = sqlite3.connect(linkage_server.root / "server.sqlite")
    receipts = [r[0] for r in db.execute("SELECT file_id FROM receipts")]
    db.close()
    assert Counter(receipts) == Counter(
        ["spr-131041-20261121-0001", *(f"spr-131041-20261122-{n:04d}" for n in range(ROUNDS))]
    )
    with unlock(procs.data, PASSPHRASE, sleep=Sleeps()) as t:
        rows = t.vault.store.query("SELECT state, count(*) FROM exchange_inbox GROUP BY state")
        assert {r[0]: r[1] for r in rows} == {"receipted": ROUNDS + 1}
        assert len(t.waiting()) == CERTS + 10 * ROUNDS
    assert len(list((procs.data / "files" / "inbox").glob("*.rke"))) == ROUNDS + 1


def test_a_directory_held_by_recover_is_reported_with_its_holder(procs: Procs) -> None:
    """While a process has the data directory to itself (recover, rekey), another
    command waits a bounded time and then names it (exit 3, not 70)."""
    from core.datadir.unlock import open_vault

    with open_vault(procs.data, PASSPHRASE, exclusive=True, delay_base=0.0):
        done = procs.command("status", RENKEI_LOCK_WAIT="0.3")
        _, err = done.communicate(timeout=60)
    assert done.returncode == EXIT_LOCKED, err
    assert f"pid {os.getpid()}" in err and "Traceback" not in err
    again = procs.command("status")
    _, err = again.communicate(timeout=60)
    assert again.returncode == 0, err
