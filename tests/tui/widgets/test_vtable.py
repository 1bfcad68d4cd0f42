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


# -- repaint only what changed (issue 19: bytes per keystroke over SSH) ----------


class DrawnTable(VirtualTable):
    """Records which lines Textual asked it to draw (only dirty lines are asked)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.drawn: list[int] = []

    def render_line(self, y: int):
        self.drawn.append(y)
        return super().render_line(y)


class DrawnApp(App[None]):
    def __init__(self, source) -> None:
        super().__init__()
        self.source = source

    def compose(self) -> ComposeResult:
        yield DrawnTable(waiting_columns(), waiting_row, self.source)


def test_a_new_source_repaints_only_the_lines_that_show_something_else() -> None:
    people = many(50)
    # line 0 is the header, line 1 + i shows row i (the view starts at the top)
    replaced = 3
    other = entry("ZZ99999999ZZ", "OTHER PERSON", "別\u3000人", date(1999, 9, 9))
    changed = [*people[:replaced], other, *people[replaced + 1 :]]
    app = DrawnApp(WaitingList(people).search(""))

    async def go() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            table = app.query_one(DrawnTable)
            await pilot.pause()
            assert table.drawn  # the first paint draws every line
            table.drawn.clear()
            # the same rows in a new result object (a keystroke that found the same):
            table.set_source(WaitingList(people).search(""))
            await pilot.pause()
            assert table.drawn == []
            # one visible row differs: that line only
            table.set_source(WaitingList(changed).search(""))
            await pilot.pause()
            assert set(table.drawn) == {1 + replaced}
            assert "ZZ99999999ZZ" in table.render_line(1 + replaced).text
            # the cursor moves one down: the two rows whose highlight changed
            table.focus()
            await pilot.pause()
            table.drawn.clear()
            await pilot.press("down")
            await pilot.pause()
            assert set(table.drawn) == {1, 2}
            # nothing happens for a while: nothing is drawn
            table.drawn.clear()
            await pilot.pause(0.5)
            assert table.drawn == []

    asyncio.run(go())


def test_scrolling_and_the_scroll_bar() -> None:
    """Past the first page the view follows the cursor; the bar's thumb moves
    with it, and a list that fits has no bar (the rows take the full width)."""
    app = DrawnApp(WaitingList(many(200)).search(""))

    async def go() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            table = app.query_one(DrawnTable)
            table.focus()
            await pilot.pause()
            bar_top = [table.render_line(y).text[-1] for y in range(24)]
            # one style for the row's text, one for its scroll-bar cell
            assert all(len(list(table.render_line(y))) == 2 for y in range(24))
            await pilot.press("end")
            await pilot.pause()
            assert table.cursor == 199 and table.top == 200 - 23
            assert "SP00000199" in table.render_line(23).text
            bar_end = [table.render_line(y).text[-1] for y in range(24)]
            assert bar_top != bar_end  # the thumb went down
            await pilot.press("home")
            await pilot.pause()
            assert table.top == 0
            table.set_source(WaitingList(many(5)).search(""))
            await pilot.pause()
            assert all(cell_len(table.render_line(y).text) == 80 for y in range(24))
            # one style change per line (escape bytes), and no bar cell when all fits
            assert all(len(list(table.render_line(y))) == 1 for y in range(24))

    asyncio.run(go())


def _shows(table: VirtualTable, top: int) -> None:
    """Lines 1… show the rows from ``top`` on, and the cursor's row is among them."""
    rows = table.size.height - 1
    expected = [f"SP{i:08d}" for i in range(top, min(top + rows, len(table.source)))]
    shown = [table.render_line(y).text[:10] for y in range(1, 1 + len(expected))]
    assert shown == expected
    assert top <= table.cursor < top + rows


def test_the_cursor_turns_the_page_instead_of_scrolling_row_by_row() -> None:
    """At 80x12 the table shows 11 rows. A cursor stepping past the last row
    turns the page with the row it left on top; past the first row, with it
    at the bottom; PageDown/PageUp move view and cursor by 11 together; a row
    far from the view (End, a search keeping its row) is shown mid-page. Each
    step inside a page repaints two lines; a walk down 60 rows repaints the
    page once every ten steps."""
    people = many(200)
    app = DrawnApp(WaitingList(people).search(""))

    async def go() -> None:
        async with app.run_test(size=(80, 12)) as pilot:
            table = app.query_one(DrawnTable)
            table.focus()
            await pilot.pause()

            async def press(key: str, cursor: int, top: int) -> None:
                await pilot.press(key)
                await pilot.pause()
                assert (table.cursor, table.top) == (cursor, top)
                _shows(table, top)

            for row in range(1, 11):
                await press("down", row, 0)
            await press("down", 11, 10)  # off the bottom: row 10 stays, on top
            for row in range(12, 21):
                await press("down", row, 10)
            await press("down", 21, 20)
            await press("up", 20, 20)
            await press("up", 19, 10)  # off the top: row 20 stays, at the bottom
            await press("pagedown", 30, 21)
            await press("pageup", 19, 10)
            await press("end", 199, 189)
            await press("pageup", 188, 178)
            await press("pagedown", 199, 189)
            await press("home", 0, 0)
            await press("pageup", 0, 0)

            # 60 rows walked down: two lines a step, all of them at a turn
            turns, drawn_per_step = 0, []
            for row in range(1, 61):
                table.drawn.clear()
                await pilot.press("down")
                await pilot.pause()
                lines = set(table.drawn)
                assert table.cursor == row
                _shows(table, table.top)
                drawn_per_step.append(len(lines))
                if len(lines) > 2:
                    turns += 1
                    assert set(range(1, 12)) <= lines  # every row line (the header: its bar cell)
            assert turns == 5  # at rows 11, 21, …, 51
            assert drawn_per_step.count(2) == 60 - 5

            # a new result keeping a row far from the view: that row mid-page
            await press("home", 0, 0)
            table.set_source(WaitingList(people).search(""), keep=people[100].card_number)
            await pilot.pause()
            assert (table.cursor, table.top) == (100, 95)
            _shows(table, 95)

    asyncio.run(go())
