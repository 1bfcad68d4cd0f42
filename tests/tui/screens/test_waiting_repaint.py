"""未入力 over a thin line (issue 19): what a keystroke repaints.

Real app, real terminal and server (the suite's demo), through Pilot. Textual
asks a Line-API widget to draw only its dirty lines, so the lines the table
is asked to draw are the lines sent to the terminal. A search keystroke whose
result shows the same rows repaints none of them, the search box repaints its
text line but not its border, and an idle screen draws nothing.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual.geometry import Region

from tests.tui.conftest import settle, unlock_and_fetch
from tui.widgets.field import Field
from tui.widgets.search_field import SearchField
from tui.widgets.vtable import VirtualTable

SIZE = (80, 24)


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The lines (y) of the 未入力 table drawn since the list was last cleared."""
    lines: list[int] = []
    draw = VirtualTable.render_line

    def render_line(self: VirtualTable, y: int) -> Any:
        if self.id == "waiting-table":
            lines.append(y)
        return draw(self, y)

    monkeypatch.setattr(VirtualTable, "render_line", render_line)
    return lines


@pytest.fixture
def box_refreshes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Region, ...]]:
    """The regions the search box asked Textual to repaint (() = all of it)."""
    calls: list[tuple[Region, ...]] = []
    refresh = Field.refresh

    def spy(self: Field, *regions: Region, **kw: Any) -> Any:
        if isinstance(self, SearchField):
            calls.append(regions)
        return refresh(self, *regions, **kw)

    monkeypatch.setattr(Field, "refresh", spy)
    return calls


def rows(app: Any) -> list[Any]:
    return list(app.screen.query_one("#waiting-table", VirtualTable).source)


def test_a_keystroke_that_keeps_the_rows_repaints_none(make_app, drawn, box_refreshes) -> None:
    app = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock_and_fetch(pilot)
            named = next(e for e in rows(app) if e.name_alpha.strip())
            word = named.name_alpha.split()[0].lower()  # a name on the list
            await pilot.press(*word)
            await settle(pilot)
            shown = rows(app)
            assert shown and len(shown) < len(app.waiting_index)
            drawn.clear()
            box_refreshes.clear()
            # a trailing space, then its backspace: the same search, the same rows
            await pilot.press("space")
            await settle(pilot)
            await pilot.press("backspace")
            await settle(pilot)
            assert rows(app) == shown
            assert drawn == []
            # the box: only its text line (the first content line), never its border
            assert box_refreshes
            assert all(regions for regions in box_refreshes)
            assert all(r.y == 0 and r.height == 1 for regions in box_refreshes for r in regions)
            # an idle second: nothing drawn at all
            drawn.clear()
            await pilot.pause(1.0)
            assert drawn == []
            # a search that finds nothing: the rows' lines are drawn (the hint)
            await pilot.press(*"zzqxv")
            await settle(pilot)
            assert rows(app) == [] and drawn
            # leaving the box repaints it whole (its border takes the blurred colour)
            box_refreshes.clear()
            await pilot.press("tab")
            await settle(pilot)
            assert () in box_refreshes

    asyncio.run(go())
