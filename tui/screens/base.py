"""What every screen shares: the title line, the footer, access to the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

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
    def terminal(self) -> Any:
        return self.renkei.terminal

    def compose(self) -> ComposeResult:
        yield TitleBar(tr(self.TITLE_KEY))
        yield from self.compose_body()
        yield KeyBar()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def set_title_extra(self, text: str) -> None:
        self.query_one(TitleBar).show(text)

    def data_changed(self) -> None:
        """The terminal's data changed (fetch, entry, send): redraw what is shown."""
