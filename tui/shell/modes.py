"""The App's modes: one screen each, imported when the mode is first shown.

The unlock screen is all a cold start paints; the data screens (and the
``core`` modules they draw from) load after unlock, so ``renkei`` shows its
unlock screen without importing them (tests/tui/test_cold_start.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from textual.screen import Screen

from tui.screens.unlock import UnlockScreen

LOCKED = "locked"
DATA_MODES = ("inbox", "waiting", "entry", "outbox", "settings")


def _locked() -> Screen[Any]:
    return UnlockScreen()


def _inbox() -> Screen[Any]:
    from tui.screens.inbox import InboxScreen

    return InboxScreen()


def _waiting() -> Screen[Any]:
    from tui.screens.waiting import WaitingScreen

    return WaitingScreen()


def _entry() -> Screen[Any]:
    from tui.screens.entry import EntryScreen

    return EntryScreen()


def _outbox() -> Screen[Any]:
    from tui.screens.outbox import OutboxScreen

    return OutboxScreen()


def _settings() -> Screen[Any]:
    from tui.screens.settings import SettingsScreen

    return SettingsScreen()


MODES: dict[str, Callable[[], Screen[Any]]] = {
    LOCKED: _locked,
    "inbox": _inbox,
    "waiting": _waiting,
    "entry": _entry,
    "outbox": _outbox,
    "settings": _settings,
}


@runtime_checkable
class Redraws(Protocol):
    """A data screen: redraws when the terminal's data changed."""

    def data_changed(self) -> None: ...


@runtime_checkable
class ShowsFetch(Protocol):
    """A screen that runs F9 itself, on its own progress line."""

    def start_fetch(self) -> None: ...


@runtime_checkable
class ShowsSend(Protocol):
    """A screen that runs F10 itself, on its own progress line."""

    def start_send(self) -> None: ...


@runtime_checkable
class Shown(Protocol):
    """A screen that puts its focus where the next key belongs, at once, when shown."""

    def shown(self) -> None: ...
