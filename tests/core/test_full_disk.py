"""A full disk, for real: a tmpfs of a few hundred KB the test mounts (we are root).

The write fails with a clear ``DiskFull``; the earlier file, database state and
audit log are intact; no temp file is left taking space.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.durable import DiskFull, write_atomic
from tests.support.mounts import small_tmpfs
from tests.support.vault import new_vault, reopen

SIZE = "768k"


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[Path]:
    with small_tmpfs(tmp_path / "mnt", SIZE) as mount:
        yield mount


def test_full_disk_refuses_clearly_and_keeps_the_earlier_state(small_fs: Path) -> None:
    data = small_fs / "data"
    earlier = os.urandom(100_000)
    with new_vault(data) as vault:
        vault.store.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body BLOB)")
        vault.write_bytes("files/notice.enc", earlier)
        vault.store.execute("INSERT INTO notes VALUES (1, ?)", (vault.store.seal("first", "n:1"),))
        entries = vault.audit.verify()
        vault.store.checkpoint()  # committed pages into the database file, WAL emptied

        # 1. an encrypted file bigger than the space left, streamed in pieces
        with pytest.raises(DiskFull) as caught, vault.writer("files/notice.enc") as writer:
            for _ in range(40):
                writer.write(os.urandom(50_000))
        assert "files/notice.enc" in caught.value.message("en")
        assert "unchanged" in caught.value.message("en")
        assert not list(data.rglob(".tmp-*"))
        assert vault.read_bytes("files/notice.enc") == earlier

        # 2. the plain durable-write helper
        with pytest.raises(DiskFull):
            write_atomic(data / "config.toml", b"x" * 2_000_000)
        assert (data / "config.toml").read_text().startswith("[terminal]")

        # 3. a database transaction that does not fit: rolled back
        with pytest.raises(DiskFull), vault.store.transaction() as conn:
            for i in range(2, 40):
                conn.execute(
                    "INSERT INTO notes VALUES (?, ?)",
                    (i, vault.store.seal(os.urandom(60_000), f"n:{i}")),
                )
        assert vault.store.query("SELECT count(*) FROM notes")[0][0] == 1
        assert (data / "renkei.db-wal").stat().st_size == 0  # the failed frames gave back

        # 4. with the space back, work goes on
        vault.write_bytes("files/small.enc", b"fits")
    with reopen(data) as vault:
        assert vault.read_bytes("files/notice.enc") == earlier
        assert vault.read_bytes("files/small.enc") == b"fits"
        blob = vault.store.query("SELECT body FROM notes WHERE id = 1")[0][0]
        assert vault.store.unseal_text(blob, "n:1") == "first"
        assert vault.audit.verify() == entries + 1  # + this unlock
