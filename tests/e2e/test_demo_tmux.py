"""``renkei demo`` in a real terminal (tmux, 80x24), driven by keys like a newcomer.

Unlock, fetch, search, enter a date in 和暦, send, and read on the screen
(``tmux capture-pane``) that the entry was sent. Also checks that columns
with wide characters (髙, 𠮷) line up on the real terminal.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
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

DATE = re.compile(r"\d{4}-\d{2}-\d{2}|[MTSHR]\d{1,2}\.\d{1,2}\.\d{1,2}")  # either display
NARROWED = r"(?<!\d)(?!300 )\d{1,3} / 300件"  # the count after a search


class Tmux:
    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path) -> None:
        if shutil.which("tmux") is None:
            raise RuntimeError("tmux is required for the end-to-end test (apt-get install tmux)")
        self.name = f"renkei-e2e-{uuid.uuid4().hex[:8]}"
        env = dict(env, TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8")
        env.pop("NO_COLOR", None)
        env.pop("TMUX", None)
        # Its own tmux server (-L): a session made on a server another test already
        # runs would get that server's environment, not ``env`` (TMPDIR, RENKEI_*).
        subprocess.run(
            [*self.tmux, "-f", "/dev/null", "new-session", "-d", "-s", self.name,
             "-x", "80", "-y", "24", *argv],
            env=env, cwd=cwd, check=True,
        )  # fmt: skip

    @property
    def tmux(self) -> list[str]:
        return ["tmux", "-L", self.name]

    def keys(self, *keys: str, literal: bool = False) -> None:
        flags = ["-l"] if literal else []
        subprocess.run([*self.tmux, "send-keys", "-t", self.name, *flags, *keys], check=True)

    def screen(self) -> str:
        out = subprocess.run(
            [*self.tmux, "capture-pane", "-p", "-t", self.name],
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
        """Close the terminal (the tmux server, as when an SSH window closes) and
        check that what ran in it is gone: a demo must not hang on a terminal that
        went away (it did, inside Textual's output thread, once its SIGHUP handler
        raised into the App)."""
        panes = subprocess.run(
            [*self.tmux, "list-panes", "-a", "-F", "#{pane_pid}"], capture_output=True, text=True
        )
        pids = [int(p) for p in panes.stdout.split()]
        subprocess.run([*self.tmux, "kill-server"], capture_output=True)
        deadline = time.monotonic() + 30
        left = pids
        while left and time.monotonic() < deadline:
            time.sleep(0.1)
            left = [pid for pid in pids if _alive(pid)]
        for pid in left:
            os.kill(pid, signal.SIGKILL)  # leave nothing running for the next test
        assert left == [], f"still running 30 s after its terminal closed: {left}"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False


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
        tmux.wait_for(r"0 / 0件(.|\n)*F9")  # the empty list says how to fill it
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
        tmux.keys("F10")  # send now: asks first
        tmux.wait_for(r"送信します")
        tmux.keys("y")
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


def test_counter_day_issue_18_in_tmux(renkei_cmd, cli_env, tmp_path: Path) -> None:
    """Unlock, F9, 高 finds a 髙 row, F3 number → date → next number (the cursor
    is back in the number field), a burst with Backspace, F10 asks, and the
    entry then shows 送信済 with its 和暦 date."""
    root = tmp_path / "demo"
    tmux = Tmux([*renkei_cmd, "demo", "--dir", str(root), "--keep"], cli_env, Path.cwd())
    try:
        tmux.wait_for(rf"デモのパスフレーズ: {PASSPHRASE}")
        tmux.keys(PASSPHRASE, literal=True)
        tmux.keys("Enter")
        tmux.wait_for(r"0 / 0件")
        tmux.keys("F9")
        everyone = tmux.wait_for(r"300 / 300件")
        plain_numbers = [
            line.split()[0]
            for line in everyone.splitlines()
            if re.match(r"[A-Z]{2}\d{8}[A-Z]{2} ", line)
        ]

        tmux.keys("高", literal=True)  # what an IME types
        text = tmux.wait_for(NARROWED)
        found = [line for line in text.splitlines() if "髙" in line and DATE.search(line)]
        assert found, text  # a 髙 row, found by 高
        first = found[0].split()[0]
        second = next(n for n in plain_numbers if n != first)
        tmux.keys("Escape")
        tmux.wait_for(r"300 / 300件")

        today = date.today()
        typed = wareki.to_wareki(today)  # e.g. 令和8年11月27日
        tmux.keys("F3")
        tmux.wait_for(r"証明書番号")
        tmux.keys(first, literal=True)
        tmux.keys("Enter")
        tmux.wait_for(rf"{first}(.|\n)*生年月日")
        # one burst: a wrong last character, Backspace, the right one (trap 15)
        wrong = typed[:-2] + ("1" if typed[-2] != "1" else "2")
        tmux.keys(wrong, "BSpace", typed[-2:])
        tmux.wait_for(re.escape(f"{typed} ({today.isoformat()})"))
        tmux.keys("Enter")
        tmux.wait_for(rf"入力しました: {first}")
        tmux.keys(second, literal=True)  # the next number: lands in the number field
        tmux.keys("Enter")
        text = tmux.wait_for(rf"{second}(.|\n)*生年月日")
        assert "日付として読めません" not in text, text
        tmux.keys(typed, literal=True)
        tmux.keys("Enter")
        tmux.wait_for(rf"入力しました: {second}")

        tmux.keys("F10")
        tmux.wait_for(r"2件を法務省へ送信します")
        tmux.keys("Enter")  # Enter alone: nothing is sent
        time.sleep(1)
        assert not list((root / "server").glob("*/received/*.csv"))
        tmux.keys("F10")
        tmux.wait_for(r"送信します")
        tmux.keys("y")
        tmux.wait_for(r"受理 2件")

        # F-key-free twins as a terminal sends them (ESC + digit), trap 11
        tmux.keys("M-2")
        tmux.wait_for(r"\| 未入力")
        tmux.keys("M-4")
        text = tmux.wait_for(r"\| 送信状況")
        assert "¢" not in text and "™" not in text
        tmux.keys("M-3")
        tmux.wait_for(r"\| 日付入力")
        tmux.keys("C-n")
        tmux.keys(first, literal=True)
        text = tmux.wait_for(rf"送信済 {re.escape(typed)}")
        assert first in text
        tmux.keys("C-q")  # nothing unsent: quits at once
        deadline = time.monotonic() + 30
        while (
            subprocess.run(
                [*tmux.tmux, "has-session", "-t", tmux.name], capture_output=True
            ).returncode
            == 0
        ):
            assert time.monotonic() < deadline, tmux.screen()
            time.sleep(0.2)
    finally:
        tmux.close()
    received = sorted(
        p.read_text(encoding="utf-8") for p in (root / "server").glob("*/received/*.csv")
    )
    assert received and first in received[0] and second in received[0]
