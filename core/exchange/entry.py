"""The 未入力 list and date entry (②④⑤).

An entry is checked (certificate on the list, a real date, not after today,
not before ``card_made_date``), then queued as a pattern-AF municipal notice
record. Re-entering before sending replaces the queued record; after sending
it queues a correction. Every entry is audited (by reference, no personal data).
"""

from __future__ import annotations

import json
import re
import unicodedata
import uuid
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from core import formats, waiting
from core.errors import EXIT_PROBLEMS, RenkeiError
from core.exchange import ledger, records, snapshot
from core.exchange.bulk import collector_paused
from core.exchange.ledger import checkpoint
from core.model import EntryResult, WaitingEntry
from core.report import Problem

if TYPE_CHECKING:
    import sqlite3

    from core.datadir.opened import Vault
    from core.store.db import Store

OUTBOX_AAD_CARD = "exchange_outbox.card_sealed"
CARD_RE = re.compile(r"^[A-Z]{2}[0-9]{8}[A-Z]{2}$")


def parse_ymd(text: str) -> date | None:
    if not formats.is_real_date(text or ""):
        return None
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))


def outbox_aad(notice_id: str, column: str) -> str:
    return f"exchange_outbox.{column}:{notice_id}"


class EntryRefused(RenkeiError):
    """The data check refused an entry; nothing was changed."""

    exit_code = EXIT_PROBLEMS

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = problems[0]
        super().__init__(first.key, **first.params)

    def message(self, lang: str | None = None) -> str:
        return "; ".join(problem.reason(lang) for problem in self.problems)


def normalise_card(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()


def certificate(store: Store, card_number: str) -> tuple[str, dict[str, str], str] | None:
    """(state, notice record, received_at) of a certificate, or None."""
    rows = store.query(
        "SELECT state, record_sealed, received_at FROM exchange_certificates WHERE card_blind = ?",
        (store.blind(card_number, "card"),),
    )
    if not rows:
        return None
    record = records.open_record(store, rows[0]["record_sealed"])
    return rows[0]["state"], record, rows[0]["received_at"]


def check(store: Store, card_number: str, delivered: date, today: date) -> list[Problem]:
    """The data check of an entry (FORMATS.md); empty when it may be made."""
    card = normalise_card(card_number)
    if not CARD_RE.match(card):
        return [Problem(0, "card_number", "exchange.entry.bad_card", {"value": card_number})]
    found = certificate(store, card)
    if found is None:
        return [Problem(0, "card_number", "exchange.entry.not_on_list", {"card": card})]
    state, notice, _ = found
    if state == "reported":
        return [Problem(0, "card_number", "exchange.entry.already_reported", {"card": card})]
    problems = []
    if delivered > today:
        problems.append(
            Problem(
                0,
                "card_delivered_date",
                "exchange.entry.future",
                {"value": delivered.isoformat(), "today": today.isoformat()},
            )
        )
    made = parse_ymd(notice.get("card_made_date", ""))
    if made is not None and delivered < made:
        problems.append(
            Problem(
                0,
                "card_delivered_date",
                "exchange.entry.before_made",
                {"value": delivered.isoformat(), "made": made.isoformat()},
            )
        )
    return problems


class EntryConflict(RenkeiError):
    """Another operator already entered a date for this certificate: the caller
    shows who, what and when, and enters again with ``replace_other=True`` only
    if the operator chooses to. Nothing was changed."""

    exit_code = EXIT_PROBLEMS

    def __init__(self, card: str, other: str, delivered: str, at: str, state: str) -> None:
        super().__init__(
            "operator.conflict",
            card=card,
            other=other,
            delivered=delivered,
            at=at,
            state=state,
        )
        self.other, self.delivered, self.at, self.state = other, delivered, at, state


def other_entry(
    vault: Vault, conn: sqlite3.Connection, blind: bytes, me: str
) -> tuple[str, str, str, str] | None:
    """The latest entry for the certificate by another operator, still queued or
    already sent: (operator, delivered ISO date, when, state)."""
    row = conn.execute(
        "SELECT notice_id, delivered_sealed, operator, created_at, state FROM exchange_outbox"
        " WHERE card_blind = ? AND state IN ('queued', 'sending', 'sent')"
        " AND operator != '' AND operator != ? ORDER BY created_at DESC LIMIT 1",
        (blind, me),
    ).fetchone()
    if row is None:
        return None
    delivered = vault.store.unseal_text(row[1], outbox_aad(row[0], "delivered_sealed"))
    return row[2], delivered, row[3], row[4]


def enter(
    vault: Vault,
    card_number: str,
    delivered: date,
    operator: str = "",
    today: date | None = None,
    replace_other: bool = False,
) -> EntryResult:
    """Enter ``delivered`` for the certificate as the unlocked operator (``operator``
    names them only where the vault has none). A date another operator entered
    is never replaced silently: ``EntryConflict`` unless ``replace_other``."""
    store = vault.store
    store.check_writable()
    operator = getattr(vault, "operator", "") or operator
    today = today or date.today()
    problems = check(store, card_number, delivered, today)
    if problems:
        raise EntryRefused(problems)
    card = normalise_card(card_number)
    blind = store.blind(card, "card")
    if store.query(
        "SELECT 1 FROM exchange_outbox WHERE card_blind = ? AND state IN ('sent', 'sending')",
        (blind,),
    ) and hasattr(vault, "role"):  # a correction after send: roles.toml [core]
        from core.datadir import roles

        roles.require(vault, "exchange.correction", "core")
    with store.transaction() as conn:
        other = other_entry(vault, conn, blind, operator)
        if other is not None and not replace_other:
            raise EntryConflict(card, *other)
        found = certificate(store, card)
        assert found is not None
        _, notice, _ = found
        replaced: date | None = None
        for row in conn.execute(
            "SELECT notice_id, delivered_sealed FROM exchange_outbox"
            " WHERE card_blind = ? AND state = 'queued'",
            (blind,),
        ).fetchall():
            replaced = date.fromisoformat(
                store.unseal_text(row[1], outbox_aad(row[0], "delivered_sealed"))
            )
            conn.execute(
                "UPDATE exchange_outbox SET state = 'replaced' WHERE notice_id = ?", (row[0],)
            )
        correction = (
            conn.execute(
                "SELECT 1 FROM exchange_outbox"
                " WHERE card_blind = ? AND state IN ('sent', 'sending')",
                (blind,),
            ).fetchone()
            is not None
        )
        notice_id = str(uuid.uuid4())
        record = formats.af_record(
            notice, delivered, today=today, notice_id=notice_id, correction=correction
        )
        bad = [q for q in formats.check_record("muni", record) if q.severity == "error"]
        if bad:  # the certificate notice lacks what a municipal notice needs
            raise EntryRefused(bad)
        _queue(conn, store, record, card, delivered.isoformat(), correction, operator)
        what = "correction" if correction else ("replaced" if replaced else "new")
        if other is not None:
            what += f" over={other[0]}"
            vault.audit.append(
                "exchange.conflict", record=store.ref(card), detail=f"replaced entry of {other[0]}"
            )
        vault.audit.append("exchange.entry", actor=operator, record=store.ref(card), detail=what)
        ledger.history(store, "exchange.history.entry", f"{store.ref(card)[:12]} {what}")
    checkpoint("entry.recorded")
    return EntryResult(
        card_number=card, delivered=delivered, replaced=replaced, correction=correction
    )


def _queue(
    conn: sqlite3.Connection,
    store: Store,
    record: dict[str, str],
    card: str,
    delivered: str,
    correction: bool,
    operator: str,
) -> None:
    """One record into the send queue (state ``queued``), in the caller's transaction.

    ``card``/``delivered`` (ISO) name the certificate whose 交付年月日 the record
    reports; both are "" for a record that reports none, so it never touches
    the 未入力 list.
    """
    notice_id = record["notice_id"]
    conn.execute(
        "INSERT INTO exchange_outbox (notice_id, card_blind, card_sealed, record_sealed,"
        " delivered_sealed, state, correction, operator, created_at)"
        " VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?)",
        (
            notice_id,
            store.blind(card, "card"),
            store.seal(card, OUTBOX_AAD_CARD),
            store.seal(
                json.dumps(record, ensure_ascii=False), outbox_aad(notice_id, "record_sealed")
            ),
            store.seal(delivered, outbox_aad(notice_id, "delivered_sealed")),
            int(correction),
            operator,
            ledger.stamp(),
        ),
    )


def queue_records(
    store: Store, conn: sqlite3.Connection, recs: list[dict[str, str]], operator: str
) -> None:
    """Checked municipal notice records made elsewhere (the resident-record
    system's import folder) into the send queue, in the caller's transaction;
    ``send`` takes them like entries made here. A record that reports a
    certificate's 交付年月日 takes that certificate off the 未入力 list when sent."""
    for rec in recs:
        delivered = parse_ymd(rec.get("card_delivered_date", ""))
        card = normalise_card(rec.get("card_number", "")) if delivered else ""
        _queue(
            conn,
            store,
            rec,
            card,
            delivered.isoformat() if delivered else "",
            rec.get("fact_code") == "3",  # 修正
            operator,
        )


def queued_notice_ids(store: Store, notice_ids: list[str]) -> set[str]:
    """Which of ``notice_ids`` are in the outbox already (any state)."""
    found: set[str] = set()
    for start in range(0, len(notice_ids), 500):
        part = notice_ids[start : start + 500]
        marks = ", ".join("?" * len(part))
        found.update(
            r[0]
            for r in store.query(
                f"SELECT notice_id FROM exchange_outbox WHERE notice_id IN ({marks})", part
            )
        )
    return found


def _entered_dates(store: Store) -> dict[str, date]:
    """Dates entered here but not yet sent, by card number (the latest entry
    of a card wins)."""
    rows = store.query(
        "SELECT notice_id, card_sealed, delivered_sealed FROM exchange_outbox"
        " WHERE state IN ('queued', 'sending') ORDER BY created_at"
    )
    cards = store.unseal_many([row["card_sealed"] for row in rows], OUTBOX_AAD_CARD)
    entered: dict[str, date] = {}
    for row, card in zip(rows, cards, strict=True):
        delivered = store.unseal_text(
            row["delivered_sealed"], outbox_aad(row["notice_id"], "delivered_sealed")
        )
        if delivered:  # records from the resident-record system may report no date
            entered[card.decode("utf-8")] = date.fromisoformat(delivered)
    return entered


_RECORD_FIELDS = tuple(f for f in waiting.FIELDS if f != "received_at")


def waiting_index(store: Store) -> waiting.WaitingList:
    """The 未入力 list, decrypted in memory as compact columns (``core.waiting``):
    waiting certificates in card-number order, each with the date entered here
    if one is queued but not yet sent.

    From the sealed snapshot when it was made at the state the store is in now
    (``core.exchange.snapshot``), else from the rows — and then, once its search
    keys are built, sealed as the new snapshot. Token, dates and rows are read
    in one read transaction, so they belong to one state of the store."""
    with store.reading():
        now = snapshot.token(store)
        entered = _entered_dates(store)
        index = snapshot.load(store, now, entered)
        if index is None:
            with collector_paused():  # a chunk's records and texts: many objects, no cycles
                index = waiting.WaitingList.from_columns(
                    _row_chunks(store),
                    entered,
                    keys="background",  # the list shows at once; a search waits for its keys
                    keys_built=lambda built: snapshot.save_quietly(store, now, built),
                )
    return index


def seal_waiting(store: Store) -> bool:
    """Seal a snapshot of the list now unless the one on disk is of the store's
    state: after a command that changed the list outside the TUI (``renkei
    fetch`` or ``send`` from cron), so the next unlock opens it instead of
    reading every row. True when one was written; never raises (the rows stay
    the truth, the next load reads them)."""
    try:
        with store.reading():
            now = snapshot.token(store)
            if snapshot.sealed_token(store) == now:
                return False
            with collector_paused():
                index = waiting.WaitingList.from_columns(_row_chunks(store), keys="now")
    except Exception:  # only time is lost: the next unlock reads the rows
        return False
    return snapshot.save(store, now, index)


def _row_chunks(store: Store) -> Iterator[dict[str, Sequence[Any]]]:
    """The waiting rows as columns, a chunk at a time: each chunk's records are
    unsealed in one call, parsed by one ``json.loads`` and go into the columns
    before the next chunk is read, so no object per certificate outlives its
    chunk. The cyclic collector is paused meanwhile (``collector_paused``)."""
    stamps: dict[str, datetime] = {}
    for rows in store.scan(
        "SELECT record_sealed, received_at FROM exchange_certificates WHERE state = 'waiting'"
    ):
        blobs, received = zip(*rows, strict=True)
        values = records.open_values(store, blobs, _RECORD_FIELDS)  # either sealed form
        columns: dict[str, Sequence[Any]] = dict(
            zip(_RECORD_FIELDS, zip(*values, strict=True), strict=True)
        )
        if "" in columns["birth_date"]:
            columns["birth_date"] = [b or waiting.NO_DATE for b in columns["birth_date"]]
        for stamp in set(received).difference(stamps):  # one a fetch: parsed once
            stamps[stamp] = datetime.fromisoformat(stamp)
        columns["received_at"] = list(map(stamps.__getitem__, received))
        yield columns


def waiting_entries(store: Store) -> list[WaitingEntry]:
    """The 未入力 list as entry objects (for a few hundred; the TUI keeps the index)."""
    return list(waiting_index(store))
