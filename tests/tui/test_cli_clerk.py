"""Trap 16 (and 4, 12 on the command line) of issue 18: the CLI as cron and IT use it.

Subprocesses on a real data directory talking HTTPS to the reference server.
Expected dates come from ``core.wareki`` (tested against every day 1873-2100).
"""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from rich.cells import cell_len

from core import wareki
from tests.support.linkage import PASSPHRASE, LinkageServer, linkage_server, spr_file, spr_records

__all__ = ["linkage_server"]


@pytest.fixture
def run(renkei_cmd: list[str], cli_env: dict[str, str], tmp_path: Path):
    env = dict(cli_env, RENKEI_PASSPHRASE=PASSPHRASE, RENKEI_UNLOCK_DELAY="0.01")
    data = tmp_path / "terminal"

    def call(*args: str, lang: str = "ja", passphrase: bool = True) -> subprocess.CompletedProcess:
        given = env if passphrase else {k: v for k, v in env.items() if k != "RENKEI_PASSPHRASE"}
        return subprocess.run(
            [*renkei_cmd, *args, "--data", str(data), "--lang", lang],
            env=given,
            capture_output=True,
            timeout=60,
        )

    call.data = data  # type: ignore[attr-defined]
    return call


def text(done: subprocess.CompletedProcess) -> str:
    return done.stdout.decode("utf-8")


def test_uninitialised_directory_says_so_before_any_passphrase(run) -> None:
    done = run("status", passphrase=False)
    assert done.returncode == 3
    assert (
        "初期化されていません" in done.stderr.decode()
        and "パスフレーズ" not in done.stderr.decode()
    )


def test_cron_quiet_dates_in_wareki_forgiving_numbers_excel_and_history(
    run, linkage_server: LinkageServer
) -> None:
    linkage_server.put_notice("spr-131041-20261121-0001.csv", spr_file(spr_records(4)))
    init = run(
        "init", "--lasdec", "131041", "--server", linkage_server.url,
        "--ca", str(linkage_server.ca), "--token", linkage_server.token, "--kdf-cost", "low",
    )  # fmt: skip
    assert init.returncode == 0, init.stderr
    fetched = run("fetch", "--quiet")
    assert fetched.returncode == 0 and fetched.stdout == b""  # no cron mail
    # a number typed with spaces, lower case and without its last letters
    entered = run("enter", "ab 0000 0001", "R6.5.1")
    assert entered.returncode == 0, entered.stderr
    shown = wareki.display(date(2024, 5, 1), "両方")
    # the number as a scripted command prints it (issue 12: no personal value in cron mail)
    assert "AB********CD" in text(entered) and shown in text(entered)
    future = date(date.today().year + 2, 1, 1)
    refused = run("enter", "AB00000002CD", future.isoformat())
    assert refused.returncode == 1
    assert wareki.display(future, "両方") in refused.stderr.decode()  # the error's date too
    excel = run("list", "--excel")
    assert excel.stdout.startswith("\ufeff".encode()) and b"\r\n" in excel.stdout
    assert excel.stdout.decode("utf-8-sig").splitlines()[0].startswith("card_number,")
    plain = run("list", "--csv")
    assert not plain.stdout.startswith(b"\xef\xbb\xbf")
    sent = run("send", "--quiet")
    assert sent.returncode == 0 and sent.stdout == b""
    history = run("history")
    lines = [line for line in text(history).splitlines() if line.strip()]
    assert lines and not any(w in text(history).split() for w in ("ok", "receipt", "new"))
    assert any("AB********CD" in line for line in lines)  # the number (masked), not a hash
    # the result column starts in the same cell on every line (wide words padded)
    results = re.compile("正常|失敗|一部却下|拒否|問題あり|破損|保留")
    starts = {cell_len(line[: results.search(line).start()]) for line in lines}
    assert len(starts) == 1, lines
    status = run("status")
    assert "却下" in text(status) and "差戻し" not in text(status)
