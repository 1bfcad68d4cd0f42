"""The hand-over check opened with F8 from the 未入力 list (カード確認).

``CardCheckScreen(card_number, entry)`` is a modal returning the date to enter
(today, after the clerk's Enter) or ``None``; the caller passes the date to
``Terminal.enter``. It shows the row's fields beside the chip's, each marked
一致 / 相違, the genuineness outcome and what the signature covers. The date is
proposed only for 真正, or for 検証不能 after the clerk presses C to accept it
(``on_unverified`` audits that). A row already entered shows its stored date and
Enter asks once more before replacing it.

Reading runs in a worker thread and is never retried by itself: after a failure
R asks for the number again (typed from the card), so the same refused number is
never sent twice. A card already on the reader when the check opens may be the
previous holder's, so it is read only on R.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from core.card import counter, genuine
from core.card.residence import ChipData
from core.errors import RenkeiError
from core.i18n import t
from tui.widgets.keybar import KeyBar, key_label


def chip_lines(chip: ChipData) -> list[str]:
    """What the chip holds, as text lines (images only named: nothing is drawn or kept)."""
    from tui.commands.card import chip_report

    return [line for line in chip_report(chip) if not line.startswith(t("card.cli.genuineness"))]


def compare_lines(entry: Any, chip: ChipData) -> list[str]:
    """The row beside the chip: "label: row ｜ chip ｜ mark" per field."""
    lines = [t("card.ui.compare_head")]
    for c in counter.compare(entry, chip):
        cells = [c.row or "-", c.chip or "-", t(f"card.mark.{c.mark}")]
        lines.append(f"{t(f'card.field.{c.field}')}: " + " ｜ ".join(cells))
    return lines


class ModalKeys(KeyBar):
    """The modal's own key line: only the keys that act now (the shared key bar also
    lists screen keys shadowed by a focused field, which here would show keys that
    are off, e.g. Enter before there is anything to confirm)."""

    def render(self) -> Text:
        key_style = self.get_component_rich_style("keybar--key")
        text = Text(no_wrap=False, overflow="fold")
        seen: set[str] = set()
        for _node, binding, enabled, _tip in self.screen.active_bindings.values():
            if not binding.show or not enabled or not binding.description:
                continue
            if binding.action in seen or binding.action.startswith("app."):
                continue
            seen.add(binding.action)
            if text:
                text.append(" ")
            text.append(key_label(binding.key), key_style)
            text.append(binding.description)
        return text


class CardCheckScreen(ModalScreen[date | None]):
    """Check that the card in hand is ``card_number``'s; Enter returns today, Esc None."""

    DEFAULT_CSS = """
    CardCheckScreen { align: center middle; }
    CardCheckScreen > VerticalScroll { width: 100%; height: 1fr;
        border: round $accent; padding: 0 1; background: $surface; }
    CardCheckScreen #number { display: none; }
    CardCheckScreen #number.asking { display: block; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "confirm", "確定 / confirm"),
        Binding("escape", "cancel", "取消 / cancel"),
        Binding("r", "read_again", "番号を入力し直す / number again"),
        Binding(
            "c",
            "accept_unverified",
            "検証不能を承認 / accept unverifiable",
            id="card.accept_unverified",
        ),
    ]

    def __init__(
        self,
        card_number: str,
        entry: Any = None,
        *,
        data_dir: Path | None = None,
        reader: str | None = None,
        today: date | None = None,
        wait_seconds: float = 120.0,
        on_unverified: Callable[[counter.HandOver], None] | None = None,
    ) -> None:
        super().__init__()
        self.card_number = card_number  # the row's number
        self.number = card_number  # the number the next read uses
        self.entry = entry
        self.trust = genuine.trust_dir(data_dir) if data_dir else None
        self.reader = reader
        self.today = today
        self.wait_seconds = wait_seconds
        self.on_unverified = on_unverified
        self.handover: counter.HandOver | None = None
        self.error: RenkeiError | None = None
        self.busy = True  # until the first read has finished
        self.asking = False  # a card was already on the reader: waiting for R
        self.accepted = False  # 検証不能 accepted with C
        self.replace_asked = False  # Enter pressed once on an already-entered row
        self.typing = False  # R after a failure: the number box is open

    @property
    def stored(self) -> date | None:
        return getattr(self.entry, "entered_date", None)

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(f"{t('card.ui.title')} — {self.card_number}", id="title", markup=False)
            # what the clerk acts on comes first: visible on 80x24 without scrolling
            yield Static("", id="status", markup=False)
            yield Input(placeholder=t("card.ui.number_prompt"), id="number")
            yield Static("", id="genuineness", markup=False)
            yield Static("", id="proposal", markup=False)
            yield Static("", id="compare", markup=False)
            yield Static("", id="chip", markup=False)
        yield ModalKeys()

    def on_mount(self) -> None:
        self.start_read(fresh=True)

    def _status(self, text: str) -> None:
        self.query_one("#status", Static).update(text)

    def _set(self, wid: str, text: str) -> None:
        self.query_one(wid, Static).update(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only the keys that do something now are active (and shown)."""
        if action == "accept_unverified":
            h = self.handover
            return h is not None and h.confirm and not self.accepted
        if action == "read_again":
            return self.asking or (not self.busy and self.handover is None)
        if action == "confirm":
            return self._can_confirm() or self.typing
        return True

    def _can_confirm(self) -> bool:
        h = self.handover
        return h is not None and h.proposed is not None and (not h.confirm or self.accepted)

    def start_read(self, fresh: bool = False) -> None:
        self.busy, self.asking = True, False
        self.handover, self.error = None, None
        self.accepted = self.replace_asked = False
        for wid in ("#proposal", "#genuineness", "#compare", "#chip"):
            self._set(wid, "")
        self._status(t("card.ui.place_card", number=self.number))
        self.refresh_bindings()
        self._read(fresh)

    def _ask(self) -> None:
        self.asking = True
        self._status(t("card.ui.card_on_reader", number=self.number))
        self.refresh_bindings()

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

            normalize_number(self.number)  # the form first: nothing sent if wrong
            cancelled = lambda: worker.is_cancelled  # noqa: E731
            if fresh and counter.card_present(self.reader):
                self.app.call_from_thread(self._ask)
                if not counter.wait_for_card(self.reader, self.wait_seconds, cancelled, False):
                    return  # still there: R reads it
                self.app.call_from_thread(self._status, t("card.ui.place_card", number=self.number))
            placed = counter.wait_for_card(self.reader, self.wait_seconds, cancelled)
            if not placed:
                if not worker.is_cancelled:
                    self.app.call_from_thread(self._failed, RenkeiError("card.ui.timeout"))
                return
            self.app.call_from_thread(self._status, t("card.ui.reading"))
            result = counter.prove(
                self.card_number,
                number=self.number,
                reader=self.reader,
                trust=self.trust,
                today=self.today,
            )
        except RenkeiError as exc:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._failed, exc)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._done, result)

    def _failed(self, error: RenkeiError) -> None:
        self.busy, self.error = False, error
        self._set("#genuineness", f"{t('card.cli.genuineness')}: {t('card.outcome.unreadable')}")
        self._status(f"{error.message()}\n{t('card.ui.failed')}  {t('card.ui.retry_hint')}")
        self.refresh_bindings()

    def _done(self, handover: counter.HandOver) -> None:
        self.busy, self.handover = False, handover
        chip = handover.chip
        result = chip.genuineness
        self._set(
            "#genuineness", f"{t('card.cli.genuineness')}: {result.message()}\n{result.covers()}"
        )
        row = (
            self.entry if self.entry is not None else SimpleNamespace(card_number=self.card_number)
        )
        self._set("#compare", "\n".join(compare_lines(row, chip)))
        self._set("#chip", "\n".join([t("card.ui.chip"), *chip_lines(chip)]))
        if handover.proposed is None:
            if handover.reason == "card.mismatch":
                why = t("card.mismatch", expected=self.card_number, found=chip.card_number)
            else:
                why = result.label()
            self._status(why)
            self._set("#proposal", t("card.ui.no_date", outcome=why))
        else:
            self._status(t("card.ui.proved", number=handover.card_number))
            self._show_proposal()
        self.refresh_bindings()

    def _show_proposal(self) -> None:
        h = self.handover
        assert h is not None and h.proposed is not None
        day = h.proposed.isoformat()
        lines = []
        if self.stored is not None:
            lines.append(t("card.ui.entered_before", date=self.stored.isoformat()))
        if h.confirm and not self.accepted:
            lines.append(t("card.ui.propose_unverified"))
        else:
            if h.confirm:
                lines.append(t("card.ui.accepted_unverified"))
            lines.append(t("card.ui.propose", date=day))
        self._set("#proposal", "\n".join(lines))

    def action_accept_unverified(self) -> None:
        h = self.handover
        if h is None or not h.confirm or self.accepted:
            return
        permitted = getattr(self.app, "permitted", None)  # roles.toml: supervisor
        if permitted is not None and not permitted("card.accept_unverified"):
            return  # refused, audited and shown by the app; the date stays unproposed
        self.accepted = True
        self._show_proposal()
        self.refresh_bindings()

    def action_confirm(self) -> None:
        if self.typing:
            return  # the Input's own Enter (on_input_submitted) reads
        h = self.handover
        if not self._can_confirm() or h is None or h.proposed is None:
            return
        if self.stored is not None and not self.replace_asked:
            self.replace_asked = True
            self._set(
                "#proposal",
                t("card.ui.replace_ask", old=self.stored.isoformat(), new=h.proposed.isoformat()),
            )
            return
        if h.confirm and self.on_unverified is not None:
            self.on_unverified(h)  # audited before the date goes anywhere
        self.dismiss(h.proposed)

    def action_cancel(self) -> None:
        self.workers.cancel_group(self, "card")
        self.dismiss(None)

    def action_read_again(self) -> None:
        if self.asking:  # a card was on the reader before: the first read, on R
            self.workers.cancel_group(self, "card")
            self.start_read()
            return
        if self.busy or self.handover is not None:
            return
        # after a failure: never the same number again by itself — ask for it
        box = self.query_one("#number", Input)
        box.value = ""
        box.add_class("asking")
        self.typing = True
        box.focus()
        self._status(t("card.ui.number_again"))
        self.refresh_bindings()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        box = self.query_one("#number", Input)
        box.remove_class("asking")
        self.typing = False
        self.number = event.value.strip() or self.card_number
        self.workers.cancel_group(self, "card")
        self.start_read()
