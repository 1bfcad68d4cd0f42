"""Moving a terminal to a new data key, resumably.

1. A new data key is added to ``keys.toml`` as the current one, the old kept.
2. Every envelope in the data directory under an old key is re-encrypted in
   place (atomic replace: each file is always whole under one of the two keys).
3. In one database transaction: every sealed value is re-sealed, every
   declared blind column recomputed, the audit chain re-MACed, and blind
   lookups switched to the new key.
4. Only when a scan finds nothing left under an old key are the old keys
   dropped from ``keys.toml``.

A kill at any point leaves the key file holding both keys, so everything stays
readable; running rekey again resumes (a key file with more than one key *is*
an unfinished rekey).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from core.datadir.opened import Vault
from core.datadir.unlock import open_vault
from core.paths import DB_NAME, LOCK_NAME
from core.store.db import SEAL_MAGIC, Store
from core.vault import envelope
from core.vault.keys import DataKey, KeyFile, Keyring

_SKIP = {DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", f"{DB_NAME}-journal", LOCK_NAME}


@dataclass(frozen=True)
class RekeyResult:
    old_keys: tuple[str, ...]
    new_key: str
    files: int
    fields: int
    resumed: bool


def envelope_files(data_dir: Path) -> Iterator[Path]:
    """Every encrypted file in the data directory (found by its magic)."""
    for root, _dirs, files in os.walk(data_dir):
        for name in sorted(files):
            path = Path(root) / name
            if Path(root) == data_dir and name in _SKIP:
                continue
            if envelope.is_envelope(path):
                yield path


def _under(data_dir: Path, keys: list[DataKey]) -> list[Path]:
    """Envelopes under one of ``keys`` (files under other keys, e.g. a USB
    bundle's transfer key, are not this terminal's to re-encrypt)."""
    ids = {k.key_id for k in keys}
    return [p for p in envelope_files(data_dir) if envelope.read_key_id(p) in ids]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sealed_columns(store: Store) -> Iterator[tuple[str, str]]:
    tables = store.query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    for (table,) in tables:
        for column in store.query(f"PRAGMA table_info({_q(table)})"):
            yield table, column["name"]


def _count_old(store: Store, new: DataKey) -> int:
    total = 0
    for table, column in _sealed_columns(store):
        row = store.query(
            f"SELECT count(*) FROM {_q(table)} WHERE typeof({_q(column)}) = 'blob'"
            f" AND substr({_q(column)}, 1, 4) = ? AND substr({_q(column)}, 5, 8) != ?",
            (SEAL_MAGIC, new.key_id),
        )
        total += row[0][0]
    return total


def _rekey_database(vault: Vault, new: DataKey) -> int:
    """Re-seal, re-blind, re-MAC in one transaction; returns fields re-sealed."""
    store = vault.store
    failure: list[BaseException] = []

    def reseal(blob: bytes) -> bytes | None:
        try:
            return store.reseal(blob, new)
        except BaseException as exc:  # surfaced after the statement
            failure.append(exc)
            return None

    def blind_from(blob: bytes | None, purpose: str) -> bytes | None:
        if blob is None:
            return None
        try:
            return store.blind(store.unseal_any(bytes(blob)), purpose, key=new)
        except BaseException as exc:
            failure.append(exc)
            return None

    store.conn.create_function("renkei_reseal", 1, reseal)
    store.conn.create_function("renkei_blind_sealed", 2, blind_from)
    count = 0
    with store.transaction() as conn:
        for table, column in list(_sealed_columns(store)):
            cur = conn.execute(
                f"UPDATE {_q(table)} SET {_q(column)} = renkei_reseal({_q(column)})"
                f" WHERE typeof({_q(column)}) = 'blob' AND substr({_q(column)}, 1, 4) = ?"
                f" AND substr({_q(column)}, 5, 8) != ?",
                (SEAL_MAGIC, new.key_id),
            )
            if failure:
                raise failure[0]
            count += cur.rowcount
        for row in conn.execute("SELECT * FROM vault_blind_columns").fetchall():
            conn.execute(
                f"UPDATE {_q(row['table_name'])} SET {_q(row['column_name'])} ="
                f" renkei_blind_sealed({_q(row['source_column'])}, ?)",
                (row["purpose"],),
            )
            if failure:
                raise failure[0]
        vault.audit.rekey(new)
        store.set_meta("blind_key_id", new.hex_id)
        store.bump_generation()  # the anchor is sealed again, under the new key
        conn.execute(
            "UPDATE vault_rekey SET state = 'done', finished_at = ? WHERE new_key = ?"
            " AND state != 'done'",
            (datetime.now(UTC).isoformat(timespec="seconds"), new.hex_id),
        )
    return count


def rekey(
    data_dir: Path | str,
    passphrase: str,
    progress: Callable[[str, int, int], None] | None = None,
    operator: str | None = None,
    code: str | None = None,
) -> RekeyResult:
    """Move ``data_dir`` to a new data key (or finish an interrupted move);
    ``operator`` must be an admin. The new key is wrapped by the key-wrapping
    key every operator's slot opens, so no slot changes."""
    data_dir = Path(data_dir)
    vault = open_vault(
        data_dir, passphrase, exclusive=True, operator=operator, action="rekey", code=code
    )
    try:
        keyfile = KeyFile.load(data_dir)
        resumed = len(keyfile.wrapped) > 1
        if resumed:
            new = vault.keyring.current
        else:
            new = DataKey.generate()
            keyfile.add(AESGCM(vault.kwk), new)
            keyfile.current = new.key_id
            keyfile.save(data_dir)  # from here both keys are on disk
            vault.keyring = Keyring([*vault.keyring.keys, new], new.key_id)
            vault.store.keyring = vault.keyring
        old = [k for k in vault.keyring.keys if k.key_id != new.key_id]
        with vault.store.transaction() as conn:
            if not conn.execute(
                "SELECT 1 FROM vault_rekey WHERE new_key = ?", (new.hex_id,)
            ).fetchone():
                conn.execute(
                    "INSERT INTO vault_rekey (old_key, new_key, state, started_at)"
                    " VALUES (?, ?, 'files', ?)",
                    (
                        ",".join(k.hex_id for k in old),
                        new.hex_id,
                        datetime.now(UTC).isoformat(timespec="seconds"),
                    ),
                )
        todo = _under(data_dir, old)
        for done, path in enumerate(todo, 1):
            envelope.reencrypt_file(path, vault.keyring, new)
            if progress:
                progress("vault.rekey.step_files", done, len(todo))
        fields = _rekey_database(vault, new)
        if progress:
            progress("vault.rekey.step_database", fields, fields)
        left = _under(data_dir, old)
        if left or _count_old(vault.store, new):
            raise RuntimeError(f"rekey left data under an old key: {left[:3]}")
        for key in old:
            keyfile.drop(key.key_id)
        keyfile.save(data_dir)
        vault.keyring = Keyring([new], new.key_id)
        vault.store.keyring = vault.keyring
        vault.audit.append(
            "vault.rekey",
            detail=f"files={len(todo)} fields={fields}" + (" resumed" if resumed else ""),
        )
        return RekeyResult(tuple(k.hex_id for k in old), new.hex_id, len(todo), fields, resumed)
    finally:
        vault.close()
