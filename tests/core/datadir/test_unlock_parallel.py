"""Wrong passphrases guessed in parallel: none is lost from the failure count,
each waits the delay the ones before it earned, and editing the database does
not reset the count (it lives in the operator's ``unlock-<name>.json`` under its
own lock).

Expected delays are the documented schedule (README: each failure doubles the
wait), computed here from the base, not taken from the code's output.
"""

from __future__ import annotations

import itertools
import json
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest

from core.datadir.anchor import failures_names
from core.datadir.unlock import default_operator, open_vault
from core.vault.errors import WrongPassphrase
from tests.support.linkage import PASSPHRASE, LinkageServer, make_terminal

BASE = 0.05
GUESSES = 8


def _expected(failures_before: int) -> float:
    """README: 0 s after no failure, then base, 2·base, 4·base … (capped at 60 s)."""
    return 0.0 if failures_before == 0 else min(60.0, BASE * 2 ** (failures_before - 1))


def test_eight_parallel_wrong_guesses(
    renkei_cmd, cli_env, tmp_path: Path, linkage_server: LinkageServer
) -> None:
    data = make_terminal(tmp_path / "terminal", linkage_server)
    env = dict(cli_env, RENKEI_PASSPHRASE="not the passphrase", RENKEI_UNLOCK_DELAY=str(BASE))
    procs = [
        subprocess.Popen(
            [*renkei_cmd, "status", "--data", str(data), "--lang", "en"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(GUESSES)
    ]
    seen = []
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 3, err
        assert "Traceback" not in err
        seen.append(int(re.search(r"\(failure (\d+) in a row\)", err)[1]))  # catalogue (en)
    assert sorted(seen) == list(range(1, GUESSES + 1))  # no update lost

    state = json.loads((data / failures_names(default_operator())[0]).read_text())
    assert state["failures"] == GUESSES
    attempts = state["attempts"]
    assert [a["failure"] for a in attempts] == list(range(1, GUESSES + 1))
    for before, attempt in enumerate(attempts):
        assert attempt["required"] == pytest.approx(_expected(before))
    # each attempt ended at least its required delay after the one before it
    # (the timestamps the attempts recorded, not this test's clock)
    for prev, attempt in itertools.pairwise(attempts):
        assert attempt["at"] - prev["at"] >= attempt["required"] - 1e-6

    # a database edit does not reset the count
    db = sqlite3.connect(data / "renkei.db")
    with db:
        db.execute("DELETE FROM vault_unlock_failures")
    db.close()
    slept: list[float] = []
    with pytest.raises(WrongPassphrase) as caught:
        open_vault(data, "still not it", sleep=slept.append, delay_base=BASE)
    assert caught.value.params["failures"] == GUESSES + 1
    state = json.loads((data / failures_names(default_operator())[0]).read_text())
    assert state["attempts"][-1]["required"] == pytest.approx(_expected(GUESSES))

    # the right passphrase still waits its turn, then clears the count and audits it
    with open_vault(data, PASSPHRASE, sleep=slept.append, delay_base=BASE) as vault:
        entries = vault.audit.entries()
        failed = [e for e in entries if e.action == "vault.unlock_failures"]
        assert failed and f"{GUESSES + 1} wrong" in failed[-1].detail
    assert json.loads((data / failures_names(default_operator())[0]).read_text())["failures"] == 0
