"""What the screens and the scripted commands read of the exchange state: the
inbox, the outbox, the status counts and the history.

The SQL of these views lives with the exchange that writes the tables
(``core.exchange``), not in the facade: ``core.session`` only hands over the
opened data directory.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from core import formats
from core.exchange import entry, fetch, ledger
from core.exchange.protocol import ExchangeError
from core.model import HistoryEvent, InboxFile, OutboxItem, Status
from core.report import Problem

if TYPE_CHECKING:
    from core.datadir.opened import Vault
    from core.exchange.schedule import Schedule
    from core.store.db import Store


def inbox(store: Store) -> list[InboxFile]:
    """The inbox (受信), newest first."""
    rows = store.query(
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


def inbox_records(vault: Vault, file_id: str) -> tuple[list[dict[str, str]], list[Problem]]:
    """A stored file's records and its data check, read from its encrypted copy."""
    rows = vault.store.query(
        "SELECT kind, path, state FROM exchange_inbox WHERE file_id = ?", (file_id,)
    )
    if not rows or rows[0]["state"] == "listed":
        raise ExchangeError("exchange.inbox.unknown", file=file_id)
    data = fetch.read_inbox(vault, file_id)
    parsed = formats.read(rows[0]["kind"], data, lasdec=vault.config.terminal.lasdec or None)
    return list(parsed.records), list(parsed.report.problems)


def outbox(store: Store) -> list[OutboxItem]:
    """The municipal notices made here (送信状況), newest first, replaced ones left out."""
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


def status(vault: Vault, timer: Schedule, now: datetime) -> Status:
    """The counts and times the status line and `renkei status` show."""
    store = vault.store
    counts = {
        r[0]: r[1]
        for r in store.query("SELECT state, count(*) FROM exchange_outbox GROUP BY state")
    }
    waiting = store.query(
        "SELECT count(*) FROM exchange_certificates c WHERE state = 'waiting' AND NOT EXISTS"
        " (SELECT 1 FROM exchange_outbox o WHERE o.card_blind = c.card_blind"
        " AND o.state IN ('queued', 'sending'))"
    )[0][0]
    # A rejection stays open until the certificate is entered again: a later
    # queued, sending or sent row for the same card resolves it.
    rejected = store.query(
        "SELECT count(*) FROM exchange_outbox r WHERE r.state = 'rejected' AND NOT EXISTS"
        " (SELECT 1 FROM exchange_outbox o WHERE o.card_blind = r.card_blind"
        " AND o.notice_id != r.notice_id AND o.created_at >= r.created_at"
        " AND o.state IN ('queued', 'sending', 'sent'))"
    )[0][0]
    next_fetch, next_send = timer.next_times(now)
    skew = ledger.get_state(store, "clock_skew")
    batches = store.query("SELECT count(*) FROM exchange_batches WHERE state = 'sending'")
    url = vault.config.server.url
    return Status(
        waiting=int(waiting),
        queued=counts.get("queued", 0),
        sending=counts.get("sending", 0),
        sent=counts.get("sent", 0),
        rejected=int(rejected),
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


def history(store: Store, limit: int = 200) -> list[HistoryEvent]:
    """The exchange history (fetches, sends, receipts), newest first."""
    rows = store.query(
        "SELECT at, action, detail, result FROM exchange_history ORDER BY id DESC LIMIT ?",
        (limit,),
    )
    return [
        HistoryEvent(datetime.fromisoformat(r["at"]), r["action"], r["detail"], r["result"])
        for r in rows
    ]


def changes_mark(store: Store) -> tuple[int, int]:
    """Changes whenever any session enters or sends: two marks compared say reload."""
    row = store.query("SELECT count(*), coalesce(max(rowid), 0) FROM exchange_outbox")
    return int(row[0][0]), int(row[0][1])


def _iso_or_none(text: str) -> date | None:
    return date.fromisoformat(text) if text else None
