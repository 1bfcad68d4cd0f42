"""交付年月日入力: the date a certificate was handed over, one or many.

Number, date, Enter, next: a returned paper list is typed straight through.

Focus rule: opened from a 未入力 row, the cursor is in the date field (the
number is given); opened any other way (F3, Alt+3, the palette) it is in the
number field. After an entry it goes back to the number field (or to the list
it came from); after a refusal it stays in the field at fault, with what was
typed kept.

The date is echoed in 和暦 and Gregorian as it is typed, and the data check
(future date, before the certificate was made) runs as it is typed too: the
echo never says "Enter to confirm" beside an error. A certificate whose date
was already entered or sent shows that date, and a new date asks first.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Input, Static

from core.terminal import EntryResult, WaitingEntry
from tui import dates
from tui.screens.base import BaseScreen
from tui.screens.confirm import ConfirmScreen
from tui.text import tr
from tui.widgets.field import Field
from tui.widgets.vtable import Column, VirtualTable


def log_row(result: EntryResult) -> tuple[str, ...]:
    if result.correction:
        state = tr("entry.log.correction")
    elif result.replaced:
        state = tr("entry.log.replaced")
    else:
        state = tr("entry.log.entered")
    return (result.card_number, state, dates.show(result.delivered))


class EntryScreen(BaseScreen):
    TITLE_KEY = "nav.entry"

    # Enter is the screen's, not the fields' (priority): the number field's Enter
    # moves to the date field before the next key is delivered, where an
    # ``Input.Submitted`` message would move it later, behind a date typed ahead.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", tr("entry.back"), id="entry.back"),
        Binding("ctrl+n", "new", tr("entry.new"), id="entry.new"),
        Binding("enter", "submit", show=False, priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.entered: list[EntryResult] = []
        self.return_to: str | None = None
        self._day: date | None = None
        self._card: str = ""  # the certificate number the number field means ("" if none)
        self._problems: list[Any] = []  # the live data check of (card, day)
        self._checked: tuple[str, date | None] = ("", None)

    def compose_body(self) -> ComposeResult:
        yield Static(tr("entry.hint"), classes="hint", markup=False)
        with Horizontal(classes="row"):
            yield Static(tr("entry.card_number"), classes="label", markup=False)
            yield Field(id="card", placeholder=tr("entry.card_placeholder"))
        yield Static("", id="who", classes="message", markup=False)
        with Horizontal(classes="row"):
            yield Static(tr("entry.date"), classes="label", markup=False)
            yield Field(id="date", placeholder=tr("entry.date_placeholder"))
        yield Static("", id="echo", classes="message", markup=False)
        yield Static("", id="check", classes="message", markup=False)
        yield VirtualTable(
            [
                Column(tr("col.card_number"), 12),
                Column(tr("col.result"), 8),
                Column(tr("col.delivered"), 0),
            ],
            log_row,
            id="entry-log",
        )

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = False
        self._open()

    def on_screen_resume(self) -> None:
        self._open()

    def shown(self) -> None:
        self._open()

    def _open(self) -> None:
        """The focus rule on opening: the date after a row was chosen (a request with
        a number), the number field when opened directly (a request without one).
        Textual resumes a screen more than once per switch; only the request counts."""
        request, self.renkei.entry_request = self.renkei.entry_request, None
        if request is None:
            return
        if request[0]:
            self.prefill(*request)
            return
        self.return_to = None
        self.set_focus(self.query_one("#card", Input))

    # -- the fields -----------------------------------------------------------

    def prefill(self, card_number: str, return_to: str | None = None) -> None:
        """Opened from a 未入力 row: the number is given, the date is next."""
        self.return_to = return_to
        card = self.query_one("#card", Input)
        card.value = card_number
        self._show_who(card_number)
        self.set_focus(self.query_one("#date", Input))  # at once: a date typed next lands here

    def _lookup(self, typed: str) -> tuple[WaitingEntry | None, int]:
        """(waiting entry, candidates) for a typed number, forgivingly."""
        index = self.renkei.waiting_index
        if index is None or not typed.strip():
            return None, 0
        return index.find(typed)

    def _outbox_card(self, typed: str) -> str:
        """A number no longer on the list but in the outbox (sent): its stored form."""
        terminal = self.terminal
        key = terminal.card_key(typed) if terminal is not None else ""
        return key if key in self.renkei.outbox_latest else ""

    def _show_who(self, typed: str) -> Any:
        """Name, birth date and standing of the typed number; the entry or ``None``."""
        who = self.query_one("#who", Static)
        entry, candidates = self._lookup(typed)
        self._card = entry.card_number if entry is not None else ""
        if not typed.strip():
            who.update("")
            who.set_classes("message")
            return None
        if entry is None:
            sent = self._outbox_card(typed)
            if sent:
                self._card = ""
                who.update(
                    tr("entry.not_waiting", card=sent, state=self.renkei.standing(sent).line())
                )
                who.set_classes("message")
            elif candidates > 1:
                who.update(tr("entry.candidates", n=candidates))
                who.set_classes("message")
            else:
                who.update(tr("entry.unknown_card", card=typed.strip()))
                who.set_classes("message -error")
            return None
        standing = self.renkei.standing(entry.card_number, entry)
        who.update(
            tr(
                "entry.who",
                card=entry.card_number,
                kanji=entry.name_kanji,
                alpha=entry.name_alpha,
                birth=dates.show(entry.birth_date) if entry.birth_date != date.min else "",
                state=standing.line(),
            )
        )
        who.set_classes("message -error" if standing.state == "rejected" else "message")
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
        elif self._problems and self._checked == (self._card, self._day):
            echo.update(tr("entry.echo_plain", date=dates.echo(self._day)))
            echo.set_classes("message")
        else:
            echo.update(tr("entry.echo", date=dates.echo(self._day)))
            echo.set_classes("message -ok")

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "card":
            self._show_who(event.value)
        elif event.input.id == "date":
            self._show_echo(event.value)
        if event.value:  # typing on; the fields emptied after an entry keep its message
            self._set_check("")
        self._problems = []
        self._live_check()

    def _live_check(self) -> None:
        """The data check while typing: future date, before the certificate was made."""
        card, day, terminal = self._card, self._day, self.terminal
        if not card or day is None or terminal is None:
            return

        def checked(problems: list[Any]) -> None:
            if (self._card, self._day) != (card, day):
                return  # typed on meanwhile: a newer check follows
            self._checked = (card, day)
            self._problems = [p for p in problems if getattr(p, "severity", "error") == "error"]
            if problems:
                self._set_check("\n".join(dates.reason(p) for p in problems))
            self._show_echo(self.query_one("#date", Input).value)

        self.renkei.run_core(
            terminal.check_entry, card, day, done=checked, error=lambda _e: None, name="check"
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "submit":  # Enter elsewhere (the log) is that widget's
            return self.focused in (self.query_one("#card"), self.query_one("#date"))
        return True

    def action_submit(self) -> None:
        """Enter: in the number field, on to the date (when the number is known);
        in the date field, the entry."""
        card = self.query_one("#card", Input)
        if self.focused is card:
            if self._show_who(card.value) is not None:
                self.set_focus(self.query_one("#date", Input))
        else:
            self.submit()

    def _set_check(self, text: str, error: bool = True) -> None:
        check = self.query_one("#check", Static)
        check.update(text)
        check.set_classes("message -error" if error and text else "message -ok")

    # -- the entry -------------------------------------------------------------

    def submit(self) -> None:
        """Check, ask if a date is already there, then enter; on a problem keep what
        was typed and say why, with the cursor in the field at fault."""
        terminal = self.terminal
        card_field = self.query_one("#card", Input)
        entry = self._show_who(card_field.value)
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
        standing = self.renkei.standing(card, entry)

        def checked(problems: list[Any]) -> None:
            errors = [p for p in problems if getattr(p, "severity", "error") == "error"]
            if errors:
                self._checked, self._problems = (card, day), errors
                self._set_check("\n".join(dates.reason(p) for p in problems))
                self._show_echo(self.query_one("#date", Input).value)
                self.query_one("#date", Input).focus()
                return
            if standing.state in ("entered", "sending", "sent") and standing.day is not None:
                if standing.day == day:
                    self._set_check(tr("entry.same_date", date=dates.show(day)), error=False)
                    self._after(typed)
                    return
                key = "confirm.correct" if standing.state == "sent" else "confirm.replace"
                question = tr(key, card=card, old=dates.show(standing.day), new=dates.show(day))

                def answered(yes: bool | None) -> None:
                    if yes:
                        enter()
                    else:
                        self._set_check(tr("entry.kept", date=dates.show(standing.day)))
                        self.query_one("#date", Input).focus()

                self.app.push_screen(ConfirmScreen(question), answered)
                return
            enter()

        def enter() -> None:
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
            self.renkei.entered(result)
            self._after(typed)

        def failed(exc: BaseException) -> None:
            self._set_check(dates.reason(exc))
            self.query_one("#date", Input).focus()
            if getattr(exc, "key", "") == "operator.conflict":  # another operator's date
                self.renkei.ask_conflict(exc, card, day, entered, failed)

        self.renkei.run_core(
            terminal.check_entry, card, day, done=checked, error=failed, name="check"
        )

    def _after(self, typed: tuple[str, str]) -> None:
        """After an entry: clear what was entered (a number typed meanwhile stays),
        then the number field, or back to the list the entry came from."""
        card_in, date_in = self.query_one("#card", Input), self.query_one("#date", Input)
        if (card_in.value, date_in.value) == typed:
            card_in.value = ""
            date_in.value = ""
            self.query_one("#who", Static).update("")
        if self.return_to:
            target, self.return_to = self.return_to, None
            self.app.call_later(self.renkei.show_mode, target)
        else:
            self.set_focus(card_in)

    def data_changed(self) -> None:
        self._show_who(self.query_one("#card", Input).value)

    async def action_back(self) -> None:
        """Esc: back to the list this entry came from, else to 未入力."""
        target, self.return_to = self.return_to or "waiting", None
        await self.renkei.show_mode(target)

    def action_new(self) -> None:
        """Start a fresh entry (clears the two fields, keeps the log)."""
        self.return_to = None
        self.query_one("#card", Input).value = ""
        self.query_one("#date", Input).value = ""
        self._set_check("")
        self.set_focus(self.query_one("#card", Input))
