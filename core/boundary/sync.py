"""``sync(terminal, now)``: one pass over both folders of the line connection,
for the scheduler, the TUI and ``renkei boundary sync`` (cron)."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from core import charset
from core.boundary import export, importer
from core.boundary.errors import BoundaryError
from core.charset.juki import table_dir
from core.charset.review import decisions_path
from core.errors import RenkeiError
from core.exchange import ledger
from core.exchange.intake import registered_gaiji
from core.paths import BOUNDARY_LOCK, JUKI_NAME
from core.report import Problem
from core.textsafe import shown

if TYPE_CHECKING:
    from core.config import BoundarySettings
    from core.datadir.opened import Vault

LINE = "line"


@dataclass(frozen=True)
class Folders:
    export_dir: Path | None
    import_dir: Path | None


@dataclass(frozen=True)
class SyncResult:
    exported: tuple[str, ...] = ()  # file names written into the export folder
    refused: tuple[export.ExportRefusal, ...] = ()  # held back now: unmappable characters
    imported: tuple[importer.ImportOutcome, ...] = ()
    waiting: tuple[str, ...] = ()  # import files not complete yet (still being written)
    busy: bool = False  # another sync was running: nothing done
    unsafe: tuple[importer.Unsafe, ...] = ()  # never opened: symlink, FIFO, device, too big

    @property
    def queued_records(self) -> int:
        return sum(o.records for o in self.imported if o.state == importer.QUEUED)

    @property
    def problems(self) -> bool:
        return (
            bool(self.refused)
            or bool(self.unsafe)
            or any(o.state != importer.QUEUED for o in self.imported)
        )


@dataclass(frozen=True)
class ImportSummary:
    name: str
    state: str
    records: int
    problems: int
    moved_to: str
    at: str


@dataclass(frozen=True)
class BoundaryStatus:
    linkage: str
    encoding: str
    export_dir: str
    import_dir: str
    exported: int
    refused: tuple[export.ExportRefusal, ...]  # with their reports
    queued_files: int
    rejected_files: int
    recent: tuple[ImportSummary, ...]
    last_sync: str
    last_error: str
    rejected_waiting: tuple[str, ...] = ()  # rejected files still in rejected/ (need a look)
    unsafe: tuple[importer.Unsafe, ...] = ()  # never opened: symlink, FIFO, device, too big

    @property
    def problems(self) -> bool:
        return bool(self.refused or self.rejected_waiting or self.unsafe)


def folders(settings: BoundarySettings, data_dir: Path) -> Folders:
    """The configured folders, or ``BoundaryError``: plaintext leaves the vault
    only where the municipality said so (``[boundary] linkage = "line"`` and
    ``export_dir`` / ``import_dir``), never inside the data directory."""
    if settings.linkage != LINE:
        raise BoundaryError("boundary.not_line", linkage=settings.linkage)
    if not settings.export_dir and not settings.import_dir:
        raise BoundaryError("boundary.not_configured")
    out: list[Path | None] = []
    for value in (settings.export_dir, settings.import_dir):
        if not value:
            out.append(None)
            continue
        path = Path(value).expanduser()
        if not path.is_absolute():
            raise BoundaryError("boundary.relative", path=value)
        if not path.is_dir():
            raise BoundaryError("boundary.no_dir", path=str(path))
        resolved, data = path.resolve(), data_dir.resolve()
        if resolved == data or data in resolved.parents:
            raise BoundaryError("boundary.inside_data", path=str(path))
        out.append(path)
    if out[0] is not None and out[0] == out[1]:
        raise BoundaryError("boundary.same_dir", path=str(out[0]))
    return Folders(out[0], out[1])


def fingerprint(data_dir: Path, tables: charset.Tables) -> str:
    """Changes when the code tables change (a refused export is then tried again)."""
    parts = [tables.codec.name]
    # decisions.csv: the name review's decisions (core/charset/review.py)
    for path in (tables.gaiji_path, table_dir(data_dir) / JUKI_NAME, decisions_path(data_dir)):
        if path is not None and path.is_file():
            info = path.stat()
            parts.append(f"{path}:{info.st_size}:{info.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


@contextlib.contextmanager
def _exclusive(data_dir: Path) -> Iterator[bool]:
    fd = os.open(data_dir / BOUNDARY_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def sync(vault: Vault, now: datetime | None = None) -> SyncResult:
    """Export the new MOJ notices and take the complete municipal notice files.

    Refuses (``BoundaryError``) when the folders are not configured. Files are
    handled one by one; a file that cannot be converted or checked is reported
    (``SyncResult.refused`` / an ``ImportOutcome`` in state ``rejected``) and
    the others go on.
    """
    settings = vault.config.boundary
    where = folders(settings, vault.data_dir)
    tables = charset.load_tables(vault.data_dir, settings=settings)
    at = (now or datetime.now()).timestamp()
    with _exclusive(vault.data_dir) as mine:
        if not mine:
            return SyncResult(busy=True)
        try:
            return _sync(vault, tables, where, at)
        except RenkeiError as exc:
            ledger.set_state(vault.store, "boundary_error", f"{ledger.stamp()} {exc.message('en')}")
            raise


def _sync(vault: Vault, tables: charset.Tables, where: Folders, at: float) -> SyncResult:
    exported: list[str] = []
    refused: list[export.ExportRefusal] = []
    if where.export_dir is not None:
        exported, refused = export.run(
            vault, tables, where.export_dir, fingerprint(vault.data_dir, tables)
        )
    outcomes: list[importer.ImportOutcome] = []
    waiting: list[str] = []
    unsafe: list[importer.Unsafe] = []
    if where.import_dir is not None:
        limits = vault.config.limits
        ready, waiting, unsafe = importer.candidates(where.import_dir, at, limits)
        lang = vault.config.ui.lang
        for path in ready:
            with registered_gaiji(vault):  # a registered 外字 slot may stand in a name
                got = importer.take(
                    vault, tables, where.import_dir, path, lang, limits.max_import_bytes
                )
            if isinstance(got, importer.Unsafe):
                unsafe.append(got)
            else:
                outcomes.append(got)
        for item in unsafe:
            ledger.history(vault.store, "boundary.history.import", shown(item.name), "refused")
    ledger.set_state(vault.store, "boundary_last_sync", ledger.stamp())
    ledger.set_state(vault.store, "boundary_error", "")
    return SyncResult(
        tuple(exported), tuple(refused), tuple(outcomes), tuple(waiting), unsafe=tuple(unsafe)
    )


def status(vault: Vault, recent: int = 20) -> BoundaryStatus:
    """What the line connection has done and what is held back, for status and TUI."""
    settings = vault.config.boundary
    store = vault.store
    counts = {
        r[0]: r[1]
        for r in store.query("SELECT state, count(*) FROM boundary_imports GROUP BY state")
    }
    exported = store.query("SELECT count(*) FROM boundary_exports WHERE state = 'exported'")[0][0]
    rows = store.query(
        "SELECT name, state, records, problems, moved_to, at FROM boundary_imports"
        " ORDER BY at DESC, name LIMIT ?",
        (recent,),
    )
    rejected_waiting: list[str] = []
    unsafe: list[importer.Unsafe] = []
    if settings.import_dir:
        folder = Path(settings.import_dir).expanduser()
        for r in store.query(
            "SELECT moved_to FROM boundary_imports WHERE state = ? AND moved_to != ''",
            (importer.REFUSED,),
        ):
            if (folder / r["moved_to"]).is_file():
                rejected_waiting.append(r["moved_to"])
        with contextlib.suppress(OSError, RenkeiError):
            unsafe = importer.candidates(folder, 0.0, vault.config.limits)[2]
    return BoundaryStatus(
        linkage=settings.linkage,
        encoding=settings.encoding,
        export_dir=settings.export_dir,
        import_dir=settings.import_dir,
        exported=int(exported),
        refused=tuple(export.refusals(vault)),
        queued_files=int(counts.get(importer.QUEUED, 0)),
        rejected_files=int(counts.get(importer.REFUSED, 0)),
        recent=tuple(ImportSummary(*tuple(r)) for r in rows),
        last_sync=ledger.get_state(store, "boundary_last_sync") or "",
        last_error=ledger.get_state(store, "boundary_error") or "",
        rejected_waiting=tuple(sorted(rejected_waiting)),
        unsafe=tuple(unsafe),
    )


__all__ = ["BoundaryError", "BoundaryStatus", "Problem", "SyncResult", "folders", "status", "sync"]
