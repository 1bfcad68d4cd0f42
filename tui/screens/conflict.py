"""Another operator entered a date for this certificate: show who, what and
when, and let this operator choose (y: replace theirs, n/Esc: keep theirs)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from core.i18n import t


class ConflictScreen(ModalScreen[bool]):
    """Returns True to replace the other operator's entry, False to keep it."""

    DEFAULT_CSS = """
    ConflictScreen { align: center middle; }
    ConflictScreen > Vertical { width: 80%; height: auto; border: round $warning;
        padding: 0 1; background: $surface; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "choose(True)", t("operator.conflict_replace"), id="conflict.replace"),
        Binding("n", "choose(False)", t("operator.conflict_keep"), id="conflict.keep"),
        Binding("escape", "choose(False)", show=False),
    ]

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(t("operator.conflict_title"), classes="title", markup=False)
            yield Static(self.message, id="conflict-message", markup=False)
            yield Static(
                f"y: {t('operator.conflict_replace')}   n: {t('operator.conflict_keep')}",
                markup=False,
            )

    def action_choose(self, replace: bool) -> None:
        self.dismiss(replace)
