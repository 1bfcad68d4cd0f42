"""The opened data directory: keys in memory, settings, store, audit log and lock.

``core.datadir.unlock`` makes one (``init_vault`` / ``open_vault``); the
workflows (exchange, waiting, pdf, boundary, ...) take it, and
``core.session`` builds the ``Terminal`` facade on it. It sits above the
crypto primitives (``core.vault``), the store and the settings, which know
nothing of it. Its encrypted files live under ``<data>/files``
(``core.paths``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from core.config import Config
from core.datadir.anchor import RolledBack
from core.durable import make_private_dir
from core.paths import FILES_DIR
from core.store.audit import Audit
from core.store.db import Store
from core.vault import envelope
from core.vault.keys import Keyring


@dataclass
class Vault:
    """An unlocked data directory: keys in memory, store and audit open."""

    data_dir: Path
    config: Config
    keyring: Keyring
    store: Store
    audit: Audit
    kdf_cost: str
    _lock_fd: int | None = field(default=None, repr=False)
    # set when the database is older than the anchor: it is then read-only
    rolled_back: RolledBack | None = None
    operator: str = ""
    role: str = "admin"
    must_change: bool = False  # an initial passphrase: only passwd until changed
    must_enrol: bool = False  # config requires a second factor the operator lacks
    recovery_used: bool = False  # this unlock spent a recovery code
    kwk: bytes = field(default=b"", repr=False)  # unwraps the data keys; adds slots

    @property
    def files_dir(self) -> Path:
        """Where encrypted files live (parts may make subfolders)."""
        return self.data_dir / FILES_DIR

    @property
    def weak_kdf(self) -> bool:
        """True when the key file was made with the low (test/demo) scrypt cost."""
        return self.kdf_cost != "standard"

    @property
    def rekey_pending(self) -> bool:
        return len(self.keyring.keys) > 1

    def _path(self, path: Path | str, create: bool = False) -> Path:
        p = Path(path)
        p = p if p.is_absolute() else self.data_dir / p
        if create and not p.parent.is_dir():
            make_private_dir(p.parent)
        return p

    def writer(
        self, path: Path | str, chunk_size: int = envelope.DEFAULT_CHUNK
    ) -> envelope.EnvelopeWriter:
        """An encrypting writer to ``path`` (relative paths are in the data dir;
        missing folders are made 0700)."""
        return envelope.EnvelopeWriter(self._path(path, True), self.keyring.current, chunk_size)

    def write_bytes(self, path: Path | str, data: bytes) -> None:
        envelope.encrypt_bytes_to(self._path(path, True), data, self.keyring.current)

    def read(self, path: Path | str) -> Iterator[bytes]:
        """Verified plaintext chunks of an encrypted file."""
        return envelope.iter_decrypt(self._path(path), self.keyring)

    def read_bytes(self, path: Path | str) -> bytes:
        return envelope.read_all(self._path(path), self.keyring)

    def close(self) -> None:
        self.store.close()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
