"""Small shared pieces of the workflows: state values, the history, kill points.

``checkpoint(name)`` marks a step boundary. Tests set ``RENKEI_KILL_AT`` to
``name`` (or ``name#N`` for its N-th passage) and the process kills itself
there with SIGKILL, so a crash at exactly that instant can be replayed.
"""

from __future__ import annotations

import os
import signal
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.store.db import Store

KILL_ENV = "RENKEI_KILL_AT"
_passed: dict[str, int] = {}


def checkpoint(name: str) -> None:
    spec = os.environ.get(KILL_ENV)
    if not spec:
        return
    _passed[name] = _passed.get(name, 0) + 1
    want, _, nth = spec.partition("#")
    if want == name and _passed[name] == int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)


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
