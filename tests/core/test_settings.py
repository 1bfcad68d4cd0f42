"""The running settings have one owner and change whole or not at all.

Real parts: a real data directory, the real session and schedule, and for the
failures a real full or read-only file system (a small tmpfs; we are root).
"""

from __future__ import annotations

import contextlib
import copy
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from core import charset
from core import config as core_config
from core.datadir.opened import Vault
from core.durable import DiskFull
from core.session import Session
from core.settings import SettingsNotWritten, SettingsRejected
from tests.support.boundary import Line, drop, line, muni_text, session
from tests.support.linkage import linkage_server
from tests.support.mounts import read_only, small_tmpfs
from tests.support.vault import new_vault

__all__ = ["line", "linkage_server"]  # fixtures

# 05:00 on a day: with a daily fetch at 06:00 the next one is 06:00 the same day.
NOW = datetime(2026, 1, 13, 5, 0)


def _session(data: Path) -> Session:
    return Session(new_vault(data))


def _edited(session: Session, **schedule: str) -> core_config.Config:
    new = copy.deepcopy(session.config)
    for name, value in schedule.items():
        setattr(new.schedule, name, value)
    return new


def test_one_object_read_by_session_schedule_and_vault(tmp_path: Path) -> None:
    with _session(tmp_path / "data") as session:
        assert session.config is session.vault.config
        assert session.schedule.settings is session.vault.config.schedule


def test_a_save_applies_everywhere_at_once(tmp_path: Path) -> None:
    with _session(tmp_path / "data") as session:
        assert session.schedule.next_times(NOW)[0] == datetime(2026, 1, 13, 8, 30)  # default
        saved = session.save_settings(_edited(session, fetch_time="06:00"))
        assert saved.changed == ("schedule.fetch_time",) and saved.restart == ()
        assert session.config.schedule.fetch_time == "06:00"
        assert session.schedule.next_times(NOW)[0] == datetime(2026, 1, 13, 6, 0)
        assert session.status(NOW).next_fetch == datetime(2026, 1, 13, 6, 0)
        assert core_config.load(session.data_dir).schedule.fetch_time == "06:00"


def test_settings_read_at_start_are_named_for_a_restart(tmp_path: Path) -> None:
    with _session(tmp_path / "data") as session:
        new = copy.deepcopy(session.config)
        new.ui.theme, new.ui.idle_lock_minutes = "mono", 5
        saved = session.save_settings(new)
        assert saved.changed == ("ui.theme", "ui.idle_lock_minutes")
        assert saved.restart == ("ui.theme",)


def _unchanged(session: Session, before_bytes: bytes, before: core_config.Config) -> None:
    path = core_config.config_path(session.data_dir)
    assert path.read_bytes() == before_bytes
    assert session.config == before and session.config.schedule.fetch_time == "08:30"
    assert session.schedule.next_times(NOW)[0] == datetime(2026, 1, 13, 8, 30)
    assert not [p.name for p in session.data_dir.iterdir() if p.name.startswith(".tmp-")]


def test_rejected_settings_change_nothing(tmp_path: Path) -> None:
    with _session(tmp_path / "data") as session:
        path = core_config.config_path(session.data_dir)
        before_bytes, before = path.read_bytes(), copy.deepcopy(session.config)
        with pytest.raises(SettingsRejected) as caught:
            session.save_settings(_edited(session, fetch_time="06:00", send_time="25:00"))
        assert [p.column for p in caught.value.problems] == ["schedule.send_time"]
        assert "schedule.send_time" in caught.value.message("en")
        _unchanged(session, before_bytes, before)


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[Path]:
    with small_tmpfs(tmp_path / "mnt", "2m") as mount:
        yield mount


def _fill(folder: Path) -> None:
    """Take every free byte of the file system ``folder`` is on (unbuffered writes,
    big ones first, then single bytes for the last block)."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (65536, 4096, 1):
            with contextlib.suppress(OSError):
                while os.write(fd, b"\0" * size):
                    pass
    finally:
        os.close(fd)


def test_a_full_disk_during_the_save_changes_nothing(small_fs: Path) -> None:
    vault: Vault = new_vault(small_fs / "data")
    with Session(vault) as session:
        path = core_config.config_path(session.data_dir)
        before_bytes, before = path.read_bytes(), copy.deepcopy(session.config)
        new = _edited(session, fetch_time="06:00")
        new.terminal.municipality = "x" * 20_000  # more than the last block holds
        _fill(small_fs)
        with pytest.raises(DiskFull):
            session.save_settings(new)
        os.unlink(small_fs / "filler")
        _unchanged(session, before_bytes, before)


def test_a_read_only_data_directory_changes_nothing(tmp_path: Path) -> None:
    with _session(tmp_path / "data") as session:
        path = core_config.config_path(session.data_dir)
        before_bytes, before = path.read_bytes(), copy.deepcopy(session.config)
        with read_only(session.data_dir):
            with pytest.raises(SettingsNotWritten) as caught:
                session.save_settings(_edited(session, fetch_time="06:00"))
            assert str(path) in caught.value.message("en")
            _unchanged(session, before_bytes, before)


def test_the_line_sync_uses_the_running_settings_not_the_file(line: Line) -> None:
    """charset.load_tables is given the running [boundary] settings: a config.toml
    changed (here: broken) behind the open terminal's back is not read every sync."""
    text, _ = muni_text(2)
    drop(line.import_dir, "juki-0001.csv", charset.encode_file(text, line.codec(), "m.csv"))
    with session(line.data) as terminal:
        core_config.config_path(line.data).write_text("this is [not toml", encoding="utf-8")
        done = terminal.sync_boundary()
        assert [(o.state, o.records) for o in done.imported] == [("queued", 2)]
        assert terminal.config.boundary.encoding == "juki-sjis"
