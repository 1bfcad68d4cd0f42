"""Data keys, the passphrase that wraps them, and the keyring that holds them.

Each terminal has a random 256-bit data-encryption key (DEK) named by a random
8-byte key id. The DEK never touches disk in the clear: ``keys.toml`` holds it
wrapped (AES-256-GCM) by a key-encryption key derived from the operator's
passphrase with scrypt, whose parameters are stored beside it. Changing the
passphrase re-wraps (``rewrap``); moving to a new DEK (rekey) keeps the old
and the new one in the file until every file and field is re-encrypted.

The scrypt cost is ``standard`` (n=2**17, r=8: about 0.5 s and 128 MiB here)
unless ``low`` is asked for explicitly (tests, demos); the choice is written
in the key file and reported on unlock, never taken silently.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import tomli_w
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from core.vault.atomic import write_atomic

KEYS_NAME = "keys.toml"
FORMAT = "renkei-keys"
FORMAT_VERSION = 1
KEY_ID_SIZE = 8
COSTS: dict[str, dict[str, int]] = {
    "standard": {"n": 2**17, "r": 8, "p": 1},
    "low": {"n": 2**10, "r": 8, "p": 1},  # tests and demos only, recorded as such
}
_WRAP_AAD = b"renkei dek v1|"


class BadPassphrase(Exception):
    """The passphrase does not unwrap the data key (internal; see unlock)."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


@dataclass(frozen=True, eq=False)
class DataKey:
    """One data key: its id and secret, with the subkeys derived from it."""

    key_id: bytes
    secret: bytes = field(repr=False)

    @classmethod
    def generate(cls) -> DataKey:
        return cls(os.urandom(KEY_ID_SIZE), AESGCM.generate_key(bit_length=256))

    @property
    def hex_id(self) -> str:
        return self.key_id.hex()

    def derive(self, purpose: str) -> bytes:
        """A 32-byte subkey for one purpose (sealing, blind index, audit MAC)."""
        hkdf = HKDF(
            algorithm=hashes.SHA256(),
            length=32,
            salt=None,
            info=b"renkei subkey v1|" + purpose.encode("utf-8"),
        )
        return hkdf.derive(self.secret)

    @cached_property
    def seal_aead(self) -> AESGCM:
        return AESGCM(self.derive("seal"))

    @cached_property
    def blind_key(self) -> bytes:
        return self.derive("blind")

    @cached_property
    def audit_key(self) -> bytes:
        return self.derive("audit")

    def mac(self, purpose_key: bytes, data: bytes) -> bytes:
        return hmac.new(purpose_key, data, hashlib.sha256).digest()


class Keyring:
    """The unlocked data keys: ``current`` encrypts, any of them decrypts."""

    def __init__(self, keys: list[DataKey], current: bytes) -> None:
        self._keys = {k.key_id: k for k in keys}
        if current not in self._keys:
            raise ValueError("current key not in keyring")
        self._current = current

    @property
    def current(self) -> DataKey:
        return self._keys[self._current]

    @property
    def keys(self) -> list[DataKey]:
        return list(self._keys.values())

    def key_for(self, key_id: bytes) -> DataKey | None:
        return self._keys.get(key_id)

    def __contains__(self, key_id: bytes) -> bool:
        return key_id in self._keys


@dataclass
class KdfParams:
    salt: bytes
    n: int
    r: int
    p: int
    cost: str

    @classmethod
    def new(cls, cost: str) -> KdfParams:
        if cost not in COSTS:
            raise ValueError(f"unknown scrypt cost {cost!r}; choose {', '.join(COSTS)}")
        return cls(salt=os.urandom(16), cost=cost, **COSTS[cost])

    def derive(self, passphrase: str) -> AESGCM:
        kdf = Scrypt(salt=self.salt, length=32, n=self.n, r=self.r, p=self.p)
        return AESGCM(kdf.derive(passphrase.encode("utf-8")))

    def to_dict(self) -> dict[str, Any]:
        return {
            "algorithm": "scrypt",
            "n": self.n,
            "r": self.r,
            "p": self.p,
            "salt": _b64(self.salt),
            "cost": self.cost,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> KdfParams:
        if raw.get("algorithm") != "scrypt":
            raise ValueError("unknown key derivation")
        return cls(
            salt=_unb64(raw["salt"]),
            n=int(raw["n"]),
            r=int(raw["r"]),
            p=int(raw["p"]),
            cost=str(raw.get("cost", "standard")),
        )


@dataclass
class KeyFile:
    """The contents of ``keys.toml``: KDF parameters and the wrapped data keys."""

    kdf: KdfParams
    wrapped: dict[bytes, dict[str, str]]  # key id -> {nonce, wrapped, created}
    current: bytes

    @staticmethod
    def path(data_dir: Path) -> Path:
        return Path(data_dir) / KEYS_NAME

    @classmethod
    def exists(cls, data_dir: Path) -> bool:
        return cls.path(data_dir).is_file()

    @classmethod
    def load(cls, data_dir: Path) -> KeyFile:
        raw = tomllib.loads(cls.path(data_dir).read_text(encoding="utf-8"))
        if raw.get("format") != FORMAT or raw.get("version") != FORMAT_VERSION:
            raise ValueError("not a renkei key file of a known version")
        wrapped = {
            bytes.fromhex(k["id"]): {
                "nonce": k["nonce"],
                "wrapped": k["wrapped"],
                "created": k.get("created", ""),
            }
            for k in raw["keys"]
        }
        return cls(KdfParams.from_dict(raw["kdf"]), wrapped, bytes.fromhex(raw["current"]))

    def save(self, data_dir: Path) -> None:
        doc = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "current": self.current.hex(),
            "kdf": self.kdf.to_dict(),
            "keys": [{"id": kid.hex(), **entry} for kid, entry in self.wrapped.items()],
        }
        write_atomic(self.path(data_dir), tomli_w.dumps(doc).encode("utf-8"))

    @classmethod
    def create(cls, passphrase: str, cost: str = "standard") -> tuple[KeyFile, Keyring]:
        kdf = KdfParams.new(cost)
        key = DataKey.generate()
        keyfile = cls(kdf, {}, key.key_id)
        keyfile.add(kdf.derive(passphrase), key)
        return keyfile, Keyring([key], key.key_id)

    def add(self, kek: AESGCM, key: DataKey) -> None:
        nonce = os.urandom(12)
        self.wrapped[key.key_id] = {
            "nonce": _b64(nonce),
            "wrapped": _b64(kek.encrypt(nonce, key.secret, _WRAP_AAD + key.key_id)),
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
        }

    def kek(self, passphrase: str) -> AESGCM:
        return self.kdf.derive(passphrase)

    def unwrap(self, kek: AESGCM) -> Keyring:
        """All data keys, or ``BadPassphrase``."""
        keys = []
        for kid, entry in self.wrapped.items():
            try:
                secret = kek.decrypt(
                    _unb64(entry["nonce"]), _unb64(entry["wrapped"]), _WRAP_AAD + kid
                )
            except InvalidTag:
                raise BadPassphrase() from None
            keys.append(DataKey(kid, secret))
        return Keyring(keys, self.current)

    def rewrap(self, keyring: Keyring, new_passphrase: str) -> None:
        """A new salt and passphrase for the same data keys (no data rewritten)."""
        self.kdf = KdfParams.new(self.kdf.cost)
        kek = self.kdf.derive(new_passphrase)
        self.wrapped = {}
        for key in keyring.keys:
            self.add(kek, key)

    def drop(self, key_id: bytes) -> None:
        if key_id == self.current:
            raise ValueError("cannot drop the current key")
        self.wrapped.pop(key_id, None)
