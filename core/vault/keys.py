"""Data keys, the passphrase that wraps them, and the keyring that holds them.

Each terminal has a random 256-bit data-encryption key (DEK) named by a random
8-byte key id. The DEK never touches disk in the clear: ``keys.toml`` holds it
wrapped (AES-256-GCM) by a key-encryption key derived from the operator's
passphrase with scrypt, whose parameters are stored beside it. Changing the
passphrase re-wraps (``rewrap``); moving to a new DEK (rekey) keeps the old
and the new one in the file until every file and field is re-encrypted.

Since version 2 the file has one *slot* per operator, as LUKS does: each slot
wraps a random key-wrapping key (KWK) under that operator's scrypt-derived key,
and the KWK wraps the data keys. Adding, disabling or removing an operator, or
changing one's passphrase, rewrites one slot and never a data key or any data.
The operator table (names, roles, states) is MACed under a subkey of the KWK,
so an edit by someone who holds no passphrase is found at unlock. A version 1
file (one passphrase) is migrated in place at its first unlock (``migrate``).

The scrypt cost is ``standard`` (n=2**17, r=8: about 0.3 s and 128 MiB here)
unless ``low`` is asked for explicitly (tests, demos); the choice is written
in the key file and reported on unlock, never taken silently. The derivation
runs in a short-lived child process (``core.vault.kdf``), so its 128 MiB never
count against the terminal's own memory.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
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

from core.durable import write_atomic
from core.paths import KEYS_NAME
from core.vault import kdf as _kdf

FORMAT = "renkei-keys"
FORMAT_VERSION = 2
LEGACY_VERSION = 1  # one shared passphrase, no operators (migrated at unlock)
KEY_ID_SIZE = 8
COSTS: dict[str, dict[str, int]] = {
    "standard": {"n": 2**17, "r": 8, "p": 1},
    "low": {"n": 2**10, "r": 8, "p": 1},  # tests and demos only, recorded as such
}
_WRAP_AAD = b"renkei dek v1|"
_SLOT_AAD = b"renkei slot v2|"
_TOTP_AAD = b"renkei totp v1|"
ACTIVE, DISABLED = "active", "disabled"


class UnknownSlot(Exception):
    """No operator of that name (internal; see unlock)."""


class SlotDisabled(Exception):
    """The operator is disabled: the slot holds no key material (internal)."""


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
        return AESGCM(self.derive_raw(passphrase))

    def derive_raw(self, passphrase: str) -> bytes:
        """The passphrase key, derived in a child process (``core.vault.kdf``)."""
        return _kdf.scrypt(passphrase.encode("utf-8"), self.salt, n=self.n, r=self.r, p=self.p)

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


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class Slot:
    """One operator: name, role, state, and the KWK wrapped by their passphrase.

    A disabled slot keeps the account (name, role, history) but no key
    material, so the old passphrase opens nothing; enabling it sets a new
    initial passphrase that must be changed at first login.
    """

    name: str
    role: str
    state: str = ACTIVE
    must_change: bool = False
    kdf: KdfParams | None = None
    nonce: str = ""
    wrapped: str = ""
    created: str = ""
    changed: str = ""
    # the second factor: {"nonce", "sealed"} (the TOTP secret under this slot's own
    # passphrase key) and "recovery" (HMACs of the unused recovery codes)
    totp: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "name": self.name,
            "role": self.role,
            "state": self.state,
            "must_change": self.must_change,
            "created": self.created,
            "changed": self.changed,
        }
        if self.kdf is not None:
            doc.update(kdf=self.kdf.to_dict(), nonce=self.nonce, wrapped=self.wrapped)
        if self.totp is not None:
            doc["totp"] = self.totp
        return doc

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Slot:
        return cls(
            name=str(raw["name"]),
            role=str(raw["role"]),
            state=str(raw.get("state", ACTIVE)),
            must_change=bool(raw.get("must_change", False)),
            kdf=KdfParams.from_dict(raw["kdf"]) if "kdf" in raw else None,
            nonce=str(raw.get("nonce", "")),
            wrapped=str(raw.get("wrapped", "")),
            created=str(raw.get("created", "")),
            changed=str(raw.get("changed", "")),
            totp=dict(raw["totp"]) if isinstance(raw.get("totp"), dict) else None,
        )

    def seal(self, passphrase: str, kwk: bytes, cost: str) -> bytes:
        """Wrap ``kwk`` under ``passphrase`` (a new salt every time); returns the
        passphrase key (to re-seal the second factor under it)."""
        self.kdf = KdfParams.new(cost)
        kek = self.kdf.derive_raw(passphrase)
        nonce = os.urandom(12)
        self.nonce = _b64(nonce)
        self.wrapped = _b64(AESGCM(kek).encrypt(nonce, kwk, _SLOT_AAD + self.name.encode()))
        self.state = ACTIVE
        self.changed = _now()
        return kek

    def clear(self) -> None:
        self.kdf, self.nonce, self.wrapped, self.state = None, "", "", DISABLED
        self.totp = None
        self.changed = _now()

    def open(self, passphrase: str) -> bytes:
        return self.unlock(passphrase)[0]

    def unlock(self, passphrase: str) -> tuple[bytes, bytes]:
        """(the KWK, this slot's passphrase key), or ``SlotDisabled`` / ``BadPassphrase``."""
        if self.state != ACTIVE or self.kdf is None:
            raise SlotDisabled()
        kek = self.kdf.derive_raw(passphrase)
        try:
            kwk = AESGCM(kek).decrypt(
                _unb64(self.nonce), _unb64(self.wrapped), _SLOT_AAD + self.name.encode()
            )
        except InvalidTag:
            raise BadPassphrase() from None
        return kwk, kek

    def unlock_kwk(self, kek: bytes) -> bytes:
        """The KWK from an already derived passphrase key."""
        return AESGCM(kek).decrypt(
            _unb64(self.nonce), _unb64(self.wrapped), _SLOT_AAD + self.name.encode()
        )

    def seal_totp(self, kek: bytes, secret: bytes, recovery: list[str]) -> None:
        nonce = os.urandom(12)
        sealed = AESGCM(kek).encrypt(nonce, secret, _TOTP_AAD + self.name.encode())
        self.totp = {"nonce": _b64(nonce), "sealed": _b64(sealed), "recovery": recovery}

    def open_totp(self, kek: bytes) -> bytes | None:
        if self.totp is None:
            return None
        return AESGCM(kek).decrypt(
            _unb64(self.totp["nonce"]), _unb64(self.totp["sealed"]), _TOTP_AAD + self.name.encode()
        )


def _table_mac(kwk: bytes, slots: dict[str, Slot]) -> str:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"renkei operators v2")
    body = _canonical([slots[name].to_dict() for name in sorted(slots)])
    return hmac.new(hkdf.derive(kwk), body, hashlib.sha256).hexdigest()


def _canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


@dataclass
class KeyFile:
    """The contents of ``keys.toml``: the operator slots and the wrapped data keys
    (version 1: one KDF and the data keys wrapped by the one passphrase)."""

    kdf: KdfParams | None
    wrapped: dict[bytes, dict[str, str]]  # key id -> {nonce, wrapped, created}
    current: bytes
    version: int = FORMAT_VERSION
    slots: dict[str, Slot] = field(default_factory=dict)
    operators_mac: str = ""

    @staticmethod
    def path(data_dir: Path) -> Path:
        return Path(data_dir) / KEYS_NAME

    @classmethod
    def exists(cls, data_dir: Path) -> bool:
        return cls.path(data_dir).is_file()

    @classmethod
    def load(cls, data_dir: Path) -> KeyFile:
        raw = tomllib.loads(cls.path(data_dir).read_text(encoding="utf-8"))
        version = raw.get("version")
        if raw.get("format") != FORMAT or version not in (LEGACY_VERSION, FORMAT_VERSION):
            raise ValueError("not a renkei key file of a known version")
        wrapped = {
            bytes.fromhex(k["id"]): {
                "nonce": k["nonce"],
                "wrapped": k["wrapped"],
                "created": k.get("created", ""),
            }
            for k in raw["keys"]
        }
        current = bytes.fromhex(raw["current"])
        if version == LEGACY_VERSION:
            return cls(KdfParams.from_dict(raw["kdf"]), wrapped, current, LEGACY_VERSION)
        slots = {s["name"]: Slot.from_dict(s) for s in raw.get("slots", [])}
        return cls(None, wrapped, current, version, slots, str(raw.get("operators_mac", "")))

    def save(self, data_dir: Path) -> None:
        doc: dict[str, Any] = {"format": FORMAT, "version": self.version}
        doc["current"] = self.current.hex()
        if self.version == LEGACY_VERSION:
            assert self.kdf is not None
            doc["kdf"] = self.kdf.to_dict()
        else:
            doc["operators_mac"] = self.operators_mac
            doc["slots"] = [self.slots[name].to_dict() for name in sorted(self.slots)]
        doc["keys"] = [{"id": kid.hex(), **entry} for kid, entry in self.wrapped.items()]
        write_atomic(self.path(data_dir), tomli_w.dumps(doc).encode("utf-8"))

    @property
    def legacy(self) -> bool:
        return self.version == LEGACY_VERSION

    @classmethod
    def create(
        cls, passphrase: str, cost: str = "standard", operator: str = "", role: str = "admin"
    ) -> tuple[KeyFile, Keyring, bytes]:
        """A new key file with one data key and the first operator's slot;
        returns the KWK too (the caller keeps it to manage operators)."""
        key = DataKey.generate()
        kwk = AESGCM.generate_key(bit_length=256)
        keyfile = cls(None, {}, key.key_id)
        keyfile.add(AESGCM(kwk), key)
        slot = Slot(operator, role, created=_now())
        slot.seal(passphrase, kwk, cost)
        keyfile.slots[operator] = slot
        keyfile.sign(kwk)
        return keyfile, Keyring([key], key.key_id), kwk

    def migrate(self, keyring: Keyring, operator: str, passphrase: str) -> bytes:
        """Turn a version 1 file (already unlocked into ``keyring``) into version 2
        in memory: a new KWK wraps the same data keys, the one passphrase becomes
        ``operator``'s, an admin. Returns the KWK; the caller saves atomically."""
        assert self.kdf is not None
        cost = self.kdf.cost
        kwk = AESGCM.generate_key(bit_length=256)
        self.wrapped = {}
        for key in keyring.keys:
            self.add(AESGCM(kwk), key)
        slot = Slot(operator, "admin", created=_now())
        slot.seal(passphrase, kwk, cost)
        self.version, self.kdf, self.slots = FORMAT_VERSION, None, {operator: slot}
        self.sign(kwk)
        return kwk

    def open_slot(self, operator: str, passphrase: str) -> bytes:
        """The KWK from ``operator``'s slot: ``UnknownSlot``, ``SlotDisabled`` or
        ``BadPassphrase`` if not."""
        slot = self.slots.get(operator)
        if slot is None:
            raise UnknownSlot()
        return slot.open(passphrase)

    def sign(self, kwk: bytes) -> None:
        self.operators_mac = _table_mac(kwk, self.slots)

    def signed_by(self, kwk: bytes) -> bool:
        return hmac.compare_digest(_table_mac(kwk, self.slots), self.operators_mac)

    def cost_of(self, operator: str) -> str:
        if self.kdf is not None:
            return self.kdf.cost
        slot = self.slots.get(operator)
        return slot.kdf.cost if slot is not None and slot.kdf is not None else "standard"

    def add(self, kek: AESGCM, key: DataKey) -> None:
        nonce = os.urandom(12)
        self.wrapped[key.key_id] = {
            "nonce": _b64(nonce),
            "wrapped": _b64(kek.encrypt(nonce, key.secret, _WRAP_AAD + key.key_id)),
            "created": _now(),
        }

    def kek(self, passphrase: str) -> AESGCM:
        """The key that wraps the data keys, from a version 1 passphrase."""
        assert self.kdf is not None, "version 2: open a slot (open_slot) instead"
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
        """A new salt and passphrase for the same data keys (version 1 only)."""
        assert self.kdf is not None
        self.kdf = KdfParams.new(self.kdf.cost)
        kek = self.kdf.derive(new_passphrase)
        self.wrapped = {}
        for key in keyring.keys:
            self.add(kek, key)

    def drop(self, key_id: bytes) -> None:
        if key_id == self.current:
            raise ValueError("cannot drop the current key")
        self.wrapped.pop(key_id, None)
