"""``renkei demo`` in a real terminal (tmux, 80x24), driven by keys like a newcomer.

Unlock, fetch, search, enter a date in 和暦, send, and read on the screen
(``tmux capture-pane``) that the entry was sent. Also checks that columns
with wide characters (髙, 𠮷) line up on the real terminal.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
import uuid
from datetime import date
from pathlib import Path

import pytest
from rich.cells import cell_len

from core import wareki
from tui.commands.demo import PASSPHRASE

pytestmark = pytest.mark.e2e

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
NARROWED = r"(?<!\d)(?!300 )\d{1,3} / 300件"  # the count after a search


class Tmux:
    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path) -> None:
        if shutil.which("tmux") is None:
            raise RuntimeError("tmux is required for the end-to-end test (apt-get install tmux)")
        self.name = f"renkei-e2e-{uuid.uuid4().hex[:8]}"
        env = dict(env, TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8")
        env.pop("NO_COLOR", None)
        env.pop("TMUX", None)
        subprocess.run(
            ["tmux", "-f", "/dev/null", "new-session", "-d", "-s", self.name,
             "-x", "80", "-y", "24", *argv],
            env=env, cwd=cwd, check=True,
        )  # fmt: skip

    def keys(self, *keys: str, literal: bool = False) -> None:
        flags = ["-l"] if literal else []
        subprocess.run(["tmux", "send-keys", "-t", self.name, *flags, *keys], check=True)

    def screen(self) -> str:
        out = subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.name],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        return out.stdout

    def wait_for(self, pattern: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen()
            if re.search(pattern, text):
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"{pattern!r} did not appear; the screen:\n{text}")
            time.sleep(0.2)

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


def date_columns(text: str, marker: str) -> set[int]:
    """Display column of the first date on every line containing ``marker``."""
    columns = set()
    for line in text.splitlines():
        match = DATE.search(line)
        if marker in line and match:
            columns.add(cell_len(line[: match.start()]))
    return columns


def test_demo_day_in_tmux(renkei_cmd, cli_env, tmp_path: Path) -> None:
    root = tmp_path / "demo"
    tmux = Tmux([*renkei_cmd, "demo", "--dir", str(root), "--keep"], cli_env, Path.cwd())
    try:
        tmux.wait_for(rf"デモのパスフレーズ: {PASSPHRASE}")  # the unlock screen shows it
        tmux.keys(PASSPHRASE, literal=True)
        tmux.keys("Enter")
        tmux.wait_for(r"0 / 0件")
        tmux.keys("F9")  # fetch
        tmux.wait_for(r"300 / 300件")

        tmux.keys("髙", literal=True)  # search as you type
        text = tmux.wait_for(NARROWED)
        shown = int(re.search(r"(\d+) / 300件", text).group(1))
        assert 0 < shown < 300
        rows = [line for line in text.splitlines() if "髙" in line and DATE.search(line)]
        assert rows, text
        assert len(date_columns(text, "髙")) == 1, text  # wide characters line up
        number = rows[0].split()[0]

        tmux.keys("Enter")  # 交付年月日入力 for the selected row
        tmux.wait_for(rf"{number}(.|\n)*生年月日")  # the row's person is shown
        typed = wareki.to_wareki(date.today())  # e.g. 令和8年11月21日
        tmux.keys(typed, literal=True)
        tmux.wait_for(re.escape(f"{typed} ({date.today().isoformat()})"))  # echoed both ways
        tmux.keys("Enter")
        text = tmux.wait_for(rf"{number}\s+入力済")

        tmux.keys("F4")  # 送信状況
        tmux.wait_for(rf"{number}\s+送信待ち")
        tmux.keys("F10")  # send now
        text = tmux.wait_for(rf"{number}\s+送信済")
        assert "送信済 1件" in text
        tmux.keys("C-q")
    finally:
        tmux.close()
    received = list((root / "server").glob("*/received/*.csv"))
    assert received and number in received[0].read_text(encoding="utf-8")


def test_wide_characters_line_up_in_tmux(renkei_cmd, cli_env, tmp_path: Path) -> None:
    """Names with 𠮷 (outside the BMP) and 髙 next to plain ones, same columns."""
    tmux = Tmux([*renkei_cmd, "demo", "--dir", str(tmp_path / "demo")], cli_env, Path.cwd())
    try:
        tmux.wait_for(rf"デモのパスフレーズ: {PASSPHRASE}")
        tmux.keys(PASSPHRASE, literal=True)
        tmux.keys("Enter")
        tmux.wait_for(r"0 / 0件")
        tmux.keys("F9")
        text = tmux.wait_for(r"300 / 300件")
        tmux.keys("𠮷", literal=True)
        text = tmux.wait_for(NARROWED)
        assert "𠮷" in text, text
        mixed = text
        tmux.keys("Escape")
        tmux.wait_for(r"300 / 300件")
        plain = tmux.screen()
        # within one screen every row's date starts in the same column (the
        # two screens differ by the scroll bar, so they are compared apart)
        assert len(date_columns(mixed, "𠮷")) == 1, mixed
        assert len(date_columns(plain, "CM")) == 1, plain
        assert re.search("[髙﨑]", plain) and re.search("[A-Z]{4,} ", plain), plain
        tmux.keys("C-q")
    finally:
        tmux.close()
