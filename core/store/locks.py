"""Step locks: one process at a time runs a step that owns files (send, fetch).

Several processes may have one data directory open at once (a TUI session,
``renkei send`` from cron or a systemd timer, the boundary sync); the README's
"Concurrency model" says which step takes which lock. A step lock is an
``flock`` on ``<data>/locks/<name>.lock``: the kernel drops it when its holder
exits or is killed, so a crash never leaves it held. The holder writes who it
is into the file; a process that finds the lock taken waits a bounded time
(``RENKEI_LOCK_WAIT`` seconds, default ``DEFAULT_WAIT``) and then stops with
``StepBusy`` naming the holder — never with a traceback.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from core.errors import EXIT_LOCKED, RenkeiError
from core.i18n import t
from core.paths import LOCK_DIR

WAIT_ENV = "RENKEI_LOCK_WAIT"
DEFAULT_WAIT = 120.0
_POLL = 0.05


class StepBusy(RenkeiError):
    """Another process held a step lock for longer than we wait."""

    exit_code = EXIT_LOCKED

    def __init__(self, step: str, holder: str, waited: float) -> None:
        self.step = step
        super().__init__("store.lock.busy", step=step, holder=holder, waited=f"{waited:.0f}")

    def message(self, lang: str | None = None) -> str:
        """The step named in the reader's language (送信, 受信 …)."""
        label = t(f"store.lock.step.{self.step}", lang)
        return t(self.key, lang, **{**self.params, "step": label})


def wait_bound() -> float:
    try:
        return max(0.0, float(os.environ.get(WAIT_ENV, DEFAULT_WAIT)))
    except ValueError:
        return DEFAULT_WAIT


def lock_path(data_dir: Path, name: str) -> Path:
    folder = Path(data_dir) / LOCK_DIR
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder / f"{name}.lock"


def holder(fd: int) -> str:
    """Who holds the lock, as its holder wrote it (pid, command, since); "?" when
    it did not say, or said so and is gone (a holder killed before it wrote)."""
    with contextlib.suppress(OSError, ValueError, KeyError):
        raw = os.pread(fd, 4096, 0)
        info = json.loads(raw.decode("utf-8")) if raw.strip() else {}
        if info:
            os.kill(int(info["pid"]), 0)  # ProcessLookupError (an OSError) if gone
            return f"pid {info['pid']} ({info['command']}, {info['since']})"
    return "?"


def describe_holder(fd: int) -> None:
    """Write who holds the lock (pid, command, since) into its file."""
    command = " ".join(Path(a).name if i == 0 else a for i, a in enumerate(sys.argv[:2]))
    info = {
        "pid": os.getpid(),
        "command": command or "renkei",
        "since": datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    data = json.dumps(info).encode("utf-8")
    os.ftruncate(fd, 0)
    os.pwrite(fd, data, 0)


def acquire(
    data_dir: Path,
    name: str,
    *,
    shared: bool = False,
    wait: float | None = None,
    describe: bool = True,
) -> int:
    """Take the lock ``name`` (waiting at most ``wait`` seconds); its fd.
    ``describe``: write who holds it (skipped for locks held a few ms)."""
    bound = wait_bound() if wait is None else wait
    fd = os.open(lock_path(data_dir, name), os.O_RDWR | os.O_CREAT, 0o600)
    mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
    deadline = time.monotonic() + bound
    try:
        while True:
            try:
                fcntl.flock(fd, mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StepBusy(name, holder(fd), bound) from None
                time.sleep(_POLL)
        if describe and not shared:
            describe_holder(fd)
    except BaseException:
        os.close(fd)
        raise
    return fd


def release(fd: int) -> None:
    """Let go of a lock (closing the fd drops the flock)."""
    with contextlib.suppress(OSError):
        os.close(fd)


@contextlib.contextmanager
def step(
    data_dir: Path, name: str, *, wait: float | None = None, describe: bool = True
) -> Iterator[None]:
    """Hold the step lock ``name`` for the block (see the module docstring)."""
    fd = acquire(data_dir, name, wait=wait, describe=describe)
    try:
        yield
    finally:
        release(fd)
