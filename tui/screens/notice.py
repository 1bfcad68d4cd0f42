"""One notice record: its items named as in table 4.1.1, new and old values side
by side for 修正, and its data check (``core.notice_view``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static

from core.i18n import t
from tui.screens.base import TitleBar
from tui.text import tr
from tui.widgets.keybar import KeyBar
from tui.widgets.vtable import Column, VirtualTable

if TYPE_CHECKING:  # the value types Terminal.describe_notice returns
    from core.notice_view import ItemRow, NoticeView


def item_row(row: ItemRow) -> tuple[str, ...]:
    flag = "!" if row.problems else ("*" if row.changed else "")
    return (row.no, row.name, row.mark, flag, row.new, row.old)


class NoticeScreen(Screen[None]):
    """The items of one record; ``*`` marks a changed item of a 修正, ``!`` a problem."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", tr("action.back"), id="notice.back")
    ]

    def __init__(self, view: NoticeView) -> None:
        super().__init__()
        self.view = view

    def compose(self) -> ComposeResult:
        view = self.view
        yield TitleBar(
            t("boundary.view.title", notice=view.notice_id or "-", pattern=view.pattern or "-")
        )
        yield Static(
            t(
                "boundary.view.heading",
                pattern_text=view.pattern_text or "-",
                fact=view.fact or "-",
            ),
            id="notice-heading",
            classes="hint",
            markup=False,
        )
        yield VirtualTable(
            [
                Column(t("boundary.view.no"), 3),
                Column(t("boundary.view.item"), 16),
                Column(t("boundary.view.mark"), 3),
                Column("", 1),
                Column(t("boundary.view.new"), 0),
                Column(t("boundary.view.old") if view.correction else "", 20),
            ],
            item_row,
            list(view.items),
            id="notice-items",
        )
        lines = [p.render() for p in view.problems] or [t("boundary.view.clean")]
        yield Static(tr("inbox.report_title"), classes="hint", markup=False)
        yield Static("\n".join(lines), id="notice-report", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#notice-items", VirtualTable)
        table.set_source(list(self.view.items))
        table.focus()
