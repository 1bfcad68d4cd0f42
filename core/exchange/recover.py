"""``renkei recover``: reconcile a database restored from a backup with the server.

A restored ``renkei.db`` is behind the anchor (``core.datadir.anchor``): records
it still has queued may have been delivered since, and files it never saw may
have been receipted (the server then never offers them again). Recovery asks
the server what it holds from this terminal (``GET /v1/holdings``) and:

1. marks every local record the server holds (by ``notice_id``) as sent, under
   the receipt that took it, with its certificate off the 未入力 list, and
   closes batches left with nothing to send;
2. downloads again every receipted file the server still offers that the
   database lacks (or whose local file is gone or not its own), stores it,
   puts its certificates back on the 未入力 list and marks it receipted;
3. reports what cannot be recovered: receipted files the server no longer has,
   and notices the server holds that this database never knew (entered after
   the backup: their certificates stay on the 未入力 list, and entering them
   again sends a new notice).

Then the state generation is moved past the anchor and the anchor sealed
again, with the audit log saying what was found, so writing commands work
again. Runs with the data directory to itself (exclusive ``.lock``) and under
the send and fetch step locks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from core.datadir import anchor
from core.durable import remove_durably
from core.exchange import fetch, ledger, send
from core.exchange import protocol as p
from core.store import locks
from core.vault.errors import VaultError

if TYPE_CHECKING:
    from core.datadir.opened import Vault
    from core.exchange.client import Client


@dataclass
class RecoverResult:
    rolled_back: str  # the reason the database was refused ("" if it was not)
    marked_sent: int = 0  # local records the server already held
    batches_closed: int = 0
    files_fetched: int = 0  # receipted files downloaded again
    certificates_back: int = 0  # certificates back on the 未入力 list from those files
    lost_files: list[str] = field(default_factory=list)  # receipted, no longer offered
    unknown_notices: int = 0  # held by the server, not in this database


def run(vault: Vault, client: Client) -> RecoverResult:
    store = vault.store
    result = RecoverResult(vault.rolled_back.reason if vault.rolled_back else "")
    held = client.holdings()
    with locks.step(vault.data_dir, "send"), locks.step(vault.data_dir, "fetch"):
        _outbox(vault, held, result)
        _inbox(vault, client, held, result)
        with store.transaction():
            before = anchor.read(vault.data_dir)
            # past the anchor: this database is now the terminal's state
            store.set_meta("generation", str(max(store.generation(), before.generation)))
            ledger.history(
                store,
                "exchange.history.recover",
                f"sent={result.marked_sent} files={result.files_fetched}"
                f" lost={len(result.lost_files)} unknown={result.unknown_notices}",
                "ok" if not result.lost_files else "problems",
            )
            vault.audit.append(
                "vault.recover",
                result="ok" if not result.lost_files else "failed",
                detail=f"{result.rolled_back or 'not rolled back'};"
                f" anchor generation={before.generation} audit={before.audit_seq};"
                f" marked sent={result.marked_sent} refetched={result.files_fetched}"
                f" lost files={len(result.lost_files)} unknown notices={result.unknown_notices}",
            )
    return result


def _outbox(vault: Vault, held: p.Holdings, result: RecoverResult) -> None:
    store = vault.store
    receipt_of = {n: u.receipt_id for u in held.uploads for n in u.notice_ids}
    at = ledger.stamp()
    with store.transaction() as conn:
        local = conn.execute(
            "SELECT notice_id, card_blind, state FROM exchange_outbox"
            " WHERE state IN ('queued', 'sending', 'rejected')"
        ).fetchall()
        for row in local:
            receipt = receipt_of.get(row["notice_id"])
            if receipt is None:
                continue
            conn.execute(
                "UPDATE exchange_outbox SET state = 'sent', sent_at = ?, receipt_id = ?,"
                " reason = '' WHERE notice_id = ?",
                (at, receipt, row["notice_id"]),
            )
            conn.execute(
                "UPDATE exchange_certificates SET state = 'sent', updated_at = ?"
                " WHERE card_blind = ? AND state = 'waiting'",
                (at, row["card_blind"]),
            )
            result.marked_sent += 1
        known = {
            r[0]
            for r in conn.execute("SELECT notice_id FROM exchange_outbox").fetchall()
            if r[0] in receipt_of
        }
        result.unknown_notices = len(set(receipt_of) - known)
        for batch in conn.execute(
            "SELECT batch_id, path FROM exchange_batches WHERE state IN ('sending', 'building')"
        ).fetchall():
            left = conn.execute(
                "SELECT 1 FROM exchange_outbox WHERE batch_id = ? AND state = 'sending' LIMIT 1",
                (batch["batch_id"],),
            ).fetchone()
            if left is None:
                conn.execute(
                    "UPDATE exchange_batches SET state = 'done', sent_at = ?, reason = ?"
                    " WHERE batch_id = ?",
                    (at, "recovered: held by the server", batch["batch_id"]),
                )
                result.batches_closed += 1
    send.sweep(vault)


def _inbox(vault: Vault, client: Client, held: p.Holdings, result: RecoverResult) -> None:
    store = vault.store
    for receipt in held.receipts:
        rows = store.query(
            "SELECT state, path FROM exchange_inbox WHERE file_id = ?", (receipt.file_id,)
        )
        if rows and rows[0]["state"] == "receipted" and _readable(vault, receipt.file_id):
            continue
        if receipt.file is None:
            result.lost_files.append(receipt.file_id)
            continue
        item = receipt.file
        with store.transaction() as conn:
            if rows:  # known but not finished here, or its file lost: take it again
                conn.execute(
                    "UPDATE exchange_inbox SET state = 'listed', size = ?, sha256 = ?"
                    " WHERE file_id = ?",
                    (item.size, item.sha256, item.file_id),
                )
            else:
                conn.execute(
                    "INSERT INTO exchange_inbox (file_id, kind, name, size, sha256, records,"
                    " state, listed_at) VALUES (?, ?, ?, ?, ?, ?, 'listed', ?)",
                    (
                        item.file_id,
                        item.kind,
                        item.name,
                        item.size,
                        item.sha256,
                        item.records,
                        ledger.stamp(),
                    ),
                )
        if rows and rows[0]["path"]:
            remove_durably(vault.data_dir / rows[0]["path"])
        tally = fetch._Tally()
        fetch._download_and_store(vault, client, item, tally)
        if tally.errors:
            result.lost_files.append(item.file_id)
            continue
        with store.transaction():
            store.execute(
                "UPDATE exchange_inbox SET state = 'receipted', receipted_at = ?"
                " WHERE file_id = ? AND state = 'stored'",
                (receipt.receipted_at or ledger.stamp(), item.file_id),
            )
            store.bump_generation()
        result.files_fetched += 1
        result.certificates_back += tally.added


def _readable(vault: Vault, file_id: str) -> bool:
    try:
        fetch.read_inbox(vault, file_id)
    except (OSError, VaultError, p.ExchangeError):
        return False
    return True
