"""The virtual table: draws only visible rows, cells are text (never markup),
and columns line up whatever the characters' widths."""

from __future__ import annotations

import asyncio
import re
from datetime import date

from rich.cells import cell_len
from textual.app import App, ComposeResult

from core.waiting import WaitingList
from tests.support.waiting import entry, many
from tui.screens.waiting import waiting_columns, waiting_row
from tui.widgets.vtable import VirtualTable, fit

DATE = re.compile(r"\d{4}-\d{2}-\d{2}|[MTSHR]\d{1,2}\.\d{1,2}\.\d{1,2}")  # either display


class TableApp(App[None]):
    def __init__(self, source) -> None:
        super().__init__()
        self.source = source
        self.calls: list[int] = []

    def compose(self) -> ComposeResult:
        def row(item):
            self.calls.append(1)
            return waiting_row(item)

        yield VirtualTable(waiting_columns(), row, self.source)


def lines_of(table: VirtualTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.size.height)]


def test_wide_characters_line_up_and_markup_is_text() -> None:
    people = [
        entry("AA00000001BB", "YOSHIDA HANA", "𠮷田　花", date(1950, 1, 2)),
        entry("AA00000002BB", "TAKAHASHI SORA", "髙橋　空", date(1960, 3, 4)),
        entry("AA00000003BB", "[bold]LEE[/bold] X", "李", date(1970, 5, 6)),
        entry("AA00000004BB", "A" * 60, "長い名前長い名前長い名前", date(1980, 7, 8)),
        entry("AA00000005BB", "", "ｶﾀｶﾅ", date(1990, 9, 10)),
    ]
    app = TableApp(WaitingList(people).search(""))

    async def go() -> None:
        async with app.run_test(size=(80, 24)):
            table = app.query_one(VirtualTable)
            table.set_source(app.source)
            lines = lines_of(table)[1:6]
            assert all(cell_len(line) == table.scrollable_content_region.width for line in lines)
            columns = {cell_len(line[: DATE.search(line).start()]) for line in lines}
            assert len(columns) == 1, lines
            assert "[bold]LEE[/bold] X" in lines[2]  # shown as typed, not styled

    asyncio.run(go())


def test_only_visible_rows_are_drawn_for_100k() -> None:
    source = WaitingList(many(100_000)).search("")
    app = TableApp(source)

    async def go() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            table = app.query_one(VirtualTable)
            table.focus()
            await pilot.pause()
            app.calls.clear()
            await pilot.press("pagedown", "end")
            await pilot.pause()
            assert table.cursor == 99_999
            assert 0 < len(app.calls) < 200  # a few screens' worth, not 100,000

    asyncio.run(go())


def test_fit_pads_and_cuts_by_cells() -> None:
    assert fit("髙橋", 5) == "髙橋 "
    assert cell_len(fit("𠮷田花子", 5)) == 5
    # a cut shows: it ends in U+22EF (one cell everywhere), trap 14 of issue 18
    assert fit("abc", 2) == "a\u22ef"
    assert fit("𠮷田花子", 5) == "𠮷田\u22ef"
    assert fit("ab", 2) == "ab" and fit("", 3) == "   "
