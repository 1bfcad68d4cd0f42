"""Small shared pieces of the workflows: state values, the history, kill points.

``checkpoint(name)`` marks a step boundary. Tests set ``RENKEI_KILL_AT`` to
``name`` (or ``name#N`` for its N-th passage) and the process kills itself
there with SIGKILL, so a crash at exactly that instant can be replayed.
Tests set ``RENKEI_PAUSE_AT`` (a step name, or ``*`` for every step) with
``RENKEI_PAUSE_DIR``: the process then writes ``<dir>/<name>.paused`` at the
boundary and waits until ``<dir>/<name>.go`` exists, so another process can be
run while this one stands exactly there. Both are off unless the variables
are set (production never sets them).
"""

from __future__ import annotations

import os
import signal
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.store.db import Store

KILL_ENV = "RENKEI_KILL_AT"
PAUSE_ENV = "RENKEI_PAUSE_AT"
PAUSE_DIR_ENV = "RENKEI_PAUSE_DIR"
PAUSE_LIMIT = 120.0  # a forgotten pause never hangs a test run for ever
_passed: dict[str, int] = {}


def checkpoint(name: str) -> None:
    spec = os.environ.get(KILL_ENV)
    if spec:
        _passed[name] = _passed.get(name, 0) + 1
        want, _, nth = spec.partition("#")
        if want == name and _passed[name] == int(nth or 1):
            os.kill(os.getpid(), signal.SIGKILL)
    pause = os.environ.get(PAUSE_ENV)
    if pause and (pause == "*" or name in pause.split(",")):
        _pause(name)


def _pause(name: str) -> None:
    folder = os.environ.get(PAUSE_DIR_ENV)
    if not folder:
        return
    marker = os.path.join(folder, f"{name}.paused")
    go = os.path.join(folder, f"{name}.go")
    with open(marker, "w", encoding="utf-8") as out:
        out.write(str(os.getpid()))
    deadline = time.monotonic() + PAUSE_LIMIT
    while not os.path.exists(go) and time.monotonic() < deadline:
        time.sleep(0.01)
    os.unlink(marker)
    os.unlink(go) if os.path.exists(go) else None


def now_utc() -> datetime:
    return datetime.now(UTC)


def stamp(at: datetime | None = None) -> str:
    return (at or now_utc()).isoformat(timespec="seconds")


def get_state(store: Store, name: str) -> str | None:
    rows = store.query("SELECT value FROM exchange_state WHERE name = ?", (name,))
    return str(rows[0][0]) if rows else None


def set_state(store: Store, name: str, value: str) -> None:
    store.execute(
        "INSERT INTO exchange_state (name, value) VALUES (?, ?)"
        " ON CONFLICT(name) DO UPDATE SET value = excluded.value",
        (name, value),
    )


def history(store: Store, action: str, detail: str, result: str = "ok") -> None:
    """One line of the delivery history (no personal data)."""
    store.execute(
        "INSERT INTO exchange_history (at, action, detail, result) VALUES (?, ?, ?, ?)",
        (stamp(), action, detail, result),
    )


def record_error(store: Store, message: str) -> None:
    set_state(store, "last_error", f"{stamp()} {message}")
