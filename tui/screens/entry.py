"""交付年月日入力: the date a certificate was handed over, one or many.

Number, date, Enter, next: a returned paper list is typed straight through.
The date is echoed in 和暦 and Gregorian as it is typed; the data check runs
before the entry and its message stays inline next to the fields. Nothing
typed is cleared unless it was entered: a rejected entry keeps both fields.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Input, Static

from core.terminal import EntryResult
from tui import dates
from tui.screens.base import BaseScreen
from tui.text import tr
from tui.widgets.vtable import Column, VirtualTable


def log_row(result: EntryResult) -> tuple[str, ...]:
    if result.correction:
        state = tr("entry.log.correction")
    elif result.replaced:
        state = tr("entry.log.replaced")
    else:
        state = tr("entry.log.entered")
    return (result.card_number, state, result.delivered.isoformat(), dates.echo(result.delivered))


class EntryScreen(BaseScreen):
    TITLE_KEY = "nav.entry"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", tr("entry.back"), id="entry.back"),
        Binding("ctrl+n", "new", tr("entry.new"), id="entry.new"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.entered: list[EntryResult] = []
        self.return_to: str | None = None
        self._day: date | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(tr("entry.hint"), classes="hint", markup=False)
        with Horizontal(classes="row"):
            yield Static(tr("entry.card_number"), classes="label", markup=False)
            yield Input(id="card", placeholder=tr("entry.card_placeholder"))
        yield Static("", id="who", classes="message", markup=False)
        with Horizontal(classes="row"):
            yield Static(tr("entry.date"), classes="label", markup=False)
            yield Input(id="date", placeholder=tr("entry.date_placeholder"))
        yield Static("", id="echo", classes="message", markup=False)
        yield Static("", id="check", classes="message", markup=False)
        yield VirtualTable(
            [
                Column(tr("col.card_number"), 12),
                Column(tr("col.result"), 8),
                Column(tr("col.delivered"), 10),
                Column(tr("col.wareki"), 0),
            ],
            log_row,
            id="entry-log",
        )

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = False
        self.query_one("#card", Input).focus()
        self._take_request()

    def on_screen_resume(self) -> None:
        self._take_request()

    def _take_request(self) -> None:
        request, self.renkei.entry_request = self.renkei.entry_request, None
        if request is not None:
            self.prefill(*request)

    # -- the fields -----------------------------------------------------------

    def prefill(self, card_number: str, return_to: str | None = None) -> None:
        """Opened from a 未入力 row: the number is given, the date is next."""
        self.return_to = return_to
        card = self.query_one("#card", Input)
        card.value = card_number
        self._show_who(card_number)
        self.query_one("#date", Input).focus()

    def _show_who(self, card_number: str) -> Any:
        index = self.renkei.waiting_index
        entry = index.get(card_number.strip()) if index is not None and card_number else None
        who = self.query_one("#who", Static)
        if not card_number.strip():
            who.update("")
            who.set_classes("message")
        elif entry is None:
            who.update(tr("entry.unknown_card", card=card_number.strip()))
            who.set_classes("message -error")
        else:
            state = tr("state.entered") if entry.entered_date else tr("state.open")
            who.update(
                tr(
                    "entry.who",
                    kanji=entry.name_kanji,
                    alpha=entry.name_alpha,
                    birth=entry.birth_date.isoformat(),
                    state=state,
                )
            )
            who.set_classes("message")
        return entry

    def _show_echo(self, text: str) -> None:
        echo = self.query_one("#echo", Static)
        self._day, reason = dates.read(text) if text.strip() else (None, "")
        if not text.strip():
            echo.update("")
            echo.set_classes("message")
        elif self._day is None:
            echo.update(reason or tr("entry.not_a_date"))
            echo.set_classes("message -error")
        else:
            echo.update(tr("entry.echo", date=dates.echo(self._day)))
            echo.set_classes("message -ok")

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "card":
            self._show_who(event.value)
            self._set_check("")
        elif event.input.id == "date":
            self._show_echo(event.value)
            self._set_check("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "card":
            if self._show_who(event.value) is not None:
                self.query_one("#date", Input).focus()
        elif event.input.id == "date":
            self.submit()

    def _set_check(self, text: str, error: bool = True) -> None:
        check = self.query_one("#check", Static)
        check.update(text)
        check.set_classes("message -error" if error and text else "message -ok")

    # -- the entry -------------------------------------------------------------

    def submit(self) -> None:
        """Check, then enter; on any problem keep what was typed and say why."""
        terminal = self.terminal
        card_field = self.query_one("#card", Input)
        card = card_field.value.strip()
        entry = self._show_who(card)
        if entry is None:
            card_field.focus()
            return
        card = entry.card_number
        self._show_echo(self.query_one("#date", Input).value)
        day = self._day
        if day is None:
            self.query_one("#date", Input).focus()
            return
        if terminal is None:
            return
        typed = (card_field.value, self.query_one("#date", Input).value)

        def checked(problems: list[Any]) -> None:
            errors = [p for p in problems if getattr(p, "severity", "error") == "error"]
            if errors:
                self._set_check("\n".join(p.reason() for p in problems))
                self.query_one("#date", Input).focus()
                return
            self.renkei.run_core(
                terminal.enter, card, day, done=entered, error=failed, name="enter"
            )

        def entered(result: EntryResult) -> None:
            self.entered.insert(0, result)
            log = self.query_one("#entry-log", VirtualTable)
            log.set_source(list(self.entered))
            self._set_check(
                tr("entry.done", card=result.card_number, date=dates.echo(result.delivered)),
                error=False,
            )
            # Clear only what was entered: a number typed meanwhile stays.
            card_in, date_in = self.query_one("#card", Input), self.query_one("#date", Input)
            if (card_in.value, date_in.value) == typed:
                card_in.value = ""
                date_in.value = ""
                self.query_one("#who", Static).update("")
            self.renkei.entered(result)
            if self.return_to:
                target, self.return_to = self.return_to, None
                self.app.call_later(self.renkei.switch_mode, target)
            else:
                self.query_one("#card", Input).focus()

        def failed(exc: BaseException) -> None:
            self._set_check(exc.message() if hasattr(exc, "message") else str(exc))
            self.query_one("#date", Input).focus()
            if getattr(exc, "key", "") == "operator.conflict":  # another operator's date
                self.renkei.ask_conflict(exc, card, day, entered, failed)

        self.renkei.run_core(
            terminal.check_entry, card, day, done=checked, error=failed, name="check"
        )

    def data_changed(self) -> None:
        self._show_who(self.query_one("#card", Input).value)

    def action_back(self) -> None:
        if self.return_to:
            target, self.return_to = self.return_to, None
            self.app.call_later(self.renkei.switch_mode, target)
            return
        self.action_new()

    def action_new(self) -> None:
        """Start a fresh entry (clears the two fields, keeps the log)."""
        self.return_to = None
        self.query_one("#card", Input).value = ""
        self.query_one("#date", Input).value = ""
        self._set_check("")
        self.query_one("#card", Input).focus()
