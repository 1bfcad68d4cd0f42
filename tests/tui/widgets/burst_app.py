"""A one-field App on the real terminal driver, for the key-burst test.

``python burst_app.py OUT field|input``: shows one field; on Enter writes its
value to OUT and exits. ``input`` uses a bare Textual ``Input`` (the reference
that shows the upstream ordering), ``field`` the app's ``Field``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Input

from tui.widgets.field import Field


class Burst(App[None]):
    def __init__(self, out: Path, kind: str) -> None:
        super().__init__()
        self.out = out
        self.kind = kind

    def compose(self) -> ComposeResult:
        yield Field(id="f") if self.kind == "field" else Input(id="f")

    def on_mount(self) -> None:
        self.query_one("#f").focus()
        self.out.with_suffix(".ready").write_text("ready")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.out.write_text(event.value, encoding="utf-8")
        self.exit()


if __name__ == "__main__":
    Burst(Path(sys.argv[1]), sys.argv[2]).run()
