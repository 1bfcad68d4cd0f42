"""SIGKILL at every step boundary of fetch and send, and at random instants:
after a rerun nothing is lost and nothing is doubled.

The CLI kills itself at a named step when ``RENKEI_KILL_AT`` names it
(``core.exchange.ledger.checkpoint``); random kills come from outside.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import time
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from core.session import unlock
from tests.support.linkage import (
    PASSPHRASE,
    LinkageServer,
    Sleeps,
    linkage_server,
    make_terminal,
    spr_file,
    spr_records,
)

__all__ = ["linkage_server"]

FETCH_STEPS = [
    "fetch.listed",
    "fetch.downloaded",
    "fetch.downloaded#2",
    "fetch.stored",
    "fetch.recorded",
    "fetch.recorded#2",
    "fetch.receipted",
    "fetch.receipted#2",
]
SEND_STEPS = [
    "send.locked",
    "send.reserved",
    "send.built",
    "send.marked",
    "send.posted",
    "send.recorded",
]


@pytest.fixture
def cli(renkei_cmd: list[str], cli_env: dict[str, str], tmp_path: Path):
    env = dict(cli_env, RENKEI_PASSPHRASE=PASSPHRASE, RENKEI_UNLOCK_DELAY="0.01")
    data = tmp_path / "terminal"

    def start(command: str, kill_at: str = "") -> subprocess.Popen[str]:
        run_env = dict(env, RENKEI_KILL_AT=kill_at) if kill_at else env
        return subprocess.Popen(
            [*renkei_cmd, command, "--data", str(data), "--lang", "en"],
            env=run_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    return data, start


def _check_fetch_complete(server: LinkageServer, data: Path, files: int, certs: int) -> None:
    db = sqlite3.connect(server.root / "server.sqlite")
    receipts = db.execute("SELECT file_id, count(*) FROM receipts GROUP BY file_id").fetchall()
    assert len(receipts) == files and all(n == 1 for _, n in receipts)
    with unlock(data, PASSPHRASE, sleep=Sleeps()) as t:
        rows = t.vault.store.query("SELECT state, count(*) FROM exchange_inbox GROUP BY state")
        assert {r[0]: r[1] for r in rows} == {"receipted": files}
        assert len(t.waiting()) == certs
    assert len(list((data / "files" / "inbox").glob("*.rke"))) == files


@pytest.mark.parametrize("step", FETCH_STEPS)
def test_fetch_killed_at_each_step(step: str, cli, linkage_server: LinkageServer) -> None:
    data, start = cli
    make_terminal(data, linkage_server)
    linkage_server.put_notice("spr-131041-20261121-0001.csv", spr_file(spr_records(10)))
    linkage_server.put_notice("spr-131041-20261121-0002.csv", spr_file(spr_records(5, 10)))
    killed = start("fetch", step)
    killed.communicate(timeout=60)
    assert killed.returncode == -signal.SIGKILL
    again = start("fetch")
    _, err = again.communicate(timeout=60)
    assert again.returncode == 0, err
    _check_fetch_complete(linkage_server, data, files=2, certs=15)


@pytest.mark.parametrize("step", SEND_STEPS)
def test_send_killed_at_each_step(step: str, cli, linkage_server: LinkageServer) -> None:
    data, start = cli
    make_terminal(data, linkage_server)
    linkage_server.put_notice("spr-131041-20261121-0001.csv", spr_file(spr_records(10)))
    with unlock(data, PASSPHRASE, sleep=Sleeps()) as t:
        t.fetch()
        for n in range(5):
            t.enter(f"AB{n:08d}CD", date(2024, 5, 1 + n))
    killed = start("send", step)
    killed.communicate(timeout=60)
    assert killed.returncode == -signal.SIGKILL
    again = start("send")
    _, err = again.communicate(timeout=60)
    assert again.returncode == 0, err
    received = Counter(r["card_number"] for r in linkage_server.received_records())
    assert received == Counter(f"AB{n:08d}CD" for n in range(5))
    with unlock(data, PASSPHRASE, sleep=Sleeps()) as t:
        st = t.status()
        assert (st.sent, st.queued, st.sending, st.pending_batches) == (5, 0, 0, 0)
    assert not list((data / "files" / "outbox").glob("*.rke"))


KILLS = 28


@pytest.mark.slow
def test_killed_at_random_instants(cli, linkage_server: LinkageServer) -> None:
    """Runs of fetch or send, each killed at a random instant, until 28 were killed
    while still working; then one clean run each completes everything.

    A run that finished before its kill does not count, and the kill delay starts
    at 0 s, so every run may be killed whatever the machine's speed: the loop ends
    on the number of kills, never on a clock.
    """
    data, start = cli
    make_terminal(data, linkage_server)
    rng = random.Random(20261121)
    linkage_server.put_notice("spr-131041-20261120-0000.csv", spr_file(spr_records(80)))
    with unlock(data, PASSPHRASE, sleep=Sleeps()) as t:
        t.fetch()
    # every request a little slow, so kills land inside transfers as well as between steps
    linkage_server.faults({"match": "*", "action": "delay", "seconds": 0.03})
    entered: list[str] = []
    files = 1
    runs = killed = 0
    while killed < KILLS:
        if runs % 2 == 0:
            card = f"AB{len(entered):08d}CD"
            with unlock(data, PASSPHRASE, sleep=Sleeps()) as t:
                t.enter(card, date(2024, 5, 1))
            entered.append(card)
            proc = start("send")
        else:
            recs = spr_records(20, start=1000 + 20 * files)
            linkage_server.put_notice(f"spr-131041-20261121-{files:04d}.csv", spr_file(recs))
            files += 1
            proc = start("fetch")
        time.sleep(rng.uniform(0.0, 1.2))
        proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode in (0, -signal.SIGKILL), err
        killed += proc.returncode == -signal.SIGKILL
        runs += 1
    linkage_server.clear_faults()
    for command in ("fetch", "send"):
        done = start(command)
        _, err = done.communicate(timeout=60)
        assert done.returncode == 0, err
    received = Counter(r["card_number"] for r in linkage_server.received_records())
    assert received == Counter(entered)  # each entered record exactly once
    _check_fetch_complete(
        linkage_server, data, files=files, certs=80 + 20 * (files - 1) - len(entered)
    )
