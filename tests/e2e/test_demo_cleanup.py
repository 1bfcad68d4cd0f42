"""``renkei demo`` leaves nothing behind (issue 12, finding 10): not with
``--dir`` and no ``--keep``, not when its terminal goes away (SIGHUP), and a
demo killed outright (SIGKILL) is swept at the next demo's start. What is
checked is the disk: the demo folder with the server's CA key and the
terminal's key file is gone."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tests.e2e.test_demo_tmux import Tmux
from tui.commands.demo import MARKER, PASSPHRASE, PREFIX, sweep_stale

pytestmark = pytest.mark.e2e
DEADLINE = 60.0


def _wait_gone(path: Path) -> None:
    give_up = time.monotonic() + DEADLINE
    while path.exists() and time.monotonic() < give_up:
        time.sleep(0.2)
    assert not path.exists(), sorted(str(p) for p in path.rglob("*"))


def test_quit_without_keep_removes_the_dir(renkei_cmd, cli_env, tmp_path: Path) -> None:
    root = tmp_path / "demo"
    tmux = Tmux([*renkei_cmd, "demo", "--dir", str(root)], cli_env, Path.cwd())
    try:
        tmux.wait_for(rf"デモのパスフレーズ: {PASSPHRASE}")
        assert (root / "server" / "tls").is_dir() and (root / "terminal").is_dir()
        tmux.keys("C-q")
        _wait_gone(root)
    finally:
        tmux.close()


def test_an_existing_dir_keeps_what_was_there(renkei_cmd, cli_env, tmp_path: Path) -> None:
    root = tmp_path / "mine"
    root.mkdir()
    (root / "notes.txt").write_text("the operator's own file", encoding="utf-8")
    tmux = Tmux([*renkei_cmd, "demo", "--dir", str(root)], cli_env, Path.cwd())
    try:
        tmux.wait_for(rf"デモのパスフレーズ: {PASSPHRASE}")
        tmux.keys("C-q")
        _wait_gone(root / "terminal")
        _wait_gone(root / "server")  # removed after the terminal: wait for both
    finally:
        tmux.close()
    assert sorted(p.name for p in root.iterdir()) == ["notes.txt"]


def test_sighup_removes_everything(renkei_cmd, cli_env, tmp_path: Path) -> None:
    root = tmp_path / "demo"
    tmux = Tmux([*renkei_cmd, "demo", "--dir", str(root)], cli_env, Path.cwd())
    try:
        tmux.wait_for(rf"デモのパスフレーズ: {PASSPHRASE}")
        pid = int((root / MARKER).read_text(encoding="ascii"))
        os.kill(pid, signal.SIGHUP)  # what closing the terminal window sends
        _wait_gone(root)
    finally:
        tmux.close()


def test_sigkill_leftovers_are_swept_at_the_next_start(renkei_cmd, cli_env, tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = dict(cli_env, TMPDIR=str(temp))
    tmux = Tmux([*renkei_cmd, "demo"], env, Path.cwd())
    try:
        tmux.wait_for(rf"デモのパスフレーズ: {PASSPHRASE}")
        (left,) = list(temp.glob(f"{PREFIX}*"))
        pid = int((left / MARKER).read_text(encoding="ascii"))
        os.kill(pid, signal.SIGKILL)  # no clean-up can run
        give_up = time.monotonic() + DEADLINE
        while time.monotonic() < give_up:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        assert (left / "server" / "tls").is_dir()  # left behind, with the CA key
    finally:
        tmux.close()
    live = temp / f"{PREFIX}live"
    live.mkdir()
    (live / MARKER).write_text(str(os.getpid()), encoding="ascii")  # a demo still running
    assert sweep_stale(temp) == [left]  # what the next `renkei demo` does first
    assert not left.exists() and live.exists()
