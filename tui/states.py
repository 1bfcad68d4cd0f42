"""Where a certificate stands, shown wherever the certificate is shown.

The 未入力 list knows only whether a date was entered; the outbox knows what
happened to it after (送信待ち, 送信中, 送信済, 却下 with the server's reason).
``Standing`` joins the two for one certificate: the latest outbox item wins,
so a rejection is resolved once the certificate is entered again and sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from tui import dates
from tui.text import tr

if TYPE_CHECKING:
    from core.terminal import OutboxItem, WaitingEntry


@dataclass(frozen=True)
class Standing:
    state: str  # open, entered (queued to send), sending, sent, rejected
    day: date | None = None  # the date entered or sent
    reason: str = ""  # the server's reason of a rejection

    def word(self) -> str:
        """The state in one word, for a table cell."""
        return tr(f"state.{self.state}")

    def line(self) -> str:
        """The state with its date and reason: 却下 (令和…): reason."""
        text = self.word()
        if self.day is not None:
            text = f"{text} {dates.show(self.day)}"
        if self.reason:
            text = f"{text}: {self.reason}"
        return text


def latest(items: Iterable[OutboxItem]) -> dict[str, OutboxItem]:
    """The newest outbox item per certificate (``items`` newest first, as
    ``Terminal.outbox`` gives them)."""
    out: dict[str, OutboxItem] = {}
    for item in items:
        out.setdefault(item.card_number, item)
    return out


def standing(entry: WaitingEntry | None, item: OutboxItem | None) -> Standing:
    """The standing of a certificate from its 未入力 entry (or ``None``) and its
    newest outbox item (or ``None``)."""
    entered = entry.entered_date if entry is not None else None
    if item is not None:
        state = item.state
        if state == "rejected" and entered is None:
            return Standing("rejected", item.delivered, item.reason)
        if state == "queued":
            return Standing("entered", item.delivered)
        if state in ("sending", "sent"):
            return Standing(state, item.delivered)
    if entered is not None:
        return Standing("entered", entered)
    return Standing("open")
