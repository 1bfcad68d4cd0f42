"""Unlock: the operator and their passphrase, at start and after an idle lock.
Shows no data. The operator field holds the last operator (after an idle lock)
or ``$RENKEI_USER`` / the login name; the passphrase field has the focus."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

import themes
from core import i18n
from core.i18n import t
from tui.screens.base import TitleBar
from tui.text import tr
from tui.widgets.field import Field
from tui.widgets.keybar import KeyBar


class UnlockScreen(Screen[None]):
    """At first login with an initial passphrase, two more fields ask for the
    operator's own (typed twice); the change touches only their key slot."""

    DEFAULT_CSS = """
    UnlockScreen .first-login { display: none; }
    UnlockScreen.-first-login .first-login { display: block; }
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._initial: str | None = None  # the initial passphrase, during a first login

    def compose(self) -> ComposeResult:
        yield TitleBar(tr("unlock.title"))
        with Center(), Vertical(id="unlock-box", classes="bordered"):
            yield Static(tr("unlock.prompt"), markup=False)
            yield Field(id="operator", placeholder=t("operator.placeholder"))
            yield Field(password=True, id="passphrase", placeholder=tr("unlock.placeholder"))
            yield Field(id="code", placeholder=t("operator.code_placeholder"))
            yield Field(
                password=True,
                id="new-passphrase",
                classes="first-login",
                placeholder=t("operator.new_placeholder"),
            )
            yield Field(
                password=True,
                id="new-confirm",
                classes="first-login",
                placeholder=t("operator.confirm_placeholder"),
            )
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

    def _offer_operator(self) -> None:
        import core

        who = self.query_one("#operator", Input)
        who.value = getattr(self.app, "last_operator", "") or core.default_operator()
        who.cursor_blink = False

    def on_mount(self) -> None:
        self._offer_operator()
        field = self.query_one("#passphrase", Input)
        field.cursor_blink = False
        field.focus()

    def on_screen_resume(self) -> None:
        self._offer_operator()
        field = self.query_one("#passphrase", Input)
        field.value = ""
        field.focus()
        note, self.app.lock_note = getattr(self.app, "lock_note", ""), ""  # type: ignore[attr-defined]
        if note:
            message = self.query_one("#unlock-message", Static)
            message.set_classes("message")
            message.update(note)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "operator":
            self.query_one("#passphrase", Input).focus()
            return
        if event.input.id in ("new-passphrase", "new-confirm"):
            self._first_login()
            return
        passphrase_field = self.query_one("#passphrase", Input)
        code_field = self.query_one("#code", Input)
        if not passphrase_field.value:
            return
        operator = self.query_one("#operator", Input).value.strip() or None
        code = code_field.value.strip() or None
        code_field.value = ""
        message = self.query_one("#unlock-message", Static)
        message.set_classes("message")
        message.update(tr("unlock.opening"))
        passphrase = passphrase_field.value
        passphrase_field.disabled = True

        def done(error: str | None) -> None:
            passphrase_field.disabled = False
            passphrase_field.value = ""
            if error:
                message.set_classes("message -error")
                message.update(error)
                passphrase_field.focus()
                if getattr(self.app, "unlock_error_key", "") == "operator.must_change":
                    self._initial = passphrase  # first login: ask for their own now
                    self.add_class("-first-login")
                    self.query_one("#new-passphrase", Input).focus()
            else:
                message.update("")

        self.app.try_unlock(passphrase, done, operator, code)  # type: ignore[attr-defined]

    def _first_login(self) -> None:
        """Change the initial passphrase to the operator's own, then unlock with it."""
        new = self.query_one("#new-passphrase", Input)
        confirm = self.query_one("#new-confirm", Input)
        message = self.query_one("#unlock-message", Static)
        if not new.value:
            new.focus()
            return
        if not confirm.value:
            confirm.focus()
            return
        if new.value != confirm.value or self._initial is None:
            message.set_classes("message -error")
            message.update(t("vault.passphrase.mismatch"))
            new.value = confirm.value = ""
            new.focus()
            return
        operator = self.query_one("#operator", Input).value.strip() or None
        code = self.query_one("#code", Input).value.strip() or None
        initial, chosen = self._initial, new.value
        new.value = confirm.value = ""

        def done(error: str | None) -> None:
            if error:
                message.set_classes("message -error")
                message.update(error)
                new.focus()
                return
            self._initial = None
            self.remove_class("-first-login")
            message.set_classes("message")
            message.update("")

        self.app.first_login(operator, initial, chosen, code, done)  # type: ignore[attr-defined]
