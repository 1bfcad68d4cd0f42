"""The terminal as one object: every action a person or a timer can take.

The TUI, the ``renkei`` subcommands and the scheduler all call these methods
and nothing below them, so each action has exactly one implementation and one
set of checks. A ``Terminal`` is an unlocked data directory: personal data is
decrypted only in its memory.

This module is the contract between ``core`` and ``tui``. The value types
(``core.model``, re-exported here) are what the screens draw; the methods are
what their keys do.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from core.config import Config
from core.model import (
    EntryResult,
    FetchResult,
    HistoryEvent,
    InboxFile,
    OutboxItem,
    Progress,
    ProgressFn,
    SendResult,
    Status,
    WaitingEntry,
)
from core.report import Problem

if TYPE_CHECKING:
    from core.boundary import BoundaryStatus, SyncResult
    from core.exchange.schedule import Schedule
    from core.pdf.export import PdfExport
    from core.settings import Saved
    from core.store.audit import AuditEntry


# the value types the TUI imports from here (defined in core.model)
__all__ = [
    "EntryResult",
    "FetchResult",
    "HistoryEvent",
    "InboxFile",
    "OutboxItem",
    "Progress",
    "ProgressFn",
    "SendResult",
    "Status",
    "Terminal",
    "WaitingEntry",
    "WaitingIndex",
]


class WaitingIndex(Protocol):
    """The 未入力 list with its in-memory search index."""

    def __len__(self) -> int: ...

    def search(self, query: str, limit: int | None = None) -> Sequence[WaitingEntry]:
        """Entries matching ``query`` over card number, Latin name, kanji name
        (width- and case-insensitive) and birth date (any date form)."""
        ...

    def get(self, card_number: str) -> WaitingEntry | None: ...

    def upsert(self, entry: WaitingEntry) -> None:
        """Add ``entry`` or replace the one with its card number (an entry just
        made is shown at once, without reloading the list)."""
        ...


class Terminal(Protocol):
    """An unlocked terminal. Obtain one with ``core.session.unlock`` (see there)."""

    data_dir: Path

    @property
    def config(self) -> Config:
        """The running settings (one object, owned by the opened data directory)."""
        ...

    def save_settings(self, new: Config) -> Saved:
        """Check ``new`` whole, write it atomically, then apply it everywhere at
        once; on any failure raise and change nothing. Says which changed
        settings wait for a restart."""
        ...

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

    # 起動時間監視: the TUI asks ``schedule.due(now)`` every few seconds, runs
    # each due fetch/send as its own job and reports ``done`` or ``failed``.
    schedule: Schedule

    # the list PDF for the counter (logged in the audit log)
    def export_pdf(
        self,
        entries: Sequence[WaitingEntry],
        now: datetime,
        *,
        out: Path | None = None,
        filter_text: str = "",
        sort_key: str | None = None,
        password: str | None = None,
        progress: ProgressFn | None = None,
        held: bool = True,
        operator: str = "",
    ) -> PdfExport: ...

    # the line connection to the resident-record system
    def sync_boundary(self, now: datetime | None = None) -> SyncResult: ...
    def boundary_status(self) -> BoundaryStatus: ...

    # the audit log
    def audit_entries(self, limit: int | None = None) -> list[AuditEntry]: ...
    def verify_audit(self) -> int: ...

    # TLS material: copied into the data directory, the settings pointed at it
    def provision_tls(self, ca: str = "", client_cert: str = "", client_key: str = "") -> Saved: ...
