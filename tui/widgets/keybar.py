"""The key line at the bottom: every active key with its action, as plain text.

Textual's ``Footer`` keeps to one line and cuts off at 80 columns; this one
wraps, so at 80x24 every key stays visible. Screen keys come first, then the
global ones; disabled keys are not shown.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget

from tui.text import tr

_NAMES = {
    "enter": "Enter",
    "escape": "Esc",
    "tab": "Tab",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
    "delete": "Del",
    "question_mark": "?",
}


def key_label(key: str) -> str:
    """ASCII only (no ⏎ or arrows: their width differs between terminals)."""
    first = key.split(",")[0].strip()
    parts = first.split("+")
    name = parts[-1]
    label = _NAMES.get(name, name.upper() if len(name) <= 3 else name)
    mods = parts[:-1]
    if "ctrl" in mods:
        label = "^" + label
        mods.remove("ctrl")
    return "+".join([m.capitalize() for m in mods] + [label])


def screen_bindings(screen: Screen[object]) -> list[Binding]:
    """The keys a screen declares (its ``BINDINGS`` and its base classes'), from
    the public declarations: ``active_bindings`` leaves out the ones a focused
    field shadows. A key moved by a keymap is already in ``active_bindings``."""
    keys: dict[str, list[Binding]] = {}
    for cls in reversed(type(screen).__mro__):  # as Textual merges them: bases first
        if issubclass(cls, DOMNode):
            keys.update(BindingsMap(cls.__dict__.get("BINDINGS", [])).key_to_bindings)
    return [binding for bindings in keys.values() for binding in bindings]


class KeyBar(Widget):
    DEFAULT_CSS = """
    KeyBar {
        height: auto;
        max-height: 3;
        width: 1fr;
        dock: bottom;
        background: $panel;
    }
    KeyBar > .keybar--key {
        text-style: bold reverse;
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"keybar--key"}

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _changed(self, _screen: object) -> None:
        self.refresh(layout=True)

    def render(self) -> Text:
        key_style = self.get_component_rich_style("keybar--key")
        text = Text(no_wrap=False, overflow="fold")
        seen: set[str] = set()
        items: list[tuple[str, str]] = []
        for _node, binding, enabled, _tip in self.screen.active_bindings.values():
            if not binding.show or not enabled or not binding.description:
                continue
            if binding.action in seen:
                continue
            seen.add(binding.action)
            items.append((key_label(binding.key), binding.description))
        # Screen keys shadowed by the focused field (Enter in a search box
        # still opens the row): shown all the same.
        for binding in screen_bindings(self.screen):
            if binding.show and binding.description and binding.action not in seen:
                seen.add(binding.action)
                items.insert(0, (key_label(binding.key), binding.description))
        items.append(("^P", tr("palette.title")))
        for i, (key, description) in enumerate(items):
            if i:
                text.append(" ")
            text.append(key, key_style)
            text.append(description)
        return text
