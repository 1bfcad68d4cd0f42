"""確認待ちの文字: the name review in the TUI.

Characters of the notice files the line connection holds back (no 住基統一文字
code) with how often they occur, where first, and the J+ forms the
MJ縮退マップ / 別表第四 suggest. Enter writes the character as its first
suggestion from then on (audited, ``core.charset.review``); registering a 外字
is ``renkei charset review decide CHAR --gaiji CODE``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static

from core import charset
from core.charset import review
from core.i18n import t
from tui.screens.base import TitleBar
from tui.widgets.keybar import KeyBar
from tui.widgets.vtable import Column, VirtualTable


def review_row(item: review.Pending, table: charset.JukiTable) -> tuple[str, ...]:
    name, line, column = item.places[0]
    suggested = ", ".join(f"{c} {table.to_unicode.get(c, '')}" for c in item.suggestions[:3])
    return (
        item.text,
        charset.u_codes(item.text),
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
        self.items: list[review.Pending] = []

    @property
    def _data_dir(self) -> Any:
        return self.app.terminal.data_dir  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield TitleBar(t("charset.review.tui.title"))
        yield Static(t("charset.review.tui.hint"), id="review-hint", classes="hint", markup=False)
        self.table = charset.load_juki(self._data_dir)
        yield VirtualTable(
            [
                Column(t("charset.review.tui.col_char"), 4),
                Column("U+", 16),
                Column(t("charset.review.tui.col_count"), 5),
                Column(t("charset.review.tui.col_suggested"), 28),
                Column(t("charset.review.tui.col_first"), 0),
            ],
            lambda item: review_row(item, self.table),
            id="review-table",
        )
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#review-table", VirtualTable).focus()
        self.reload()

    def reload(self) -> None:
        held = [(r.name, r.problems) for r in getattr(self.app, "boundary_held", ())]
        decided = review.load_decisions(self._data_dir)
        self.items = review.pending(held, self.table, decided)
        self.query_one("#review-table", VirtualTable).set_source(self.items)
        if not self.items:
            self.query_one("#review-hint", Static).update(t("charset.review.none"))

    def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        event.stop()
        self.action_use()

    def action_use(self) -> None:
        if not getattr(self.app, "permitted", lambda _id: True)("review.use"):
            return  # roles.toml: supervisor
        item = self.query_one("#review-table", VirtualTable).current
        if item is None or not item.suggestions:
            return
        terminal = self.app.terminal  # type: ignore[attr-defined]
        code = item.suggestions[0]
        from core.store.audit import default_actor

        def decide() -> review.Decision:
            return review.decide(terminal.vault, item.text, self.table, use=code,
                                 actor=default_actor())  # fmt: skip

        def done(decision: review.Decision) -> None:
            self.app.notify(
                t("charset.review.decided_use", char=item.text, code=charset.u_codes(item.text),
                  juki=decision.juki_code, form=decision.form),
                markup=False,
            )  # fmt: skip
            self.reload()

        self.app.run_core(decide, done=done, name="review")  # type: ignore[attr-defined]
