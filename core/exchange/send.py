"""Send (⑥): build the municipal notice file from the queue → mark it sending
with its idempotency key → POST → record the 送信通知 → delete the local file.

A batch (``exchange_batches``) is one uploaded file; its id is the
``Idempotency-Key``. A crash before the batch is committed leaves the records
queued (a stray encrypted file is removed later); after it, the same file is
POSTed again with the same key and the server answers the same result without
storing anything twice. Records the server rejects go back to the operator
(state ``rejected``, with the server's reason) and may be entered again.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from core import formats
from core.durable import remove_durably
from core.exchange import entry, ledger
from core.exchange import protocol as p
from core.exchange.ledger import checkpoint
from core.model import Progress, ProgressFn, SendResult
from core.paths import OUTBOX_DIR
from core.store import locks
from core.vault.errors import VaultError

if TYPE_CHECKING:
    from core.datadir.opened import Vault
    from core.exchange.client import Client


@dataclass
class _Totals:
    files: int = 0
    accepted: int = 0
    rejected: int = 0
    receipts: list[str] = field(default_factory=list)


def batch_path(batch_id: str) -> str:
    return f"{OUTBOX_DIR}/{batch_id}.rke"


def pending(vault: Vault) -> int:
    """Records waiting to go: queued, or in a batch not yet acknowledged."""
    rows = vault.store.query(
        "SELECT count(*) FROM exchange_outbox WHERE state IN ('queued', 'sending')"
    )
    return int(rows[0][0])


def build_batch(vault: Vault) -> str | None:
    """Put every queued record into one new batch; its id, or None if nothing is queued.

    Called under the ``send`` step lock. The batch row is committed first, as
    ``building``, so the database names every batch file before the file
    exists; the file is then written and the row turned ``sending`` (with its
    records) in one transaction. A crash in between leaves a ``building`` row
    that the next ``sweep`` (under the same lock) cleans up.
    """
    store = vault.store
    lasdec = vault.config.terminal.lasdec or "000000"
    (vault.data_dir / OUTBOX_DIR).mkdir(parents=True, exist_ok=True, mode=0o700)
    if not store.query("SELECT 1 FROM exchange_outbox WHERE state = 'queued' LIMIT 1"):
        return None
    batch_id = str(uuid.uuid4())
    at = ledger.now_utc()
    name = f"muni-{lasdec}-{at.strftime('%Y%m%d%H%M%S')}-{batch_id[:8]}.csv"
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO exchange_batches (batch_id, name, path, sha256, records, state,"
            " created_at) VALUES (?, ?, ?, '', 0, 'building', ?)",
            (batch_id, name, batch_path(batch_id), ledger.stamp(at)),
        )
    checkpoint("send.reserved")
    with store.transaction() as conn:
        rows = conn.execute(
            "SELECT notice_id, record_sealed FROM exchange_outbox WHERE state = 'queued'"
            " ORDER BY created_at, notice_id"
        ).fetchall()
        if not rows:  # nothing left (cannot happen under the lock, but never send empty)
            conn.execute("DELETE FROM exchange_batches WHERE batch_id = ?", (batch_id,))
            return None
        recs = [
            json.loads(store.unseal_text(r[1], entry.outbox_aad(r[0], "record_sealed")))
            for r in rows
        ]
        body = formats.write("muni", recs)
        vault.write_bytes(batch_path(batch_id), body)  # encrypted, atomic, durable
        checkpoint("send.built")
        digest = p.sha256_hex(body)
        conn.execute(
            "UPDATE exchange_batches SET state = 'sending', sha256 = ?, records = ?,"
            " content_sealed = ? WHERE batch_id = ?",
            (digest, len(recs), store.seal(digest, content_aad(batch_id)), batch_id),
        )
        for line, r in enumerate(rows, start=2):
            conn.execute(
                "UPDATE exchange_outbox SET state = 'sending', batch_id = ?, line = ?"
                " WHERE notice_id = ?",
                (batch_id, line, r[0]),
            )
        store.bump_generation()
    checkpoint("send.marked")
    return batch_id


def content_aad(batch_id: str) -> str:
    return f"exchange_batches.content:{batch_id}"


def _rebuild(vault: Vault, batch_id: str) -> bytes:
    """The body of a ``sending`` batch made again from its records (same order)."""
    store = vault.store
    recs = [
        json.loads(store.unseal_text(r[1], entry.outbox_aad(r[0], "record_sealed")))
        for r in store.query(
            "SELECT notice_id, record_sealed FROM exchange_outbox WHERE batch_id = ?"
            " AND state = 'sending' ORDER BY line",
            (batch_id,),
        )
    ]
    return formats.write("muni", recs)


def batch_body(vault: Vault, row: sqlite3.Row) -> bytes:
    """The plaintext of a batch file, checked against the hash sealed to its row.

    A file that is missing, does not open, or holds another batch's body (a
    file copied over it) is refused; the body is then made again from the
    database, which is what the row promises, and the refusal is recorded.
    """
    store = vault.store
    want = row["sha256"]
    if row["content_sealed"] is not None:
        want = store.unseal_text(row["content_sealed"], content_aad(row["batch_id"]))
    problem = ""
    try:
        body = vault.read_bytes(row["path"])
        if p.sha256_hex(body) == want:
            return body
        problem = "content does not belong to this batch"
    except FileNotFoundError:
        problem = "file missing"
    except VaultError as exc:
        problem = exc.message("en")
    body = _rebuild(vault, row["batch_id"])
    if p.sha256_hex(body) != want:
        raise p.ExchangeError("exchange.send.batch_lost", batch=row["name"], detail=problem)
    vault.write_bytes(row["path"], body)
    with store.transaction():
        ledger.history(store, "exchange.history.rebuilt", f"{row['name']}: {problem}", "rebuilt")
        vault.audit.append(
            "exchange.batch_rebuilt", record=row["batch_id"], result="failed", detail=problem
        )
    return body


def _post(vault: Vault, client: Client, batch_id: str, result: _Totals) -> None:
    store = vault.store
    row = store.query("SELECT * FROM exchange_batches WHERE batch_id = ?", (batch_id,))[0]
    body = batch_body(vault, row)
    try:
        status, answer = client.send_municipal(body, batch_id, row["name"])
    except p.ServerProblem as exc:
        if exc.status not in (400, 409, 422) or exc.slug == "digest-mismatch":
            raise
        _refuse(vault, batch_id, row["name"], exc)
        result.rejected += int(row["records"])
        return
    checkpoint("send.posted")
    # a record the server already holds (sent before, e.g. from a restored
    # database) is delivered, under the receipt that first took it
    held = {r.line: r.held_receipt or answer.receipt_id for r in answer.rejected if r.already_held}
    rejected = {r.line: r.reason for r in answer.rejected if not r.already_held}
    at = ledger.stamp()
    with store.transaction() as conn:
        for item in conn.execute(
            "SELECT notice_id, card_blind, line FROM exchange_outbox WHERE batch_id = ?"
            " AND state = 'sending'",
            (batch_id,),
        ).fetchall():
            if item[2] in rejected:
                conn.execute(
                    "UPDATE exchange_outbox SET state = 'rejected', reason = ?, receipt_id = ?"
                    " WHERE notice_id = ?",
                    (rejected[item[2]], answer.receipt_id, item[0]),
                )
            else:
                conn.execute(
                    "UPDATE exchange_outbox SET state = 'sent', sent_at = ?, receipt_id = ?"
                    " WHERE notice_id = ?",
                    (at, held.get(item[2], answer.receipt_id), item[0]),
                )
                conn.execute(
                    "UPDATE exchange_certificates SET state = 'sent', updated_at = ?"
                    " WHERE card_blind = ? AND state = 'waiting'",
                    (at, item[1]),
                )
        conn.execute(
            "UPDATE exchange_batches SET state = 'done', sent_at = ?, receipt_id = ?,"
            " accepted = ?, rejected = ? WHERE batch_id = ?",
            (at, answer.receipt_id, answer.accepted + len(held), len(rejected), batch_id),
        )
        ledger.history(
            store,
            "exchange.history.send",
            f"{row['name']} receipt={answer.receipt_id} accepted={answer.accepted}"
            f" already_held={len(held)} rejected={len(rejected)} (HTTP {status})",
            "ok" if not rejected else "rejected",
        )
        store.bump_generation()  # acknowledged: a copy from before this must not resend
        vault.audit.append(
            "exchange.send",
            record=answer.receipt_id,
            detail=f"accepted={answer.accepted} already_held={len(held)} rejected={len(rejected)}",
        )
    checkpoint("send.recorded")
    remove_durably(vault.data_dir / row["path"])
    result.files += 1
    result.accepted += answer.accepted + len(held)
    result.rejected += len(rejected)
    result.receipts.append(answer.receipt_id)


def _refuse(vault: Vault, batch_id: str, name: str, exc: p.ServerProblem) -> None:
    """The server refused the whole file: every record back to the operator."""
    store = vault.store
    reason = exc.detail or exc.title
    with store.transaction() as conn:
        conn.execute(
            "UPDATE exchange_outbox SET state = 'rejected', reason = ? WHERE batch_id = ?"
            " AND state = 'sending'",
            (reason, batch_id),
        )
        conn.execute(
            "UPDATE exchange_batches SET state = 'refused', reason = ?, sent_at = ?"
            " WHERE batch_id = ?",
            (reason, ledger.stamp(), batch_id),
        )
        ledger.history(store, "exchange.history.send", f"{name}: {reason}", "refused")
        store.bump_generation()
    row = store.query("SELECT path FROM exchange_batches WHERE batch_id = ?", (batch_id,))[0]
    remove_durably(vault.data_dir / row["path"])


def sweep(vault: Vault) -> int:
    """Remove local batch files whose owner the database says is finished.

    Runs only under the ``send`` step lock, so no other process is between
    ``building`` and ``sending``: a ``building`` row found here belongs to a
    send that died, and its file and row go. Files of ``done`` and ``refused``
    batches go too. A file the database does not name is left alone.
    """
    folder = vault.data_dir / OUTBOX_DIR
    store = vault.store
    removed = 0
    for row in store.query("SELECT batch_id, path FROM exchange_batches WHERE state = 'building'"):
        removed += remove_durably(vault.data_dir / row["path"])
        store.execute("DELETE FROM exchange_batches WHERE batch_id = ?", (row["batch_id"],))
    if folder.is_dir():
        finished = {
            r[0]
            for r in store.query(
                "SELECT path FROM exchange_batches WHERE state IN ('done', 'refused')"
            )
        }
        for path in folder.glob("*.rke"):
            if f"{OUTBOX_DIR}/{path.name}" in finished:
                removed += remove_durably(path)
    return removed


def run(vault: Vault, client: Client, progress: ProgressFn | None = None) -> SendResult:
    """Send everything queued (and finish any batch an earlier run left sending)."""
    store = vault.store
    report = progress or (lambda _p: None)
    result = _Totals()
    store.check_writable()  # a restored database sends nothing (renkei recover first)
    try:
        with locks.step(vault.data_dir, "send"):
            checkpoint("send.locked")
            sweep(vault)
            build_batch(vault)
            batches = [
                r[0]
                for r in store.query(
                    "SELECT batch_id FROM exchange_batches WHERE state = 'sending'"
                    " ORDER BY created_at"
                )
            ]
            for n, batch_id in enumerate(batches):
                report(Progress("exchange.step.send", n, len(batches)))
                _post(vault, client, batch_id, result)
    except p.ExchangeError as exc:
        ledger.record_error(store, exc.message("en"))
        ledger.history(store, "exchange.history.send", exc.message("en"), "failed")
        raise
    ledger.set_state(store, "last_send", ledger.stamp())
    return SendResult(result.files, result.accepted, result.rejected, tuple(result.receipts))
