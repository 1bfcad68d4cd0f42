"""確認待ちの文字: the name review in the TUI.

Characters of the notice files the line connection holds back (no 住基統一文字
code) with how often they occur, where first, and the J+ forms the
MJ縮退マップ / 別表第四 suggest. Enter writes the character as its first
suggestion from then on (audited, ``core.charset.review``); registering a 外字
is ``renkei charset review decide CHAR --gaiji CODE``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static

from core.i18n import t
from tui.screens.base import TitleBar
from tui.widgets.keybar import KeyBar
from tui.widgets.vtable import Column, VirtualTable

if TYPE_CHECKING:
    from core.charset.review import Decision, Pending
    from tui.shell import RenkeiApp


def review_row(item: Pending) -> tuple[str, ...]:
    name, line, column = item.places[0]
    suggested = ", ".join(
        f"{c} {f}" for c, f in zip(item.suggestions[:3], item.forms, strict=False)
    )
    return (
        item.text,
        item.code_points,
        str(len(item.places)),
        suggested or "-",
        f"{name} {line} {column}",
    )


class ReviewScreen(Screen[None]):
    """Pending characters; Enter decides one as its first suggestion."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", t("charset.review.tui.back"), id="review.back"),
        Binding("enter", "use", t("charset.review.tui.use"), id="review.use"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: list[Pending] = []

    @property
    def renkei(self) -> RenkeiApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield TitleBar(t("charset.review.tui.title"))
        yield Static(t("charset.review.tui.hint"), id="review-hint", classes="hint", markup=False)
        yield VirtualTable(
            [
                Column(t("charset.review.tui.col_char"), 4),
                Column("U+", 16),
                Column(t("charset.review.tui.col_count"), 5),
                Column(t("charset.review.tui.col_suggested"), 28),
                Column(t("charset.review.tui.col_first"), 0),
            ],
            review_row,
            id="review-table",
        )
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#review-table", VirtualTable).focus()
        self.reload()

    def reload(self) -> None:
        terminal = self.renkei.terminal
        held = [(r.name, r.problems) for r in self.renkei.boundary_held]
        self.items = terminal.pending_names(held) if terminal is not None else []
        self.query_one("#review-table", VirtualTable).set_source(self.items)
        if not self.items:
            self.query_one("#review-hint", Static).update(t("charset.review.none"))

    def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        event.stop()
        self.action_use()

    def action_use(self) -> None:
        if not self.renkei.permitted("review.use"):
            return  # roles.toml: supervisor
        item = self.query_one("#review-table", VirtualTable).current
        terminal = self.renkei.terminal
        if item is None or not item.suggestions or terminal is None:
            return

        def done(decision: Decision) -> None:
            self.app.notify(
                t("charset.review.decided_use", char=item.text, code=item.code_points,
                  juki=decision.juki_code, form=decision.form),
                markup=False,
            )  # fmt: skip
            self.reload()

        self.renkei.run_core(
            terminal.decide_name, item.text, item.suggestions[0], done=done, name="review"
        )
