"""No PDF outlives its time: each one written is recorded and swept.

Seed ②③ asks that the 未入力 list PDF not stay on the terminal needlessly. So
every PDF is recorded in the store *before* it is written (table
``pdf_exports``, migration 0200) with the moment it goes: ``expiry_minutes``
after it was made, or end of business (``[schedule] send_time``) if that comes
first. Sweeps delete what is due; the caller passes the clock (``now``), so the
TUI timer, the scheduler, ``renkei pdf --sweep`` from cron and the tests all
drive the same code:

- ``sweep(store, now)``: every PDF whose time has come;
- ``end_of_business(store, now)``: every PDF still there;
- ``sweep_at_startup(store, now)``: what is due, plus what a crash left: a
  PDF whose writer died while writing it (with the durable-write helper's temp
  files beside it), and a PDF held by a process (the TUI) that is gone.

A sweep deletes a file only if it is still the one written (device, inode,
size): a file the operator put at the same path since is left alone.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from core.config import Config
from core.durable import DiskFull, remove_durably, sweep_temp_files

WRITING = "writing"
PRESENT = "present"
DELETED = "deleted"  # removed by a sweep
GONE = "gone"  # not there any more when the sweep came (moved or removed by hand)
REPLACED = "replaced"  # another file stands at the path: left alone, no longer tracked

EXPIRED = "expired"
END_OF_BUSINESS = "end_of_business"
CRASHED = "crashed"  # the writer died while writing
OWNER_GONE = "owner_gone"  # the process holding it is gone (a crashed TUI)


class StoreLike(Protocol):
    """The part of ``core.store.Store`` used here."""

    def transaction(self) -> Any: ...
    def query(self, sql: str, params: Any = ()) -> list[Any]: ...


@dataclass(frozen=True)
class PdfRecord:
    id: int
    path: Path
    created_at: datetime
    expires_at: datetime
    state: str
    reason: str = ""


def utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive time is taken as local time."""
    return moment.astimezone(UTC)


def _iso(moment: datetime) -> str:
    return utc(moment).isoformat(timespec="seconds")


def expiry_for(now: datetime, config: Config) -> datetime:
    """When a PDF made at ``now`` goes: after ``expiry_minutes``, or at end of
    business today if that is sooner (UTC)."""
    local = now.astimezone()
    due = local + timedelta(minutes=max(1, int(config.pdf.expiry_minutes)))
    with contextlib.suppress(ValueError):
        hour, minute = (int(part) for part in config.schedule.send_time.split(":"))
        close = datetime.combine(local.date(), time(hour, minute), tzinfo=local.tzinfo)
        if local < close < due:
            due = close
    return utc(due)


@cache
def _own_start() -> str:
    return process_started(os.getpid()) or ""


def process_started(pid: int) -> str | None:
    """A token of when ``pid`` started (Linux: its start time in clock ticks),
    or None when no such process runs."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except FileNotFoundError:
        return None
    except OSError:
        raw = ""
    fields = raw.rsplit(")", 1)[-1].split()
    if len(fields) > 19:
        return fields[19]
    try:  # no /proc: only whether the pid exists
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return "?"


def _alive(pid: int, started: str) -> bool:
    now = process_started(pid)
    return now is not None and (now == started or "?" in (now, started))


def _record(row: Any) -> PdfRecord:
    return PdfRecord(
        id=int(row["id"]),
        path=Path(row["path"]),
        created_at=datetime.fromisoformat(row["created_at"]),
        expires_at=datetime.fromisoformat(row["expires_at"]),
        state=row["state"],
        reason=row["reason"] or "",
    )


def begin(
    store: StoreLike, path: Path, now: datetime, expires_at: datetime, *, held: bool = False
) -> int:
    """Record a PDF about to be written at ``path``; returns its id."""
    with store.transaction() as conn:
        cursor = conn.execute(
            "INSERT INTO pdf_exports (path, created_at, expires_at, state, pid, pid_started,"
            " held) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (str(path), _iso(now), _iso(expires_at), WRITING, os.getpid(), _own_start(), int(held)),
        )
        return int(cursor.lastrowid)


def written(store: StoreLike, record_id: int, path: Path) -> None:
    """The PDF is complete on disk: remember which file it is."""
    st = path.stat()
    with store.transaction() as conn:
        conn.execute(
            "UPDATE pdf_exports SET state = ?, file_dev = ?, file_ino = ?, file_size = ?"
            " WHERE id = ?",
            (PRESENT, st.st_dev, st.st_ino, st.st_size, record_id),
        )


def abandon(store: StoreLike, record_id: int, now: datetime) -> None:
    """The write failed and left nothing: close the record."""
    with store.transaction() as conn:
        conn.execute(
            "UPDATE pdf_exports SET state = ?, closed_at = ?, reason = ? WHERE id = ?",
            (GONE, _iso(now), CRASHED, record_id),
        )


def active(store: StoreLike) -> list[PdfRecord]:
    """Every PDF still on disk (or being written), soonest to go first."""
    rows = store.query(
        "SELECT * FROM pdf_exports WHERE state IN (?, ?) ORDER BY expires_at, id",
        (WRITING, PRESENT),
    )
    return [_record(r) for r in rows]


def _is_ours(row: Any, path: Path) -> bool | None:
    """True when ``path`` is the file recorded, False when another file stands
    there, None when nothing does."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    if row["file_ino"] is None:  # crashed before it was recorded as written
        return True
    return (st.st_dev, st.st_ino, st.st_size) == (
        row["file_dev"],
        row["file_ino"],
        row["file_size"],
    )


def _close(store: StoreLike, rows: Iterable[Any], now: datetime, reason: str) -> list[PdfRecord]:
    closed: list[PdfRecord] = []
    for row in rows:
        path = Path(row["path"])
        ours = _is_ours(row, path)
        if ours is None:
            state = GONE
        elif ours:
            state = DELETED if remove_durably(path) else GONE
        else:
            state = REPLACED
        if row["state"] == WRITING and path.parent.is_dir():
            sweep_temp_files(path.parent)  # a half-written copy the crash left
        with store.transaction() as conn:
            conn.execute(
                "UPDATE pdf_exports SET state = ?, closed_at = ?, reason = ? WHERE id = ?",
                (state, _iso(now), reason, row["id"]),
            )
        closed.append(_record({**dict(row), "state": state, "reason": reason}))
    return closed


def _open_rows(store: StoreLike) -> list[Any]:
    return store.query(
        "SELECT * FROM pdf_exports WHERE state IN (?, ?) ORDER BY id", (WRITING, PRESENT)
    )


def sweep(store: StoreLike, now: datetime) -> list[PdfRecord]:
    """Delete every PDF whose time has come; returns what was closed."""
    due = [
        r
        for r in _open_rows(store)
        if datetime.fromisoformat(r["expires_at"]) <= utc(now)
        and (r["state"] == PRESENT or not _alive(r["pid"], r["pid_started"]))
    ]
    return _close(store, due, now, EXPIRED)


def end_of_business(store: StoreLike, now: datetime) -> list[PdfRecord]:
    """Delete every PDF still there (the day is over)."""
    rows = [
        r
        for r in _open_rows(store)
        if r["state"] == PRESENT or not _alive(r["pid"], r["pid_started"])
    ]
    return _close(store, rows, now, END_OF_BUSINESS)


def sweep_at_startup(store: StoreLike, now: datetime) -> list[PdfRecord]:
    """What is due, plus what a crash left behind."""
    closed = sweep(store, now)
    crashed, orphaned = [], []
    for row in _open_rows(store):
        if _alive(row["pid"], row["pid_started"]):
            continue
        if row["state"] == WRITING:
            crashed.append(row)
        elif row["held"]:
            orphaned.append(row)
    closed += _close(store, crashed, now, CRASHED)
    closed += _close(store, orphaned, now, OWNER_GONE)
    return closed


DUE = "due"
STARTUP = "startup"
CLOSE = "end_of_business"
_SWEEPS = {DUE: sweep, STARTUP: sweep_at_startup, CLOSE: end_of_business}


def sweep_in(data_dir: Path, now: datetime, when: str = DUE) -> list[PdfRecord]:
    """The sweep ``when`` (``DUE``, ``STARTUP``, ``CLOSE``) over the PDFs of the
    terminal in ``data_dir``: what the TUI timer, the scheduler and cron call.
    Nothing to do (and no database made) when the terminal has none yet."""
    from core.paths import DB_NAME
    from core.store import Store

    if not (data_dir / DB_NAME).exists():
        return []
    with Store.open(data_dir) as store:
        return _SWEEPS[when](store, now)


def active_in(data_dir: Path) -> list[PdfRecord]:
    """The PDFs of the terminal in ``data_dir`` still on disk, soonest to go first."""
    from core.paths import DB_NAME
    from core.store import Store

    if not (data_dir / DB_NAME).exists():
        return []
    try:
        store = Store.open(data_dir)
    except (sqlite3.OperationalError, DiskFull):  # a full disk: the list is still readable
        store = Store(data_dir / DB_NAME, read_only=True)
    with store:
        return active(store)
