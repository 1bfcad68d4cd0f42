"""The App's work on the terminal's data: fetch, send and the list PDF as
exclusive jobs (``Job[T]``), entries made elsewhere (the card check) and the
conflict with another operator's entry, and the 未入力 list they change."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from core.terminal import (
    EntryResult,
    FetchResult,
    OutboxItem,
    Progress,
    SendResult,
    WaitingEntry,
    WaitingIndex,
)
from tui import dates
from tui.shell.jobs import Job
from tui.shell.modes import DATA_MODES, Redraws
from tui.text import tr

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen
    from textual.worker import Worker

    from core.pdf.export import PdfExport
    from core.terminal import ProgressFn, Terminal
    from tui.shell.jobs import Jobs
    from tui.states import Standing

    _Host = App[int]
else:
    _Host = object

T = TypeVar("T")


class DataWork(_Host):
    """Mixed into ``RenkeiApp``, which defines what is declared here."""

    terminal: Terminal | None
    jobs: Jobs
    waiting_index: WaitingIndex | None
    outbox_latest: dict[str, OutboxItem]
    last_error: str

    if TYPE_CHECKING:

        @property
        def busy(self) -> set[str]: ...

        def run_core(
            self,
            fn: Callable[..., T],
            *args: object,
            done: Callable[[T], None] | None = None,
            error: Callable[[BaseException], None] | None = None,
            name: str = "core",
        ) -> Worker[None]: ...

        def progress_fn(self, target: Callable[[Progress], None]) -> ProgressFn: ...
        def show_error(self, exc: BaseException) -> None: ...
        @staticmethod
        def error_text(exc: BaseException) -> str: ...
        def mode_screen(self, mode: str) -> Screen[Any] | None: ...

    def ask_conflict(
        self,
        exc: BaseException,
        card_number: str,
        delivered: date,
        done: Callable[[EntryResult], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        """Another operator entered this certificate: show who, what, when; enter
        over theirs only if this operator chooses to."""
        from tui.screens.conflict import ConflictScreen

        terminal = self.terminal

        def chosen(replace: bool | None) -> None:
            if replace and terminal is not None and terminal is self.terminal:
                self.run_core(
                    terminal.enter, card_number, delivered, "", True,
                    done=done, error=failed, name="enter",
                )  # fmt: skip

        self.push_screen(ConflictScreen(self.error_text(exc)), chosen)

    # -- the exclusive jobs: fetch, send, the list PDF ------------------------

    def start_fetch(
        self,
        progress: Callable[[Progress], None] | None = None,
        done: Callable[[FetchResult | None], None] | None = None,
    ) -> None:
        """Fetch now (F9 or the schedule); one at a time."""
        terminal = self.terminal
        if terminal is None:
            return
        report = self.progress_fn(progress) if progress else None

        def finished(result: FetchResult) -> None:
            self.last_error = ""  # a success clears the error shown on 送信状況
            self.notify(
                tr("fetch.done", files=result.files, records=result.records,
                   waiting=result.waiting_added),
                markup=False,
            )  # fmt: skip
            if result.files:  # no file taken: the list is as it was (no reload of 100,000)
                self.refresh_waiting()

        self.jobs.start(Job("fetch", lambda: terminal.fetch(report), finished, done=done))

    def start_send(
        self,
        progress: Callable[[Progress], None] | None = None,
        done: Callable[[SendResult | None], None] | None = None,
    ) -> None:
        """Send now (F10 or the schedule); one at a time."""
        terminal = self.terminal
        if terminal is None:
            return
        report = self.progress_fn(progress) if progress else None

        def finished(result: SendResult) -> None:
            self.last_error = ""
            self.notify(
                tr("send.done", files=result.files, accepted=result.accepted,
                   rejected=result.rejected),
                severity="warning" if result.rejected else "information",
                markup=False,
            )  # fmt: skip
            if result.files:  # nothing sent (a scheduled send, nothing queued): no reload
                self.refresh_waiting()

        self.jobs.start(Job("send", lambda: terminal.send(report), finished, done=done))

    def export_pdf(
        self,
        entries: list[WaitingEntry],
        filter_text: str,
        progress: Callable[[Progress], None] | None = None,
        done: Callable[[PdfExport | None], None] | None = None,
    ) -> None:
        """The 未入力 list (the current search's rows) as the PDF for the counter;
        logged in the terminal's audit log like ``renkei pdf``."""
        terminal = self.terminal
        if terminal is None or "pdf" in self.busy:
            return
        report = self.progress_fn(progress) if progress else None

        def call() -> PdfExport:
            return terminal.export_pdf(
                entries, datetime.now(), filter_text=filter_text, progress=report
            )

        def written(result: PdfExport) -> None:
            expires = result.expires_at.astimezone().strftime("%H:%M")
            self.notify(
                tr("pdf.written", path=str(result.path), rows=result.rows, expires=expires),
                timeout=15,
                markup=False,
            )
            if result.unprintable:
                self.notify(
                    tr("pdf.unprintable", n=len(result.unprintable)),
                    severity="warning",
                    markup=False,
                )

        self.notify(tr("pdf.running", rows=len(entries)), markup=False)
        self.jobs.start(Job("pdf", call, written, done=done))

    def enter_date(self, card_number: str, delivered: date) -> None:
        """Enter a date decided elsewhere (the card check at the counter)."""
        from core.errors import RenkeiError

        terminal = self.terminal
        if terminal is None:
            return

        def done(result: EntryResult) -> None:
            self.notify(
                tr("entry.done", card=result.card_number, date=dates.echo(result.delivered)),
                markup=False,
            )
            self.entered(result)

        def failed(exc: BaseException) -> None:
            self.show_error(exc)
            if isinstance(exc, RenkeiError) and exc.key == "operator.conflict":
                self.ask_conflict(exc, card_number, delivered, done, self.show_error)

        self.run_core(terminal.enter, card_number, delivered, done=done, error=failed, name="enter")

    # -- the list and what changed --------------------------------------------

    def entered(self, result: EntryResult) -> None:
        """An entry was made: mark it on the list at once (no reload of 100,000)."""
        index = self.waiting_index
        old = index.get(result.card_number) if index is not None else None
        if index is not None and old is not None:
            index.upsert(dataclasses.replace(old, entered_date=result.delivered))
            self.outbox_latest.pop(result.card_number, None)  # a new entry resolves the old
            self.data_changed()
        else:
            self.refresh_waiting()

    def data_changed(self) -> None:
        """The terminal's data changed: every data screen shown since unlock redraws."""
        for mode in DATA_MODES:
            screen: object = self.mode_screen(mode)
            if isinstance(screen, Redraws):
                screen.data_changed()

    def refresh_waiting(self) -> None:
        """Reload the 未入力 index after anything that changes it; screens redraw."""
        terminal = self.terminal
        if terminal is None:
            return

        def read() -> tuple[WaitingIndex, dict[str, OutboxItem]]:
            from tui.states import latest

            return terminal.waiting(), latest(terminal.outbox())

        def loaded(found: tuple[WaitingIndex, dict[str, OutboxItem]]) -> None:
            if self.terminal is terminal:
                self.waiting_index, self.outbox_latest = found
                self.data_changed()

        self.run_core(read, done=loaded, name="waiting")

    def standing(self, card_number: str, entry: WaitingEntry | None = None) -> Standing:
        """Where ``card_number`` stands (``tui.states.Standing``): list and outbox joined."""
        from tui.states import standing

        return standing(entry, self.outbox_latest.get(card_number))
