"""Unlocking with the key derivation in a child process (``core.vault.kdf``).

The references: key files sealed the way the terminal did before, with
``cryptography``'s Scrypt in the test's own process (not the code under test),
must still open; a wrong passphrase is still refused and counted; a child
that fails is a clear error that changes no file and counts no guess.
"""

from __future__ import annotations

import base64
import hashlib
import os
import stat
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from core.datadir import anchor
from core.datadir.unlock import change_passphrase, init_vault, is_initialised, open_vault
from core.vault import kdf
from core.vault.errors import KeyDerivationFailed, WrongPassphrase
from core.vault.keys import COSTS, KdfParams, KeyFile
from tests.support.vault import PASSPHRASE, new_vault

ADMIN = "kanri"
SLOT_AAD = b"renkei slot v2|"  # core/vault/keys.py's layout, restated
WRAP_AAD = b"renkei dek v1|"


def _old_kek(passphrase: str, salt: bytes, cost: str) -> bytes:
    """The passphrase key as the terminal derived it in-process before."""
    c = COSTS[cost]
    return Scrypt(salt=salt, length=32, n=c["n"], r=c["r"], p=c["p"]).derive(passphrase.encode())


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _open(d: Path, phrase: str = PASSPHRASE):  # type: ignore[no-untyped-def]
    return open_vault(d, phrase, operator=ADMIN, delay_base=0.0)


def _failures(d: Path) -> int:
    return anchor.read(d, anchor.failures_names(ADMIN)[0]).failures


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _interpreter(tmp_path: Path, fail_from: int) -> str:
    """An interpreter that runs the real child ``fail_from - 1`` times, then
    exits 1 (counting its runs in a file beside it)."""
    count = tmp_path / "runs"
    count.write_text("0")
    script = tmp_path / "python"
    script.write_text(
        "#!/bin/sh\n"
        f'n=$(( $(cat "{count}") + 1 )); echo $n > "{count}"\n'
        f"[ $n -ge {fail_from} ] && exit 1\n"
        f'exec "{sys.executable}" "$@"\n',
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("RENKEI_USER", ADMIN)
    d = tmp_path / "d"
    with new_vault(d) as vault:
        vault.write_bytes("files/a.enc", b"synthetic payload")
    return d


@pytest.mark.parametrize("cost", ["low", "standard"])
def test_a_slot_sealed_by_the_old_code_unlocks(data: Path, cost: str) -> None:
    """Re-seal the admin's slot as the in-process code did (cryptography's Scrypt
    at ``cost``, the KWK under AES-GCM), then unlock through the child."""
    with _open(data) as vault:
        kwk = vault.kwk
    keyfile = KeyFile.load(data)
    slot = keyfile.slots[ADMIN]
    slot.kdf = KdfParams.new(cost)
    nonce = os.urandom(12)
    kek = _old_kek(PASSPHRASE, slot.kdf.salt, cost)
    slot.nonce = _b64(nonce)
    slot.wrapped = _b64(AESGCM(kek).encrypt(nonce, kwk, SLOT_AAD + ADMIN.encode()))
    keyfile.sign(kwk)
    keyfile.save(data)
    before = kdf.in_process_runs
    with _open(data) as vault:
        assert vault.read_bytes("files/a.enc") == b"synthetic payload"
        assert vault.kdf_cost == cost
    assert kdf.in_process_runs == before
    with pytest.raises(WrongPassphrase):
        _open(data, "not the passphrase")
    assert _failures(data) == 1


def test_a_version_1_file_made_by_the_old_code_unlocks(data: Path) -> None:
    """Version 1: the data keys wrapped directly by the one passphrase's key."""
    with _open(data) as vault:
        keys = vault.keyring.keys
        current = vault.keyring.current.key_id
    params = KdfParams.new("low")
    kek = AESGCM(_old_kek(PASSPHRASE, params.salt, "low"))
    legacy = KeyFile(params, {}, current, version=1)
    for key in keys:
        nonce = os.urandom(12)
        legacy.wrapped[key.key_id] = {
            "nonce": _b64(nonce),
            "wrapped": _b64(kek.encrypt(nonce, key.secret, WRAP_AAD + key.key_id)),
            "created": "",
        }
    legacy.save(data)
    with pytest.raises(WrongPassphrase):
        _open(data, "not the passphrase")
    with _open(data) as vault:  # migrated to version 2 on the way
        assert vault.read_bytes("files/a.enc") == b"synthetic payload"
    assert not KeyFile.load(data).legacy


def test_a_failing_child_at_unlock_changes_nothing_and_counts_no_guess(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys_before = _digest(data / "keys.toml")
    monkeypatch.setattr(kdf, "INTERPRETER", "/bin/false")
    with pytest.raises(KeyDerivationFailed) as caught:
        _open(data)
    assert caught.value.key == "vault.kdf.status"
    assert _digest(data / "keys.toml") == keys_before
    assert _failures(data) == 0  # the child's failure is no wrong passphrase
    monkeypatch.setattr(kdf, "INTERPRETER", None)
    with _open(data) as vault:
        assert vault.read_bytes("files/a.enc") == b"synthetic payload"


def test_a_child_failing_while_sealing_the_new_passphrase_keeps_the_old(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """change_passphrase derives twice: the old passphrase's key (to open), then
    the new one's (to seal). The second fails: keys.toml is as it was."""
    keys_before = _digest(data / "keys.toml")
    monkeypatch.setattr(kdf, "INTERPRETER", _interpreter(tmp_path, fail_from=2))
    with pytest.raises(KeyDerivationFailed):
        change_passphrase(data, PASSPHRASE, "a new synthetic passphrase 2", operator=ADMIN)
    assert (tmp_path / "runs").read_text().strip() == "2"  # it did fail at the seal
    assert _digest(data / "keys.toml") == keys_before
    monkeypatch.setattr(kdf, "INTERPRETER", None)
    with _open(data) as vault:
        assert vault.read_bytes("files/a.enc") == b"synthetic payload"
    with pytest.raises(WrongPassphrase):
        _open(data, "a new synthetic passphrase 2")


def test_a_failing_child_at_init_leaves_no_key_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kdf, "INTERPRETER", "/bin/false")
    d = tmp_path / "new"
    with pytest.raises(KeyDerivationFailed):
        init_vault(d, PASSPHRASE, cost="low", operator=ADMIN)
    assert not is_initialised(d)
    assert not (d / "keys.toml").exists()
    monkeypatch.setattr(kdf, "INTERPRETER", None)
    init_vault(d, PASSPHRASE, cost="low", operator=ADMIN).close()  # a second try works
    with _open(d) as vault:
        assert vault.role == "admin"
