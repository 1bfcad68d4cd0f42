"""A Python migration: data moved with code, in the same transaction."""

import os
import sqlite3


def migrate(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE items ADD COLUMN upper TEXT")
    conn.execute("INSERT INTO items (name) VALUES ('seed')")
    if os.environ.get("RENKEI_TEST_MIGRATION_FAIL"):
        raise RuntimeError("migration 0002 failed on purpose")
    conn.execute("UPDATE items SET upper = upper(name)")
