"""受信: the received notice files; open one for its records and data check."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import ProgressBar, Static

from core.i18n import t
from core.terminal import InboxFile
from core.textsafe import shown
from tui import dates
from tui.screens.base import BaseScreen, TitleBar
from tui.screens.outbox import when
from tui.text import tr
from tui.widgets.keybar import KeyBar
from tui.widgets.vtable import Column, VirtualTable

if TYPE_CHECKING:
    from core.exchange.intake import Recheck
    from core.notice_view import NoticeView
    from core.report import Problem


def status_word(status: str) -> str:
    return tr(f"inbox.status.{status}") if status in ("ok", "invalid") else status


def inbox_row(item: InboxFile, when: Callable[[Any], str] = when) -> tuple[str, ...]:
    check = (
        tr("inbox.check.ok") if not item.problems else tr("inbox.check.problems", n=item.problems)
    )
    return (
        when(item.received_at),
        item.kind.upper(),
        str(item.records),
        status_word(item.status),
        check,
        shown(item.name, 80),
    )


# The record columns shown (id -> width), labelled from the catalogue (col.*).
RECORD_COLUMNS = {
    "card_number": 12,
    "name_kanji": 12,
    "name_alpha": 16,
    "birth_date": 10,
    "card_delivered_date": 10,
}
_LABELS = {
    "card_number": "col.card_number",
    "name_kanji": "col.name_kanji",
    "name_alpha": "col.name_alpha",
    "birth_date": "col.birth_date",
    "card_delivered_date": "col.delivered",
}


def column_label(column: str) -> str:
    """A record column as the screen names it (never the raw id when known)."""
    return tr(_LABELS[column]) if column in _LABELS else column


def record_cell(column: str, value: str) -> str:
    """A record value; ``YYYYMMDD`` dates in the configured display."""
    if column.endswith("_date") and len(value) == 8 and value.isdigit():
        try:
            return dates.cell(date(int(value[:4]), int(value[4:6]), int(value[6:])))
        except ValueError:
            return value
    return value


def problem_line(problem: Any) -> str:
    """``3行目 生年月日: reason`` — the data check's finding in the UI's words."""
    where = tr("inbox.line", n=problem.line) if problem.line else tr("inbox.whole_file")
    column = f" {column_label(problem.column)}" if problem.column else ""
    return f"{where}{column}: {dates.reason(problem)}"


class InboxScreen(BaseScreen):
    TITLE_KEY = "nav.inbox"
    FIRST_FOCUS = "#inbox-table"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", tr("inbox.open"), id="inbox.open"),
        Binding("r", "reload", tr("action.reload"), id="inbox.reload"),
        Binding("v", "review", t("charset.review.tui.open"), id="inbox.review"),
        Binding("c", "recheck", tr("inbox.recheck"), id="inbox.recheck"),
    ]

    def action_review(self) -> None:
        """The name review (確認待ちの文字) of the held-back files."""
        from tui.screens.review import ReviewScreen

        if not self.renkei.permitted("inbox.review"):  # roles.toml: supervisor
            return
        self.app.push_screen(ReviewScreen())

    def compose_body(self) -> ComposeResult:
        yield Static("", id="progress-text", classes="hint", markup=False)
        yield ProgressBar(id="progress", show_eta=False)
        yield Static("", id="boundary-held", classes="hint", markup=False)
        yield VirtualTable(
            [
                Column(tr("col.received"), 11),
                Column(tr("col.kind"), 4),
                Column(tr("col.records"), 6),
                Column(tr("col.status"), 8),
                Column(tr("col.check"), 10),
                Column(tr("col.file"), 0),
            ],
            lambda item: inbox_row(item, self.renkei.time_text),
            id="inbox-table",
        )

    def on_mount(self) -> None:
        self.focus_first()
        self.data_changed()

    def data_changed(self) -> None:
        terminal = self.terminal
        if terminal is not None:
            self.renkei.run_core(terminal.inbox, done=self._show, name="inbox")
        self._show_held()

    def _show_held(self) -> None:
        """Notice files the line connection holds back, each problem with its place."""
        held = self.renkei.boundary_held
        lines = [f"{r.name}: {line}" for r in held for line in r.lines()]
        text = self.query_one("#boundary-held", Static)
        text.update("\n".join([tr("inbox.boundary_held", n=len(held)), *lines]) if held else "")
        text.display = bool(held)

    def _show(self, files: Any) -> None:
        table = self.query_one("#inbox-table", VirtualTable)
        keep = table.current
        items = list(files)
        table.set_source(items)
        if keep is not None:
            for i, item in enumerate(items):
                if item.file_id == keep.file_id:
                    table.cursor = i
        self.set_title_extra(tr("inbox.summary", files=len(items)))

    def action_reload(self) -> None:
        self.data_changed()

    def action_open(self) -> None:
        item = self.query_one("#inbox-table", VirtualTable).current
        terminal = self.terminal
        if item is not None and terminal is not None:

            def show(result: tuple[list[dict[str, str]], list[Problem]]) -> None:
                records, problems = result
                screen = InboxFileScreen(item, records, problems, terminal.describe_notice)
                self.app.push_screen(screen)

            self.renkei.run_core(terminal.inbox_records, item.file_id, done=show, name="records")

    def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        event.stop()
        self.action_open()

    def action_recheck(self) -> None:
        """C on a file marked 要確認: check it again (after the 外字 table or the
        rules were fixed) and take it in when it passes."""
        if not self.renkei.permitted("inbox.recheck"):  # roles.toml: supervisor
            return
        item = self.query_one("#inbox-table", VirtualTable).current
        terminal = self.terminal
        if item is not None and terminal is not None:
            self.renkei.run_core(
                terminal.recheck, item.file_id, done=self._rechecked, name="recheck"
            )

    def _rechecked(self, result: Recheck) -> None:

        name = shown(result.name, 80)
        if result.ok:
            message = t(
                "inbox.recheck_ok",
                file=name,
                records=result.records,
                added=result.added,
                duplicates=result.duplicates,
            )
        else:
            errors = [p for p in result.problems if p.severity == "error"]
            message = t("inbox.recheck_still", file=name, problems=len(errors))
        self.notify(message, severity="information" if result.ok else "warning", markup=False)
        self.data_changed()

    def start_fetch(self) -> None:
        self.run_with_progress("fetch", self.renkei.start_fetch)


class InboxFileScreen(Screen[None]):
    """One received file: its records and its data check report."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", tr("action.back"), id="inbox.back")
    ]

    def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        """Enter on a record: its items as table 4.1.1 names them, old beside new."""
        from tui.screens.notice import NoticeScreen

        event.stop()
        view = self.describe(self.item.kind, event.item, event.index + 2)  # header: line 1
        self.app.push_screen(NoticeScreen(view))

    def __init__(
        self,
        item: InboxFile,
        records: list[dict[str, str]],
        problems: list[Problem],
        describe: Callable[[str, Mapping[str, str], int], NoticeView],
    ) -> None:
        super().__init__()
        self.item = item
        self.records = records
        self.problems = problems
        self.describe = describe  # Terminal.describe_notice

    def compose(self) -> ComposeResult:
        yield TitleBar(tr("inbox.file_title", name=self.item.name))
        keys = list(RECORD_COLUMNS)
        if self.records and not set(keys) & set(self.records[0]):
            keys = list(self.records[0])[:5]
        yield Static(tr("inbox.records", n=len(self.records)), classes="hint", markup=False)
        yield VirtualTable(
            [
                Column(column_label(k), RECORD_COLUMNS.get(k, 14) if i < len(keys) - 1 else 0)
                for i, k in enumerate(keys)
            ],
            lambda rec: tuple(record_cell(k, str(rec.get(k, ""))) for k in keys),
            list(self.records),
            id="records-table",
        )
        lines = [problem_line(p) for p in self.problems] or [tr("inbox.check.clean")]
        yield Static(tr("inbox.report_title"), classes="hint", markup=False)
        yield Static("\n".join(lines[:200]), id="report", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#records-table", VirtualTable)
        table.set_source(list(self.records))
        table.focus()
