"""未入力: the waiting certificates, filtered as you type.

The search runs on the UI thread against the in-memory index
(``core.waiting``): a few milliseconds on 100,000 entries, then the virtual
table repaints only the visible rows.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Input, Static

from core.terminal import Progress, WaitingEntry
from tui.screens.base import BaseScreen
from tui.text import tr
from tui.widgets.vtable import Column, VirtualTable


def waiting_row(entry: WaitingEntry) -> tuple[str, ...]:
    state = tr("state.entered") if entry.entered_date else tr("state.open")
    entered = entry.entered_date.isoformat() if entry.entered_date else ""
    return (
        entry.card_number,
        state,
        entry.name_kanji,
        entry.name_alpha,
        entry.birth_date.isoformat(),
        entered,
    )


def waiting_columns() -> list[Column]:
    return [
        Column(tr("col.card_number"), 12),
        Column(tr("col.state"), 6),
        Column(tr("col.name_kanji"), 12),
        Column(tr("col.name_alpha"), 0),
        Column(tr("col.birth_date"), 10),
        Column(tr("col.entered"), 10),
    ]


class WaitingScreen(BaseScreen):
    TITLE_KEY = "nav.waiting"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "enter_date", tr("waiting.enter_date"), id="waiting.enter"),
        Binding("escape", "clear", tr("waiting.clear"), id="waiting.clear"),
        Binding("f7", "pdf", tr("waiting.pdf"), id="waiting.pdf"),
        Binding("f8", "card", tr("waiting.card"), id="waiting.card"),
        Binding("down", "table('cursor', 1)", show=False),
        Binding("up", "table('cursor', -1)", show=False),
        Binding("pagedown", "table('page', 1)", show=False),
        Binding("pageup", "table('page', -1)", show=False),
    ]

    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Input(id="search", placeholder=tr("waiting.search_placeholder"))
            yield Static("", id="count", classes="count", markup=False)
        yield VirtualTable(waiting_columns(), waiting_row, id="waiting-table")

    def on_mount(self) -> None:
        search = self.query_one("#search", Input)
        search.cursor_blink = False
        search.focus()
        self.data_changed()

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#waiting-table", VirtualTable)

    def data_changed(self) -> None:
        self.apply_search(self.query_one("#search", Input).value)

    def apply_search(self, query: str) -> None:
        index = self.renkei.waiting_index
        table = self.table
        keep = table.current.card_number if table.current is not None else None
        if index is None:
            table.set_source([])
            self.query_one("#count", Static).update(tr("waiting.loading"))
            return
        result = index.search(query)
        table.set_source(result, keep=keep)
        self.query_one("#count", Static).update(
            tr("waiting.count", shown=len(result), total=len(index))
        )

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "search":
            self.apply_search(event.value)

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "search":
            event.stop()
            await self.action_enter_date()

    async def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        event.stop()
        await self.action_enter_date()

    def action_table(self, action: str, amount: int) -> None:
        getattr(self.table, f"action_{action}")(amount)

    def action_clear(self) -> None:
        search = self.query_one("#search", Input)
        search.value = ""
        search.focus()

    async def action_enter_date(self) -> None:
        entry: Any = self.table.current
        if entry is None:
            return
        await self.renkei.open_entry(entry.card_number)

    def action_pdf(self) -> None:
        """The rows of the current search (or the whole list) as the counter PDF."""
        query = self.query_one("#search", Input).value
        count = self.query_one("#count", Static)

        def progress(step: Progress) -> None:
            count.update(tr("pdf.progress", done=step.done, total=step.total or 0))

        self.renkei.export_pdf(
            list(self.table.source), query.strip(), progress, lambda _r: self.data_changed()
        )

    def action_card(self) -> None:
        """Hand-over at the counter (カード確認): read the card, compare it with the
        row, then enter today's date; a 検証不能 card accepted by the clerk is audited."""
        entry: Any = self.table.current
        if entry is None:
            return
        from core.card import counter
        from core.store.audit import default_actor
        from tui.screens.card import CardCheckScreen

        vault = getattr(self.terminal, "vault", None)

        def unverified(handover: Any) -> None:
            if vault is not None:
                ref = vault.store.ref(entry.card_number)
                counter.audit_unverified(vault.audit, ref, handover, default_actor())

        def decided(day: Any) -> None:
            if day is not None:
                self.renkei.enter_date(entry.card_number, day)

        screen = CardCheckScreen(
            entry.card_number, entry, data_dir=self.renkei.data_dir, on_unverified=unverified
        )
        self.app.push_screen(screen, decided)
