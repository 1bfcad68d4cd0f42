"""The terminal as one object: every action a person or a timer can take.

The TUI, the ``renkei`` subcommands and the scheduler all call these methods
and nothing below them, so each action has exactly one implementation and one
set of checks. A ``Terminal`` is an unlocked data directory: personal data is
decrypted only in its memory.

This module is the contract between ``core`` and ``tui``. The dataclasses are
what the screens draw; the methods are what their keys do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from core.config import Config
from core.report import Problem


@dataclass(frozen=True)
class Progress:
    """A step of a long action, for a progress bar or a log line."""

    step: str  # catalogue key of the step, e.g. "exchange.step.download"
    done: int = 0
    total: int | None = None
    detail: str = ""


ProgressFn = Callable[[Progress], None]


@dataclass(frozen=True)
class WaitingEntry:
    """One certificate on the 未入力 list, decrypted, in memory only."""

    card_number: str
    notice_id: str
    card_made_date: date
    application_text: str
    name_alpha: str
    name_kanji: str
    name_class_code: str
    birth_date: date
    sex_code: str
    nationality: str
    nationality_code: str
    address: str
    lasdec_code: str
    received_at: datetime
    entered_date: date | None = None  # entered here, not yet sent (still correctable)


class WaitingIndex(Protocol):
    """The 未入力 list with its in-memory search index."""

    def __len__(self) -> int: ...

    def search(self, query: str, limit: int | None = None) -> Sequence[WaitingEntry]:
        """Entries matching ``query`` over card number, Latin name, kanji name
        (width- and case-insensitive) and birth date (any date form)."""
        ...

    def get(self, card_number: str) -> WaitingEntry | None: ...


@dataclass(frozen=True)
class InboxFile:
    """A received MOJ notice file (kind ``moj`` or ``spr``)."""

    file_id: str
    kind: str
    name: str
    records: int
    received_at: datetime
    status: str  # e.g. "ok", "invalid" (kept, waiting for an operator decision)
    problems: int = 0


@dataclass(frozen=True)
class EntryResult:
    card_number: str
    delivered: date
    replaced: date | None = None  # an unsent date this entry replaced
    correction: bool = False  # the certificate's date was already sent: a correction record


@dataclass(frozen=True)
class OutboxItem:
    """A municipal notice record or file on its way to the server."""

    notice_id: str
    card_number: str
    state: str  # "queued", "sending", "sent", "rejected"
    delivered: date | None
    created_at: datetime
    sent_at: datetime | None = None
    receipt_id: str | None = None
    reason: str = ""  # the server's reason for a rejection


@dataclass(frozen=True)
class FetchResult:
    files: int
    records: int
    waiting_added: int
    problems: int = 0
    errors: tuple[str, ...] = ()  # files not taken (e.g. wrong hash), clock skew warning


@dataclass(frozen=True)
class SendResult:
    files: int
    accepted: int
    rejected: int
    receipt_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class HistoryEvent:
    at: datetime
    action: str  # catalogue key, e.g. "history.fetch", "history.send", "history.entry"
    detail: str
    result: str


@dataclass(frozen=True)
class Status:
    waiting: int
    queued: int
    sending: int
    sent: int
    rejected: int
    last_fetch: datetime | None
    last_send: datetime | None
    next_fetch: datetime | None
    next_send: datetime | None
    last_error: str = ""
    server_url: str = ""
    plain_http: bool = False  # shown as a warning when the config allows plain HTTP
    clock_skew: float | None = None  # server minus local clock, seconds, at the last fetch
    pending_batches: int = 0  # uploaded files not yet acknowledged (resumed by send)


class Terminal(Protocol):
    """An unlocked terminal. Obtain one with ``core.session.unlock`` (see there)."""

    data_dir: Path
    config: Config

    def close(self) -> None: ...

    # ① receive
    def fetch(self, progress: ProgressFn | None = None) -> FetchResult: ...
    def inbox(self) -> Sequence[InboxFile]: ...
    def inbox_records(self, file_id: str) -> tuple[list[dict[str, str]], list[Problem]]: ...

    # ② list
    def waiting(self) -> WaitingIndex: ...

    # ④⑤ enter
    def check_entry(self, card_number: str, delivered: date) -> list[Problem]:
        """The data check of an entry without making it (for inline messages)."""
        ...

    def enter(
        self, card_number: str, delivered: date, operator: str = "", replace_other: bool = False
    ) -> EntryResult: ...

    # ⑥ send
    def outbox(self) -> Sequence[OutboxItem]: ...
    def send(self, progress: ProgressFn | None = None) -> SendResult: ...

    def status(self) -> Status: ...
    def history(self, limit: int = 200) -> Sequence[HistoryEvent]: ...

    # 起動時間監視: the TUI calls ``tick`` every few seconds (in a worker); it
    # runs the automatic fetch/send that are due and returns what it ran.
    def tick(
        self, now: datetime | None = None
    ) -> list[tuple[str, FetchResult | SendResult | str]]: ...
