"""The value types of the terminal: what the workflows return and the screens draw.

Plain frozen dataclasses with no behaviour, below every workflow (exchange,
waiting, pdf, ...) and below the facade (``core.terminal``), which re-exports
them: a workflow imports its result type from here, never from the facade.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime


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
    invalid: tuple[str, ...] = ()  # files stored but failing the data check (need attention)
    duplicates: int = 0  # records already received in an earlier file: not taken again


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
