"""設定: the terminal's settings, checked by ``core.config_check`` before saving."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Static

from core import config as core_config
from core import config_check
from tui.screens.base import BaseScreen
from tui.text import tr
from tui.widgets.field import Field

# (section, field, kind): the fields shown, in focus order.
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("server", "url", "str"),
    ("server", "ca", "str"),
    ("server", "client_cert", "str"),
    ("server", "client_key", "str"),
    ("terminal", "lasdec", "str"),
    ("terminal", "municipality", "str"),
    ("schedule", "fetch_time", "str"),
    ("schedule", "send_time", "str"),
    ("ui", "theme", "str"),
    ("ui", "lang", "str"),
    ("ui", "ascii_borders", "bool"),
    ("ui", "idle_lock_minutes", "int"),
    ("pdf", "expiry_minutes", "int"),
)

_YES = ("yes", "true", "1", "on", "はい")


def _shown(value: Any, kind: str) -> str:
    if kind == "bool":
        return "yes" if value else "no"
    return str(value)


class SettingsScreen(BaseScreen):
    TITLE_KEY = "nav.settings"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", tr("settings.save"), id="settings.save"),
        Binding("escape", "revert", tr("settings.revert"), id="settings.revert"),
    ]

    def compose_body(self) -> ComposeResult:
        yield Static(tr("settings.hint"), classes="hint", markup=False)
        with VerticalScroll(id="settings-form"):
            for section, name, _kind in FIELDS:
                with Horizontal(classes="row"):
                    yield Static(
                        tr(f"settings.field.{section}.{name}"), classes="label", markup=False
                    )
                    yield Field(id=f"set-{section}-{name}")
        yield Static("", id="settings-message", classes="message", markup=False)

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = False
        self.action_revert()
        self.query_one(Input).focus()

    def action_revert(self) -> None:
        """Show the saved settings again (drops unsaved edits)."""
        config = self.renkei.config
        for section, name, kind in FIELDS:
            value = getattr(getattr(config, section), name)
            self.query_one(f"#set-{section}-{name}", Input).value = _shown(value, kind)
        self._say("", error=False)

    def _say(self, text: str, error: bool) -> None:
        message = self.query_one("#settings-message", Static)
        message.update(text)
        message.set_classes("message -error" if error else "message -ok")

    def edited(self) -> tuple[Any, list[str]]:
        """The config as edited, and the fields that are not even the right type."""
        config = copy.deepcopy(self.renkei.config)
        wrong: list[str] = []
        for section, name, kind in FIELDS:
            text = self.query_one(f"#set-{section}-{name}", Input).value.strip()
            value: Any = text
            if kind == "bool":
                value = text.lower() in _YES
            elif kind == "int":
                try:
                    value = int(text)
                except ValueError:
                    wrong.append(f"{section}.{name}")
                    continue
            part = getattr(config, section)
            setattr(config, section, dataclasses.replace(part, **{name: value}))
        return config, wrong

    def action_save(self) -> None:
        config, wrong = self.edited()
        problems = config_check.check(config)
        lines = [tr("settings.not_a_number", field=f) for f in wrong]
        lines += [f"{p.column}: {p.reason()}" for p in problems]
        if lines:
            self._say("\n".join(lines), error=True)
            return
        core_config.save(self.renkei.data_dir, config)
        self.renkei.config = config
        terminal = self.terminal
        if terminal is not None and hasattr(terminal, "config"):
            try:
                terminal.config = config
            except AttributeError:
                pass
        self._say(tr("settings.saved"), error=False)
