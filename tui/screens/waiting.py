"""未入力: the waiting certificates, filtered as you type.

The search runs on the UI thread against the in-memory index
(``core.waiting``): a few milliseconds on 100,000 entries, then the virtual
table repaints only the visible rows that changed. Every keystroke is bytes
on an SSH line, so nothing else is redrawn unless its text changed: the count
keeps one width (that of "total / total"), so the search box never changes
width under the typist's fingers (which would resend it whole). An empty list
or an empty result says what to do next (F9 to fetch; how the search matches).
F7 prints the rows shown (``tui.printing``): never an empty list, and more
than a few pages only after a yes.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Input, ProgressBar, Static

from core.terminal import Progress, WaitingEntry
from core.textsafe import shown
from tui import dates, printing
from tui.screens.base import BaseScreen
from tui.screens.confirm import ConfirmScreen
from tui.text import tr
from tui.widgets.search_field import SearchField
from tui.widgets.vtable import Column, VirtualTable


def waiting_row(entry: WaitingEntry, standing: Any = None) -> tuple[str, ...]:
    """One row; ``standing`` (``tui.states.Standing``) adds what the outbox knows
    (却下 for a certificate the server rejected)."""
    if standing is not None:
        state, day = standing.word(), standing.day
    else:
        state = tr("state.entered") if entry.entered_date else tr("state.open")
        day = entry.entered_date
    return (
        entry.card_number,
        state,
        shown(entry.name_kanji, 0),  # a bidi override or zero-width char shown as its escape
        shown(entry.name_alpha, 0),
        dates.cell(entry.birth_date),
        dates.cell(day) if day is not None else "",
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
    FIRST_FOCUS = "#search"

    BINDINGS: ClassVar[list[BindingType]] = [
        # Enter is the screen's (priority), not the search field's: the entry opens
        # before the next key is delivered, so a date typed right after lands in the
        # date field (an ``Input.Submitted`` message would open it behind that date).
        Binding("enter", "enter_date", tr("waiting.enter_date"), id="waiting.enter", priority=True),
        Binding("escape", "clear", tr("waiting.clear"), id="waiting.clear"),
        Binding("f7,ctrl+o", "pdf", tr("waiting.pdf"), id="waiting.pdf"),
        Binding("f8,ctrl+g", "card", tr("waiting.card"), id="waiting.card"),
        Binding("down", "table('cursor', 1)", show=False),
        Binding("up", "table('cursor', -1)", show=False),
        Binding("pagedown", "table('page', 1)", show=False),
        Binding("pageup", "table('page', -1)", show=False),
    ]

    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield SearchField(id="search", placeholder=tr("waiting.search_placeholder"))
            yield Static("", id="count", classes="count", markup=False)
        yield Static("", id="progress-text", classes="hint", markup=False)
        yield ProgressBar(id="progress", show_eta=False)
        yield VirtualTable(
            waiting_columns(),
            lambda entry: waiting_row(entry, self.renkei.standing(entry.card_number, entry)),
            id="waiting-table",
        )

    def on_mount(self) -> None:
        search = self.query_one("#search", Input)
        search.cursor_blink = False
        self.focus_first()
        self.data_changed()

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#waiting-table", VirtualTable)

    def _show(self, widget_id: str, text: str) -> bool:
        """Put ``text`` in the Static ``widget_id``; nothing is redrawn when it
        already shows that. True when it changed."""
        widget = self.query_one(f"#{widget_id}", Static)
        if widget.content == text:
            return False
        widget.update(text)
        return True

    def _show_count(self, text: str, widest: str) -> None:
        count = self.query_one("#count", Static)
        width = cell_len(widest) + 2  # its padding: 0 1
        if count.styles.min_width is None or count.styles.min_width.value != width:
            count.styles.min_width = width
        self._show("count", text)

    def data_changed(self) -> None:
        self.apply_search(self.query_one("#search", Input).value)

    def apply_search(self, query: str) -> None:
        index = self.renkei.waiting_index
        table = self.table
        keep = table.current.card_number if table.current is not None else None
        if index is None:
            table.set_source([])
            self._show("count", tr("waiting.loading"))
            return
        result = index.search(query)
        total = len(index)
        if not total:
            table.set_empty_text(tr("waiting.empty"))
        elif not len(result):
            table.set_empty_text(tr("waiting.no_match", query=query.strip()))
        table.set_source(result, keep=keep)
        self._show_count(
            tr("waiting.count", shown=len(result), total=total),
            tr("waiting.count", shown=total, total=total),
        )

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "search":
            if "fetch" not in self.renkei.busy:
                self._show("progress-text", "")  # the last fetch's word
            self.apply_search(event.value)

    async def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        event.stop()
        await self.action_enter_date()

    def action_table(self, action: str, amount: int) -> None:
        getattr(self.table, f"action_{action}")(amount)

    def action_clear(self) -> None:
        search = self.query_one("#search", Input)
        search.value = ""
        self.set_focus(search)

    async def action_enter_date(self) -> None:
        entry: Any = self.table.current
        if entry is None:
            return
        await self.renkei.open_entry(entry.card_number)

    def start_fetch(self) -> None:
        """F9 here: the progress shows on this screen (the list fills when done)."""
        self.run_with_progress("fetch", self.renkei.start_fetch)

    def action_pdf(self) -> None:
        """F7: print the rows shown (the current search, or the whole list).

        Nothing to print is refused; more than ``printing.ASK_PAGES`` pages asks
        first. The PDF goes to the printer when a print service is configured,
        else its path is shown."""
        rows = list(self.table.source)
        if not rows:
            self.notify(tr("print.empty"), severity="warning", markup=False)
            return
        pages = printing.pages(len(rows))
        if pages > printing.ASK_PAGES:

            def answered(yes: bool | None) -> None:
                if yes:
                    self._print(rows)

            question = tr("confirm.print", rows=len(rows), pages=pages)
            self.app.push_screen(ConfirmScreen(question, tr("print.narrow")), answered)
            return
        self._print(rows)

    def _print(self, rows: list[Any]) -> None:
        query = self.query_one("#search", Input).value

        def progress(step: Progress) -> None:
            self._show("count", tr("pdf.progress", done=step.done, total=step.total or 0))

        def written(result: Any) -> None:
            self.data_changed()
            if result is not None:
                self.hand_to_printer(result.path)

        self.renkei.export_pdf(rows, query.strip(), progress, written)

    def hand_to_printer(self, path: Any) -> None:
        """The PDF to ``lp`` when a printer is configured (off the UI thread)."""

        def job() -> None:
            printer = printing.destination()
            if printer is None:
                self.app.call_from_thread(
                    self.notify, tr("print.no_printer", path=str(path)), markup=False
                )
                return
            try:
                printing.print_pdf(path, printer)
            except printing.PrintError as exc:
                self.app.call_from_thread(
                    self.notify,
                    tr("print.failed", printer=printer, reason=str(exc), path=str(path)),
                    severity="error",
                    markup=False,
                )
                return
            self.app.call_from_thread(self.notify, tr("print.sent", printer=printer), markup=False)

        self.run_worker(job, thread=True, name="print", exit_on_error=False)

    def action_card(self) -> None:
        """Hand-over at the counter (カード確認): read the card, compare it with the
        row, then enter today's date; a 検証不能 card accepted by the clerk is audited."""
        entry: Any = self.table.current
        if entry is None:
            return
        from tui.screens.card import CardCheckScreen

        terminal = self.terminal

        def unverified(handover: Any) -> None:
            if terminal is not None:
                terminal.audit_unverified_card(entry.card_number, handover)

        def decided(day: Any) -> None:
            if day is not None:
                self.renkei.enter_date(entry.card_number, day)

        screen = CardCheckScreen(
            entry.card_number, entry, data_dir=self.renkei.data_dir, on_unverified=unverified
        )
        self.app.push_screen(screen, decided)
