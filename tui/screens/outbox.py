"""送信状況: what is queued, sending, sent or rejected, the schedule, the history.

One row per certificate (its newest state: a rejection resolved by a later
entry is not listed again; the history keeps it), dates in the configured
display, the history in words with certificate numbers, and the last error in
the UI's language, gone once a fetch or send succeeded after it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import ProgressBar, Static

from core.terminal import HistoryEvent, OutboxItem, Status
from core.textsafe import shown
from tui import dates, history_text
from tui.history_text import open_error
from tui.screens.base import BaseScreen
from tui.text import tr
from tui.widgets.vtable import Column, VirtualTable

STATES = ("queued", "sending", "sent", "rejected")


TimeText = Callable[[datetime | None], str]


def when(moment: datetime | None) -> str:
    return moment.strftime("%m-%d %H:%M") if moment else "-"


def outbox_row(item: OutboxItem, when: TimeText = when) -> tuple[str, ...]:
    state = tr(f"state.{item.state}") if item.state in STATES else item.state
    return (
        item.card_number,
        state,
        dates.cell(item.delivered),
        when(item.sent_at or item.created_at),
        shown(item.reason or (item.receipt_id or ""), 200),
    )


def history_row(
    event: HistoryEvent, when: TimeText = when, refs: dict[str, str] | None = None
) -> tuple[str, ...]:
    return (
        when(event.at),
        history_text.action_text(event.action),
        history_text.result_text(event.result),
        history_text.detail_text(event.detail, refs),
    )


def newest_per_card(items: list[OutboxItem]) -> list[OutboxItem]:
    """One row per certificate, its newest (``items`` come newest first)."""
    seen: set[str] = set()
    out = []
    for item in items:
        if item.card_number not in seen:
            seen.add(item.card_number)
            out.append(item)
    return out


def status_lines(status: Status, when: TimeText = when, session_error: str = "") -> str:
    counts = tr(
        "outbox.counts",
        waiting=status.waiting,
        queued=status.queued,
        sending=status.sending,
        sent=status.sent,
        rejected=status.rejected,
    )
    times = tr(
        "outbox.times",
        last_fetch=when(status.last_fetch),
        next_fetch=when(status.next_fetch),
        last_send=when(status.last_send),
        next_send=when(status.next_send),
    )
    lines = [counts, times]
    if status.plain_http:
        lines.append(tr("outbox.plain_http"))
    error = open_error(status, session_error)
    lines.append(tr("outbox.last_error", error=error or tr("outbox.no_error")))
    return "\n".join(lines)


class OutboxScreen(BaseScreen):
    TITLE_KEY = "nav.outbox"
    FIRST_FOCUS = "#outbox-table"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("h", "toggle_history", tr("outbox.history"), id="outbox.history"),
        Binding("escape", "leave_history", show=False),
        Binding("r", "reload", tr("action.reload"), id="outbox.reload"),
        Binding("tab", "app.focus_next", show=False),
    ]

    def compose_body(self) -> ComposeResult:
        yield Static("", id="status", markup=False)
        yield Static("", id="progress-text", classes="hint", markup=False)
        yield ProgressBar(id="progress", show_eta=False)
        yield VirtualTable(
            [
                Column(tr("col.card_number"), 12),
                Column(tr("col.state"), 8),
                Column(tr("col.delivered"), 10),
                Column(tr("col.when"), 11),
                Column(tr("col.reason"), 0),
            ],
            lambda item: outbox_row(item, self.renkei.time_text),
            id="outbox-table",
        )
        yield VirtualTable(
            [
                Column(tr("col.when"), 11),
                Column(tr("col.action"), 10),
                Column(tr("col.result"), 8),
                Column(tr("col.detail"), 0),
            ],
            lambda event: history_row(event, self.renkei.time_text, self._refs),
            id="history-table",
            classes="-hidden",
        )

    def __init__(self) -> None:
        super().__init__()
        self._refs: dict[str, str] = {}  # card reference (12 hex) -> number, for the history

    def on_mount(self) -> None:
        self.focus_first()
        self.data_changed()

    def data_changed(self) -> None:
        terminal = self.terminal
        if terminal is None:
            return

        def read() -> tuple[Status, list[OutboxItem], list[HistoryEvent]]:
            items = list(terminal.outbox())
            store = getattr(getattr(terminal, "vault", None), "store", None)
            if store is not None:
                self._refs = {store.ref(i.card_number)[:12]: i.card_number for i in items}
            return terminal.status(), items, list(terminal.history())

        self.renkei.run_core(read, done=self._show, name="outbox")

    def _show(self, data: tuple[Status, list[OutboxItem], list[HistoryEvent]]) -> None:
        status, items, history = data
        self.query_one("#status", Static).update(
            status_lines(status, self.renkei.time_text, self.renkei.last_error)
        )
        self.query_one("#outbox-table", VirtualTable).set_source(newest_per_card(items))
        self.query_one("#history-table", VirtualTable).set_source(history)
        self.set_title_extra(tr("outbox.summary", queued=status.queued, rejected=status.rejected))

    def action_reload(self) -> None:
        self.data_changed()

    def action_toggle_history(self) -> None:
        history = self.query_one("#history-table", VirtualTable)
        outbox = self.query_one("#outbox-table", VirtualTable)
        showing = history.has_class("-hidden")
        history.set_class(not showing, "-hidden")
        outbox.set_class(showing, "-hidden")
        (history if showing else outbox).focus()

    def action_leave_history(self) -> None:
        """Esc in the history: back to the outbox list."""
        if not self.query_one("#history-table", VirtualTable).has_class("-hidden"):
            self.action_toggle_history()

    def start_send(self) -> None:
        self.run_with_progress("send", self.renkei.start_send)
