"""A yes/no question before an action that leaves the terminal (send, print, quit).

The rule: Enter alone never says yes. The cursor starts on いいえ, so an Enter
meant for the field behind (typed a moment too late, or in a key burst)
cancels; yes is the letter ``y`` (or Tab to はい, then Enter). Esc and ``n``
cancel.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui.text import tr


class ConfirmScreen(ModalScreen[bool]):
    """Dismisses with ``True`` only for an explicit yes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", tr("confirm.yes_key"), id="confirm.yes"),
        Binding("n,escape", "answer(False)", tr("confirm.no_key"), id="confirm.no"),
        Binding("left,right", "app.focus_next", show=False),
    ]

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="bordered"):
            yield Static(self.question, id="confirm-question", markup=False)
            if self.detail:
                yield Static(self.detail, id="confirm-detail", classes="hint", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button(tr("confirm.no"), id="confirm-no")
                yield Button(tr("confirm.yes"), id="confirm-yes")
            yield Static(tr("confirm.how"), classes="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
