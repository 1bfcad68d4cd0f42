"""操作履歴: the unlocked operator's own entries in the audit log (newest first).

Opened from the command palette; shows time, kind, action, result and the
target's reference only — the log holds no personal data to show.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from core.i18n import t

SHOWN = 200


class OwnHistoryScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    OwnHistoryScreen { align: center middle; }
    OwnHistoryScreen > VerticalScroll { width: 100%; height: 1fr; border: round $accent;
        padding: 0 1; background: $surface; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", t("operator.history_back"), id="history.back"),
    ]

    def __init__(self, entries: list[Any], operator: str) -> None:
        super().__init__()
        self.entries = entries
        self.operator = operator

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(
                t("operator.history_title_of", operator=self.operator, count=len(self.entries)),
                classes="title",
                markup=False,
            )
            lines = [
                f"{e.at[:19].replace('T', ' ')}  {e.kind:<5} {e.action:<26} {e.result:<8} "
                f"{e.record[:16]}  {e.terminal}".rstrip()
                for e in reversed(self.entries)
            ]
            yield Static("\n".join(lines) or "-", id="own-history", markup=False)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
