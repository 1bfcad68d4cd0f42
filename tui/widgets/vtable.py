"""A table that draws only the rows on screen (Line API), and repaints only
the lines that changed.

The stock ``DataTable`` builds every row up front (~14 s for 100,000 rows on
the target machine); this one asks its row source for the visible rows only.
Cells are plain text placed as segments, never parsed as markup, and padded by
terminal cell width so columns with wide characters (髙, 𠮷) line up.

Bytes matter (the terminal is used over SSH and thin lines): Textual sends
every line of a dirty region again, whatever was on screen before. So the
table remembers what each of its lines shows (``_shown``) and, after a new
source, a cursor move or a scroll, marks dirty only the lines whose content
changed. For that it scrolls itself (``top``) and draws its own scroll bar in
the last column with Textual's ``ScrollBarRender`` (the same picture as a
``ScrollView``'s bar): a ``ScrollView`` re-sends its whole bar and all its
lines on every change of its virtual size, i.e. on every search keystroke.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.scrollbar import ScrollBarRender
from textual.strip import Strip
from textual.widget import Widget


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


class VirtualTable(Widget, can_focus=True):
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
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "vtable--header",
        "vtable--cursor",
        "vtable--cursor-blurred",
        "vtable--row",
        "vtable--empty",
    }

    WHEEL_ROWS = 3  # rows per mouse-wheel step
    CONTEXT = 1  # rows of the old page still shown when the cursor steps off it

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
        self.top = 0  # the row shown on the first line under the header
        self._shown: list[tuple[Any, ...]] = []  # per line: the key of what it shows
        self._strips: dict[Hashable, Strip] = {}
        self._bar_key: Hashable = None
        self._bar: list[Segment] = []
        self._empty_text = ""
        self._empty_lines: tuple[int, list[str]] = (0, [])

    # -- data --------------------------------------------------------------

    @property
    def source(self) -> Sequence[Any]:
        return self._source

    def set_source(self, source: Sequence[Any], keep: Any = None) -> None:
        """Show ``source``; the cursor goes to ``keep``'s row if given, else row 0.

        Only the lines that now show something else are repainted."""
        self._source = source
        index = 0
        if keep is not None:
            finder = getattr(source, "index_of", None)
            found = finder(keep) if finder else None
            index = found or 0
        self.cursor = min(index, max(len(source) - 1, 0))
        self.top = min(self.top, self._max_top())
        self._scroll_to_cursor()
        self._sync()
        self._announce()

    @property
    def empty_text(self) -> str:
        """What the rows' place says while there are no rows (how to get some)."""
        return self._empty_text

    def set_empty_text(self, text: str) -> None:
        """Say ``text`` where the rows would be while the source is empty.

        In the table rather than a line above it: showing or hiding a widget
        makes Textual lay out and resend the whole screen."""
        if text != self._empty_text:
            self._empty_text = text
            self._empty_lines = (0, [])
            self._sync()

    def _wrapped(self, width: int) -> list[str]:
        if self._empty_lines[0] != width:
            lines = [line.plain for line in Content(self._empty_text).wrap(width)]
            self._empty_lines = (width, lines)
        return self._empty_lines[1]

    @property
    def current(self) -> Any:
        if 0 <= self.cursor < len(self._source):
            return self._source[self.cursor]
        return None

    # -- movement ------------------------------------------------------------

    def _page_rows(self) -> int:
        return max(self.size.height - 1, 1)

    def _max_top(self) -> int:
        return max(len(self._source) - self._page_rows(), 0)

    def _move_to(self, index: int, page: int = 0) -> None:
        """The cursor to row ``index``; ``page``: the view moves by that many
        rows with it (PageUp/PageDown), else only as far as the cursor needs."""
        if not self._source:
            return
        index = max(0, min(index, len(self._source) - 1))
        if index == self.cursor:
            return
        self.cursor = index
        if page:
            self.top = max(0, min(self.top + page, self._max_top()))
        self._scroll_to_cursor()
        self._sync()
        self._announce()

    def action_cursor(self, delta: int) -> None:
        self._move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        rows = direction * self._page_rows()
        self._move_to(self.cursor + rows, page=rows)

    def action_jump(self, where: int) -> None:
        self._move_to(len(self._source) - 1 if where < 0 else 0)

    def action_select(self) -> None:
        item = self.current
        if item is not None:
            self.post_message(self.Selected(self, self.cursor, item))

    def _announce(self) -> None:
        self.post_message(self.Highlighted(self, self.cursor, self.current))

    def _scroll_to_cursor(self) -> None:
        """Move ``top`` so the cursor row is on screen (nothing drawn yet).

        A cursor one row past an edge turns the page (the row it left stays in
        view: ``CONTEXT``); one further away is shown mid-page."""
        rows = self._page_rows()
        cursor, top = self.cursor, self.top
        if top <= cursor < top + rows:
            return
        context = min(self.CONTEXT, max(rows - 1, 0))
        if cursor == top + rows:  # stepped off the bottom
            top = cursor - context
        elif cursor == top - 1:  # stepped off the top
            top = cursor - rows + 1 + context
        else:
            top = cursor - rows // 2
        self.top = max(0, min(top, self._max_top()))

    def scroll_rows(self, delta: int) -> None:
        """Scroll the view by ``delta`` rows; the cursor stays on its row."""
        top = max(0, min(self.top + delta, self._max_top()))
        if top != self.top:
            self.top = top
            self._sync()

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self.scroll_rows(self.WHEEL_ROWS)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self.scroll_rows(-self.WHEEL_ROWS)

    def on_click(self, event: events.Click) -> None:
        if self._bar and event.x >= self.size.width - 1:
            # the scroll bar: jump there (as far down the list as down the bar)
            height = max(self.size.height - 1, 1)
            self.scroll_rows(round(event.y / height * self._max_top()) - self.top)
        elif event.y >= 1:
            self._move_to(self.top + event.y - 1)

    def on_focus(self) -> None:
        self._sync()

    def on_blur(self) -> None:
        self._sync()

    def on_resize(self) -> None:
        self.top = min(self.top, self._max_top())
        self._scroll_to_cursor()
        # Textual repaints all of a resized widget: this is what it shows now
        self._shown = [self._line_key(y) for y in range(self.size.height)]
        self.refresh()

    # -- what each line shows ------------------------------------------------

    def _sync(self) -> None:
        """Mark dirty the lines whose content changed since they were last synced.

        A line whose scroll-bar cell did not change is repainted without it."""
        width, height = self.size
        if not height or not self.is_mounted:
            return
        shown = self._shown
        keys = [self._line_key(y) for y in range(height)]
        regions = []
        for y, key in enumerate(keys):
            old = shown[y] if y < len(shown) else None
            if old == key:
                continue
            same_bar = old is not None and old[-1] == key[-1] and key[-1] is not None
            regions.append(Region(0, y, width - 1 if same_bar else width, 1))
        self._shown = keys
        if regions:
            self.refresh(*regions)

    def _scrollbar(self) -> list[Segment]:
        """The scroll bar's cell per line (empty when everything fits), drawn by
        Textual's own ``ScrollBarRender`` in the widget's scrollbar colours."""
        height = self.size.height
        virtual = len(self._source) + 1  # the header and the rows
        if virtual <= height or height < 2:
            return []
        background = self.styles.scrollbar_background
        if background.a < 1:
            base, _ = self.background_colors
            background = base + background
        color = background + self.styles.scrollbar_color
        key = (height, virtual, self.top, background, color)
        if key != self._bar_key:
            bar = ScrollBarRender.render_bar(
                size=height,
                virtual_size=virtual,
                window_size=height,
                position=self.top,
                thickness=1,
                vertical=True,
                back_color=background.rich_color,
                bar_color=color.rich_color,
            )
            # without the bar's mouse meta: a click on it is handled in on_click
            self._bar = [
                Segment(
                    s.text,
                    Style(color=s.style.color, bgcolor=s.style.bgcolor, reverse=s.style.reverse),
                )
                if s.style
                else s
                for s in bar.segments
                if s.text != "\n"
            ]
            self._bar_key = key
        return self._bar

    def _line_key(self, y: int) -> tuple[Any, ...]:
        """What line ``y`` shows: (cells or a marker, style name, width, bar cell)."""
        bar = self._scrollbar()
        cell = bar[y] if y < len(bar) else None
        width = self.size.width - (1 if bar else 0)
        if y == 0:
            return (None, "vtable--header", width, cell)
        index = self.top + y - 1
        if not self._source and self._empty_text:
            lines = self._wrapped(width)
            if y - 1 < len(lines):
                return ((lines[y - 1],), "vtable--empty", width, cell)
        if index >= len(self._source):
            return ((), "", width, cell)
        cells = tuple(self.render_row(self._source[index]))
        if index == self.cursor:
            name = "vtable--cursor" if self.has_focus else "vtable--cursor-blurred"
        else:
            name = "vtable--row"
        return (cells, name, width, cell)

    # -- drawing -------------------------------------------------------------

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

    def _line(self, cells: Sequence[str], width: int, style: Style) -> Segment:
        widths = self._widths(width)
        mark = "~" if getattr(self.app, "ascii_borders", False) else ELLIPSIS
        text = " ".join(fit(cell, w, mark) for cell, w in zip(cells, widths, strict=False))
        return Segment(set_cell_size(text, width), style)

    def render_line(self, y: int) -> Strip:
        cells, name, width, cell = self._line_key(y)
        style = self.get_component_rich_style(name) if name else self.rich_style
        key = (cells, style, width, cell)
        strip = self._strips.get(key)
        if strip is None:
            if cells is None:
                cells = [c.label for c in self.columns]
            if name == "vtable--empty":
                segments = [Segment(set_cell_size(cells[0], width), style)]
            elif cells:
                segments = [self._line(cells, width, style)]
            else:
                segments = [Segment(" " * width, style)]
            if cell is not None:
                segments.append(cell)
            strip = Strip(segments, width + (cell is not None))
            if len(self._strips) > 512:  # a few screens' worth; rows come and go
                self._strips.clear()
            self._strips[key] = strip
        return strip
