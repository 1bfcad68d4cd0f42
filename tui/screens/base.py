"""What every screen shares: the title line, the footer, access to the terminal."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import ProgressBar, Static

from core import i18n
from core.terminal import Progress, ProgressFn, Terminal
from tui.text import tr
from tui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from tui.shell import RenkeiApp


class TitleBar(Static):
    """One line: product, screen name, the counts that matter right now."""

    def __init__(self, title: str) -> None:
        super().__init__("", id="titlebar", markup=False)
        self.screen_title = title

    def on_mount(self) -> None:
        self.show("")

    def show(self, extra: str) -> None:
        text = f" renkei {tr('app.name')} | {self.screen_title}"
        self.update(f"{text}  {extra}" if extra else text)


class BaseScreen(Screen[Any]):
    """A data screen: built only while unlocked, dropped on lock."""

    TITLE_KEY = ""

    @property
    def renkei(self) -> RenkeiApp:
        return self.app  # type: ignore[return-value]

    @property
    def terminal(self) -> Terminal | None:
        """The unlocked terminal (``None`` once locked)."""
        return self.renkei.terminal

    def compose(self) -> ComposeResult:
        yield TitleBar(tr(self.TITLE_KEY))
        yield from self.compose_body()
        yield KeyBar()

    def compose_body(self) -> ComposeResult:
        yield from ()

    FIRST_FOCUS = ""  # what has the focus when the screen is first shown

    def focus_first(self) -> None:
        """The focus on ``FIRST_FOCUS``, now: ``focus()`` would set it later, from
        the app's queue, behind keys already typed."""
        if self.FIRST_FOCUS:
            self.set_focus(self.query_one(self.FIRST_FOCUS))

    def shown(self) -> None:
        """Shown (the app switched to it): the focus is set before the next key is
        delivered, so a key typed right after the switch reaches this screen."""
        if self.focused is None:
            self.focus_first()

    def set_title_extra(self, text: str) -> None:
        self.query_one(TitleBar).show(text)

    def data_changed(self) -> None:
        """The terminal's data changed (fetch, entry, send): redraw what is shown."""

    def run_with_progress(
        self, action: str, start: Callable[[ProgressFn, Callable[[Any], None]], None]
    ) -> None:
        """Run the app's fetch or send (``action``) with this screen's ``#progress`` bar and
        ``#progress-text`` line, then redraw: one wiring for every screen that offers it."""
        bar = self.query_one("#progress", ProgressBar)
        text = self.query_one("#progress-text", Static)
        bar.add_class("-active")
        bar.update(total=None, progress=0)
        text.update(tr(f"{action}.running"))

        def progress(step: Progress) -> None:
            # Nothing done yet of a known total (one large file): a moving bar,
            # not a 0 % that looks stuck; the text line names the step.
            total = step.total if step.done else None
            bar.update(total=total, progress=step.done)
            text.update(f"{tr(f'{action}.running')} {i18n.t(step.step)} {step.detail}".strip())

        def done(result: Any) -> None:
            bar.remove_class("-active")
            text.update(tr(f"{action}.finished" if result is not None else f"{action}.failed"))
            self.data_changed()

        start(progress, done)
