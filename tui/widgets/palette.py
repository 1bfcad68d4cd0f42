"""Textual's command palette with its own words from the catalogue.

Textual writes ``Search for commands…`` and ``No matches found`` in English
(``textual.command.CommandPalette``); a Japanese clerk gets them in Japanese.
"""

from __future__ import annotations

from typing import Any

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

from tui.text import tr


class Palette(CommandPalette):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(placeholder=tr("palette.placeholder"), **kwargs)

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show() -> None:
            if not search_value:
                return
            command_list = self.query_one(CommandList)
            command_list.add_option(
                Option(
                    Align.center(Text(tr("palette.no_match"), style="not bold")),
                    disabled=True,
                    id=self._NO_MATCHES,
                )
            )
            self._list_visible = True

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show)
