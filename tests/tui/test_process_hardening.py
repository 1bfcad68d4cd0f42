"""Every renkei process runs with core dumps off (issue 12, finding 6): a SIGQUIT
or a crash must not write names and card numbers to disk. Checked from outside,
on a running renkei process, through /proc: its RLIMIT_CORE and its dumpable
flag (a non-dumpable process's /proc entries belong to root:root, not to its ids).
Also: a reader that goes away (``| head``) ends a command quietly."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

NOBODY = 65534
DEADLINE = 120.0  # seconds to wait for the process to start on a busy machine


def _core_limit(pid: int) -> tuple[str, str] | None:
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max core file size"):
            soft, hard = line.split()[4:6]
            return soft, hard
    return None


def _ids(pid: int) -> tuple[int, int]:
    """The real uid and gid of ``pid``."""
    ids = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("Uid:", "Gid:")):
            ids[line[:3]] = int(line.split()[1])
    return ids["Uid"], ids["Gid"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and prctl are Linux")
def test_a_running_renkei_has_core_dumps_off(
    renkei_cmd: list[str], cli_env: dict[str, str]
) -> None:
    as_root = os.geteuid() == 0

    def allow_cores() -> None:  # what the shell gave: cores allowed, as on many desktops
        resource.setrlimit(resource.RLIMIT_CORE, (1 << 20, 1 << 20))

    env = {**cli_env, "PYTHONDONTWRITEBYTECODE": "1"}
    # `renkei validate moj -` waits on its standard input: a renkei process that stays up
    proc = subprocess.Popen(
        [*renkei_cmd, "validate", "moj", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd="/",
        preexec_fn=allow_cores,
        # as root: another group, so that the /proc owner tells (root's uid is 0 anyway)
        group=NOBODY if as_root else None,
    )
    try:
        assert _core_limit(proc.pid) != ("0", "0")  # before main() ran: what it inherited
        limit = _core_limit(proc.pid)
        give_up = time.monotonic() + DEADLINE
        while limit != ("0", "0") and proc.poll() is None and time.monotonic() < give_up:
            time.sleep(0.05)
            limit = _core_limit(proc.pid)
        assert limit == ("0", "0"), f"core limit {limit}, exit {proc.poll()}"
        # non-dumpable: the kernel gives its /proc entries to root:root, not to its ids
        info = os.stat(f"/proc/{proc.pid}/status")
        uid, gid = _ids(proc.pid)
        if as_root:
            assert gid == NOBODY and info.st_gid == 0
        else:
            assert uid != 0 and info.st_uid == 0
    finally:
        proc.stdin.close()  # type: ignore[union-attr]
        proc.wait(timeout=60)


def test_a_reader_going_away_ends_quietly(
    renkei_cmd: list[str], cli_env: dict[str, str], tmp_path: Path
) -> None:
    from core import formats
    from core.reference import synth

    recs = synth.moj_records(count=3000)
    for rec in recs:
        rec["sex_code"] = "9"  # FORMATS.md: 1 or 2; every record is a problem line
    big = tmp_path / "big.csv"
    big.write_bytes(formats.write("moj", recs))
    # far more than a pipe holds on stdout, read by a reader that stops after one line
    shell = f"{' '.join(renkei_cmd)} validate moj {big} | head -n 1"
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", shell],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert len(done.stdout.splitlines()) == 1
    assert done.stderr == "", done.stderr  # no traceback, no "unexpected error"
    assert done.returncode in (0, 141)  # 141 = 128 + SIGPIPE, never 70
