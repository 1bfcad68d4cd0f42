"""Opening a terminal's data directory: the one unlock entry point.

``init_vault`` creates a data directory; ``open_vault`` checks its
permissions, unwraps the data keys with the passphrase (a wrong one is counted
on disk and answered with a growing delay), opens the store and the audit
log, and returns a ``Vault`` (``core.datadir.opened``, the opened data
directory). ``core.session`` builds the ``Terminal`` on it.

Each operator unlocks with their own name and passphrase (their key slot,
``core.vault.keys.Slot``); the name defaults to ``$RENKEI_USER``, else the
login name. Wrong attempts are counted per operator. A version 1 key file
(one shared passphrase) is migrated at its first unlock: the passphrase becomes
the unlocking operator's, an admin (``_migrate``; crash-safe: the key file is
replaced atomically, after the audit entry that records it is committed).

A ``Vault`` holds a shared lock on ``<data>/.lock`` while open; ``renkei
rekey`` takes it exclusively, so no process writes under a key being retired.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from core import config as config_mod
from core.config import USER_ENV, Config, default_operator  # noqa: F401 (re-exported)
from core.datadir import anchor
from core.datadir.opened import Vault
from core.durable import FILE_MODE, DiskFull, make_private_dir, sweep_temp_files
from core.errors import RenkeiError
from core.paths import DB_NAME, FILES_DIR, LOCK_NAME
from core.store import locks
from core.store.audit import Audit
from core.store.db import Store
from core.vault.errors import (
    AlreadyInitialised,
    ForeignOwner,
    InsecurePermissions,
    InUse,
    LockedError,
    NotInitialised,
    OperatorDisabled,
    OperatorTableAltered,
    SecondFactorNeeded,
    UnknownOperator,
    WrongCode,
    WrongPassphrase,
)
from core.vault.keys import (
    BadPassphrase,
    KeyFile,
    Keyring,
    SlotDisabled,
    UnknownSlot,
)
from core.vault.passphrase import check_new

DELAY_ENV = "RENKEI_UNLOCK_DELAY"  # base delay in seconds (tests set it low)
DEFAULT_DELAY = 1.0
MAX_DELAY = 60.0
KEYS_LOCK = "keys"  # held while keys.toml is read, changed and replaced
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")


def check_name(name: str) -> str:
    """Operator names are login-like (they also name the per-operator counter file)."""
    if not _NAME.fullmatch(name):
        raise RenkeiError("operator.bad_name", operator=name)
    return name


def _step(name: str) -> None:
    """A named point inside a multi-step change (tests kill the process here)."""


def unlock_delay(failures: int, base: float | None = None) -> float:
    """Seconds to wait before the next attempt after ``failures`` wrong ones."""
    if failures <= 0:
        return 0.0
    if base is None:
        base = float(os.environ.get(DELAY_ENV, DEFAULT_DELAY))
    return min(MAX_DELAY, base * 2.0 ** (failures - 1))


def is_initialised(data_dir: Path | str) -> bool:
    return KeyFile.exists(Path(data_dir))


def check_permissions(data_dir: Path) -> None:
    """Refuse (never repair) a data directory whose permissions are wrong: others
    can write it, or anything in it is open to group or others. The message
    names the first such path and the command that fixes it; nothing changes."""
    info = data_dir.stat()
    if info.st_uid != os.geteuid():
        raise ForeignOwner(str(data_dir), info.st_uid)
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise InsecurePermissions(str(data_dir), oct(stat.S_IMODE(info.st_mode)))
    for root, dirs, files in os.walk(data_dir):
        for name in [".", *dirs, *files]:
            path = Path(root) / name if name != "." else Path(root)
            mode = path.lstat().st_mode
            if (stat.S_ISREG(mode) or stat.S_ISDIR(mode)) and stat.S_IMODE(mode) & 0o077:
                raise LockedError(
                    "guard.permissions.open",
                    path=str(path),
                    mode=oct(stat.S_IMODE(mode)),
                    data=str(data_dir),
                )


def _lock(data_dir: Path, exclusive: bool) -> int:
    """Lock the data directory; while nobody else has it open, sweep crash leftovers.

    Temp files (``.tmp-*``) are removed only under an exclusive lock: another
    process holding the directory open may be writing one right now.
    """
    fd = os.open(data_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if exclusive:
                raise InUse(str(data_dir)) from None
            # another process may hold it exclusively for a moment (its own sweep
            # before it shares): wait a bounded time for the shared lock
            deadline = time.monotonic() + locks.wait_bound()
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise InUse(str(data_dir), locks.holder(fd)) from None
                    time.sleep(0.02)
        else:
            sweep_temp_files(data_dir, recursive=True)
            if exclusive:
                locks.describe_holder(fd)  # rekey / recover: say who has the directory
            else:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise InUse(str(data_dir)) from None
    except BaseException:
        os.close(fd)
        raise
    return fd


def init_vault(
    data_dir: Path | str,
    passphrase: str,
    *,
    cost: str = "standard",
    config: Config | None = None,
    operator: str | None = None,
) -> Vault:
    """Create a data directory with a new data key; ``operator`` (default
    ``default_operator()``) is its first admin, with ``passphrase``."""
    os.umask(0o077)
    data_dir = Path(data_dir)
    if is_initialised(data_dir):
        raise AlreadyInitialised(str(data_dir))
    check_new(passphrase)
    operator = check_name(operator or default_operator())
    make_private_dir(data_dir)
    check_permissions(data_dir)
    make_private_dir(data_dir / FILES_DIR)
    keyfile, keyring, kwk = KeyFile.create(passphrase, cost, operator)
    config_mod.save(data_dir, config or Config())
    store = Store.open(data_dir, keyring)
    store.on_generation = _anchoring(data_dir, store)
    store.set_meta("blind_key_id", keyring.current.hex_id)
    keyfile.save(data_dir)  # last: its presence means "initialised"
    vault = Vault(
        data_dir,
        config_mod.load(data_dir),
        keyring,
        store,
        Audit(store),
        cost,
        _lock(data_dir, exclusive=False),
        operator=operator,
        role="admin",
        kwk=kwk,
    )
    vault.audit.actor = operator
    vault.audit.append("vault.init", detail=f"kdf={cost} admin={operator}")
    return vault


def open_vault(
    data_dir: Path | str,
    passphrase: str,
    *,
    exclusive: bool = False,
    sleep: Callable[[float], None] = time.sleep,
    delay_base: float | None = None,
    read_only: bool = False,
    recovering: bool = False,
    operator: str | None = None,
    action: str | None = None,
    code: str | None = None,
) -> Vault:
    """Unlock ``data_dir`` as ``operator`` (default ``default_operator()``) with
    their ``passphrase`` or raise a ``LockedError``; with ``action`` (a key of
    ``roles.toml``), also refuse (``Forbidden``) unless their role allows it.

    ``read_only``: the caller only reads; when the database cannot be opened
    for writing (a full disk), it is opened read-only instead (and the unlock
    is not written to the audit log, which cannot take it).

    A database older than the anchor (restored from a backup, or its audit log
    cut) is opened read-only: every write raises ``RolledBack`` until
    ``renkei recover`` (which opens with ``recovering=True``) reconciles it.
    """
    os.umask(0o077)
    data_dir = Path(data_dir)
    if not is_initialised(data_dir):
        raise NotInitialised(str(data_dir))
    check_permissions(data_dir)
    operator = operator or default_operator()
    lock_fd = _lock(data_dir, exclusive)
    try:
        keyfile = KeyFile.load(data_dir)
        try:
            store = Store(data_dir / DB_NAME)
        except (sqlite3.OperationalError, DiskFull):
            if not read_only:
                raise
            store = Store(data_dir / DB_NAME, read_only=True)  # a full disk: still readable
        try:
            if keyfile.legacy:
                keyring, failures = _unwrap(data_dir, store, keyfile, passphrase, sleep, delay_base)
                kwk, recovery_used = b"", False
            else:
                keyring, failures, kwk, recovery_used = _unwrap_slot(
                    data_dir, keyfile, operator, passphrase, sleep, delay_base, code
                )
            store.keyring = keyring
            rolled_back = anchor.check(
                data_dir, keyring, store.generation, lambda: store.meta("audit_head") or ""
            )
            if rolled_back is not None and not recovering:
                store.refuse_writes(rolled_back)
            store.on_generation = _anchoring(data_dir, store)
            if rolled_back is None and not store.read_only:
                if store.meta("blind_key_id") is None:
                    store.set_meta("blind_key_id", keyring.current.hex_id)
                if keyfile.legacy:
                    check_name(operator)
                    keyfile, kwk = _migrate(data_dir, store, keyring, operator, passphrase)
                if failures:
                    with store.transaction():
                        audit = Audit(store)
                        audit.actor = operator
                        audit.append(
                            "vault.unlock_failures",
                            result="failed",
                            detail=f"{failures} wrong passphrase attempt(s) before this unlock",
                        )
                        store.execute("DELETE FROM vault_unlock_failures")
        except BaseException:
            store.close()
            raise
    except BaseException:
        os.close(lock_fd)
        raise
    slot = keyfile.slots.get(operator)
    vault = Vault(
        data_dir,
        config_mod.load(data_dir),
        keyring,
        store,
        Audit(store),
        keyfile.cost_of(operator),
        lock_fd,
        operator=operator,
        role=slot.role if slot is not None else "admin",
        must_change=slot.must_change if slot is not None else False,
        kwk=kwk,
    )
    if slot is not None:
        from core.vault import totp

        config = vault.config
        vault.must_enrol = slot.totp is None and totp.required_for(slot.role, config)
        vault.recovery_used = recovery_used
    vault.rolled_back = rolled_back
    vault.audit.actor = operator
    vault.audit.anchored_seq = anchor.read(data_dir).audit_seq
    try:
        if rolled_back is None and not store.read_only:
            vault.audit.append("vault.unlock", detail="exclusive" if exclusive else "")
            if vault.recovery_used:
                vault.audit.append("operator.recovery_code", record=operator)
        if action is not None:
            from core.datadir import roles

            roles.require(vault, action)
    except BaseException:
        vault.close()
        raise
    return vault


def _unwrap_slot(
    data_dir: Path,
    keyfile: KeyFile,
    operator: str,
    passphrase: str,
    sleep: Callable[[float], None],
    delay_base: float | None,
    code: str | None = None,
) -> tuple[Keyring, int, bytes, bool]:
    """The keyring, the wrong attempts before this one, the KWK, and whether a
    recovery code was spent, from ``operator``'s slot (and second factor). Each
    operator has their own counter (a name that is no operator counts on the
    shared one), held under its lock as in ``_unwrap``."""
    known = operator in keyfile.slots
    slot = keyfile.slots.get(operator)
    if slot is not None and slot.totp is not None and not code:
        raise SecondFactorNeeded(operator)  # asked before any guess is counted
    recovery_used = False
    with anchor.failures_locked(data_dir, operator if known else "") as state:
        failures = state.failures
        required = unlock_delay(failures, delay_base)
        wait = state.last_at + required - time.time()
        if wait > 0:
            sleep(wait)
        try:
            if slot is None:
                raise UnknownSlot()
            kwk, kek = slot.unlock(passphrase)
            if slot.totp is not None:
                recovery_used = _second_factor(data_dir, operator, kek, code or "")
        except SlotDisabled:
            raise OperatorDisabled(operator) from None
        except (BadPassphrase, UnknownSlot):
            anchor.record_failure(data_dir, state, max(wait, 0.0), required)
            delay = unlock_delay(state.failures, delay_base)
            if not known:
                raise UnknownOperator(operator, state.failures, delay) from None
            if slot is not None and slot.totp is not None:
                raise WrongCode(state.failures, delay) from None
            raise WrongPassphrase(state.failures, delay) from None
        if not keyfile.signed_by(kwk):
            raise OperatorTableAltered(str(KeyFile.path(data_dir)))
        keyring = keyfile.unwrap(AESGCM(kwk))
        anchor.clear_failures(data_dir, state)
    return keyring, failures, kwk, recovery_used


def _second_factor(data_dir: Path, operator: str, kek: bytes, code: str) -> bool:
    """Check ``code`` (TOTP, else a recovery code, spent here under the keys lock);
    ``BadPassphrase`` if neither. True when a recovery code was used."""
    from core.vault import totp

    with locks.step(data_dir, KEYS_LOCK):
        keyfile = KeyFile.load(data_dir)  # fresh: a recovery code is spent once
        slot = keyfile.slots[operator]
        secret = slot.open_totp(kek)
        if secret is None:
            return False
        if totp.verify(secret, code):
            return False
        assert slot.totp is not None
        left = totp.use_recovery(secret, code, list(slot.totp.get("recovery", [])))
        if left is None:
            raise BadPassphrase()
        slot.totp["recovery"] = left
        kwk = slot.unlock_kwk(kek)
        keyfile.sign(kwk)
        keyfile.save(data_dir)
        return True


def _migrate(
    data_dir: Path, store: Store, keyring: Keyring, operator: str, passphrase: str
) -> tuple[KeyFile, bytes]:
    """Version 1 -> 2 in place: the one passphrase becomes ``operator``'s, an admin.

    Steps: (1) commit an audit entry saying so; (2) replace keys.toml atomically.
    A kill before (2) leaves version 1 (the next unlock migrates again; the log
    then has the entry twice); after it, version 2 with its entry. Another
    process that migrated first is found under the keys lock and not redone.
    """
    with locks.step(data_dir, KEYS_LOCK):
        keyfile = KeyFile.load(data_dir)
        if not keyfile.legacy:  # another process was first
            return keyfile, keyfile.open_slot(operator, passphrase)
        audit = Audit(store)
        audit.actor = operator
        audit.append(
            "operator.migrate",
            record=operator,
            detail="keys.toml version 1 -> 2: the passphrase is now this admin's slot",
        )
        _step("migrate.logged")
        kwk = keyfile.migrate(keyring, operator, passphrase)
        keyfile.save(data_dir)
        _step("migrate.saved")
    return keyfile, kwk


def _anchoring(data_dir: Path, store: Store) -> Callable[[int, bool], None]:
    """What the store calls after a commit that advanced the state generation
    (sealed under the store's current key: rekey changes it)."""

    def advance(generation: int, durable: bool) -> None:
        head = store.meta("audit_head") or ""
        anchor.advance(data_dir, store._keys(), generation, head, sync=durable)

    return advance


def _unwrap(
    data_dir: Path,
    store: Store,
    keyfile: KeyFile,
    passphrase: str,
    sleep: Callable[[float], None],
    delay_base: float | None,
) -> tuple[Keyring, int]:
    """The keyring, and how many wrong attempts came before this one.

    The whole attempt runs under the lock of ``unlock.json``: parallel attempts
    queue, each waits the delay its predecessors earned, and the counter (in
    that file, not in the database) loses no update.
    """
    legacy = store.query("SELECT count, last_at FROM vault_unlock_failures WHERE id = 1")
    with anchor.failures_locked(data_dir) as state:
        if legacy and legacy[0][0] > state.failures:  # a counter kept by an older version
            state.failures, state.last_at = int(legacy[0][0]), float(legacy[0][1])
        failures = state.failures
        required = unlock_delay(failures, delay_base)
        wait = state.last_at + required - time.time()
        if wait > 0:
            sleep(wait)
        try:
            keyring = keyfile.unwrap(keyfile.kek(passphrase))
        except BadPassphrase:
            anchor.record_failure(data_dir, state, max(wait, 0.0), required)
            raise WrongPassphrase(
                state.failures, unlock_delay(state.failures, delay_base)
            ) from None
        anchor.clear_failures(data_dir, state)
    return keyring, failures


@contextlib.contextmanager
def opened(data_dir: Path | str, passphrase: str) -> Iterator[Vault]:
    vault = open_vault(data_dir, passphrase)
    try:
        yield vault
    finally:
        vault.close()


def change_passphrase(
    data_dir: Path | str, old: str, new: str, operator: str | None = None, code: str | None = None
) -> None:
    """Re-wrap ``operator``'s slot under a new passphrase: no other slot, data
    key or data is rewritten (an initial passphrase then no longer must change)."""
    check_new(new)
    if new == old:
        raise RenkeiError("operator.same_passphrase")
    vault = open_vault(data_dir, old, operator=operator, action="passwd", code=code)
    with vault:
        vault.store.check_writable()
        with locks.step(vault.data_dir, KEYS_LOCK):
            keyfile = KeyFile.load(vault.data_dir)
            slot = keyfile.slots[vault.operator]
            secret = slot.open_totp(slot.unlock(old)[1]) if slot.totp is not None else None
            new_kek = slot.seal(new, vault.kwk, keyfile.cost_of(vault.operator))
            if secret is not None and slot.totp is not None:  # the second factor follows
                slot.seal_totp(new_kek, secret, list(slot.totp.get("recovery", [])))
            slot.must_change = False
            keyfile.sign(vault.kwk)
            vault.audit.append("vault.passwd", record=vault.operator)
            keyfile.save(vault.data_dir)
