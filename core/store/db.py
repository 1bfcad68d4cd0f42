"""The SQLite store: WAL, migrations, transactions, sealed fields, blind indexes.

Personal data never goes into the database in the clear: a part stores it as
``store.seal(value, aad)`` (AES-256-GCM under a subkey of the data key) and
finds it again through ``store.blind(value, purpose)`` (an HMAC that reveals
nothing without the key). ``aad`` names the place a sealed value belongs to
(table, column, row key — never personal data itself); a value moved to
another place does not open. Each sealed value carries the id of its key, so
``renkei rekey`` can find and re-seal every one without knowing the schema.

Sealed value layout: ``b"RKS1" | key id (8) | nonce (12) | aad digest (16) |
ciphertext+tag``; the digest is ``SHA-256(aad)[:16]``, checked on unseal and
authenticated by GCM.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import importlib
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from importlib import resources
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag

from core.durable import DiskFull
from core.errors import EXIT_LOCKED, RenkeiError
from core.paths import DB_NAME
from core.vault.errors import SealError
from core.vault.keys import KEY_ID_SIZE, DataKey, Keyring

SEAL_MAGIC = b"RKS1"
_HEAD = len(SEAL_MAGIC) + KEY_ID_SIZE + 12 + 16
_NONCE = itemgetter(slice(_HEAD - 28, _HEAD - 16))
_PLACE = itemgetter(slice(_HEAD - 16, _HEAD))
_SEALED = itemgetter(slice(_HEAD, None))
_MIGRATION = re.compile(r"^(\d{4})_([a-z0-9_]+)\.(sql|py)$")
_MIGRATIONS_PKG = "core.store.migrations"
SQLITE_FULL = 13


class StoreBusy(RenkeiError):
    """Another process's write transaction outlasted our wait (``timeout`` below)."""

    exit_code = EXIT_LOCKED

    def __init__(self, path: str) -> None:
        super().__init__("store.busy", path=path)


# RFC 2104's pads as ``bytes.translate`` tables (what the ``hmac`` module uses)
_IPAD = bytes(x ^ 0x36 for x in range(256))
_OPAD = bytes(x ^ 0x5C for x in range(256))


def hmac_sha256_many(key: bytes, messages: Iterable[bytes]) -> list[bytes]:
    """HMAC-SHA256 (RFC 2104) of each of ``messages`` under one ``key``.

    The keyed inner and outer hash states are made once and copied for each
    message: a fetched file blinds 100,000 values, and ``hmac.digest`` sets the
    key up again for every one (2.5 times the time for a card number). The
    result is ``hmac.digest(key, message, "sha256")`` (RFC 4231's vectors in
    the tests)."""
    if len(key) > 64:  # a key longer than SHA-256's block is hashed first
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\x00")
    inner, outer = hashlib.sha256(key.translate(_IPAD)), hashlib.sha256(key.translate(_OPAD))
    out: list[bytes] = []
    append = out.append
    for message in messages:
        h = inner.copy()
        h.update(message)
        o = outer.copy()
        o.update(h.digest())
        append(o.digest())
    return out


def aad_digest(aad: str | bytes) -> bytes:
    raw = aad.encode("utf-8") if isinstance(aad, str) else aad
    return hashlib.sha256(b"renkei seal aad|" + raw).digest()[:16]


def _as_bytes(value: str | bytes) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


def discover_migrations() -> list[tuple[int, str, str]]:
    """``(version, name, kind)`` of every migration file, in order."""
    found: dict[int, tuple[int, str, str]] = {}
    for entry in resources.files(_MIGRATIONS_PKG).iterdir():
        match = _MIGRATION.match(entry.name)
        if not match:
            continue
        version = int(match.group(1))
        if version in found:
            raise RuntimeError(f"two migrations numbered {version:04d}: {entry.name}")
        found[version] = (version, entry.name.rsplit(".", 1)[0], match.group(3))
    return [found[v] for v in sorted(found)]


def _statements(script: str) -> Iterator[str]:
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                yield buffer
            buffer = ""
    if buffer.strip() and not all(
        not ln.strip() or ln.strip().startswith("--") for ln in buffer.splitlines()
    ):
        raise RuntimeError(f"incomplete SQL statement in migration: {buffer[:80]!r}")


class Store:
    """One open database. Thread-safe by a lock: one transaction at a time."""

    def __init__(
        self, path: Path | str, keyring: Keyring | None = None, read_only: bool = False
    ) -> None:
        self.path = Path(path)
        self.keyring = keyring
        self._lock = threading.RLock()
        self._depth = 0
        # the state generation advanced by the open transaction, at which depth, and
        # whether a bump asked for the anchor to be made durable
        self._bumped: tuple[int, int, bool] | None = None
        # called with (generation, durable) after the commit that advanced it (the anchor)
        self.on_generation: Callable[[int, bool], None] | None = None
        # set when this database must not be written (e.g. restored from a backup)
        self.refusal: RenkeiError | None = None
        self.read_only = read_only
        self.closed = False  # set by close (a background writer stops then)
        if read_only:
            self._open_read_only()
            return
        existed = self.path.exists()
        try:
            self.conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=30.0
            )
        except sqlite3.Error as exc:
            raise RenkeiError("store.open_failed", path=str(self.path), detail=str(exc)) from exc
        if not existed:
            os.chmod(self.path, 0o600)
        self.conn.row_factory = sqlite3.Row
        try:
            with self._translate():
                self.conn.execute("PRAGMA journal_mode=WAL")
                self.conn.execute("PRAGMA synchronous=FULL")
                self.conn.execute("PRAGMA foreign_keys=ON")
                self.conn.execute("PRAGMA secure_delete=ON")
                self.conn.execute("PRAGMA journal_size_limit=8388608")
                self.migrate()
        except BaseException:
            self.conn.close()
            raise

    def _open_read_only(self) -> None:
        """For a command that only reads, when the normal open cannot write (a
        full disk: WAL mode needs to size the ``-shm`` file). EXCLUSIVE locking
        set before the first access keeps the WAL index in heap memory, so no
        ``-shm`` is needed and committed WAL frames are still read; ``query_only``
        refuses any write. (``mode=ro`` would still need the ``-shm``.) The
        schema must be current: a pending migration is a write."""
        try:
            self.conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=5.0
            )
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA locking_mode=EXCLUSIVE")
            self.conn.execute("PRAGMA query_only=ON")
            done = {r[0] for r in self.conn.execute("SELECT version FROM store_migrations")}
        except sqlite3.Error as exc:
            raise RenkeiError("store.open_failed", path=str(self.path), detail=str(exc)) from exc
        if {v for v, _, _ in discover_migrations()} - done:
            self.conn.close()
            raise DiskFull(str(self.path))

    @classmethod
    def open(cls, data_dir: Path | str, keyring: Keyring | None = None) -> Store:
        return cls(Path(data_dir) / DB_NAME, keyring)

    def close(self) -> None:
        with self._lock:
            self.conn.close()
            self.closed = True

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions ---------------------------------------------------------------

    @contextlib.contextmanager
    def _translate(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorcode", None) == SQLITE_FULL or "full" in str(exc):
                self._release_space()
                raise DiskFull(str(self.path)) from exc
            if "readonly" in str(exc) and self.refusal is not None:
                raise self.refusal from exc
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreBusy(str(self.path)) from exc
            raise

    def _release_space(self) -> None:
        """Give back the WAL space a failed transaction took (it is not needed)."""
        with contextlib.suppress(sqlite3.Error):
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing: ``BEGIN IMMEDIATE`` … ``COMMIT``; nested calls are savepoints."""
        with self._lock, self._translate():
            depth = self._depth
            if depth == 0 and self.refusal is not None:
                raise self.refusal
            name = f"sp{depth}"
            self.conn.execute("BEGIN IMMEDIATE" if depth == 0 else f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield self.conn
            except BaseException:
                self._depth -= 1
                if self._bumped is not None and self._bumped[1] > depth:
                    self._bumped = None
                # SQLite may already have rolled back by itself (e.g. on a full disk).
                if self.conn.in_transaction:
                    if depth == 0:
                        self.conn.execute("ROLLBACK")
                    else:
                        self.conn.execute(f"ROLLBACK TO {name}")
                        self.conn.execute(f"RELEASE {name}")
                raise
            self._depth -= 1
            try:
                self.conn.execute("COMMIT" if depth == 0 else f"RELEASE {name}")
            except BaseException:
                if depth == 0:
                    self._bumped = None
                    if self.conn.in_transaction:
                        self.conn.execute("ROLLBACK")
                raise
            if depth == 0 and self._bumped is not None:
                (generation, _, durable), self._bumped = self._bumped, None
                if self.on_generation is not None:
                    self.on_generation(generation, durable)

    @contextlib.contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """One read transaction (``BEGIN`` … ``COMMIT``): every read inside sees
        the same committed state, whatever another process commits meanwhile
        (WAL). Reads only; nested in a transaction, it just runs in it."""
        with self._lock, self._translate():
            nested = bool(self._depth) or self.conn.in_transaction
            if nested:
                yield self.conn
                return
            self.conn.execute("BEGIN")
            try:
                yield self.conn
            finally:
                if self.conn.in_transaction:
                    self.conn.execute("COMMIT")

    def generation(self) -> int:
        """The state generation: advanced by every commit that matters (see bump)."""
        return int(self.meta("generation", "0") or 0)

    def bump_generation(self, durable: bool = True) -> int:
        """Advance the state generation in the current transaction (or its own).

        After the outermost commit, ``on_generation`` (the vault's anchor) is
        told, so a copy of this database from before that commit can be told
        from the real one (``core.datadir.anchor``). ``durable``: the anchor is
        fdatasynced too — for commits whose rollback would send twice or lose
        a file (send, fetch, rekey, recover); an audit entry alone updates it
        without waiting for the disk.
        """
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO vault_meta (name, value) VALUES ('generation', '1')"
                " ON CONFLICT(name) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
            )
            row = conn.execute("SELECT value FROM vault_meta WHERE name = 'generation'")
            generation = int(row.fetchone()[0])
            durable = durable or (self._bumped is not None and self._bumped[2])
            self._bumped = (generation, self._depth, durable)
        return generation

    def refuse_writes(self, refusal: RenkeiError) -> None:
        """From now on every write raises ``refusal`` (SQLite itself enforces it)."""
        self.refusal = refusal
        with self._lock:
            self.conn.execute("PRAGMA query_only = ON")

    def check_writable(self) -> None:
        """Raise the refusal now (before a step that also changes files)."""
        if self.refusal is not None:
            raise self.refusal

    def allow_writes(self) -> None:
        with self._lock:
            self.conn.execute("PRAGMA query_only = OFF")
        self.refusal = None

    def checkpoint(self) -> None:
        """Copy committed pages from the WAL into the database file and empty the WAL."""
        with self._lock, self._translate():
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        with self._lock, self._translate():
            return self.conn.execute(sql, params)

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        with self._lock, self._translate():
            return self.conn.execute(sql, params).fetchall()

    def scan(
        self, sql: str, params: Sequence[Any] | dict[str, Any] = (), size: int = 2000
    ) -> Iterator[list[tuple[Any, ...]]]:
        """The rows of a read, ``size`` at a time, as plain tuples: a large table
        (the 未入力 list) is read without holding all of it at once. The store
        stays locked until the iteration ends (consume it, or close it)."""
        with self._lock, self._translate():
            cursor = self.conn.cursor()
            cursor.row_factory = None
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(size):
                yield rows

    # -- migrations -----------------------------------------------------------------

    def migrate(self) -> list[int]:
        """Apply every migration not yet applied, each in its own transaction."""
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS store_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        done = {row[0] for row in self.conn.execute("SELECT version FROM store_migrations")}
        known = discover_migrations()
        newest = max((v for v, _, _ in known), default=0)
        if done and max(done) > newest:
            raise RenkeiError("store.too_new", path=str(self.path), version=max(done))
        applied = []
        for version, name, kind in known:
            if version in done:
                continue
            with self.transaction() as conn:
                if kind == "sql":
                    script = (resources.files(_MIGRATIONS_PKG) / f"{name}.sql").read_text(
                        encoding="utf-8"
                    )
                    for statement in _statements(script):
                        conn.execute(statement)
                else:
                    importlib.import_module(f"{_MIGRATIONS_PKG}.{name}").migrate(conn)
                conn.execute(
                    "INSERT INTO store_migrations VALUES (?, ?, ?)",
                    (version, name, datetime.now(UTC).isoformat(timespec="seconds")),
                )
                conn.execute(f"PRAGMA user_version = {int(version)}")
            applied.append(version)
        return applied

    def schema_version(self) -> int:
        row = self.conn.execute("SELECT max(version) FROM store_migrations").fetchone()
        return int(row[0] or 0)

    # -- small state ----------------------------------------------------------------

    def meta(self, name: str, default: str | None = None) -> str | None:
        row = self.query("SELECT value FROM vault_meta WHERE name = ?", (name,))
        return row[0][0] if row else default

    def set_meta(self, name: str, value: str) -> None:
        self.execute(
            "INSERT INTO vault_meta (name, value) VALUES (?, ?)"
            " ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            (name, value),
        )

    # -- sealed fields and blind indexes -----------------------------------------------

    def _keys(self) -> Keyring:
        if self.keyring is None:
            raise RenkeiError("vault.locked")
        return self.keyring

    def seal(self, value: str | bytes, aad: str | bytes) -> bytes:
        """``value`` encrypted under the current data key, bound to ``aad``."""
        return seal_with(self._keys().current, _as_bytes(value), aad_digest(aad))

    def seal_many(self, values: Sequence[str], aad: str | bytes) -> list[bytes]:
        """``seal`` of each of ``values`` (all for one place ``aad``): the key, the
        aad digest and the random nonces (one ``os.urandom`` call, 12 bytes a
        value) are got once and the values encrypted in one pass, for the
        50,000 rows of a fetched file. Each value still has its own nonce."""
        key = self._keys().current
        digest = aad_digest(aad)
        head = SEAL_MAGIC + key.key_id
        randoms = os.urandom(12 * len(values))
        nonces = [randoms[n : n + 12] for n in range(0, len(randoms), 12)]
        sealed = map(key.seal_aead.encrypt, nonces, map(str.encode, values), repeat(head + digest))
        return list(map(b"".join, zip(repeat(head), nonces, repeat(digest), sealed)))

    @staticmethod
    def place_of(blob: bytes) -> bytes:
        """The aad digest a sealed value carries (not a secret; authenticated by
        its tag): which of several places a value was sealed for, before
        opening it. ``aad_digest(aad)`` is the digest of a place."""
        return bytes(blob[_HEAD - 16 : _HEAD])

    def unseal(self, blob: bytes, aad: str | bytes) -> bytes:
        """The plaintext of ``blob``; ``SealError`` if altered, moved or foreign."""
        key, digest = self._parse(blob)
        if not hmac.compare_digest(digest, aad_digest(aad)):
            raise SealError("vault.seal.misplaced")
        return _open_with(key, blob)

    def unseal_text(self, blob: bytes, aad: str | bytes) -> str:
        return self.unseal(blob, aad).decode("utf-8")

    def unseal_many(self, blobs: Iterable[bytes], aad: str | bytes) -> list[bytes]:
        """The plaintexts of ``blobs``, all sealed at the same place ``aad`` (one
        column of a read): the same checks as ``unseal``, with the key lookup and
        the aad digest done once for the run of values sealed under one key."""
        digest = aad_digest(aad)
        if not isinstance(blobs, (list, tuple)):
            blobs = list(blobs)
        if blobs:
            fast = self._unseal_run(blobs, digest)
            if fast is not None:
                return fast
        prefix = b""  # magic and key id of the key in use
        decrypt: Any = None
        associated = b""
        out: list[bytes] = []
        append = out.append
        for blob in blobs:
            if not (blob.startswith(prefix) and prefix):
                key, _digest = self._parse(blob)  # the refusals of unseal
                prefix = SEAL_MAGIC + key.key_id
                decrypt, associated = key.seal_aead.decrypt, prefix + digest
            if len(blob) < _HEAD + 16:
                raise SealError("vault.seal.not_sealed")
            if blob[_HEAD - 16 : _HEAD] != digest:  # the aad's digest: not a secret
                raise SealError("vault.seal.misplaced")
            try:
                append(decrypt(blob[len(prefix) : _HEAD - 16], blob[_HEAD:], associated))
            except InvalidTag:
                raise SealError("vault.seal.tampered") from None
        return out

    def _unseal_run(self, blobs: Sequence[bytes], digest: bytes) -> list[bytes] | None:
        """``unseal_many`` of values all sealed under one key at one place (a
        column of a read, a chunk of the 未入力 list): the checks made a pass
        each over all of them, the values opened by one ``map``; None when
        they are not all alike (the loop then says which one is wrong)."""
        try:
            key, _digest = self._parse(blobs[0])
        except SealError:
            return None
        head = SEAL_MAGIC + key.key_id
        try:
            if (
                not all(map(bytes.startswith, blobs, repeat(head)))
                or min(map(len, blobs)) < _HEAD + 16
                or not all(map(digest.__eq__, map(_PLACE, blobs)))
            ):
                return None
        except TypeError:  # a value that is not ``bytes``: the loop takes it
            return None
        try:
            return list(
                map(
                    key.seal_aead.decrypt,
                    map(_NONCE, blobs),
                    map(_SEALED, blobs),
                    repeat(head + digest),
                )
            )
        except InvalidTag:
            return None  # the loop finds the value and refuses it

    def _parse(self, blob: bytes) -> tuple[DataKey, bytes]:
        blob = bytes(blob)
        if len(blob) < _HEAD + 16 or blob[:4] != SEAL_MAGIC:
            raise SealError("vault.seal.not_sealed")
        key = self._keys().key_for(blob[4 : 4 + KEY_ID_SIZE])
        if key is None:
            raise SealError("vault.seal.wrong_key", key_id=blob[4 : 4 + KEY_ID_SIZE].hex())
        return key, blob[_HEAD - 16 : _HEAD]

    def unseal_any(self, blob: bytes) -> bytes:
        """The plaintext of ``blob`` wherever it belongs (rekey only: no place check)."""
        key, _digest = self._parse(blob)
        return _open_with(key, bytes(blob))

    def reseal(self, blob: bytes, key: DataKey) -> bytes:
        """The same value and place under ``key`` (rekey; no aad needed)."""
        old, digest = self._parse(blob)
        return seal_with(key, _open_with(old, blob), digest)

    def blind_key(self) -> DataKey:
        """The data key blind indexes are currently computed with (switched by rekey)."""
        keys = self._keys()
        key_id = self.meta("blind_key_id")
        if key_id is None:
            return keys.current
        key = keys.key_for(bytes.fromhex(key_id))
        if key is None:
            raise SealError("vault.seal.wrong_key", key_id=key_id)
        return key

    def blind(self, value: str | bytes, purpose: str, key: DataKey | None = None) -> bytes:
        """A 16-byte lookup key for ``value``: equal values give equal blinds
        (per ``purpose``), and nothing about the value shows without the data key."""
        key = key or self.blind_key()
        data = purpose.encode("utf-8") + b"\x00" + _as_bytes(value)
        return hmac.digest(key.blind_key, data, "sha256")[:16]

    def blind_many(
        self, values: Iterable[str], purpose: str, key: DataKey | None = None
    ) -> list[bytes]:
        """``blind`` of each of ``values`` (one ``purpose``), in one pass: a
        fetched file blinds 100,000 values."""
        secret = (key or self.blind_key()).blind_key
        prefix = purpose.encode("utf-8") + b"\x00"
        messages = map(prefix.__add__, map(str.encode, values))
        return [mac[:16] for mac in hmac_sha256_many(secret, messages)]

    def ref(self, value: str | bytes) -> str:
        """A short printable reference to a record for the audit log."""
        return self.blind(value, "audit-ref").hex()

    def declare_blind(self, table: str, column: str, source_column: str, purpose: str) -> None:
        """Register a blind column (same as the INSERT shown in migrations/__init__)."""
        self.execute(
            "INSERT OR REPLACE INTO vault_blind_columns VALUES (?, ?, ?, ?)",
            (table, column, source_column, purpose),
        )


def seal_with(key: DataKey, plain: bytes, digest: bytes) -> bytes:
    nonce = os.urandom(12)
    head = SEAL_MAGIC + key.key_id + nonce + digest
    return head + key.seal_aead.encrypt(nonce, plain, SEAL_MAGIC + key.key_id + digest)


def _open_with(key: DataKey, blob: bytes) -> bytes:
    nonce = blob[4 + KEY_ID_SIZE : 4 + KEY_ID_SIZE + 12]
    digest = blob[_HEAD - 16 : _HEAD]
    try:
        return key.seal_aead.decrypt(nonce, blob[_HEAD:], SEAL_MAGIC + key.key_id + digest)
    except InvalidTag:
        raise SealError("vault.seal.tampered") from None
