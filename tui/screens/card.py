"""The card screens: the hand-over check opened from the 未入力 list, and the
card screen that reads any card and shows chip data and genuineness.

``CardCheckScreen(card_number, entry)`` is a modal returning the date to enter
(today, after the clerk's Enter) or ``None``; the caller passes the date to
``Terminal.enter``. Reading runs in a worker thread; a failed read is never
retried by itself — the clerk presses R after checking the number. A card that
already lies on the reader when the check opens may be the previous holder's, so
it is not read on its own (a wrong number may count against that card): the
clerk presses R, or replaces it and the new card is read when placed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from core.card import counter, genuine
from core.card.residence import ChipData
from core.errors import RenkeiError
from core.i18n import t


def chip_lines(chip: ChipData) -> list[str]:
    """What the chip holds, as text lines (images only named: nothing is drawn or kept)."""
    lines = [f"{t('card.cli.card_type')}: {chip.card.label()} ({chip.card.card_type})"]
    lines += [f"{f.label()}: {f.value}" for f in chip.fields if f.name != "card_number"]
    for name, image in (("front_image", chip.front_image), ("name_image", chip.name_image)):
        if image:
            lines.append(f"{t('card.cli.' + name)}: {t('card.cli.image_not_drawn')}")
    return lines


def entry_lines(entry: Any) -> list[str]:
    """The 未入力 list's record (a ``core.terminal.WaitingEntry``) as text lines."""
    if entry is None:
        return []
    pairs = [
        ("card_number", "card.field.card_number"),
        ("name_alpha", ""),
        ("name_kanji", ""),
        ("birth_date", "card.field.birth_date"),
        ("nationality", "card.field.nationality"),
        ("address", "card.field.address"),
    ]
    out = []
    for attr, key in pairs:
        value = getattr(entry, attr, "")
        if value:
            out.append(f"{t(key)}: {value}" if key else str(value))
    return out


def _genuineness_line(chip: ChipData) -> str:
    return f"{t('card.cli.genuineness')}: {chip.genuineness.message()}"


class CardCheckScreen(ModalScreen[date | None]):
    """Prove the card in hand is ``card_number``; Enter returns today, Esc ``None``."""

    DEFAULT_CSS = """
    CardCheckScreen { align: center middle; }
    CardCheckScreen > VerticalScroll { width: 100%; height: auto; max-height: 100%;
        border: round $accent; padding: 0 1; background: $surface; }
    CardCheckScreen Horizontal { height: auto; margin-top: 1; }
    CardCheckScreen .panel { width: 1fr; height: auto; padding: 0 1; }
    """
    BINDINGS = [  # noqa: RUF012 - Textual's own convention
        Binding("enter", "confirm", "確定 / confirm"),
        Binding("escape", "cancel", "取消 / cancel"),
        Binding("r", "read_again", "再読取 / read again"),
    ]

    def __init__(
        self, card_number: str, entry: Any = None, *, data_dir: Path | None = None,
        reader: str | None = None, today: date | None = None, wait_seconds: float = 120.0,
    ) -> None:
        super().__init__()
        self.card_number = card_number
        self.entry = entry
        self.trust = genuine.trust_dir(data_dir) if data_dir else None
        self.reader = reader
        self.today = today
        self.wait_seconds = wait_seconds
        self.handover: counter.HandOver | None = None
        self.error: RenkeiError | None = None
        self.busy = True  # until the first read has finished
        self.asking = False  # a card was already on the reader: waiting for R

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(f"{t('card.ui.title')} — {self.card_number}", id="title", markup=False)
            # what the clerk acts on comes first: visible on 80x24 without scrolling
            yield Static("", id="status", markup=False)
            yield Static("", id="proposal", markup=False)
            yield Static("", id="genuineness", markup=False)
            with Horizontal():
                yield Static(
                    "\n".join([t("card.ui.list_entry"), *entry_lines(self.entry)]),
                    classes="panel", id="entry", markup=False,
                )
                yield Static(t("card.ui.chip"), classes="panel", id="chip", markup=False)

    def on_mount(self) -> None:
        self.start_read(fresh=True)

    def _status(self, text: str) -> None:
        self.query_one("#status", Static).update(text)

    def start_read(self, fresh: bool = False) -> None:
        self.busy, self.asking = True, False
        self.handover, self.error = None, None
        self.query_one("#proposal", Static).update("")
        self.query_one("#genuineness", Static).update("")
        self.query_one("#chip", Static).update(t("card.ui.chip"))
        self._status(t("card.ui.place_card", number=self.card_number))
        self._read(fresh)

    def _ask(self) -> None:
        self.asking = True
        self._status(t("card.ui.card_on_reader", number=self.card_number))

    @work(thread=True, exclusive=True, group="card")
    def _read(self, fresh: bool) -> None:
        worker = get_current_worker()
        try:
            from core.card.reader import support

            ok, reason = support()
            if not ok:
                from core.card.errors import CardUnavailable

                raise CardUnavailable(reason)
            from core.card.residence import normalize_number

            normalize_number(self.card_number)  # the form first: nothing sent if wrong
            cancelled = lambda: worker.is_cancelled  # noqa: E731
            if fresh and counter.card_present(self.reader):
                self.app.call_from_thread(self._ask)
                if not counter.wait_for_card(self.reader, self.wait_seconds, cancelled, False):
                    return  # still there: R reads it
                self.app.call_from_thread(
                    self._status, t("card.ui.place_card", number=self.card_number)
                )
            placed = counter.wait_for_card(
                self.reader, self.wait_seconds, cancelled
            )
            if not placed:
                if not worker.is_cancelled:
                    self.app.call_from_thread(self._failed, RenkeiError("card.ui.timeout"))
                return
            self.app.call_from_thread(self._status, t("card.ui.reading"))
            result = counter.prove(
                self.card_number, reader=self.reader, trust=self.trust, today=self.today
            )
        except RenkeiError as exc:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._failed, exc)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._done, result)

    def _failed(self, error: RenkeiError) -> None:
        self.busy, self.error = False, error
        self._status(f"{error.message()}\n{t('card.ui.failed')}  {t('card.ui.retry_hint')}")

    def _done(self, handover: counter.HandOver) -> None:
        self.busy, self.handover = False, handover
        chip = handover.chip
        self.query_one("#chip", Static).update("\n".join([t("card.ui.chip"), *chip_lines(chip)]))
        self.query_one("#genuineness", Static).update(_genuineness_line(chip))
        if handover.proposed is None:
            self._status(t(handover.reason, expected=self.card_number, found=chip.card_number))
            self.query_one("#proposal", Static).update(t("card.ui.failed"))
            return
        self._status(t("card.ui.proved", number=handover.card_number))
        self.query_one("#proposal", Static).update(
            t("card.ui.propose", date=handover.proposed.isoformat())
        )

    def action_confirm(self) -> None:
        if self.handover is not None and self.handover.proposed is not None:
            self.dismiss(self.handover.proposed)

    def action_cancel(self) -> None:
        self.workers.cancel_group(self, "card")
        self.dismiss(None)

    def action_read_again(self) -> None:
        if (self.asking or not self.busy) and self.handover is None:  # the clerk's hand only
            self.workers.cancel_group(self, "card")
            self.start_read()


class CardScreen(Screen[None]):
    """Read any card by its number: chip data and the genuineness result."""

    BINDINGS = [Binding("escape", "app.pop_screen", "戻る / back")]  # noqa: RUF012

    def __init__(self, *, data_dir: Path | None = None, reader: str | None = None) -> None:
        super().__init__()
        self.trust = genuine.trust_dir(data_dir) if data_dir else None
        self.reader = reader

    def compose(self) -> ComposeResult:
        yield Static(t("card.ui.title"), markup=False)
        yield Static("", id="readers", markup=False)
        yield Input(placeholder=t("card.ui.number_prompt"), id="number")
        yield Static("", id="result", markup=False)

    def on_mount(self) -> None:
        self._readers()

    @work(thread=True, exclusive=True, group="card-readers")
    def _readers(self) -> None:
        from core.card.reader import Context, support

        ok, reason = support()
        if not ok:
            text = t("card.unavailable", reason=reason)
        else:
            try:
                with Context() as ctx:
                    infos = ctx.readers()
                text = "\n".join(
                    f"{i.name}  "
                    + (t("card.cli.card_present") if i.card_present else t("card.cli.card_absent"))
                    for i in infos
                ) or t("card.cli.readers_none")
            except RenkeiError as exc:
                text = exc.message()
        self.app.call_from_thread(
            self.query_one("#readers", Static).update, f"{t('card.ui.readers')}: {text}"
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#result", Static).update(t("card.ui.reading"))
        self._read(event.value)

    @work(thread=True, exclusive=True, group="card")
    def _read(self, number: str) -> None:
        from core.card import residence
        from core.card.reader import support

        try:
            ok, reason = support()
            if not ok:
                from core.card.errors import CardUnavailable

                raise CardUnavailable(reason)
            chip = residence.read_with_reader(number, reader=self.reader, trust=self.trust)
            text = "\n".join([*chip_lines(chip), _genuineness_line(chip)])
            text = f"{t('card.field.card_number')}: {chip.card_number}\n{text}"
        except RenkeiError as exc:
            text = exc.message()
        self.app.call_from_thread(self.query_one("#result", Static).update, text)
