"""Trap 15: Backspace in the same read as the keys after it, on a real pty.

The App runs with Textual's real driver on a pseudo-terminal; the whole burst
``R8.11.25`` Backspace ``6`` Enter is written in one ``write``. Typed by hand,
key after key, it means ``R8.11.26``: that is the expected value.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).parent
ROOT = HERE.parents[2]


def _drain(fd: int) -> None:
    while select.select([fd], [], [], 0)[0]:
        try:
            if not os.read(fd, 65536):
                return
        except OSError:
            return


def type_burst(tmp_path: Path, kind: str, burst: bytes) -> str:
    out = tmp_path / f"{kind}.txt"
    master, slave = pty.openpty()
    env = dict(os.environ, PYTHONPATH=str(ROOT), TERM="xterm-256color", COLUMNS="80", LINES="24")
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "burst_app.py"), str(out), kind],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    os.close(slave)
    try:
        deadline = time.monotonic() + 60
        while not out.with_suffix(".ready").exists():
            assert proc.poll() is None and time.monotonic() < deadline, "the app did not start"
            _drain(master)
            time.sleep(0.05)
        os.write(master, burst)
        while not out.exists():
            assert time.monotonic() < deadline, "Enter never submitted"
            _drain(master)
            time.sleep(0.05)
        proc.wait(timeout=30)
        return out.read_text(encoding="utf-8")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)


@pytest.mark.parametrize(
    ("burst", "meant"),
    [
        (b"R8.11.25\x7f6\r", "R8.11.26"),
        (b"R8.11.25\x7f\x7f30\r", "R8.11.30"),
        (b"12345\x1b[D\x1b[D\x7f9\r", "12945"),  # Left, Left, Backspace, 9
    ],
)
def test_backspace_in_a_burst_applies_in_order(tmp_path: Path, burst: bytes, meant: str) -> None:
    assert type_burst(tmp_path, "field", burst) == meant
