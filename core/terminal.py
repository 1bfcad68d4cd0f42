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

from collections.abc import Iterable, Mapping, Sequence
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
    from core.card.counter import HandOver
    from core.charset.review import Decision, Pending
    from core.exchange.intake import Recheck
    from core.exchange.schedule import Schedule
    from core.notice_view import NoticeView
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

    def find(self, typed: str) -> tuple[WaitingEntry | None, int]:
        """The entry a typed number means, forgivingly (width, spaces, hyphens,
        case; a unique start is enough): ``(entry, candidates)``."""
        ...

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
    def recheck(self, file_id: str) -> Recheck:
        """Check a kept (要確認) file again with today's rules and tables; take it
        in when it passes."""
        ...

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

    # -- the operator and what the TUI does besides the workflows above -------
    # (every action the TUI offers is a method here: it imports nothing else
    # from core but the value types, the catalogue and the settings type)

    @property
    def operator(self) -> str:
        """The operator who unlocked (``""`` on a terminal without operators)."""
        ...

    @property
    def role(self) -> str:
        """Their role (roles.toml); a terminal without operators: ``admin``."""
        ...

    def check_ready(self) -> None:
        """Raise ``MustChangePassphrase`` / ``MustEnrol`` when this operator must
        first change an initial passphrase or enrol a second factor."""
        ...

    def allows(self, action: str) -> bool:
        """Whether the operator's role allows the TUI action (roles.toml [tui])."""
        ...

    def require(self, action: str) -> None:
        """Refuse, audited, with ``Forbidden`` naming the role it needs, unless allowed."""
        ...

    def own_history(self, limit: int = 200) -> list[AuditEntry]:
        """操作履歴: this operator's own last audit entries, oldest first."""
        ...

    def record_lock(self) -> None:
        """The screen locked: a ログイン event of the audit trail (a read-only,
        rolled-back database records nothing)."""
        ...

    def changes_mark(self) -> tuple[int, int]:
        """A mark of the outbox that changes when any session enters or sends
        (another operator over another login): compare two to reload."""
        ...

    def sweep_pdfs(self, now: datetime, when: str = "due") -> int:
        """Delete the list PDFs whose time has come (``when``: ``due``,
        ``startup`` with crash leftovers, ``end_of_business``); how many."""
        ...

    def check_settings(self, new: Config) -> list[Problem]:
        """What is wrong with ``new`` (each problem names the setting), before saving."""
        ...

    def card_key(self, typed: str) -> str:
        """A typed certificate number in its stored form (width, spaces, hyphens, case)."""
        ...

    def describe_notice(self, kind: str, record: Mapping[str, str], line: int = 0) -> NoticeView:
        """A record of a received file, item by item as table 4.1.1 names them."""
        ...

    def pending_names(self, held: Iterable[tuple[str, Iterable[Problem]]]) -> list[Pending]:
        """確認待ちの文字: characters of the held-back files (name, problems) not
        yet decided, each with its J+ suggestions."""
        ...

    def decide_name(self, text: str, use: str) -> Decision:
        """Write ``text`` as the J+ character ``use`` from now on (audited)."""
        ...

    def audit_unverified_card(self, card_number: str, handover: HandOver) -> None:
        """The clerk accepted a 検証不能 card at the counter: audited (by the
        certificate's reference, never its number)."""
        ...
