"""Taking a stored MOJ notice file in: each notice once, and a file that failed
its data check kept for a later look (FORMATS.md "Common rules").

- ``take_in`` runs in the transaction that marks a file stored (or re-checked):
  every ``notice_id`` is registered in ``exchange_notices`` by the first file
  that brings it; a later copy (same ``notice_id``; for certificate notices the
  same ``card_number`` + ``card_made_date`` with nothing new) is recorded in
  ``exchange_duplicates`` and neither ingested nor exported again.
- ``recheck`` reads a kept file again with the rules of today: a file that now
  passes is taken in exactly as a fetch would have taken it.

A file that fails its data check is stored (encrypted), receipted (the 取得通知
says the bytes arrived and are kept; PROTOCOL.md sends it "only after the file
is stored encrypted and fsynced"), marked ``invalid`` with its problem count,
and waits for ``renkei inbox recheck FILE_ID``; its records are not taken in.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from itertools import count, repeat
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from core import formats
from core.exchange import columns, ledger
from core.exchange import records as sealed_records
from core.exchange.records import CERT_AAD_RECORD as CERT_AAD_RECORD
from core.report import Problem

if TYPE_CHECKING:
    import sqlite3

    from core.datadir.opened import Vault
    from core.store.db import Store
    from core.vault.keys import DataKey

CERT_AAD_CARD = "exchange_certificates.card_sealed"


def registered_gaiji(vault: Vault) -> AbstractContextManager[None]:
    """The name rule knowing this municipality's registered 外字 (the user-area
    slots of its 外字 table; none without one) for the time of a check."""
    from core.charset import gaiji_path_for, load_gaiji
    from core.charset.juki import load_juki
    from core.errors import RenkeiError
    from core.formats import names

    chars: list[str] = []
    path = gaiji_path_for(vault.data_dir, vault.config.boundary.gaiji_table)
    if path is not None:
        try:
            juki = load_juki(vault.data_dir)
            rows = load_gaiji(path, juki.to_unicode if juki else None)
            # a registered 外字 slot (Shift_JIS F040…F9FC) is the private-use
            # character cp932 gives for it (U+E000…): that one may stand in a name
            chars = [row.pua for row in rows]
        except (RenkeiError, OSError, ValueError):
            chars = []
    return names.registered(chars)


@dataclass(frozen=True)
class Duplicate:
    record: int  # 0-based record index in the file
    line: int  # 1-based file line
    first_file_id: str
    reason: str  # 'notice_id' or 'card'


@dataclass(frozen=True)
class Intake:
    added: int  # certificates new on the 未入力 list
    duplicates: tuple[Duplicate, ...]


# ``json.dumps(body, ensure_ascii=False, sort_keys=True)`` without building an
# encoder per call; the text (hence every stored digest) is the same.
_SORTED_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
_JSON = json.JSONEncoder(ensure_ascii=False).encode


def content_digest(store: Store, rec: dict[str, str], key: object = None) -> bytes:
    """A keyed digest of a record's content without its ``notice_id`` (nothing
    about the content shows without the data key)."""
    body = {k: v for k, v in rec.items() if k != "notice_id" and not k.startswith("_")}
    return store.blind(_SORTED_JSON(body), "notice-content", key=key)  # type: ignore[arg-type]


def content_digests(
    store: Store, rows: list[dict[str, str]], key: DataKey, shape: columns.Plain | None = None
) -> list[bytes]:
    """``content_digest`` of every record of a file, each computed once (the
    texts made a column at a time, the blinds in one batch); ``shape``:
    ``columns.plain(rows)`` when the caller has it."""
    texts = columns.json_texts(rows, _content_column, sort=True, shape=shape)
    return store.blind_many(texts, "notice-content", key)


def _content_column(name: str) -> bool:
    """A column the content digest covers (all but the notice_id and ``_`` ones)."""
    return name != "notice_id" and not name.startswith("_")


Records = Callable[[str], list[dict[str, str]]]  # file_id → its records (from the vault)


def find_duplicates(
    store: Store,
    conn: sqlite3.Connection,
    file_id: str,
    kind: str,
    rows: list[dict[str, str]],
    lines: list[int],
    records_of: Records | None = None,
    digests: list[bytes] | None = None,
    card_blinds: list[bytes] | None = None,
    cards: dict[bytes, tuple[bytes, str]] | None = None,
) -> list[Duplicate]:
    """The records of ``file_id`` that an earlier file (or an earlier record of
    the same file) already brought with the same content. A digest made under
    an earlier blind key (before a ``renkei rekey``) is made again from the
    earlier file's own record (``records_of``), and kept. ``digests``,
    ``card_blinds`` and ``cards`` (``earlier_cards``): the records' content
    digests and card blinds under the current blind key, and the cards on the
    list already, when the caller has them."""
    key = store.blind_key()
    if digests is None:
        digests = content_digests(store, rows, key)
    if kind == "spr" and card_blinds is None:
        card_blinds = _card_blinds(store, rows, key)
    ids = columns.column(rows, "notice_id")
    known: dict[str, tuple[str, bytes]] = {}
    stale: list[tuple[str, str, int]] = []
    for nid, owner, record, digest, key_id in _where_in(
        conn,
        "SELECT notice_id, file_id, record, digest, key_id FROM exchange_notices"
        " WHERE notice_id IN ({})",
        ids,
    ):
        known[nid] = (owner, bytes(digest))
        if key_id != key.hex_id:
            stale.append((nid, owner, int(record)))
    if stale and records_of is not None:
        loaded: dict[str, list[dict[str, str]]] = {}
        for nid, owner, record in stale:
            if owner not in loaded:
                loaded[owner] = records_of(owner)
            if record < len(loaded[owner]):
                digest = content_digest(store, loaded[owner][record], key)
                known[nid] = (owner, digest)
                conn.execute(
                    "UPDATE exchange_notices SET digest = ?, key_id = ? WHERE notice_id = ?",
                    (digest, key.hex_id, nid),
                )
    if cards is None:
        cards = earlier_cards(store, conn, card_blinds, key) if card_blinds is not None else {}
    if not known and not cards and len(set(ids)) == len(ids):
        # nothing earlier, no notice_id twice: a copy could only be a card twice
        # with the same content
        if (
            card_blinds is None
            or len(set(card_blinds)) == len(ids)  # (no card twice: the usual file)
            or len(set(zip(card_blinds, digests, strict=True))) == len(ids)
        ):
            return []
    out: list[Duplicate] = []
    seen: dict[str, bytes] = {}
    seen_cards: set[tuple[bytes, bytes]] = set()
    for n, (rec, line) in enumerate(zip(rows, lines, strict=True)):
        nid = rec.get("notice_id", "")
        digest = digests[n]
        earlier = known.get(nid)
        if earlier is not None and earlier[0] != file_id and earlier[1] == digest:
            out.append(Duplicate(n, line, earlier[0], "notice_id"))
            continue
        if seen.get(nid) == digest:
            out.append(Duplicate(n, line, file_id, "notice_id"))
            continue
        seen[nid] = digest
        if card_blinds is not None:
            blind = card_blinds[n]
            card = cards.get(blind)
            if card is not None and card[1] != file_id and card[0] == digest:
                out.append(Duplicate(n, line, card[1], "card"))
                continue
            if (blind, digest) in seen_cards:
                out.append(Duplicate(n, line, file_id, "card"))
                continue
            seen_cards.add((blind, digest))
    return out


def earlier_cards(
    store: Store, conn: sqlite3.Connection, blinds: list[bytes], key: DataKey
) -> dict[bytes, tuple[bytes, str]]:
    """(content digest, file_id) of each of ``blinds`` already on the list: the
    table's key index probed for them, only those records opened (at once)."""
    found = list(
        _where_in(
            conn,
            "SELECT card_blind, record_sealed, file_id FROM exchange_certificates"
            " WHERE card_blind IN ({})",
            list(set(blinds)),
        )
    )
    if not found:
        return {}
    recs = sealed_records.open_records(store, [sealed for _blind, sealed, _owner in found])
    digests = content_digests(store, recs, key)
    return {
        bytes(blind): (digest, owner)
        for (blind, _sealed, owner), digest in zip(found, digests, strict=True)
    }


def _where_in(
    conn: sqlite3.Connection, sql: str, values: Sequence[object], size: int = 500
) -> Iterator[tuple[Any, ...]]:
    """The rows of ``sql`` (whose ``IN ({})`` is filled with placeholders) for
    ``values``, ``size`` at a time (SQLite's limit on bound parameters)."""
    for start in range(0, len(values), size):
        part = values[start : start + size]
        yield from conn.execute(sql.format(", ".join("?" * len(part))), part)


def take_in(
    store: Store,
    conn: sqlite3.Connection,
    file_id: str,
    kind: str,
    rows: list[dict[str, str]],
    lines: list[int],
    records_of: Records | None = None,
) -> Intake:
    """Register the file's notices and ingest the new ones (inside ``conn``'s
    transaction): returns what was added and what was a duplicate."""
    key = store.blind_key()
    # each record's digest and card blind, computed once for the duplicate
    # search, the notice register and the 未入力 list
    shape = columns.plain(rows)  # the usual file: its JSON texts by formatting alone
    digests = content_digests(store, rows, key, shape)
    blinds = _card_blinds(store, rows, key) if kind == "spr" else None
    cards = earlier_cards(store, conn, blinds, key) if blinds is not None else {}
    dups = find_duplicates(
        store, conn, file_id, kind, rows, lines, records_of, digests, blinds, cards
    )
    skip = {d.record for d in dups}
    ids = columns.column(rows, "notice_id")
    registered = zip(ids, repeat(file_id), count(), digests, repeat(key.hex_id))
    conn.executemany(
        "INSERT INTO exchange_notices (notice_id, file_id, record, digest, key_id)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (notice_id) DO UPDATE SET"
        " file_id = excluded.file_id, record = excluded.record, digest = excluded.digest,"
        " key_id = excluded.key_id",
        [row for row in registered if row[2] not in skip] if skip else list(registered),
    )
    conn.executemany(
        "INSERT OR REPLACE INTO exchange_duplicates (file_id, record, line, first_file_id,"
        " reason) VALUES (?, ?, ?, ?, ?)",
        [(file_id, d.record, d.line, d.first_file_id, d.reason) for d in dups],
    )
    conn.execute("UPDATE exchange_inbox SET duplicates = ? WHERE file_id = ?", (len(dups), file_id))
    added = 0
    if blinds is not None:
        if not skip:
            added = ingest(store, conn, file_id, rows, blinds, shape, set(cards))
        elif fresh := [n for n in range(len(rows)) if n not in skip]:
            part = [rows[n] for n in fresh]
            added = ingest(store, conn, file_id, part, [blinds[n] for n in fresh], None, set(cards))
    return Intake(added, tuple(dups))


def _card_blinds(store: Store, rows: list[dict[str, str]], key: DataKey) -> list[bytes]:
    """The blind index (purpose ``card``) of each certificate notice's card number."""
    return store.blind_many(columns.column(rows, "card_number"), "card", key)


def records_from(vault: Vault) -> Records:
    """``records_of`` for ``find_duplicates``: a stored file's records, read
    from its encrypted copy (without the data check)."""

    def records_of(file_id: str) -> list[dict[str, str]]:
        rows = vault.store.query(
            "SELECT kind, path FROM exchange_inbox WHERE file_id = ? AND path != ''", (file_id,)
        )
        if not rows:
            return []
        data = vault.read_bytes(rows[0]["path"])
        return list(formats.read(rows[0]["kind"], data, check=False).records)

    return records_of


def duplicate_records(store: Store, file_id: str) -> set[int]:
    """Record indexes of ``file_id`` that are copies: never exported again."""
    return {
        int(r[0])
        for r in store.query("SELECT record FROM exchange_duplicates WHERE file_id = ?", (file_id,))
    }


@dataclass(frozen=True)
class Recheck:
    file_id: str
    name: str
    ok: bool
    records: int
    problems: tuple[Problem, ...]
    added: int = 0
    duplicates: int = 0


def recheck(vault: Vault, file_id: str) -> Recheck:
    """Check a kept ``invalid`` file again; take it in when it passes now."""
    from core.exchange import protocol as p

    store = vault.store
    rows = store.query(
        "SELECT kind, name, path, state, status FROM exchange_inbox WHERE file_id = ?",
        (file_id,),
    )
    if not rows or rows[0]["state"] == "listed":
        raise p.ExchangeError("exchange.inbox.unknown", file=file_id)
    row = rows[0]
    data = vault.read_bytes(row["path"])
    with registered_gaiji(vault):
        parsed = formats.read(row["kind"], data, lasdec=vault.config.terminal.lasdec or None)
    problems = tuple(parsed.report.problems)
    ok = not parsed.report.errors
    if row["status"] != "invalid":  # taken in already: a recheck only reports
        return Recheck(file_id, row["name"], ok, len(parsed.records), problems)
    intake = Intake(0, ())
    with store.transaction() as conn:
        if ok:
            intake = take_in(
                store,
                conn,
                file_id,
                row["kind"],
                parsed.records,
                parsed.lines,
                records_from(vault),
            )
        conn.execute(
            "UPDATE exchange_inbox SET status = ?, problems = ?, records = ?"
            " WHERE file_id = ? AND status = 'invalid'",
            ("ok" if ok else "invalid", len(problems), len(parsed.records), file_id),
        )
        ledger.history(
            store,
            "exchange.history.store",
            f"{row['name']} records={len(parsed.records)}",
            "rechecked-ok" if ok else "invalid",
        )
    return Recheck(
        file_id,
        row["name"],
        ok,
        len(parsed.records),
        problems,
        intake.added,
        len(intake.duplicates),
    )


def ingest(
    store: Store,
    conn: sqlite3.Connection,
    file_id: str,
    rows: list[dict[str, str]],
    blinds: list[bytes] | None = None,
    shape: columns.Plain | None = None,
    known: set[bytes] | None = None,
) -> int:
    """Certificate notices into the 未入力 list: one entry per card number (the
    same card again updates it; a notice carrying the date removes it).

    One ``executemany`` in the caller's transaction; the card numbers and the
    records are sealed in two batches (``Store.seal_many``; the records in
    the form of ``core.exchange.records``); ``blinds``, ``shape`` and
    ``known``: the card blinds (``card``) of ``rows``, ``columns.plain(rows)``
    and which of the blinds are on the list already, when the caller has them."""
    at = ledger.stamp()
    if blinds is None:
        blinds = store.blind_many(list(map(itemgetter("card_number"), rows)), "card")
    if known is None:  # the cards on the list already (of these)
        sql = "SELECT card_blind FROM exchange_certificates WHERE card_blind IN ({})"
        known = {bytes(r[0]) for r in _where_in(conn, sql, list(set(blinds)))}
    else:
        known = set(known)  # (added to below)
    added = 0
    states = []
    delivered = columns.column(rows, "card_delivered_date")
    for date, card_blind in zip(delivered, blinds, strict=True):
        state = "reported" if date else "waiting"
        states.append(state)
        if card_blind not in known:
            known.add(card_blind)
            added += state == "waiting"
    cards = store.seal_many(list(map(itemgetter("card_number"), rows)), CERT_AAD_CARD)
    records = sealed_records.seal(store, conn, rows, shape)
    params = [
        (card_blind, card, record, file_id, state, at, at)
        for card_blind, card, record, state in zip(blinds, cards, records, states, strict=True)
    ]
    conn.executemany(
        "INSERT INTO exchange_certificates (card_blind, card_sealed, record_sealed, file_id,"
        " state, received_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (card_blind) DO UPDATE SET record_sealed = excluded.record_sealed,"
        " file_id = excluded.file_id, updated_at = excluded.updated_at,"
        " state = CASE WHEN excluded.state = 'reported' THEN 'reported'"
        " ELSE exchange_certificates.state END",
        params,
    )
    return added
