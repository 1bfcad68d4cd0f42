"""The terminal facade (``core.terminal.Terminal``) over an unlocked vault.

``unlock(data_dir, passphrase)`` is what the TUI and every scripted command
call; the methods drive the exchange workflows (``core.exchange``), so each
action has one implementation whatever interface asks for it.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core import boundary, formats, settings
from core.config import Config
from core.datadir.opened import Vault
from core.datadir.unlock import open_vault
from core.durable import make_private_dir, write_atomic
from core.errors import RenkeiError
from core.exchange import entry, fetch, schedule, send, views
from core.exchange.client import Client
from core.paths import TLS_DIR, TLS_FILES
from core.pdf import lifetime  # light: fpdf2 is in core.pdf.export/document
from core.report import Problem
from core.store.audit import AuditEntry
from core.terminal import (
    EntryResult,
    FetchResult,
    HistoryEvent,
    InboxFile,
    OutboxItem,
    ProgressFn,
    SendResult,
    Status,
    WaitingEntry,
)
from core.waiting import WaitingList

if TYPE_CHECKING:
    from core.card.counter import HandOver
    from core.charset.review import Decision, Pending
    from core.exchange.intake import Recheck
    from core.notice_view import NoticeView
    from core.pdf.export import PdfExport


class Session:
    """An unlocked terminal (implements ``core.terminal.Terminal``)."""

    def __init__(self, vault: Vault, client_options: dict[str, Any] | None = None) -> None:
        self.vault = vault
        self.data_dir: Path = vault.data_dir
        self.client_options = client_options or {}
        self.schedule = schedule.Schedule(vault.store, lambda: self.vault.config.schedule)
        try:  # this deployment's reading of the seed tables ([formats] readings)
            formats.use_readings(self.config.formats.readings)
        except BaseException:
            vault.close()
            raise

    @property
    def config(self) -> Config:
        """The running settings, owned by the opened data directory (one object)."""
        return self.vault.config

    def save_settings(self, new: Config) -> settings.Saved:
        """Check, write and apply ``new`` everywhere at once, or raise and change nothing."""
        return settings.save(self.vault, new)

    def close(self) -> None:
        self.vault.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def client(self) -> Client:
        options = {"limits": self.config.limits, "lasdec": self.config.terminal.lasdec}
        return Client(self.config.server, **{**options, **self.client_options})

    # ① receive
    def fetch(self, progress: ProgressFn | None = None) -> FetchResult:
        with self.client() as c:
            return fetch.run(self.vault, c, progress)

    def inbox(self) -> Sequence[InboxFile]:
        return views.inbox(self.vault.store)

    def inbox_records(self, file_id: str) -> tuple[list[dict[str, str]], list[Problem]]:
        return views.inbox_records(self.vault, file_id)

    def recheck(self, file_id: str) -> Recheck:
        """Check a kept file again with today's rules and tables; take it in when
        it passes (``core.exchange.intake.recheck``)."""
        from core.exchange import intake

        return intake.recheck(self.vault, file_id)

    # ② list
    def waiting(self) -> WaitingList:
        return entry.waiting_index(self.vault.store)

    def seal_waiting(self) -> bool:
        """Seal the list's snapshot if the list changed since it was made
        (``core.exchange.entry.seal_waiting``): for commands run outside the TUI."""
        return entry.seal_waiting(self.vault.store)

    # ④⑤ enter
    def check_entry(self, card_number: str, delivered: date) -> list[Problem]:
        return entry.check(self.vault.store, card_number, delivered, date.today())

    def enter(
        self, card_number: str, delivered: date, operator: str = "", replace_other: bool = False
    ) -> EntryResult:
        return entry.enter(
            self.vault, card_number, delivered, operator, replace_other=replace_other
        )

    # ⑥ send
    def outbox(self) -> Sequence[OutboxItem]:
        return views.outbox(self.vault.store)

    def send(self, progress: ProgressFn | None = None) -> SendResult:
        with self.client() as c:
            return send.run(self.vault, c, progress)

    def status(self, now: datetime | None = None) -> Status:
        return views.status(self.vault, self.schedule, now or datetime.now())

    def history(self, limit: int = 200) -> Sequence[HistoryEvent]:
        return views.history(self.vault.store, limit)

    # the list PDF for the counter
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
    ) -> PdfExport:
        """The 未入力 list (``entries``: all, or a search's rows) as the PDF, after
        sweeping the PDFs whose time has come; logged in the audit log.
        ``held``: this process stays running and deletes it when it expires."""
        from core.pdf import export as pdf_export

        store = self.vault.store
        # fpdf2 and its fonts load only when a list is printed: every scripted
        # command opens a Session, and none of the others needs them

        lifetime.sweep(store, now)
        return pdf_export.export_list(
            entries,
            out or pdf_export.default_path(self.data_dir, now),
            store=store,
            config=self.config,
            now=now,
            filter_text=filter_text,
            sort_key=sort_key,
            password=password,
            progress=progress,
            held=held,
            audit=self.vault.audit,
            operator=operator,
        )

    # the line connection to the resident-record system (既存住基)
    def sync_boundary(self, now: datetime | None = None) -> boundary.SyncResult:
        return boundary.sync(self.vault, now)

    def boundary_status(self) -> boundary.BoundaryStatus:
        return boundary.status(self.vault)

    # the audit log
    def audit_entries(self, limit: int | None = None) -> list[AuditEntry]:
        """The audit log's entries, oldest first (the last ``limit`` ones)."""
        return self.vault.audit.entries(limit)

    def verify_audit(self) -> int:
        """The number of entries when the hash chain holds; else ``AuditBroken``."""
        return self.vault.audit.verify()

    # TLS material of the linkage server
    def provision_tls(
        self, ca: str = "", client_cert: str = "", client_key: str = ""
    ) -> settings.Saved:
        """Copy the given CA / client certificate / key files into ``<data>/tls``
        (private) and point the settings at the copies, through ``save_settings``."""
        new = copy.deepcopy(self.config)
        folder = make_private_dir(self.data_dir / TLS_DIR)
        for name, given in (("ca", ca), ("client_cert", client_cert), ("client_key", client_key)):
            if given:
                setattr(new.server, name, _copy_private(given, folder / TLS_FILES[name]))
        return self.save_settings(new)

    # the operator and the TUI's own actions (see core.terminal.Terminal)
    @property
    def operator(self) -> str:
        return self.vault.operator

    @property
    def role(self) -> str:
        return self.vault.role

    def check_ready(self) -> None:
        from core.vault.errors import MustChangePassphrase, MustEnrol

        if self.vault.must_change:
            raise MustChangePassphrase(self.vault.operator)
        if self.vault.must_enrol:
            raise MustEnrol(self.vault.operator, self.vault.role)

    def allows(self, action: str) -> bool:
        from core.datadir import roles

        return roles.allows(self.vault.role, action, "tui")

    def require(self, action: str) -> None:
        from core.datadir import roles

        roles.require(self.vault, action, "tui")

    def own_history(self, limit: int = 200) -> list[AuditEntry]:
        from core.datadir.audit_export import Filter, search

        return search(self.vault, Filter(operator=self.vault.operator), limit=limit)

    def record_lock(self) -> None:
        if self.vault.rolled_back is None:
            self.vault.audit.append("vault.lock")

    def changes_mark(self) -> tuple[int, int]:
        return views.changes_mark(self.vault.store)

    def sweep_pdfs(self, now: datetime, when: str = lifetime.DUE) -> int:
        return len(lifetime.sweep_in(self.data_dir, now, when))

    def check_settings(self, new: Config) -> list[Problem]:
        from core import config_check

        return list(config_check.check(new))

    def card_key(self, typed: str) -> str:
        from core.waiting import card_key

        return card_key(typed)

    def describe_notice(self, kind: str, record: Mapping[str, str], line: int = 0) -> NoticeView:
        from core.notice_view import describe

        return describe(kind, record, line)

    def pending_names(self, held: Iterable[tuple[str, Iterable[Problem]]]) -> list[Pending]:
        from core import charset
        from core.charset import review

        table = charset.load_juki(self.data_dir)
        return review.pending(held, table, review.load_decisions(self.data_dir))

    def decide_name(self, text: str, use: str) -> Decision:
        from core import charset
        from core.charset import review
        from core.store.audit import default_actor

        table = charset.load_juki(self.data_dir)
        return review.decide(self.vault, text, table, use=use, actor=default_actor())

    def audit_unverified_card(self, card_number: str, handover: HandOver) -> None:
        from core.card import counter
        from core.store.audit import default_actor

        ref = self.vault.store.ref(card_number)
        counter.audit_unverified(self.vault.audit, ref, handover, default_actor())


def _copy_private(source: str, target: Path) -> str:
    try:
        data = Path(source).expanduser().read_bytes()
    except FileNotFoundError:
        raise RenkeiError("common.error.file_not_found", path=source) from None
    write_atomic(target, data)
    return str(target.resolve())


def unlock(
    data_dir: Path | str,
    passphrase: str,
    operator: str | None = None,
    code: str | None = None,
    **client_options: Any,
) -> Session:
    """Open the data directory as ``operator`` (default ``$RENKEI_USER``, else the
    login name) with their passphrase: the one way to a ``Terminal``."""
    vault = open_vault(data_dir, passphrase, operator=operator, code=code)
    return Session(vault, client_options)


def change_passphrase(
    data_dir: Path | str, old: str, new: str, operator: str | None = None, code: str | None = None
) -> None:
    """Replace ``operator``'s passphrase (an initial one at first login) by their
    own: only their key slot is rewritten. Needs no unlocked terminal."""
    from core.datadir.unlock import change_passphrase as change

    change(data_dir, old, new, operator, code)
