"""The export folder (line connection, パターン1): every received MOJ notice file
appears there once, in the boundary encoding, for the resident-record system.

For each file: the bytes are written atomically (a ``.tmp-`` file renamed into
place after fsync, so a reader never sees half a file), then ``NAME.sha256``
(``sha256sum`` format) is written the same way: its presence says the file is
complete, and the resident-record system can verify it. Then the state is
recorded (``boundary_exports``). A crash before the record writes the same
bytes again on the next sync (the content is deterministic); after it, never
again. A file with a character the encoding cannot hold is not written: its
report (file, record, column, character, U+ code) is kept sealed for the status
and the TUI, and it is tried again when the code tables change.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core.boundary import notices
from core.boundary import report as reports
from core.charset import CharsetError, Tables
from core.durable import write_atomic
from core.exchange import ledger, listing
from core.exchange.ledger import checkpoint
from core.report import Problem

if TYPE_CHECKING:
    from core.datadir.opened import Vault

# Readable by a group the administrator gives the resident-record connector.
EXPORT_MODE = 0o640
CHECKSUM_SUFFIX = ".sha256"
AAD_REPORT = "boundary_exports.report_sealed"
# 'duplicate': every record of the file came in an earlier file; nothing written
DONE_STATES = ("exported", "duplicate")


@dataclass(frozen=True)
class ExportRefusal:
    """A notice file held back: characters with no mapping in the boundary encoding."""

    file_id: str
    name: str
    problems: tuple[Problem, ...]

    def lines(self, lang: str | None = None) -> list[str]:
        return reports.render(self.problems, lang)


def checksum_line(data: bytes, name: str) -> bytes:
    return f"{hashlib.sha256(data).hexdigest()}  {name}\n".encode("ascii")


def export_name(notice: notices.ReceivedNotice, taken: set[str], folder: Path, data: bytes) -> str:
    """The terminal's own name for a notice file in the export folder: rebuilt
    from the parts of the listed name that passed ``core.exchange.listing``
    (never the peer's string as a path), made unique: a name another file was
    exported under, or a different file already in the folder, gets ``_N``."""
    parts = listing.parse_name(notice.name)
    if parts is not None:
        stem = f"{parts.kind}-{parts.lasdec}-{parts.day}-{parts.seq}"
    else:  # a row stored before the rule: named by its id alone
        stem = "notice-" + hashlib.sha256(notice.file_id.encode()).hexdigest()[:16]
    digest = hashlib.sha256(data).hexdigest()
    n = 1
    while True:
        name = f"{stem}.csv" if n == 1 else f"{stem}_{n}.csv"
        target = folder / name
        if name not in taken and (
            not target.exists() or (target.is_file() and _sha256_of(target) == digest)
        ):
            return name  # free, or the same bytes of an earlier run that crashed
        n += 1


def _sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_export(folder: Path, name: str, data: bytes) -> None:
    """The file, then its checksum file: each atomic and durable."""
    write_atomic(folder / name, data, EXPORT_MODE)
    checkpoint("boundary.export.file")
    write_atomic(folder / f"{name}{CHECKSUM_SUFFIX}", checksum_line(data, name), EXPORT_MODE)


def run(
    vault: Vault, tables: Tables, folder: Path, fingerprint: str
) -> tuple[list[str], list[ExportRefusal]]:
    """Export what is new; returns the names written and the files refused now."""
    store = vault.store
    rows = store.query("SELECT file_id, name, state, tables FROM boundary_exports")
    known = {r["file_id"]: (r["state"], r["tables"]) for r in rows}
    taken = {r["name"] for r in rows if r["state"] == "exported"}
    written: list[str] = []
    refused: list[ExportRefusal] = []
    for notice in notices.received(vault):
        state = known.get(notice.file_id)
        if state is not None and (state[0] in DONE_STATES or state[1] == fingerprint):
            continue  # done, or refused and the tables have not changed since
        try:
            data = notices.for_boundary(vault, tables, notice)
        except CharsetError as exc:
            problems = tuple(exc.report.problems)
            _record(vault, notice, "refused", "", fingerprint, problems)
            ledger.history(store, "boundary.history.export", notice.name, "refused")
            refused.append(ExportRefusal(notice.file_id, notice.name, problems))
            continue
        if data is None:  # only copies of notices exported before
            _record(vault, notice, "duplicate", "", fingerprint, ())
            ledger.history(store, "boundary.history.export", notice.name, "duplicate")
            continue
        name = export_name(notice, taken, folder, data)
        write_export(folder, name, data)
        checkpoint("boundary.export.written")
        _record(vault, notice, "exported", hashlib.sha256(data).hexdigest(), fingerprint, (), name)
        ledger.history(store, "boundary.history.export", name)
        taken.add(name)
        written.append(name)
    return written, refused


def _record(
    vault: Vault,
    notice: notices.ReceivedNotice,
    state: str,
    sha256: str,
    fingerprint: str,
    problems: tuple[Problem, ...],
    name: str = "",
) -> None:
    sealed = vault.store.seal(reports.dump(problems), AAD_REPORT) if problems else None
    vault.store.execute(
        "INSERT INTO boundary_exports (file_id, name, state, sha256, tables, problems,"
        " report_sealed, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(file_id) DO UPDATE"
        " SET name = excluded.name, state = excluded.state, sha256 = excluded.sha256,"
        " tables = excluded.tables, problems = excluded.problems,"
        " report_sealed = excluded.report_sealed, at = excluded.at",
        (
            notice.file_id,
            name or notice.name,
            state,
            sha256,
            fingerprint,
            len(problems),
            sealed,
            ledger.stamp(),
        ),
    )


def refusals(vault: Vault) -> list[ExportRefusal]:
    """The files held back now, with their reports (for the status and the TUI)."""
    out = []
    for r in vault.store.query(
        "SELECT file_id, name, report_sealed FROM boundary_exports WHERE state = 'refused'"
        " ORDER BY name"
    ):
        text = vault.store.unseal_text(r["report_sealed"], AAD_REPORT)
        out.append(ExportRefusal(r["file_id"], r["name"], reports.load(text)))
    return out
