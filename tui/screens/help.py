"""The help screen (``?`` or the palette): the keys of the screen behind it.

Built from the live bindings, so it never disagrees with the key bar: every
key of the current screen and the global ones, each with all its keys (the
F-key and its F-key-free alternative), plus the screen's own rules text.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from tui.text import tr
from tui.widgets.keybar import key_label

MODE_HELP = ("inbox", "waiting", "entry", "outbox", "settings", "locked")


def key_lines(screen: Screen[object]) -> list[tuple[str, str]]:
    """``(keys, description)`` of every shown binding active on ``screen``."""
    by_action: dict[str, tuple[list[str], str]] = {}
    order: list[str] = []
    for node in screen._binding_chain:
        for bindings in node[1].key_to_bindings.values():
            for binding in bindings:
                if not binding.description or not binding.show:
                    continue
                keys, _ = by_action.setdefault(binding.action, ([], binding.description))
                if binding.action not in order:
                    order.append(binding.action)
                label = key_label(binding.key)
                if label not in keys:
                    keys.append(label)
    return [(" / ".join(by_action[a][0]), by_action[a][1]) for a in order]


def help_text(screen: Screen[object], mode: str) -> str:
    lines = [tr(f"help.mode.{mode}")] if mode in MODE_HELP else []
    lines.append("")
    rows = key_lines(screen)
    width = max((cell_len(k) for k, _ in rows), default=0)
    for keys, description in rows:
        lines.append(f"  {keys}{' ' * (width - cell_len(keys))}  {description}")
    lines += ["", tr("help.palette"), tr("help.confirm"), tr("help.close")]
    return "\n".join(lines)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q,enter", "app.pop_screen", tr("help.close_key")),
    ]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box", classes="bordered"):
            yield Static(tr("help.title"), classes="hint", markup=False)
            yield Static(self.text, id="help-text", markup=False)

    def on_mount(self) -> None:
        self.query_one("#help-box").focus()
