"""Fetch (①): list → download (encrypted as it streams) → verify SHA-256 →
store atomically → record → receipt (取得通知) → history.

Each file's state lives in ``exchange_inbox``: ``listed`` → ``stored`` →
``receipted``. A crash before ``stored`` is committed means a re-download
(the encrypted file is replaced whole, the records are ingested in the same
transaction that marks it stored, so never twice); a crash after it means the
receipt is sent again (the server takes it idempotently).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from core import formats
from core.exchange import intake, ledger
from core.exchange import protocol as p
from core.exchange.bulk import collector_paused
from core.exchange.ledger import checkpoint
from core.exchange.listing import Refused
from core.model import FetchResult, Progress, ProgressFn
from core.paths import INBOX_DIR
from core.store import locks

if TYPE_CHECKING:
    from core.datadir.opened import Vault
    from core.exchange.client import Client
    from core.store.db import Store
    from core.vault import envelope


@dataclass
class _Tally:
    files: int = 0
    records: int = 0
    added: int = 0
    problems: int = 0
    errors: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    duplicates: int = 0


def inbox_path(file_id: str) -> str:
    return f"{INBOX_DIR}/{file_id}.rke"


def content_aad(file_id: str) -> str:
    return f"exchange_inbox.content:{file_id}"


def read_inbox(vault: Vault, file_id: str) -> bytes:
    """The plaintext of a stored notice file, checked against the hash sealed to
    its row: a file swapped with or copied over another one is refused."""
    row = vault.store.query(
        "SELECT path, sha256, content_sealed FROM exchange_inbox WHERE file_id = ?", (file_id,)
    )[0]
    want = row["sha256"]
    if row["content_sealed"] is not None:
        want = vault.store.unseal_text(row["content_sealed"], content_aad(file_id))
    data = vault.read_bytes(row["path"])
    if want and p.sha256_hex(data) != want:  # (a row made by hand may name no hash)
        raise p.ExchangeError("exchange.inbox.not_its_file", file=file_id)
    return data


def check_skew(vault: Vault, client: Client) -> float:
    """Seconds the server's clock is ahead (negative: behind); kept for status."""
    before = ledger.now_utc()
    server = client.server_time()
    after = ledger.now_utc()
    skew = (server - (before + (after - before) / 2)).total_seconds()
    ledger.set_state(vault.store, "clock_skew", f"{skew:.1f}")
    return skew


def run(vault: Vault, client: Client, progress: ProgressFn | None = None) -> FetchResult:
    """One complete fetch; resumes whatever an earlier run left half done.

    Runs under the ``fetch`` step lock (README "Concurrency model"): two
    fetches never download into the same inbox file at once.
    """
    vault.store.check_writable()  # a restored database takes nothing (renkei recover first)
    with locks.step(vault.data_dir, "fetch"):
        return _run(vault, client, progress)


def _run(vault: Vault, client: Client, progress: ProgressFn | None) -> FetchResult:
    store = vault.store
    tally = _Tally()
    report = progress or (lambda _p: None)
    (vault.data_dir / INBOX_DIR).mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        skew = check_skew(vault, client)
        if abs(skew) > vault.config.schedule.skew_warn_seconds:
            tally.errors.append(_skew_message(skew))
        report(Progress("exchange.step.list"))
        listing = client.list_notices()
        for refusal in client.refused:  # entries that broke the listing rule: not taken
            tally.errors.append(refusal.message())
            ledger.history(store, "guard.history.listing", refusal.message("en"), "refused")
        with store.transaction() as conn:
            for item in listing:
                conn.execute(
                    "INSERT OR IGNORE INTO exchange_inbox (file_id, kind, name, size, sha256,"
                    " records, state, listed_at) VALUES (?, ?, ?, ?, ?, ?, 'listed', ?)",
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
                # a file listed again after a failed download may have been fixed
                conn.execute(
                    "UPDATE exchange_inbox SET size = ?, sha256 = ?, records = ?"
                    " WHERE file_id = ? AND state = 'listed'",
                    (item.size, item.sha256, item.records, item.file_id),
                )
        checkpoint("fetch.listed")
        offered = {item.file_id: item for item in listing}
        pending = store.query(
            "SELECT file_id FROM exchange_inbox WHERE state = 'listed' ORDER BY file_id"
        )
        for n, row in enumerate(pending):
            offer = offered.get(row["file_id"])
            if offer is None:
                continue  # no longer offered; it stays listed and is shown
            report(Progress("exchange.step.download", n, len(pending), offer.name))
            try:
                _download_and_store(vault, client, offer, tally)
            except Refused as exc:  # this file broke a limit: refused alone, the others go on
                _refused(vault, offer, exc, tally)
        _send_receipts(vault, client, tally, report)
    except p.ExchangeError as exc:
        ledger.record_error(store, exc.message("en"))
        ledger.history(store, "exchange.history.fetch", exc.message("en"), "failed")
        if store.refusal is None:  # the audit trail's 通信 kind: every exchange, with its result
            vault.audit.append("exchange.fetch", result="failed", detail=exc.key)
        raise
    ledger.set_state(store, "last_fetch", ledger.stamp())
    if tally.errors:
        ledger.record_error(store, "; ".join(tally.errors))
    ledger.history(
        store,
        "exchange.history.fetch",
        f"files={tally.files} records={tally.records}",
        "ok" if not tally.errors else "problems",
    )
    vault.audit.append(
        "exchange.fetch",
        result="ok" if not tally.errors else "problems",
        detail=f"files={tally.files} records={tally.records}",
    )
    return FetchResult(
        files=tally.files,
        records=tally.records,
        waiting_added=tally.added,
        problems=tally.problems,
        errors=tuple(tally.errors),
        invalid=tuple(tally.invalid),
        duplicates=tally.duplicates,
    )


def _refused(vault: Vault, item: p.NoticeFile, exc: Refused, tally: _Tally) -> None:
    vault.store.execute(
        "UPDATE exchange_inbox SET error = ? WHERE file_id = ?",
        (exc.message("en"), item.file_id),
    )
    ledger.history(vault.store, "exchange.history.download", item.name, "refused")
    tally.errors.append(exc.message())


def _skew_message(skew: float) -> str:
    from core.i18n import t

    return t("exchange.fetch.skew", seconds=f"{skew:+.0f}")


def _download_and_store(vault: Vault, client: Client, item: p.NoticeFile, tally: _Tally) -> None:
    rel = inbox_path(item.file_id)
    plain = bytearray()
    digest = ""
    for _attempt in range(2):  # a corrupt transfer is tried once more
        plain = bytearray()
        writer = vault.writer(rel)
        try:

            def sink(
                chunk: bytes,
                writer: envelope.EnvelopeWriter = writer,
                plain: bytearray = plain,
            ) -> None:
                writer.write(chunk)
                plain.extend(chunk)

            digest = client.download(item, sink)
            if digest == item.sha256 and len(plain) == item.size:
                checkpoint("fetch.downloaded")
                writer.close()  # atomic rename + fsync: the encrypted file is in place
                break
            writer.abort()
        except BaseException:
            writer.abort()
            raise
    else:
        error = p.ExchangeError(
            "exchange.error.hash_mismatch", file=item.name, expected=item.sha256, actual=digest
        )
        vault.store.execute(
            "UPDATE exchange_inbox SET error = ? WHERE file_id = ?",
            (error.message("en"), item.file_id),
        )
        ledger.history(vault.store, "exchange.history.download", item.name, "hash-mismatch")
        tally.errors.append(error.message())
        return
    checkpoint("fetch.stored")
    with collector_paused():  # the file's records: many objects, no cycles
        _check_and_take_in(vault, item, rel, digest, bytes(plain), tally)


def _check_and_take_in(
    vault: Vault, item: p.NoticeFile, rel: str, digest: str, plain: bytes, tally: _Tally
) -> None:
    """The stored file's data check, then its records taken in (one transaction
    that also marks it stored)."""
    with intake.registered_gaiji(vault):  # a registered 外字 slot may stand in a name
        parsed = formats.read(item.kind, plain, lasdec=vault.config.terminal.lasdec or None)
    rows = parsed.records
    problems = parsed.report.problems
    errors = parsed.report.errors  # the fatal problem, if any, is among them
    with vault.store.transaction() as conn:
        moved = conn.execute(
            "UPDATE exchange_inbox SET state = 'stored', path = ?, records = ?, status = ?,"
            " problems = ?, error = '', stored_at = ?, content_sealed = ?"
            " WHERE file_id = ? AND state = 'listed'",
            (
                rel,
                len(rows),
                "invalid" if errors else "ok",
                len(problems),
                ledger.stamp(),
                vault.store.seal(digest, content_aad(item.file_id)),
                item.file_id,
            ),
        ).rowcount
        if not moved:  # another process (the TUI, a timer) stored it meanwhile
            return
        added, dups = 0, 0
        if not errors:  # an invalid file is kept and waits for ``renkei inbox recheck``
            took = intake.take_in(
                vault.store,
                conn,
                item.file_id,
                item.kind,
                rows,
                parsed.lines,
                intake.records_from(vault),
            )
            added, dups = took.added, len(took.duplicates)
        if dups:  # the second arrival is reported, not silently dropped
            ledger.history(
                vault.store,
                "guard.history.duplicates",
                f"{item.name} duplicates={dups}",
                "duplicate",
            )
        vault.store.bump_generation()
        ledger.history(
            vault.store,
            "exchange.history.store",
            f"{item.name} records={len(rows)}",
            "invalid" if errors else "ok",
        )
    checkpoint("fetch.recorded")
    tally.files += 1
    tally.records += len(rows)
    tally.added += added
    tally.problems += len(problems)
    tally.duplicates += dups
    if errors:
        tally.invalid.append(f"{item.file_id} {item.name}")


def _send_receipts(vault: Vault, client: Client, tally: _Tally, report: ProgressFn) -> None:
    store = vault.store
    for row in store.query(
        "SELECT file_id, name, sha256 FROM exchange_inbox WHERE state = 'stored' ORDER BY file_id"
    ):
        report(Progress("exchange.step.receipt", detail=row["name"]))
        client.receipt(row["file_id"], row["sha256"])
        checkpoint("fetch.receipted")
        with store.transaction():
            store.execute(
                "UPDATE exchange_inbox SET state = 'receipted', receipted_at = ?"
                " WHERE file_id = ? AND state = 'stored'",
                (ledger.stamp(), row["file_id"]),
            )
            store.bump_generation()
            ledger.history(store, "exchange.history.receipt", row["name"])


def last_time(store: Store, name: str) -> datetime | None:
    value = ledger.get_state(store, name)
    return datetime.fromisoformat(value) if value else None
