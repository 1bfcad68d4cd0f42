"""The passphrase prompt on a real terminal (a pty): typed twice at init, a wrong
one may be retried, nothing echoed."""

from __future__ import annotations

import os
import pty
import select
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


class Pty:
    """``renkei ARGS`` with a pty as its controlling terminal."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.chdir(ROOT)
            os.execve(sys.executable, [sys.executable, "-m", "tui", *args], env)
        self.seen = b""
        self.pos = 0  # output before this was matched already

    def expect(self, text: str, timeout: float = 20.0) -> None:
        """Wait for ``text`` in output not matched by an earlier expect."""
        want = text.encode()
        end = time.monotonic() + timeout
        while want not in self.seen[self.pos :]:
            left = end - time.monotonic()
            if left <= 0:
                saw = self.seen.decode(errors="replace")
                pytest.fail(f"no {text!r} on the terminal; saw {saw!r}")
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    self.seen += os.read(self.fd, 4096)
                except OSError:  # the child closed the terminal
                    break
        assert want in self.seen[self.pos :], self.seen
        self.pos = self.seen.index(want, self.pos) + len(want)

    def type(self, line: str) -> None:
        os.write(self.fd, line.encode() + b"\n")

    def wait(self) -> int:
        try:
            while os.read(self.fd, 4096):
                pass
        except OSError:
            pass
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status)


@pytest.fixture
def env(cli_env: dict[str, str]) -> dict[str, str]:
    cli_env["RENKEI_UNLOCK_DELAY"] = "0.01"
    cli_env["RENKEI_LANG"] = "en"
    return cli_env


def test_prompt_init_then_wrong_then_right(env: dict[str, str], tmp_path: Path) -> None:
    data = str(tmp_path / "d")
    term = Pty(["init", "--data", data, "--kdf-cost", "low"], env)
    term.expect("New passphrase: ")
    term.type("typed at the counter")
    term.expect("New passphrase (again): ")
    term.type("typed at the counter")
    term.expect("initialised")
    assert term.wait() == 0
    assert b"typed at the counter" not in term.seen  # not echoed

    term = Pty(["audit", "verify", "--data", data], env)
    term.expect("Passphrase: ")
    term.type("not the right one")
    term.expect("wrong passphrase")
    term.expect("Passphrase: ")
    term.type("typed at the counter")
    term.expect("audit log intact")
    assert term.wait() == 0


def test_prompt_mismatch_creates_nothing(env: dict[str, str], tmp_path: Path) -> None:
    data = tmp_path / "d"
    term = Pty(["init", "--data", str(data), "--kdf-cost", "low"], env)
    term.expect("New passphrase: ")
    term.type("first version here")
    term.expect("(again): ")
    term.type("second version here")
    term.expect("does not match")
    assert term.wait() == 1
    assert not (data / "keys.toml").exists()
