"""``SearchField``: a ``Field`` whose keystrokes repaint its text line, not its box.

Why: Textual repaints the whole widget when a reactive such as ``value`` or
``selection`` changes, and sends every dirty line to the terminal again. For
the tall-bordered search box that is its two border lines (about 520 bytes
at 80 columns) on every keystroke, though only the text line changed. Over
SSH and thin lines bytes are latency, so a whole-widget refresh is narrowed
to the text line as long as nothing that draws the box changed since it was
last painted whole: focus, size, theme, enabled, and the border, background,
tint and colour the stylesheet gives it (a CSS change that touches the box,
such as a ``:focus`` or ``-invalid`` rule, repaints it whole).
"""

from __future__ import annotations

from typing import Any

from textual.geometry import Region

from tui.widgets.field import Field


class SearchField(Field):
    """A one-line search box that repaints only its text line while typing."""

    _look: tuple[Any, ...] | None = None  # the box when it was last painted whole

    def _current_look(self) -> tuple[Any, ...]:
        styles = self.styles
        return (
            self.has_focus,
            self.disabled,
            self.outer_size,
            self.app.theme,
            styles.border,
            styles.background,
            styles.background_tint,
            styles.tint,
            styles.color,
        )

    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> SearchField:
        if not regions and repaint and not recompose and self.is_mounted:
            look = self._current_look()
            if look == self._look:
                regions = (Region(0, 0, self.size.width, 1),)
            else:
                self._look = look
        super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)
        return self
