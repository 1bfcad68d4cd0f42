"""設定: the terminal's settings, checked by ``core.config_check`` before saving.

Settings with fixed values (theme, language, borders, date display) are
choices (``tui.widgets.choice``) showing the catalogue's words; every problem
is reported at once, each with the field's name as the screen shows it.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Static

from core.errors import RenkeiError
from core.i18n import t
from tui import dates
from tui.screens.base import BaseScreen
from tui.text import tr
from tui.widgets.choice import Choice
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
    ("ui", "theme", "choice"),
    ("ui", "lang", "choice"),
    ("ui", "date_display", "choice"),
    ("ui", "ascii_borders", "choice"),
    ("ui", "idle_lock_minutes", "int"),
    ("pdf", "expiry_minutes", "int"),
)

CHOICES: dict[str, tuple[Any, ...]] = {
    "ui.theme": ("auto", "default", "ansi16", "mono", "contrast"),
    "ui.lang": ("ja", "en"),
    "ui.date_display": ("両方", "和暦", "西暦"),
    "ui.ascii_borders": (False, True),
}


def choice_label(column: str, value: Any) -> str:
    word = {True: "yes", False: "no"}.get(value, value) if isinstance(value, bool) else value
    return tr(f"settings.choice.{column}.{word}")


def field_label(column: str) -> str:
    """The field's name on screen for a problem's column (``schedule.send_time``)."""
    label = tr(f"settings.field.{column}")
    return column if label.startswith("settings.field.") else label


class SettingsScreen(BaseScreen):
    TITLE_KEY = "nav.settings"
    FIRST_FOCUS = "Field"

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
                    column = f"{section}.{name}"
                    if column in CHOICES:
                        options = [(v, choice_label(column, v)) for v in CHOICES[column]]
                        yield Choice(options, id=f"set-{section}-{name}")
                    else:
                        yield Field(id=f"set-{section}-{name}")
        yield Static("", id="settings-message", classes="message", markup=False)

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = False
        self.action_revert()
        self.focus_first()

    def action_revert(self) -> None:
        """Show the saved settings again (drops unsaved edits)."""
        config = self.renkei.config
        for section, name, kind in FIELDS:
            value = getattr(getattr(config, section), name)
            if kind == "choice":
                self.query_one(f"#set-{section}-{name}", Choice).value = value
            else:
                self.query_one(f"#set-{section}-{name}", Input).value = str(value)
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
            if kind == "choice":
                value: Any = self.query_one(f"#set-{section}-{name}", Choice).value
                part = getattr(config, section)
                setattr(config, section, dataclasses.replace(part, **{name: value}))
                continue
            text = self.query_one(f"#set-{section}-{name}", Input).value.strip()
            value = text
            if kind == "int":
                try:
                    value = int(text)
                except ValueError:
                    wrong.append(field_label(f"{section}.{name}"))
                    continue
            part = getattr(config, section)
            setattr(config, section, dataclasses.replace(part, **{name: value}))
        return config, wrong

    def action_save(self) -> None:
        """Save through the terminal: checked whole, written atomically, applied
        everywhere at once — or nothing changes and the reason is shown."""
        config, wrong = self.edited()
        terminal = self.terminal
        problems = terminal.check_settings(config) if terminal is not None else []
        lines = [tr("settings.not_a_number", field=f) for f in wrong]
        lines += [f"{field_label(p.column)}: {p.reason()}" for p in problems]
        if lines or terminal is None:
            self._say("\n".join(lines), error=True)
            return
        try:
            saved = terminal.save_settings(config)
        except RenkeiError as exc:
            self._say(self.renkei.error_text(exc), error=True)
            return
        dates.use(terminal.config.ui.date_display)  # shown at once on every screen
        lines = [tr("settings.saved")]
        if saved.restart:
            names = ", ".join(field_label(name) for name in saved.restart)
            lines.append(t("settings.restart", names=names))
        self._say("\n".join(lines), error=False)
