"""The import folder (line connection, パターン1): municipal notice files from the
resident-record system, taken once each and queued for sending.

A file ``*.csv`` is taken when it is complete: its ``NAME.sha256`` checksum
file is present and matches, or (without one) it has not changed for
``SETTLE_SECONDS``. Then:

1. decode from the boundary encoding (外字 through the 外字 table), run the
   data check of the municipal layout and its patterns (``core.formats``,
   ``muni``), refuse notice ids already in the outbox;
2. in ONE transaction: the file's state by the SHA-256 of its bytes
   (``boundary_imports``: ``queued`` or ``rejected``) and, when it is good,
   every record sealed into the send queue (``exchange.entry.queue_records``);
3. the report ``NAME.report.txt`` is written into ``done/`` or ``rejected/``,
   then the file (and its checksum file) is moved beside it.

A kill between any two steps resumes: a file whose hash is known is only moved
on, never queued again; a file dropped again with the same bytes is reported
as a repeat and queues nothing.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core import formats
from core.boundary import report as reports
from core.charset import CharsetError, Tables, decode_file
from core.exchange import entry, ledger
from core.exchange.ledger import checkpoint
from core.i18n import t
from core.report import Problem
from core.vault.atomic import fsync_dir, write_atomic

if TYPE_CHECKING:
    from core.vault.unlock import Vault

SETTLE_SECONDS = 5.0
DONE, REJECTED = "done", "rejected"
QUEUED, REFUSED = "queued", "rejected"
REPORT_SUFFIX = ".report.txt"
CHECKSUM_SUFFIX = ".sha256"
AAD_REPORT = "boundary_imports.report_sealed"
OPERATOR = "boundary"
_HEX = re.compile(r"^([0-9a-fA-F]{64})\b")


@dataclass(frozen=True)
class ImportOutcome:
    """What became of one file of the import folder."""

    name: str
    state: str  # "queued", "rejected", or "repeat" (same bytes taken before: nothing queued)
    records: int
    problems: tuple[Problem, ...]
    moved_to: Path

    def lines(self, lang: str | None = None) -> list[str]:
        return reports.render(self.problems, lang)


def candidates(folder: Path, now: float) -> tuple[list[Path], list[str]]:
    """Complete files to take, and the names still being written (or mismatched)."""
    ready: list[Path] = []
    waiting: list[str] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        if path.suffix.lower() != ".csv":
            continue
        sidecar = path.with_name(path.name + CHECKSUM_SUFFIX)
        if sidecar.is_file():
            match = _HEX.match(sidecar.read_text(encoding="ascii", errors="replace"))
            want = match.group(1).lower() if match else ""
            if want == hashlib.sha256(path.read_bytes()).hexdigest():
                ready.append(path)
                continue
            # a mismatch may be a write in progress; after the settle time it is
            # taken and rejected with the reason
        if now - path.stat().st_mtime < SETTLE_SECONDS:
            waiting.append(path.name)
        else:
            ready.append(path)
    return ready, waiting


def take(vault: Vault, tables: Tables, folder: Path, path: Path, lang: str) -> ImportOutcome:
    """Take one complete file (see the module doc); resumes a half-done take."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    store = vault.store
    row = store.query("SELECT * FROM boundary_imports WHERE sha256 = ?", (digest,))
    if row and row[0]["moved_to"]:
        # taken before (this file was dropped again): nothing is queued
        state, records = "repeat", 0
        problems: tuple[Problem, ...] = (
            Problem(0, "", "boundary.import.repeat", {"at": row[0]["at"], "name": row[0]["name"]}),
        )
        where = DONE if row[0]["state"] == QUEUED else REJECTED
    elif row:  # a crash after it was recorded: move it on
        state, records = row[0]["state"], int(row[0]["records"])
        problems = reports.load(store.unseal_text(row[0]["report_sealed"], AAD_REPORT))
        where = DONE if state == QUEUED else REJECTED
    else:
        state, records, problems = _check_and_queue(vault, tables, path, data, digest)
        where = DONE if state == QUEUED else REJECTED
    target = _move(folder, path, where, _report(path.name, digest, state, records,
                                                       problems, lang))  # fmt: skip
    if state != "repeat":
        store.execute(
            "UPDATE boundary_imports SET moved_to = ? WHERE sha256 = ?",
            (f"{where}/{target.name}", digest),
        )
    return ImportOutcome(path.name, state, records, problems, target)


def _check_and_queue(
    vault: Vault, tables: Tables, path: Path, data: bytes, digest: str
) -> tuple[str, int, tuple[Problem, ...]]:
    problems: list[Problem] = []
    recs: list[dict[str, str]] = []
    sidecar = path.with_name(path.name + CHECKSUM_SUFFIX)
    if sidecar.is_file():
        match = _HEX.match(sidecar.read_text(encoding="ascii", errors="replace"))
        if not match or match.group(1).lower() != digest:
            problems.append(Problem(0, "", "boundary.import.checksum", {"sha256": digest}))
    if not problems:
        try:
            text = decode_file(data, tables.codec, path.name)
        except CharsetError as exc:
            problems.extend(exc.report.problems)
        else:
            parsed = formats.read(
                "muni", text.encode("utf-8"), lasdec=vault.config.terminal.lasdec or None
            )
            problems.extend(parsed.report.problems)
            recs = parsed.records
            if parsed.ok and not recs:
                problems.append(Problem(0, "", "boundary.import.no_records"))
            known = entry.queued_notice_ids(vault.store, [r.get("notice_id", "") for r in recs])
            for rec, line in zip(recs, parsed.lines, strict=True):
                if rec.get("notice_id") in known:
                    params = {"value": rec["notice_id"]}
                    problems.append(Problem(line, "notice_id", "boundary.import.known", params))
    ok = not any(p.severity == "error" for p in problems)
    state = QUEUED if ok else REFUSED
    store = vault.store
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO boundary_imports (sha256, name, state, records, problems,"
            " report_sealed, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                digest,
                path.name,
                state,
                len(recs) if ok else 0,
                len(problems),
                store.seal(reports.dump(problems), AAD_REPORT),
                ledger.stamp(),
            ),
        )
        if ok:
            entry.queue_records(store, conn, recs, OPERATOR)
        ledger.history(store, "boundary.history.import", f"{path.name} records={len(recs)}", state)
        vault.audit.append("boundary.import", actor=OPERATOR, record=digest[:16], detail=state)
    checkpoint("boundary.import.recorded")
    return state, len(recs) if ok else 0, tuple(problems)


def _report(
    name: str, digest: str, state: str, records: int, problems: tuple[Problem, ...], lang: str
) -> bytes:
    lines = [
        t("boundary.report.file", lang, name=name),
        f"sha256: {digest}",
        t(f"boundary.report.{state}", lang, records=records),
    ]
    rendered = reports.render(problems, lang)
    if rendered:
        lines.append(t("boundary.report.problems", lang, count=len(rendered)))
        lines.extend(rendered)
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _free_name(folder: Path, name: str) -> Path:
    """``name`` in ``folder``, or ``name.1``, ``name.2`` … when taken (a file
    dropped again never overwrites an earlier one or its report)."""
    target = folder / name
    n = 1
    while target.exists():
        target = folder / f"{name}.{n}"
        n += 1
    return target


def _move(folder: Path, path: Path, where: str, report: bytes) -> Path:
    """The report into ``done/`` or ``rejected/``, then the file (and its checksum file)."""
    dest = folder / where
    dest.mkdir(exist_ok=True)
    target = _free_name(dest, path.name)
    write_atomic(target.with_name(target.name + REPORT_SUFFIX), report, 0o640)
    checkpoint("boundary.import.reported")
    sidecar = path.with_name(path.name + CHECKSUM_SUFFIX)
    os.replace(path, target)
    fsync_dir(dest)
    fsync_dir(folder)
    if sidecar.is_file():
        os.replace(sidecar, target.with_name(target.name + CHECKSUM_SUFFIX))
        fsync_dir(dest)
        fsync_dir(folder)
    return target
