"""Managing operators: add, list, disable, enable, remove, reset, change role.

Every change rewrites one slot of ``keys.toml`` (or drops one) under the keys
lock and re-signs the operator table with the key-wrapping key the admin's
unlock gave; no data key and no data is re-encrypted. At least one active
admin always remains, and nobody disables, removes or demotes themselves.

Order of each change: the audit entry is committed, then the key file is
replaced atomically. A kill between leaves an entry for a change that is not
there (the admin sees the list unchanged and repeats it), never a change
without its entry.

Limits (README "Operators and roles"): every operator runs as the same Unix
user and holds the data key once unlocked, so a role binds what renkei does
for them, not what a hostile shell user with a valid passphrase can read.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from core.datadir import roles
from core.datadir.opened import Vault
from core.datadir.unlock import KEYS_LOCK, check_name
from core.errors import RenkeiError
from core.store import locks
from core.vault.errors import OperatorTableAltered
from core.vault.keys import ACTIVE, DISABLED, KeyFile, Slot
from core.vault.passphrase import check_new

ADMIN = "admin"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Operator:
    name: str
    role: str
    state: str
    must_change: bool
    changed: str
    totp: bool = False


def list_operators(vault: Vault) -> list[Operator]:
    keyfile = KeyFile.load(vault.data_dir)
    return [
        Operator(s.name, s.role, s.state, s.must_change, s.changed, s.totp is not None)
        for s in sorted(keyfile.slots.values(), key=lambda s: s.name)
    ]


@contextmanager
def _changing(vault: Vault, action: str, target: str, detail: str = "") -> Iterator[KeyFile]:
    """The key file to change, read under the keys lock and checked against the
    admin's KWK; saved after the block, once its audit entry is committed."""
    vault.store.check_writable()
    with locks.step(vault.data_dir, KEYS_LOCK):
        keyfile = KeyFile.load(vault.data_dir)
        if not keyfile.signed_by(vault.kwk):
            raise OperatorTableAltered(str(KeyFile.path(vault.data_dir)))
        yield keyfile
        _keep_an_admin(keyfile)
        keyfile.sign(vault.kwk)
        vault.audit.append(action, record=target, detail=detail)
        keyfile.save(vault.data_dir)


def _slot(keyfile: KeyFile, name: str) -> Slot:
    slot = keyfile.slots.get(name)
    if slot is None:
        raise RenkeiError("operator.no_such", operator=name)
    return slot


def _not_self(vault: Vault, name: str) -> None:
    if name == vault.operator:
        raise RenkeiError("operator.self_change")


def _keep_an_admin(keyfile: KeyFile) -> None:
    admins = [s for s in keyfile.slots.values() if s.role == ADMIN and s.state == ACTIVE]
    if not admins:
        raise RenkeiError("operator.last_admin", operator="-")


def _last_admin_guard(keyfile: KeyFile, name: str) -> None:
    others = [
        s
        for s in keyfile.slots.values()
        if s.role == ADMIN and s.state == ACTIVE and s.name != name
    ]
    if not others:
        raise RenkeiError("operator.last_admin", operator=name)


def add(vault: Vault, name: str, role: str, initial: str) -> None:
    """A new operator whose ``initial`` passphrase must be changed at first login."""
    check_name(name)
    roles.check_role(role)
    check_new(initial)
    with _changing(vault, "operator.add", name, f"role={role}") as keyfile:
        if name in keyfile.slots:
            raise RenkeiError("operator.exists", operator=name)
        slot = Slot(name, role, must_change=True, created=now())
        slot.seal(initial, vault.kwk, keyfile.cost_of(vault.operator))
        keyfile.slots[name] = slot


def disable(vault: Vault, name: str) -> None:
    """Erase the slot's key material; the account (name, role) stays."""
    _not_self(vault, name)
    with _changing(vault, "operator.disable", name) as keyfile:
        slot = _slot(keyfile, name)
        if slot.role == ADMIN:
            _last_admin_guard(keyfile, name)
        slot.clear()


def totp_reset(vault: Vault, name: str) -> None:
    """Drop ``name``'s second factor (a lost phone and no recovery code left):
    they enrol again at their next login if their role requires one."""
    with _changing(vault, "operator.totp_reset", name) as keyfile:
        _slot(keyfile, name).totp = None


@dataclass(frozen=True)
class Enrolment:
    """A second factor being set up: shown once, saved by ``finish_enrol``."""

    secret: bytes
    recovery: list[str]


def begin_enrol() -> Enrolment:
    from core.vault import totp

    return Enrolment(totp.new_secret(), totp.recovery_codes())


def finish_enrol(vault: Vault, passphrase: str, enrolment: Enrolment, code: str) -> None:
    """Save the second factor once ``code`` (from the operator's app) proves the
    secret arrived; sealed under the operator's own passphrase key."""
    from core.vault import totp

    if not totp.verify(enrolment.secret, code):
        raise RenkeiError("operator.totp_enrol_wrong")
    with _changing(vault, "operator.totp_enrol", vault.operator) as keyfile:
        slot = _slot(keyfile, vault.operator)
        _kwk, kek = slot.unlock(passphrase)
        macs = [totp.recovery_mac(enrolment.secret, c) for c in enrolment.recovery]
        slot.seal_totp(kek, enrolment.secret, macs)
    vault.must_enrol = False


def enable(vault: Vault, name: str, initial: str) -> None:
    """A disabled operator back, with a new initial passphrase."""
    check_new(initial)
    with _changing(vault, "operator.enable", name) as keyfile:
        slot = _slot(keyfile, name)
        if slot.state != DISABLED:
            return
        slot.seal(initial, vault.kwk, keyfile.cost_of(vault.operator))
        slot.must_change = True
        slot.totp = None


def reset(vault: Vault, name: str, initial: str) -> None:
    """An admin sets ``name``'s passphrase anew (to be changed at first login);
    their second factor, sealed under the old passphrase, is dropped with it."""
    check_new(initial)
    with _changing(vault, "operator.reset", name) as keyfile:
        slot = _slot(keyfile, name)
        slot.seal(initial, vault.kwk, keyfile.cost_of(vault.operator))
        slot.must_change = True
        slot.totp = None


def remove(vault: Vault, name: str) -> None:
    _not_self(vault, name)
    with _changing(vault, "operator.remove", name) as keyfile:
        slot = _slot(keyfile, name)
        if slot.role == ADMIN:
            _last_admin_guard(keyfile, name)
        del keyfile.slots[name]


def set_role(vault: Vault, name: str, role: str) -> None:
    roles.check_role(role)
    _not_self(vault, name)
    with _changing(vault, "operator.role", name, f"role={role}") as keyfile:
        slot = _slot(keyfile, name)
        if slot.role == ADMIN and role != ADMIN:
            _last_admin_guard(keyfile, name)
        slot.role = role
        slot.changed = now()
