"""What the server remembers (``server.sqlite``): receipts (取得通知), uploads by
Idempotency-Key with the answer given, the notices held and a history.

One connection shared by the server's threads behind a lock; every call is one
transaction. An upload decides and records under one lock (``delivering``), so
a second copy of a notice is answered as already held whatever its key.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS receipts (
    lasdec TEXT NOT NULL, file_id TEXT NOT NULL, sha256 TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (lasdec, file_id));
CREATE TABLE IF NOT EXISTS uploads (
    lasdec TEXT NOT NULL, idem_key TEXT NOT NULL, receipt_id TEXT NOT NULL UNIQUE,
    digest TEXT NOT NULL, answer TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (lasdec, idem_key));
CREATE TABLE IF NOT EXISTS notices (
    lasdec TEXT NOT NULL, notice_id TEXT NOT NULL, receipt_id TEXT NOT NULL,
    idem_key TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (lasdec, notice_id));
CREATE TABLE IF NOT EXISTS history (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, lasdec TEXT NOT NULL,
    action TEXT NOT NULL, detail TEXT NOT NULL);
"""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Delivery:
    """The ledger inside one upload's transaction (the lock is held)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def held(self, lasdec: str, notice_ids: list[str]) -> dict[str, str]:
        """notice_id → receipt that took it, for those of ``notice_ids`` held."""
        held: dict[str, str] = {}
        for start in range(0, len(notice_ids), 500):
            part = notice_ids[start : start + 500]
            marks = ", ".join("?" * len(part))
            held.update(
                self._db.execute(
                    f"SELECT notice_id, receipt_id FROM notices WHERE lasdec = ?"
                    f" AND notice_id IN ({marks})",
                    (lasdec, *part),
                ).fetchall()
            )
        return held

    def record(
        self,
        lasdec: str,
        key: str,
        receipt_id: str,
        digest: str,
        answer: str,
        notice_ids: list[str],
    ) -> None:
        """The upload under ``key`` (its body's sha256 hex and the answer JSON) and
        the notices it brought, all at one time."""
        at = now()
        self._db.execute(
            "INSERT INTO uploads (lasdec, idem_key, receipt_id, digest, answer, at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (lasdec, key, receipt_id, digest, answer, at),
        )
        self._db.executemany(
            "INSERT INTO notices (lasdec, notice_id, receipt_id, idem_key, at)"
            " VALUES (?, ?, ?, ?, ?)",
            [(lasdec, notice_id, receipt_id, key, at) for notice_id in notice_ids],
        )


class Ledger:
    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)

    def _sql(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock, self._db:
            return self._db.execute(sql, args).fetchall()

    @contextmanager
    def delivering(self) -> Iterator[Delivery]:
        """One transaction under the lock: committed when the block ends normally."""
        with self._lock, self._db:
            yield Delivery(self._db)

    def history(self, lasdec: str, action: str, detail: str) -> None:
        self._sql(
            "INSERT INTO history (at, lasdec, action, detail) VALUES (?, ?, ?, ?)",
            (now(), lasdec, action, detail),
        )

    # -- 取得通知 ---------------------------------------------------------------

    def receipted(self, lasdec: str) -> set[str]:
        """The file ids ``lasdec`` has receipted."""
        rows = self._sql("SELECT file_id FROM receipts WHERE lasdec = ?", (lasdec,))
        return {row[0] for row in rows}

    def receipt(self, lasdec: str, file_id: str, sha256: str) -> str:
        """Record the receipt of ``file_id`` (once); when it was first received."""
        self._sql(
            "INSERT OR IGNORE INTO receipts (lasdec, file_id, sha256, at) VALUES (?, ?, ?, ?)",
            (lasdec, file_id, sha256, now()),
        )
        rows = self._sql(
            "SELECT at FROM receipts WHERE lasdec = ? AND file_id = ?", (lasdec, file_id)
        )
        return str(rows[0][0])

    def receipts(self, lasdec: str) -> list[tuple[str, str, str]]:
        """(file_id, sha256, at) of each receipt of ``lasdec``, by file id."""
        return [
            (str(f), str(s), str(a))
            for f, s, a in self._sql(
                "SELECT file_id, sha256, at FROM receipts WHERE lasdec = ? ORDER BY file_id",
                (lasdec,),
            )
        ]

    # -- uploads --------------------------------------------------------------

    def upload(self, lasdec: str, key: str) -> tuple[str, str] | None:
        """(digest, answer JSON) of the upload under ``key``, if there was one."""
        rows = self._sql(
            "SELECT digest, answer FROM uploads WHERE lasdec = ? AND idem_key = ?", (lasdec, key)
        )
        return (str(rows[0][0]), str(rows[0][1])) if rows else None

    def answer(self, lasdec: str, receipt_id: str) -> str | None:
        """The answer JSON given to the upload ``receipt_id``."""
        rows = self._sql(
            "SELECT answer FROM uploads WHERE lasdec = ? AND receipt_id = ?", (lasdec, receipt_id)
        )
        return str(rows[0][0]) if rows else None

    def uploads(self, lasdec: str) -> list[tuple[str, str]]:
        """(Idempotency-Key, receipt id) of each upload of ``lasdec``, oldest first."""
        return [
            (str(k), str(r))
            for k, r in self._sql(
                "SELECT idem_key, receipt_id FROM uploads WHERE lasdec = ? ORDER BY at",
                (lasdec,),
            )
        ]

    def notices_by_receipt(self, lasdec: str) -> dict[str, list[str]]:
        """receipt id → the notice ids it brought (in the order they were held)."""
        ids: dict[str, list[str]] = {}
        for receipt_id, notice_id in self._sql(
            "SELECT receipt_id, notice_id FROM notices WHERE lasdec = ? ORDER BY at, notice_id",
            (lasdec,),
        ):
            ids.setdefault(receipt_id, []).append(notice_id)
        return ids
