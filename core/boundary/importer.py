"""The import folder (line connection, パターン1): municipal notice files from the
resident-record system, taken once each and queued for sending.

A file ``*.csv`` is taken when it is complete by a rule the resident-record
system can follow: its ``NAME.sha256`` (``sha256sum`` format) is beside it and
matches; or, with ``[limits] import_requires_checksum = false``, it is there
at all (the writer writes under a ``.``-name and renames). It is opened with
O_NOFOLLOW and checked with fstat: never a symlink, FIFO or device, never over
``[limits] max_import_bytes``; a folder others can write is refused. Then:

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

import errno
import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core import formats
from core.boundary import report as reports
from core.boundary.errors import BoundaryError
from core.charset import CharsetError, Tables, decode_file
from core.config import LimitsSettings
from core.durable import fsync_dir, write_atomic
from core.exchange import entry, ledger
from core.exchange.ledger import checkpoint
from core.i18n import t
from core.report import Problem
from core.textsafe import shown

if TYPE_CHECKING:
    from core.datadir.opened import Vault

DONE, REJECTED = "done", "rejected"
QUEUED, REFUSED = "queued", "rejected"
REPORT_SUFFIX = ".report.txt"
CHECKSUM_SUFFIX = ".sha256"
AAD_REPORT = "boundary_imports.report_sealed"
OPERATOR = "boundary"
# one line of ``sha256sum`` output: 64 hex digits, two spaces (or space and
# ``*`` for binary mode), the file name, a newline
_SUMLINE = re.compile(r"^([0-9a-fA-F]{64}) [ *]([^\r\n/]+)\r?\n?$")
SIDECAR_LIMIT = 4096


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


@dataclass(frozen=True)
class Unsafe:
    """A file of the import folder that is never opened as a notice file."""

    name: str
    key: str  # catalogue key of the reason
    params: dict[str, str]

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang, name=shown(self.name, 120), **self.params)


class UnsafeFile(Exception):
    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def check_folder(folder: Path) -> None:
    """Refuse an import folder that others can write: anyone could queue
    notices to MOJ through it (``chmod o-w`` fixes it)."""
    info = os.stat(folder)
    if info.st_mode & stat.S_IWOTH:
        raise BoundaryError("guard.import.world_writable", path=str(folder))


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of ``path`` if it is a regular file (never through a symlink,
    never a FIFO or a device: opened with O_NOFOLLOW|O_NONBLOCK and checked with
    fstat) of at most ``limit`` bytes; else ``UnsafeFile``."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnsafeFile("guard.import.not_regular", kind="symlink") from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeFile("guard.import.not_regular", kind=_kind(info.st_mode))
        if info.st_size > limit:
            raise UnsafeFile("guard.import.too_big", size=str(info.st_size), limit=str(limit))
        chunks: list[bytes] = []
        got = 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            got += len(chunk)
            if got > limit:  # it grew while being read
                raise UnsafeFile("guard.import.too_big", size=str(got), limit=str(limit))
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISDIR(mode):
        return "directory"
    return "special file"


def _sidecar_digest(path: Path) -> str | None:
    """The SHA-256 a ``NAME.sha256`` beside ``path`` states for it, in
    ``sha256sum`` format (``HEX  NAME`` or ``HEX *NAME``); None when absent or
    not of that form (a writer may still be writing it)."""
    sidecar = path.with_name(path.name + CHECKSUM_SUFFIX)
    try:
        text = read_regular(sidecar, SIDECAR_LIMIT).decode("ascii")
    except (OSError, UnsafeFile, UnicodeDecodeError):
        return None
    match = _SUMLINE.match(text)
    if not match or match.group(2) != path.name:
        return None
    return match.group(1).lower()


def candidates(
    folder: Path, now: float, limits: LimitsSettings | None = None
) -> tuple[list[Path], list[str], list[Unsafe]]:
    """Complete files to take, the names not complete yet, and the files that
    are never taken (symlink, FIFO, device, over the size limit).

    Complete means: a ``NAME.sha256`` in ``sha256sum`` format beside it that
    matches (``[limits] import_requires_checksum``, the default); or, with that
    setting off, any ``*.csv`` (the writer's rule is then: write under a name
    starting with ``.`` or ending ``.tmp``/``.part`` and rename when done)."""
    limits = limits or LimitsSettings()
    check_folder(folder)
    ready: list[Path] = []
    waiting: list[str] = []
    unsafe: list[Unsafe] = []
    for item in sorted(os.scandir(folder), key=lambda e: e.name):
        name = item.name
        if name.startswith(".") or not name.lower().endswith(".csv"):
            continue
        path = folder / name
        try:
            if not item.is_file(follow_symlinks=False):
                if item.is_dir(follow_symlinks=False):
                    continue  # done/, rejected/
                info = os.lstat(path)
                kind = "symlink" if stat.S_ISLNK(info.st_mode) else _kind(info.st_mode)
                unsafe.append(Unsafe(name, "guard.import.not_regular", {"kind": kind}))
                continue
            if not limits.import_requires_checksum:
                ready.append(path)
                continue
            want = _sidecar_digest(path)
            if want is None:
                waiting.append(name)
                continue
            data = read_regular(path, limits.max_import_bytes)
        except UnsafeFile as exc:
            unsafe.append(Unsafe(name, exc.key, exc.params))
            continue
        except FileNotFoundError:
            continue  # moved away meanwhile
        if hashlib.sha256(data).hexdigest() == want:
            ready.append(path)
        else:  # a write in progress, or a wrong checksum: it waits, and is shown
            waiting.append(name)
    return ready, waiting, unsafe


def take(
    vault: Vault,
    tables: Tables,
    folder: Path,
    path: Path,
    lang: str,
    limit: int = LimitsSettings.max_import_bytes,
) -> ImportOutcome | Unsafe:
    """Take one complete file (see the module doc); resumes a half-done take."""
    try:
        data = read_regular(path, limit)
    except UnsafeFile as exc:  # swapped for a link or grown since it was listed
        return Unsafe(path.name, exc.key, exc.params)
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
    want = _sidecar_digest(path)
    if want is not None and want != digest:
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
    if sidecar.is_file() and not sidecar.is_symlink():
        os.replace(sidecar, target.with_name(target.name + CHECKSUM_SUFFIX))
        fsync_dir(dest)
        fsync_dir(folder)
    return target
