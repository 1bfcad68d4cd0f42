"""Operators with their own key slots (issue #17): one data key, many passphrases.

Expected behaviour comes from the issue and the LUKS model it names (each slot
wraps the same volume key; a slot change touches no data), not from the code.
"""

from __future__ import annotations

import hashlib
import os
import signal
import tomllib
from pathlib import Path

import pytest
import tomli_w

from core.datadir import operators
from core.datadir.rekey import rekey
from core.datadir.roles import Forbidden
from core.datadir.unlock import change_passphrase, default_operator, open_vault
from core.errors import EXIT_FORBIDDEN, EXIT_LOCKED, RenkeiError
from core.vault.errors import (
    MustChangePassphrase,
    OperatorDisabled,
    OperatorTableAltered,
    UnknownOperator,
    WrongPassphrase,
)
from core.vault.keys import KdfParams, KeyFile
from tests.support.vault import PASSPHRASE, new_vault

ADMIN = "kanri"
CLERK = "hanako"
INITIAL = "initial passphrase 1"
OWN = "hanako's own passphrase"


def _open(data: Path, who: str, phrase: str, **kw: object):  # type: ignore[no-untyped-def]
    return open_vault(data, phrase, operator=who, delay_base=0.0, **kw)  # type: ignore[arg-type]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _data_state(data: Path) -> dict[str, object]:
    """Every encrypted file's bytes and every sealed row (not the audit log, not
    the key file): what "no data re-encrypted" and "nothing changed" compare."""
    files = {str(p.relative_to(data)): _digest(p) for p in sorted((data / "files").rglob("*"))}
    with _open(data, ADMIN, PASSPHRASE) as vault:
        rows = [tuple(r) for r in vault.store.query("SELECT * FROM people ORDER BY id")]
    return {"files": files, "rows": rows}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    d = tmp_path / "d"
    with new_vault_as(d, ADMIN) as vault:
        vault.write_bytes("files/a.enc", b"synthetic payload")
        vault.store.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, name BLOB)")
        vault.store.execute(
            "INSERT INTO people VALUES (1, ?)", (vault.store.seal("試験 太郎", "people.name:1"),)
        )
        operators.add(vault, CLERK, "clerk", INITIAL)
    return d


def new_vault_as(d: Path, who: str):  # type: ignore[no-untyped-def]
    from core.datadir.unlock import init_vault

    return init_vault(d, PASSPHRASE, cost="low", operator=who)


def _first_login(data: Path) -> None:
    change_passphrase(data, INITIAL, OWN, operator=CLERK)


def test_two_slots_open_the_same_data(data: Path) -> None:
    _first_login(data)
    with _open(data, CLERK, OWN) as clerk, _open(data, ADMIN, PASSPHRASE) as admin:
        assert clerk.keyring.current.hex_id == admin.keyring.current.hex_id
        assert clerk.read_bytes("files/a.enc") == b"synthetic payload"
        row = clerk.store.query("SELECT name FROM people WHERE id = 1")[0][0]
        assert clerk.store.unseal_text(row, "people.name:1") == "試験 太郎"
        assert (clerk.operator, clerk.role, admin.role) == (CLERK, "clerk", "admin")
    with pytest.raises(WrongPassphrase):  # one's passphrase is not another's
        _open(data, ADMIN, OWN)


def test_initial_passphrase_must_change_first(data: Path) -> None:
    with pytest.raises(MustChangePassphrase) as caught:
        _open(data, CLERK, INITIAL, action="list")
    assert caught.value.exit_code == EXIT_LOCKED
    _first_login(data)
    with _open(data, CLERK, OWN, action="list") as vault:
        assert not vault.must_change
    with pytest.raises(WrongPassphrase):
        _open(data, CLERK, INITIAL)


def test_slot_changes_never_touch_data_or_other_slots(data: Path) -> None:
    before = _data_state(data)
    admin_slot = KeyFile.load(data).slots[ADMIN].to_dict()
    keys_before = KeyFile.load(data).wrapped
    _first_login(data)
    after_passwd = KeyFile.load(data)
    assert after_passwd.slots[ADMIN].to_dict() == admin_slot  # only the clerk's slot
    assert after_passwd.wrapped == keys_before  # the data keys' wrapping untouched
    with _open(data, ADMIN, PASSPHRASE) as vault:
        operators.add(vault, "jiro", "supervisor", INITIAL)
        operators.set_role(vault, "jiro", "clerk")
        operators.disable(vault, "jiro")
        operators.enable(vault, "jiro", "another initial one")
        operators.reset(vault, CLERK, "reset by the admin")
        operators.remove(vault, "jiro")
    assert _data_state(data) == before
    assert KeyFile.load(data).wrapped == keys_before
    assert KeyFile.load(data).slots[ADMIN].to_dict() == admin_slot


def test_disabled_operator_cannot_unlock_until_enabled(data: Path) -> None:
    _first_login(data)
    with _open(data, ADMIN, PASSPHRASE) as vault:
        operators.disable(vault, CLERK)
    slot = KeyFile.load(data).slots[CLERK]
    assert slot.state == "disabled" and slot.wrapped == "" and slot.kdf is None
    with pytest.raises(OperatorDisabled) as caught:
        _open(data, CLERK, OWN)
    assert caught.value.exit_code == EXIT_LOCKED
    with _open(data, ADMIN, PASSPHRASE) as vault:
        operators.enable(vault, CLERK, "new initial phrase")
    with pytest.raises(WrongPassphrase):  # the old passphrase was erased with the slot
        _open(data, CLERK, OWN)
    with _open(data, CLERK, "new initial phrase") as vault:
        assert vault.must_change


def test_at_least_one_admin_always(data: Path) -> None:
    _first_login(data)
    with _open(data, ADMIN, PASSPHRASE) as vault:
        for change in (
            lambda: operators.disable(vault, ADMIN),
            lambda: operators.remove(vault, ADMIN),
            lambda: operators.set_role(vault, ADMIN, "clerk"),
        ):
            with pytest.raises(RenkeiError) as caught:
                change()
            assert caught.value.key == "operator.self_change"
        operators.add(vault, "second", "admin", INITIAL)
    with _open(data, "second", INITIAL) as vault:
        operators.disable(vault, ADMIN)  # another admin exists: allowed
    with _open(data, "second", INITIAL) as vault:
        operators.set_role(vault, CLERK, "admin")
        operators.set_role(vault, CLERK, "clerk")
    slots = KeyFile.load(data).slots
    assert [s.name for s in slots.values() if s.role == "admin" and s.state == "active"] == [
        "second"
    ]
    with _open(data, "second", INITIAL) as vault:
        with pytest.raises(RenkeiError) as caught:
            operators.remove(vault, "second")
        assert caught.value.key == "operator.self_change"


def test_clerk_is_refused_admin_actions_with_nothing_changed(data: Path) -> None:
    _first_login(data)
    keys = (data / "keys.toml").read_bytes()
    before = _data_state(data)
    with pytest.raises(Forbidden) as caught:
        _open(data, CLERK, OWN, action="user add")
    assert caught.value.exit_code == EXIT_FORBIDDEN and caught.value.needs == "admin"
    assert "admin" in caught.value.message("en") and "admin" in caught.value.message("ja")
    with pytest.raises(Forbidden):
        rekey(data, OWN, operator=CLERK)
    assert (data / "keys.toml").read_bytes() == keys
    assert _data_state(data) == before
    with _open(data, ADMIN, PASSPHRASE) as vault:
        refused = [e for e in vault.audit.entries() if e.action == "operator.refused"]
        assert [(e.actor, e.record, e.result) for e in refused] == [
            (CLERK, "user add", "refused"),
            (CLERK, "rekey", "refused"),
        ]


def test_failures_are_counted_per_operator(data: Path) -> None:
    _first_login(data)
    slept: list[float] = []
    for expected in (1, 2, 3):
        with pytest.raises(WrongPassphrase) as caught:
            open_vault(data, "wrong guess!", operator=CLERK, sleep=slept.append, delay_base=10)
        assert caught.value.params["failures"] == expected
    assert len(slept) == 2  # the clerk's own attempts wait
    # the admin's unlock does not wait for the clerk's failures
    with open_vault(data, PASSPHRASE, operator=ADMIN, sleep=slept.append, delay_base=10):
        pass
    assert len(slept) == 2
    # a name that is no operator counts on the shared counter, with its own message
    with pytest.raises(UnknownOperator) as unknown:
        open_vault(data, OWN, operator="nobody", sleep=slept.append, delay_base=10)
    assert unknown.value.params["failures"] == 1 and "nobody" in unknown.value.message("en")
    # the clerk's right passphrase still waits their own delay, then resets it
    with open_vault(data, OWN, operator=CLERK, sleep=slept.append, delay_base=10) as vault:
        assert len(slept) == 3 and slept[-1] > 30
        failed = [e for e in vault.audit.entries() if e.action == "vault.unlock_failures"]
        assert failed[-1].actor == CLERK and "3 wrong" in failed[-1].detail


def test_an_edited_operator_table_is_refused(data: Path) -> None:
    raw = tomllib.loads((data / "keys.toml").read_text())
    for slot in raw["slots"]:
        if slot["name"] == CLERK:
            slot["role"] = "admin"  # promote oneself by editing the file
    (data / "keys.toml").write_text(tomli_w.dumps(raw))
    with pytest.raises(OperatorTableAltered):
        _open(data, ADMIN, PASSPHRASE)


def test_rekey_keeps_every_slot_working(data: Path) -> None:
    _first_login(data)
    before = KeyFile.load(data).current
    rekey(data, PASSPHRASE, operator=ADMIN)
    assert KeyFile.load(data).current != before
    with _open(data, CLERK, OWN) as vault:
        assert vault.read_bytes("files/a.enc") == b"synthetic payload"
        assert vault.audit.verify() > 0


# -- migration from today's layout (one passphrase, keys.toml version 1) ----------


def _legacy(d: Path) -> bytes:
    """A data directory as version 1 made it: the data keys wrapped directly by
    the one passphrase's scrypt key, no operators. Returns the file's bytes."""
    with new_vault(d) as vault:
        vault.write_bytes("files/a.enc", b"synthetic payload")
        keyring = vault.keyring
    kdf = KdfParams.new("low")
    legacy = KeyFile(kdf, {}, keyring.current.key_id, version=1)
    for key in keyring.keys:
        legacy.add(kdf.derive(PASSPHRASE), key)
    legacy.save(d)
    return (d / "keys.toml").read_bytes()


def test_migration_makes_the_passphrase_the_admins(tmp_path: Path) -> None:
    d = tmp_path / "d"
    _legacy(d)
    assert KeyFile.load(d).legacy
    with _open(d, ADMIN, PASSPHRASE) as vault:
        assert vault.role == "admin" and not vault.must_change
        assert vault.read_bytes("files/a.enc") == b"synthetic payload"
        operators.add(vault, CLERK, "clerk", INITIAL)
        assert vault.audit.verify() > 0
        assert [e.actor for e in vault.audit.entries() if e.action == "operator.migrate"] == [ADMIN]
    keyfile = KeyFile.load(d)
    assert not keyfile.legacy and set(keyfile.slots) == {ADMIN, CLERK}
    assert "kdf" not in tomllib.loads((d / "keys.toml").read_text())  # no v1 wrapping left


@pytest.mark.parametrize("step", ["migrate.logged", "migrate.saved"])
def test_migration_killed_at_each_step_ends_usable(tmp_path: Path, step: str) -> None:
    d = tmp_path / "d"
    legacy = _legacy(d)
    pid = os.fork()
    if pid == 0:  # the child: dies at ``step`` (SIGKILL, no cleanup)
        try:
            from core.datadir import unlock

            def die(name: str) -> None:
                if name == step:
                    os.kill(os.getpid(), signal.SIGKILL)

            unlock._step = die
            _open(d, ADMIN, PASSPHRASE).close()
        finally:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    on_disk = (d / "keys.toml").read_bytes()
    # the key file is whole: the old one before the switch, the new one after
    assert on_disk == legacy if step == "migrate.logged" else not KeyFile.load(d).legacy
    with _open(d, ADMIN, PASSPHRASE) as vault:  # resumes (or finds it done)
        assert vault.read_bytes("files/a.enc") == b"synthetic payload"
        assert vault.audit.verify() > 0
        assert any(e.action == "operator.migrate" for e in vault.audit.entries())
    assert not KeyFile.load(d).legacy and KeyFile.load(d).slots[ADMIN].role == "admin"


def test_default_operator_is_renkei_user_then_login(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RENKEI_USER", "madoguchi1")
    assert default_operator() == "madoguchi1"
    monkeypatch.delenv("RENKEI_USER")
    import getpass

    assert default_operator() == getpass.getuser()
