"""Unlock: the passphrase at start and after an idle lock. Shows no data."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

import themes
from core import i18n
from tui.screens.base import TitleBar
from tui.text import tr
from tui.widgets.field import Field
from tui.widgets.keybar import KeyBar


class UnlockScreen(Screen[None]):
    def compose(self) -> ComposeResult:
        yield TitleBar(tr("unlock.title"))
        with Center(), Vertical(id="unlock-box", classes="bordered"):
            yield Static(tr("unlock.prompt"), markup=False)
            yield Field(password=True, id="passphrase", placeholder=tr("unlock.placeholder"))
            yield Static("", id="unlock-message", classes="message", markup=False)
            if themes.kernel_console():
                # Said in English too: a kernel console cannot draw the Japanese.
                yield Static(
                    f"{i18n.t('ui.console.no_kanji', 'en')}\n{tr('console.no_kanji')}",
                    id="no-kanji",
                    classes="message -error",
                    markup=False,
                )
            hint = getattr(self.app, "passphrase_hint", "")
            if hint:
                yield Static(tr("unlock.demo_hint", passphrase=hint), classes="hint", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        field = self.query_one("#passphrase", Input)
        field.cursor_blink = False
        field.focus()

    def on_screen_resume(self) -> None:
        field = self.query_one("#passphrase", Input)
        field.value = ""
        field.focus()
        note, self.app.lock_note = getattr(self.app, "lock_note", ""), ""  # type: ignore[attr-defined]
        if note:
            message = self.query_one("#unlock-message", Static)
            message.set_classes("message")
            message.update(note)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if not event.value:
            return
        message = self.query_one("#unlock-message", Static)
        message.set_classes("message")
        message.update(tr("unlock.opening"))
        event.input.disabled = True

        def done(error: str | None) -> None:
            event.input.disabled = False
            event.input.value = ""
            if error:
                message.set_classes("message -error")
                message.update(error)
                event.input.focus()
            else:
                message.update("")

        self.app.try_unlock(event.value, done)  # type: ignore[attr-defined]
