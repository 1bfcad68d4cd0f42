"""``Choice``: a setting with a few fixed values, picked, never typed.

A free-text field for ``auto``/``ja``/``no`` invites typos and shows internal
words; a choice shows the catalogue's words and cycles with Left/Right, Space
or Enter. Drawn in plain text (no ▼: its width differs between terminals).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget


class Choice(Widget, can_focus=True):
    DEFAULT_CSS = """
    Choice {
        width: 1fr;
        height: 3;
        border: tall $border-blurred;
        padding: 0 1;
    }
    Choice:focus {
        border: tall $border;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right,space,enter", "step(1)", show=False),
        Binding("left", "step(-1)", show=False),
    ]

    index = reactive(0)

    class Changed(Message):
        def __init__(self, choice: Choice, value: Any) -> None:
            super().__init__()
            self.choice = choice
            self.value = value

    def __init__(self, options: Sequence[tuple[Any, str]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.options = list(options)

    @property
    def value(self) -> Any:
        return self.options[self.index][0]

    @value.setter
    def value(self, value: Any) -> None:
        for i, (option, _label) in enumerate(self.options):
            if option == value:
                self.index = i
                return
        self.index = 0  # an unknown stored value shows (and saves) the first choice

    def render(self) -> str:
        labels = [
            f"[{label}]" if i == self.index else f" {label} "
            for i, (_v, label) in enumerate(self.options)
        ]
        return " ".join(labels)

    def action_step(self, delta: int) -> None:
        self.index = (self.index + delta) % len(self.options)
        self.post_message(self.Changed(self, self.value))
