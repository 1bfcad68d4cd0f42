"""送信状況: what is queued, sending, sent or rejected, the schedule, the history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import ProgressBar, Static

from core import i18n
from core.terminal import HistoryEvent, OutboxItem, Status
from core.textsafe import shown
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
        item.delivered.isoformat() if item.delivered else "",
        when(item.sent_at or item.created_at),
        shown(item.reason or (item.receipt_id or ""), 200),
    )


def history_row(event: HistoryEvent, when: TimeText = when) -> tuple[str, ...]:
    action = i18n.t(event.action) if "." in event.action else event.action
    return (when(event.at), action, shown(event.result, 40), shown(event.detail, 300))


def status_lines(status: Status, when: TimeText = when) -> str:
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
    lines.append(tr("outbox.last_error", error=status.last_error or tr("outbox.no_error")))
    return "\n".join(lines)


class OutboxScreen(BaseScreen):
    TITLE_KEY = "nav.outbox"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("h", "toggle_history", tr("outbox.history"), id="outbox.history"),
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
            lambda event: history_row(event, self.renkei.time_text),
            id="history-table",
            classes="-hidden",
        )

    def on_mount(self) -> None:
        self.query_one("#outbox-table", VirtualTable).focus()
        self.data_changed()

    def data_changed(self) -> None:
        terminal = self.terminal
        if terminal is None:
            return

        def read() -> tuple[Status, list[OutboxItem], list[HistoryEvent]]:
            return terminal.status(), list(terminal.outbox()), list(terminal.history())

        self.renkei.run_core(read, done=self._show, name="outbox")

    def _show(self, data: tuple[Status, list[OutboxItem], list[HistoryEvent]]) -> None:
        status, items, history = data
        self.query_one("#status", Static).update(status_lines(status, self.renkei.time_text))
        self.query_one("#outbox-table", VirtualTable).set_source(items)
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

    def start_send(self) -> None:
        self.run_with_progress("send", self.renkei.start_send)
