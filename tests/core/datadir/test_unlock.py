"""Unlocking: passphrase, failure delay, permissions, passwd, sources."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from core.datadir.unlock import change_passphrase, default_operator, open_vault, unlock_delay
from core.vault import passphrase as sources
from core.vault.errors import (
    AlreadyInitialised,
    InsecurePermissions,
    InUse,
    LockedError,
    NotInitialised,
    WrongPassphrase,
)
from core.vault.keys import KeyFile
from tests.support.vault import PASSPHRASE, new_vault, reopen


def test_init_layout_and_modes(tmp_path: Path) -> None:
    data = tmp_path / "d"
    with new_vault(data) as vault:
        vault.write_bytes("files/x.enc", b"secret")
        vault.write_bytes("files/inbox/2026/y.enc", b"made its folders")
        assert vault.read_bytes(vault.files_dir / "inbox" / "2026" / "y.enc") == b"made its folders"
        assert vault.weak_kdf and not vault.rekey_pending
    assert oct(data.stat().st_mode & 0o777) == "0o700"
    for path in data.rglob("*"):
        expected = "0o700" if path.is_dir() else "0o600"
        assert oct(path.stat().st_mode & 0o777) == expected, path
    keyfile = KeyFile.load(data)
    slot = keyfile.slots[default_operator()]
    assert slot.kdf is not None and slot.kdf.cost == "low" and slot.kdf.n == 2**10
    assert slot.role == "admin" and not slot.must_change
    with pytest.raises(AlreadyInitialised):
        new_vault(data)


def test_standard_cost_is_the_default() -> None:
    from core.vault.keys import COSTS, KdfParams

    params = KdfParams.new("standard")
    assert (params.n, params.r, params.cost) == (COSTS["standard"]["n"], 8, "standard")
    assert params.n >= 2**17


def test_not_initialised(tmp_path: Path) -> None:
    with pytest.raises(NotInitialised) as caught:
        open_vault(tmp_path / "none", PASSPHRASE)
    assert caught.value.exit_code == 3


def test_wrong_passphrase_counts_and_delays_persistently(tmp_path: Path) -> None:
    data = tmp_path / "d"
    new_vault(data).close()
    slept: list[float] = []
    for expected in (1, 2, 3):
        with pytest.raises(WrongPassphrase) as caught:
            open_vault(data, "not the passphrase", sleep=slept.append, delay_base=10.0)
        assert caught.value.params["failures"] == expected
        assert caught.value.exit_code == 3
    # each attempt after a failure waited (the count survives each "restart")
    assert len(slept) == 2 and slept[1] > slept[0] > 5
    vault = open_vault(data, PASSPHRASE, sleep=slept.append, delay_base=10.0)
    assert len(slept) == 3 and slept[2] > 30  # 4th attempt: 40 s after 3 failures
    actions = [e.action for e in vault.audit.entries()]
    assert "vault.unlock_failures" in actions
    vault.close()
    reopen(data).close()  # the counter was reset by the success: no wait
    assert unlock_delay(0) == 0 and unlock_delay(20, 1.0) == 60.0


def test_group_writable_data_dir_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "d"
    new_vault(data).close()
    os.chmod(data, 0o770)
    with pytest.raises(InsecurePermissions) as caught:
        reopen(data)
    assert caught.value.exit_code == 3 and "0o770" in caught.value.message("en")
    # readable by others: refused (never repaired behind the operator's back),
    # with the command that fixes it; nothing changed
    for path, mode in ((data, 0o755), (data / "keys.toml", 0o644)):
        os.chmod(data, 0o700)
        os.chmod(path, mode)
        with pytest.raises(LockedError) as refused:
            reopen(data)
        assert refused.value.exit_code == 3
        assert f"chmod -R go-rwx '{data}'" in refused.value.message("en")
        assert str(path) in refused.value.message("en")
        assert oct(path.stat().st_mode & 0o777) == oct(mode)
        subprocess.run(["chmod", "-R", "go-rwx", str(data)], check=True)  # the fix given
        reopen(data).close()


def test_passwd_rewraps_without_rewriting_data(tmp_path: Path) -> None:
    data = tmp_path / "d"
    with new_vault(data) as vault:
        vault.write_bytes("files/a.enc", b"payload")
        key_id = vault.keyring.current.hex_id
    before = (data / "files" / "a.enc").read_bytes()
    change_passphrase(data, PASSPHRASE, "a brand new passphrase")
    with pytest.raises(WrongPassphrase):
        open_vault(data, PASSPHRASE, delay_base=0.0)
    with open_vault(data, "a brand new passphrase", delay_base=0.0) as vault:
        assert vault.keyring.current.hex_id == key_id
        assert vault.read_bytes("files/a.enc") == b"payload"
    assert (data / "files" / "a.enc").read_bytes() == before
    assert KeyFile.load(data).cost_of(default_operator()) == "low"


def test_rekey_needs_the_directory_to_itself(tmp_path: Path) -> None:
    data = tmp_path / "d"
    with new_vault(data), pytest.raises(InUse):
        open_vault(data, PASSPHRASE, exclusive=True, delay_base=0.0)


def test_passphrase_sources_in_order(tmp_path: Path) -> None:
    f = tmp_path / "pw"
    f.write_text("from file\nignored\n")
    creds = tmp_path / "creds"
    creds.mkdir()
    (creds / "renkei-passphrase").write_text("from systemd\n")
    env = {"RENKEI_PASSPHRASE": "from env", "CREDENTIALS_DIRECTORY": str(creds)}
    assert sources.from_sources(f, env) == "from file"
    assert sources.from_sources(None, env) == "from env"
    assert sources.from_sources(None, {"CREDENTIALS_DIRECTORY": str(creds)}) == "from systemd"
    assert sources.from_sources(None, {}) is None
    with pytest.raises(Exception) as caught:
        sources.check_new("short")
    assert getattr(caught.value, "key", "") == "vault.passphrase.too_short"


def test_temp_files_swept_only_when_nobody_else_has_the_directory(tmp_path: Path) -> None:
    data = tmp_path / "d"
    new_vault(data).close()
    leftover = data / "files" / ".tmp-crashed"
    leftover.write_bytes(b"half a file")
    with reopen(data) as first:
        assert not leftover.exists()  # alone: a crash leftover, swept
        with first.writer("files/big.enc") as writer:
            writer.write(b"in progress")
            with reopen(data):  # a second process opening must not take the temp file
                pass
        assert first.read_bytes("files/big.enc") == b"in progress"


def test_data_dir_of_another_user_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "d"
    new_vault(data).close()
    os.chown(data, 4242, -1)
    from core.vault.errors import ForeignOwner

    with pytest.raises(ForeignOwner) as caught:
        reopen(data)
    assert caught.value.exit_code == 3 and "4242" in caught.value.message("en")
