"""The terminal facade (``core.terminal.Terminal``) over an unlocked vault.

``unlock(data_dir, passphrase)`` is what the TUI and every scripted command
call; the methods drive the exchange workflows (``core.exchange``), so each
action has one implementation whatever interface asks for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from core import formats
from core.errors import RenkeiError
from core.exchange import entry, fetch, ledger, schedule, send
from core.exchange.client import Client
from core.report import Problem
from core.terminal import (
    EntryResult,
    FetchResult,
    HistoryEvent,
    InboxFile,
    OutboxItem,
    ProgressFn,
    SendResult,
    Status,
)
from core.vault.unlock import Vault, open_vault
from core.waiting import WaitingList


class Session:
    """An unlocked terminal (implements ``core.terminal.Terminal``)."""

    def __init__(self, vault: Vault, client_options: dict[str, Any] | None = None) -> None:
        self.vault = vault
        self.data_dir: Path = vault.data_dir
        self.config = vault.config
        self.client_options = client_options or {}
        self.schedule = schedule.Schedule(vault.store, self.config.schedule)

    def close(self) -> None:
        self.vault.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def client(self) -> Client:
        return Client(self.config.server, **self.client_options)

    # ① receive
    def fetch(self, progress: ProgressFn | None = None) -> FetchResult:
        with self.client() as c:
            return fetch.run(self.vault, c, progress)

    def inbox(self) -> Sequence[InboxFile]:
        rows = self.vault.store.query(
            "SELECT file_id, kind, name, records, stored_at, listed_at, status, problems, state"
            " FROM exchange_inbox ORDER BY file_id DESC"
        )
        return [
            InboxFile(
                file_id=r["file_id"],
                kind=r["kind"],
                name=r["name"],
                records=r["records"],
                received_at=datetime.fromisoformat(r["stored_at"] or r["listed_at"]),
                status=r["status"] if r["state"] != "listed" else "listed",
                problems=r["problems"],
            )
            for r in rows
        ]

    def inbox_records(self, file_id: str) -> tuple[list[dict[str, str]], list[Problem]]:
        rows = self.vault.store.query(
            "SELECT kind, path, state FROM exchange_inbox WHERE file_id = ?", (file_id,)
        )
        if not rows or rows[0]["state"] == "listed":
            raise fetch.p.ExchangeError("exchange.inbox.unknown", file=file_id)
        data = fetch.read_inbox(self.vault, file_id)
        parsed = formats.read(rows[0]["kind"], data, lasdec=self.config.terminal.lasdec or None)
        return list(parsed.records), list(parsed.report.problems)

    # ② list
    def waiting(self) -> WaitingList:
        return WaitingList(entry.waiting_entries(self.vault.store))

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
        store = self.vault.store
        out = []
        for r in store.query(
            "SELECT notice_id, card_sealed, delivered_sealed, state, created_at, sent_at,"
            " receipt_id, reason FROM exchange_outbox WHERE state != 'replaced'"
            " ORDER BY created_at DESC"
        ):
            out.append(
                OutboxItem(
                    notice_id=r["notice_id"],
                    card_number=store.unseal_text(r["card_sealed"], entry.OUTBOX_AAD_CARD),
                    state=r["state"],
                    delivered=_iso_or_none(
                        store.unseal_text(
                            r["delivered_sealed"],
                            entry.outbox_aad(r["notice_id"], "delivered_sealed"),
                        )
                    ),
                    created_at=datetime.fromisoformat(r["created_at"]),
                    sent_at=datetime.fromisoformat(r["sent_at"]) if r["sent_at"] else None,
                    receipt_id=r["receipt_id"],
                    reason=r["reason"],
                )
            )
        return out

    def send(self, progress: ProgressFn | None = None) -> SendResult:
        with self.client() as c:
            return send.run(self.vault, c, progress)

    def status(self, now: datetime | None = None) -> Status:
        store = self.vault.store
        counts = {
            r[0]: r[1]
            for r in store.query("SELECT state, count(*) FROM exchange_outbox GROUP BY state")
        }
        waiting = store.query(
            "SELECT count(*) FROM exchange_certificates c WHERE state = 'waiting' AND NOT EXISTS"
            " (SELECT 1 FROM exchange_outbox o WHERE o.card_blind = c.card_blind"
            " AND o.state IN ('queued', 'sending'))"
        )[0][0]
        next_fetch, next_send = self.schedule.next_times(now or datetime.now())
        skew = ledger.get_state(store, "clock_skew")
        batches = store.query("SELECT count(*) FROM exchange_batches WHERE state = 'sending'")
        url = self.config.server.url
        return Status(
            waiting=int(waiting),
            queued=counts.get("queued", 0),
            sending=counts.get("sending", 0),
            sent=counts.get("sent", 0),
            rejected=counts.get("rejected", 0),
            last_fetch=fetch.last_time(store, "last_fetch"),
            last_send=fetch.last_time(store, "last_send"),
            next_fetch=next_fetch,
            next_send=next_send,
            last_error=ledger.get_state(store, "last_error") or "",
            server_url=url,
            plain_http=url.lower().startswith("http:"),
            clock_skew=float(skew) if skew else None,
            pending_batches=int(batches[0][0]),
        )

    def history(self, limit: int = 200) -> Sequence[HistoryEvent]:
        rows = self.vault.store.query(
            "SELECT at, action, detail, result FROM exchange_history ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [
            HistoryEvent(datetime.fromisoformat(r["at"]), r["action"], r["detail"], r["result"])
            for r in rows
        ]

    # 起動時間監視
    def tick(self, now: datetime | None = None) -> list[tuple[str, FetchResult | SendResult | str]]:
        """Run the automatic actions that are due; errors are reported, not raised."""
        now = now or datetime.now()
        ran: list[tuple[str, FetchResult | SendResult | str]] = []
        for due in self.schedule.due(now):
            try:
                if due.action == schedule.FETCH:
                    result: FetchResult | SendResult = self.fetch()
                else:
                    result = self.send()
            except RenkeiError as exc:  # server, busy step, refused database: shown
                self.schedule.failed(due.action, now)
                ran.append((due.action, exc.message()))
                continue
            self.schedule.done(due.action, due.slot)
            ran.append((due.action, result))
        return ran


def _iso_or_none(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


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
