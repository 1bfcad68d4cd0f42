"""Workloads for the crash tests: run in a forked child that the test kills.

``write_forever`` keeps replacing one encrypted file and the database row that
says which version it holds; ``expected_*`` say what a version must contain,
so after a kill the test can check the state is the previous or the next one.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from core.datadir.opened import Vault

DOC = "files/doc.enc"
AAD = "crash_state.payload:1"


def doc_bytes(version: int) -> bytes:
    """Version ``version`` of the document: 20–300 KB, content fixed by the version."""
    size = 20_000 + (version * 7919) % 280_000
    seed = hashlib.sha256(f"doc {version}".encode()).digest()
    return (seed * (size // 32 + 1))[:size]


def payload(version: int) -> str:
    return f"版 {version}: 山田 太郎 AB{version:08d}CD"


def prepare(vault: Vault) -> None:
    vault.store.execute(
        "CREATE TABLE IF NOT EXISTS crash_state (id INTEGER PRIMARY KEY, version INTEGER,"
        " payload BLOB)"
    )


def state(vault: Vault) -> int:
    rows = vault.store.query("SELECT version FROM crash_state WHERE id = 1")
    return rows[0][0] if rows else 0


def write_forever(vault: Vault, ready_fd: int) -> None:
    """Replace the file, then record it; forever (until killed)."""
    version = state(vault)
    os.write(ready_fd, b"r")
    while True:
        nxt = version + 1
        data = doc_bytes(nxt)
        with vault.writer(DOC, chunk_size=16 * 1024) as writer:
            for i in range(0, len(data), 10_000):
                writer.write(data[i : i + 10_000])
        with vault.store.transaction() as conn:
            conn.execute(
                "INSERT INTO crash_state (id, version, payload) VALUES (1, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET version = excluded.version,"
                " payload = excluded.payload",
                (nxt, vault.store.seal(payload(nxt), AAD)),
            )
            vault.audit.append("test.write", record=vault.store.ref(str(nxt)))
        version = nxt


def check(vault: Vault) -> int:
    """The state is whole: the file is version v or v+1 and the row opens; returns v."""
    version = state(vault)
    doc = Path(vault.data_dir) / DOC
    if version == 0:
        assert not doc.exists() or vault.read_bytes(DOC) == doc_bytes(1)
    else:
        assert vault.read_bytes(DOC) in (doc_bytes(version), doc_bytes(version + 1))
        blob = vault.store.query("SELECT payload FROM crash_state WHERE id = 1")[0][0]
        assert vault.store.unseal_text(blob, AAD) == payload(version)
    vault.audit.verify()
    return version
