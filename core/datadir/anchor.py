"""The anchor: what must survive a database restore, kept beside the database.

Two small files, each changed only under its own exclusive flock
(``<data>/locks/<name>.lock``) and written atomically (fsynced):

- ``unlock.json``, the unlock failure counter: how many wrong passphrases in a row, when the
  last one was, and the delay each recent attempt had to wait. It is outside
  the database, so editing or restoring ``renkei.db`` does not reset it, and
  parallel guesses queue on the lock, so none is lost and each waits for the
  one before it (README "Data directory");
- ``anchor.json``, the sealed state: the database's state generation (``Store.bump_generation``,
  advanced by every commit that matters) and the audit head at that commit,
  under an HMAC keyed by the data key. A ``renkei.db`` whose generation or
  audit head is behind the anchor was restored from an older copy (or had its
  audit log cut): it is opened read-only until ``renkei recover`` reconciles
  it with the server (README "Concurrency model").

An attacker who can replace ``anchor.json`` as well can roll both back
together; one who deletes it is found at the next unlock (the database knows
a generation, so an anchor must exist) but has reset the failure counter:
the passphrase's scrypt cost is the defence there, as for a copied key file.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core import paths
from core.durable import write_atomic
from core.paths import ANCHOR_NAME, FAILURES_NAME
from core.store import locks
from core.vault.errors import LockedError
from core.vault.keys import DataKey, Keyring

LOCK = "anchor"
FAILURES_LOCK = "unlock"
SLOT = 512  # bytes per slot of anchor.json
KEEP_ATTEMPTS = 32  # recent failed attempts kept with the delay each waited
MAX_WAIT = 60.0  # the longest unlock delay (core.datadir.unlock.MAX_DELAY)


class RolledBack(LockedError):
    """This database is older than the anchor (or the anchor is not ours)."""

    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(f"vault.anchor.{reason}", **params)
        self.reason = reason


@dataclass
class Anchor:
    failures: int = 0
    last_at: float = 0.0
    attempts: list[dict[str, Any]] = field(default_factory=list)
    sealed: dict[str, Any] | None = None
    slot: int = -1  # which slot of anchor.json holds ``sealed``
    file: str = FAILURES_NAME  # which counter file (one per operator)

    @property
    def generation(self) -> int:
        return int(self.sealed.get("generation", 0)) if self.sealed else 0

    @property
    def audit_seq(self) -> int:
        return int(self.sealed.get("audit_seq", 0)) if self.sealed else 0


def path(data_dir: Path, name: str = ANCHOR_NAME) -> Path:
    return Path(data_dir) / name


def _parse(raw: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def read(data_dir: Path, name: str = ANCHOR_NAME) -> Anchor:
    """The anchor as on disk (a missing file is an empty anchor).

    ``anchor.json`` has two fixed slots written in turn, so a write torn by a
    crash leaves the other, older one whole; the later whole slot counts.
    """
    try:
        raw = path(data_dir, name).read_bytes()
    except FileNotFoundError:
        return Anchor(file=name)
    if name == ANCHOR_NAME:
        slots = [_parse(raw[i * SLOT : (i + 1) * SLOT]) for i in range(2)]
        whole = [s for s in slots if s and isinstance(s.get("sealed"), dict)]
        if not whole:
            return Anchor(sealed={"damaged": True})
        best = max(whole, key=lambda s: int(s["sealed"].get("generation", -1)))
        return Anchor(sealed=best["sealed"], slot=slots.index(best))
    data = _parse(raw) or {}
    return Anchor(
        failures=int(data.get("failures", 0)),
        last_at=float(data.get("last_at", 0.0)),
        attempts=list(data.get("attempts", [])),
        file=name,
    )


def failures_names(operator: str = "") -> tuple[str, str]:
    """The counter file and lock of ``operator`` (empty: the shared counter, for a
    version 1 key file and for names that are no operator)."""
    if not operator:
        return FAILURES_NAME, FAILURES_LOCK
    return paths.failures_name(operator), f"unlock-{operator}"


def write_failures(data_dir: Path, anchor: Anchor) -> None:
    data = {
        "failures": anchor.failures,
        "last_at": anchor.last_at,
        "attempts": anchor.attempts[-KEEP_ATTEMPTS:],
    }
    write_atomic(path(data_dir, anchor.file), json.dumps(data, indent=1).encode("utf-8"))


def write_sealed(data_dir: Path, anchor: Anchor, sync: bool = True) -> None:
    """Write the sealed state into the slot not holding the current one, and
    (``sync``) fdatasync it: one small in-place write per commit that matters
    (the file and its two slots are made once, atomically). A slot is one
    512-byte sector, so even an unsynced write is whole or absent after a
    power cut on a disk with atomic sector writes; at worst the anchor lags
    the database, which is never a false alarm."""
    target = path(data_dir, ANCHOR_NAME)
    body = json.dumps({"sealed": anchor.sealed}).encode("utf-8")
    if len(body) >= SLOT:
        raise ValueError("anchor slot overflow")
    slot_bytes = body + b" " * (SLOT - 1 - len(body)) + b"\n"
    if not target.exists() or target.stat().st_size != 2 * SLOT:
        write_atomic(target, slot_bytes * 2)
        anchor.slot = 0
        return
    slot = 1 - anchor.slot if anchor.slot in (0, 1) else 0
    fd = os.open(target, os.O_WRONLY)
    try:
        os.pwrite(fd, slot_bytes, slot * SLOT)
        if sync:
            os.fdatasync(fd)
    finally:
        os.close(fd)
    anchor.slot = slot


@contextlib.contextmanager
def locked(data_dir: Path) -> Iterator[Anchor]:
    """The anchor, read under its exclusive lock, held for the block."""
    with locks.step(Path(data_dir), LOCK, describe=False):
        yield read(data_dir)


@contextlib.contextmanager
def failures_locked(data_dir: Path, operator: str = "") -> Iterator[Anchor]:
    """The failure counter (``operator``'s own, or the shared one), read under its
    exclusive lock, held for the block (a wrong guess holds it through its delay,
    so guesses queue; one operator's guesses do not delay another's unlock)."""
    name, lock = failures_names(operator)
    with locks.step(Path(data_dir), lock, wait=locks.wait_bound() + 2 * MAX_WAIT):
        yield read(data_dir, name)


# -- the failure counter ----------------------------------------------------------


def record_failure(data_dir: Path, anchor: Anchor, waited: float, delay: float) -> None:
    """Count one wrong passphrase (the caller holds the lock)."""
    anchor.failures += 1
    anchor.last_at = time.time()
    anchor.attempts.append(
        {
            "failure": anchor.failures,
            "waited": round(waited, 6),
            "required": round(delay, 6),
            "at": anchor.last_at,
        }
    )
    write_failures(data_dir, anchor)


def clear_failures(data_dir: Path, anchor: Anchor) -> None:
    if anchor.failures or anchor.attempts:
        anchor.failures, anchor.attempts = 0, []
        write_failures(data_dir, anchor)


# -- the sealed state -------------------------------------------------------------


def _mac(key: DataKey, generation: int, audit_head: str) -> str:
    body = f"anchor|{generation}|{audit_head}".encode()
    return hmac.new(key.audit_key, body, hashlib.sha256).hexdigest()


def _audit_seq(audit_head: str) -> int:
    return int(audit_head.split(":", 1)[0]) if audit_head else 0


def seal(anchor: Anchor, key: DataKey, generation: int, audit_head: str) -> None:
    anchor.sealed = {
        "generation": generation,
        "audit_seq": _audit_seq(audit_head),
        "audit_head": audit_head,
        "key_id": key.hex_id,
        "mac": _mac(key, generation, audit_head),
    }


def advance(
    data_dir: Path, keyring: Keyring, generation: int, audit_head: str, sync: bool = True
) -> None:
    """Record ``generation`` (just committed) unless the anchor already has a later one."""
    with locked(data_dir) as anchor:
        if (
            anchor.sealed is not None
            and anchor.generation >= generation
            and anchor.sealed.get("key_id") == keyring.current.hex_id
            and verify(anchor, keyring) is None
        ):
            return
        seal(anchor, keyring.current, generation, audit_head)
        write_sealed(data_dir, anchor, sync)


def verify(anchor: Anchor, keyring: Keyring) -> RolledBack | None:
    """None if the sealed part is ours and unaltered."""
    sealed = anchor.sealed
    if sealed is None:
        return None
    try:
        key = keyring.key_for(bytes.fromhex(str(sealed["key_id"])))
        ok = key is not None and hmac.compare_digest(
            _mac(key, int(sealed["generation"]), str(sealed["audit_head"])), str(sealed["mac"])
        )
    except (KeyError, TypeError, ValueError):
        ok = False
    return None if ok else RolledBack("altered", path=str(ANCHOR_NAME))


def check(
    data_dir: Path, keyring: Keyring, db_generation: Any, db_audit_head: Any
) -> RolledBack | None:
    """Compare the database (read under the anchor lock by the caller's
    callables, so no commit slips between) with the anchor."""
    with locked(data_dir) as anchor:
        generation, audit_head = db_generation(), db_audit_head()
        return compare(anchor, keyring, generation, audit_head)


def compare(
    anchor: Anchor, keyring: Keyring, generation: int, audit_head: str
) -> RolledBack | None:
    if anchor.sealed is None:
        if generation > 0:
            return RolledBack("missing", generation=generation)
        return None
    problem = verify(anchor, keyring)
    if problem is not None:
        return problem
    if generation < anchor.generation:
        return RolledBack("older", db=generation, anchor=anchor.generation)
    if _audit_seq(audit_head) < anchor.audit_seq:
        return RolledBack("audit_cut", db=_audit_seq(audit_head), anchor=anchor.audit_seq)
    return None
