"""When to fetch and send by themselves (起動時間監視, seed 001 §5).

No thread of its own: the TUI calls ``due(now)`` every few seconds and runs
what it returns, then ``done(action, slot)``. The last slot done is kept in
the database, so a sleep, a clock change or a missed time leads to exactly
one catch-up run (only the latest slot counts), never two, across restarts.

A slot is the most recent configured local time at or before ``now``: for a
daily time 17:15 at 09:00 the slot is yesterday 17:15. An action is due when
its slot is later than the slot done last. A clock set back makes the slot
earlier than the one done: nothing is due until time passes it again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from core.exchange import ledger

if TYPE_CHECKING:
    from core.config import ScheduleSettings
    from core.store.db import Store

FETCH = "fetch"
SEND = "send"
RETRY_AFTER_FAILURE = timedelta(minutes=5)


def _clock(text: str) -> time:
    hour, _, minute = text.partition(":")
    return time(int(hour), int(minute or 0))


def _local(now: datetime) -> datetime:
    """Naive local time: slots are wall-clock times of the municipality."""
    return now.astimezone().replace(tzinfo=None) if now.tzinfo else now


def slot_at_or_before(now: datetime, daily: time) -> datetime:
    today = now.replace(hour=daily.hour, minute=daily.minute, second=0, microsecond=0)
    return today if today <= now else today - timedelta(days=1)


def next_slot(now: datetime, daily: time) -> datetime:
    return slot_at_or_before(now, daily) + timedelta(days=1)


@dataclass(frozen=True)
class Due:
    action: str  # FETCH or SEND
    slot: str  # ISO local time of the slot; pass it back to ``done``
    reason: str  # "start", "daily", "catch-up"


class Schedule:
    """The automatic times of one terminal (one per running TUI)."""

    def __init__(
        self, store: Store, settings: ScheduleSettings | Callable[[], ScheduleSettings]
    ) -> None:
        """``settings`` is read at every question, so a saved change counts at
        once: pass the getter of the running settings (fixed ones in tests)."""
        self.store = store
        self._settings = settings if callable(settings) else (lambda: settings)
        self._started_fetch = False
        self._failed_until: dict[str, datetime] = {}

    @property
    def settings(self) -> ScheduleSettings:
        return self._settings()

    def _done_slot(self, action: str) -> datetime | None:
        value = ledger.get_state(self.store, f"schedule.{action}.slot")
        return datetime.fromisoformat(value) if value else None

    def due(self, now: datetime) -> list[Due]:
        """Actions to run now (``now`` in local time)."""
        now = _local(now)
        settings = self.settings  # one version of the settings for the whole answer
        out: list[Due] = []
        for action, daily in ((FETCH, settings.fetch_time), (SEND, settings.send_time)):
            until = self._failed_until.get(action)
            if until is not None and now < until:
                continue
            slot = slot_at_or_before(now, _clock(daily))
            done = self._done_slot(action)
            if done is None or slot > done:
                late = now - slot > timedelta(minutes=30)
                out.append(Due(action, slot.isoformat(), "catch-up" if late else "daily"))
        if settings.fetch_at_start and not self._started_fetch:
            if not any(d.action == FETCH for d in out):
                out.insert(0, Due(FETCH, "", "start"))
        return out

    def done(self, action: str, slot: str) -> None:
        """Record that ``action`` ran for ``slot`` (``""`` = the start-up fetch)."""
        if action == FETCH:
            self._started_fetch = True
        self._failed_until.pop(action, None)
        if slot:
            current = self._done_slot(action)
            if current is None or datetime.fromisoformat(slot) > current:
                ledger.set_state(self.store, f"schedule.{action}.slot", slot)

    def failed(self, action: str, now: datetime) -> None:
        """Try again a little later, not on every tick."""
        if action == FETCH:
            self._started_fetch = True
        self._failed_until[action] = _local(now) + RETRY_AFTER_FAILURE

    def next_times(self, now: datetime) -> tuple[datetime, datetime]:
        """(next automatic fetch, next automatic send) for the status screen."""
        now = _local(now)
        settings = self.settings
        return (
            next_slot(now, _clock(settings.fetch_time)),
            next_slot(now, _clock(settings.send_time)),
        )
