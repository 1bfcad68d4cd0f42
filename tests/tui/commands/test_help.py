"""``renkei help paper``: the one-page operating sheet, Japanese and English."""

from __future__ import annotations

import subprocess
import unicodedata


def _width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def _help(cmd: list[str], env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*cmd, "help", "paper", *extra], env=env, capture_output=True, text=True, timeout=60
    )


def test_paper_sheet_in_both_languages_fits_one_page(
    renkei_cmd: list[str], cli_env: dict[str, str]
) -> None:
    ja = _help(renkei_cmd, cli_env)
    en = _help(renkei_cmd, cli_env, "--lang", "en")
    assert ja.returncode == 0 and en.returncode == 0, ja.stderr + en.stderr
    assert "紙による情報連携" in ja.stdout and "Paper linkage" in en.stdout
    for out in (ja.stdout, en.stdout):
        lines = out.splitlines()
        assert len(lines) <= 60  # one printed page
        assert max(_width(line) for line in lines) <= 78  # and an 80-column console
        # The day in order: print the list, hand out, enter, send.
        steps = ["renkei pdf", "renkei enter", "renkei send"]
        assert [out.index(s) for s in steps] == sorted(out.index(s) for s in steps)


def test_help_without_topic_lists_topics(renkei_cmd: list[str], cli_env: dict[str, str]) -> None:
    out = subprocess.run(
        [*renkei_cmd, "help"], env=cli_env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 2 and "paper" in out.stdout
