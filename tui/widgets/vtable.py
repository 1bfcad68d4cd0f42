"""A table that draws only the rows on screen (Line API).

The stock ``DataTable`` builds every row up front (~14 s for 100,000 rows on
the target machine); this one asks its row source for the visible rows only,
so a new search result costs one repaint of the visible lines. Cells are plain
text placed as segments, never parsed as markup, and padded by terminal cell
width so columns with wide characters (髙, 𠮷) line up.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip


@dataclass(frozen=True)
class Column:
    label: str
    width: int  # terminal cells; the last column takes what is left if 0
    most: int = 40  # a flexible column grows to at most this many cells (wide terminals)


ELLIPSIS = "\u22ef"  # ⋯ MIDLINE HORIZONTAL ELLIPSIS: a cut name goes on. Not U+2026 …,
# whose East Asian width is ambiguous (two cells on some Japanese terminals);
# U+22EF is neutral: one cell everywhere. ASCII consoles (the App's ``ascii_borders``) get "~".


def fit(text: str, width: int, mark: str = ELLIPSIS) -> str:
    """``text`` cut or padded to exactly ``width`` terminal cells; a cut ends in ``…``
    so a clerk sees that a long Latin name goes on."""
    length = cell_len(text)
    if length == width:
        return text
    if length > width and width >= 2 and text.strip():
        return set_cell_size(text, width - 1) + mark
    return set_cell_size(text, width)


class VirtualTable(ScrollView, can_focus=True):
    """Rows come from ``source[i]`` through ``render_row(item) -> cells``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", show=False),
        Binding("down,j", "cursor(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home", "jump(0)", show=False),
        Binding("end", "jump(-1)", show=False),
        Binding("enter", "select", show=False),
    ]

    DEFAULT_CSS = """
    VirtualTable {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "vtable--header",
        "vtable--cursor",
        "vtable--cursor-blurred",
        "vtable--row",
    }

    cursor = reactive(0, repaint=False, always_update=True)

    class Highlighted(Message):
        def __init__(self, table: VirtualTable, index: int, item: Any) -> None:
            super().__init__()
            self.table = table
            self.index = index
            self.item = item

    class Selected(Highlighted):
        pass

    def __init__(
        self,
        columns: Sequence[Column],
        render_row: Callable[[Any], Sequence[str]],
        source: Sequence[Any] = (),
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.columns = list(columns)
        self.render_row = render_row
        self._source: Sequence[Any] = source

    # -- data --------------------------------------------------------------

    @property
    def source(self) -> Sequence[Any]:
        return self._source

    def set_source(self, source: Sequence[Any], keep: Any = None) -> None:
        """Show ``source``; the cursor goes to ``keep``'s row if given, else row 0."""
        self._source = source
        self.virtual_size = Size(self._total_width(), len(source) + 1)
        index = 0
        if keep is not None:
            finder = getattr(source, "index_of", None)
            found = finder(keep) if finder else None
            index = found or 0
        self.cursor = min(index, max(len(source) - 1, 0))
        self._scroll_to_cursor()
        self.refresh()
        self._announce()

    @property
    def current(self) -> Any:
        if 0 <= self.cursor < len(self._source):
            return self._source[self.cursor]
        return None

    # -- movement ------------------------------------------------------------

    def _page_rows(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def _move_to(self, index: int) -> None:
        if not self._source:
            return
        index = max(0, min(index, len(self._source) - 1))
        if index == self.cursor:
            return
        old = self.cursor
        self.cursor = index
        if not self._scroll_to_cursor():
            self._refresh_row(old)
            self._refresh_row(index)
        self._announce()

    def action_cursor(self, delta: int) -> None:
        self._move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self._move_to(self.cursor + direction * self._page_rows())

    def action_jump(self, where: int) -> None:
        self._move_to(len(self._source) - 1 if where < 0 else 0)

    def action_select(self) -> None:
        item = self.current
        if item is not None:
            self.post_message(self.Selected(self, self.cursor, item))

    def _announce(self) -> None:
        self.post_message(self.Highlighted(self, self.cursor, self.current))

    def _scroll_to_cursor(self) -> bool:
        """Scroll so the cursor row is visible; True when the view moved."""
        rows = self._page_rows()
        top = int(self.scroll_y)
        if self.cursor < top:
            new = self.cursor
        elif self.cursor >= top + rows:
            new = self.cursor - rows + 1
        else:
            return False
        self.scroll_to(y=new, animate=False, immediate=True)
        self.refresh()
        return True

    def _refresh_row(self, index: int) -> None:
        y = index - int(self.scroll_y) + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def on_click(self, event: Any) -> None:
        y = event.y
        if y >= 1:
            self._move_to(int(self.scroll_y) + y - 1)

    def on_focus(self) -> None:
        self._refresh_row(self.cursor)

    def on_blur(self) -> None:
        self._refresh_row(self.cursor)

    # -- drawing -------------------------------------------------------------

    def _total_width(self) -> int:
        return sum(c.width + 1 for c in self.columns)

    def _widths(self, width: int) -> list[int]:
        widths = [c.width for c in self.columns]
        fixed = sum(w + 1 for w in widths if w)
        flexible = [i for i, w in enumerate(widths) if not w]
        if flexible:
            share = max((width - fixed - len(flexible)) // len(flexible), 4)
            for i in flexible:
                last = i == len(widths) - 1
                widths[i] = share if last else min(share, self.columns[i].most)
        return widths

    def _line(self, cells: Sequence[str], width: int, style: Style) -> Strip:
        widths = self._widths(width)
        mark = "~" if getattr(self.app, "ascii_borders", False) else ELLIPSIS
        text = " ".join(fit(cell, w, mark) for cell, w in zip(cells, widths, strict=False))
        return Strip([Segment(set_cell_size(text, width), style)], width)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            style = self.get_component_rich_style("vtable--header")
            return self._line([c.label for c in self.columns], width, style)
        index = int(self.scroll_y) + y - 1
        if index >= len(self._source):
            return Strip.blank(width, self.rich_style)
        cells = self.render_row(self._source[index])
        if index == self.cursor:
            name = "vtable--cursor" if self.has_focus else "vtable--cursor-blurred"
        else:
            name = "vtable--row"
        return self._line(cells, width, self.get_component_rich_style(name))
