"""The exchange commands as IT runs them over SSH or from systemd: subprocesses."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest

from core import config
from tests.support.linkage import PASSPHRASE, LinkageServer, linkage_server, spr_file, spr_records

__all__ = ["linkage_server"]


@pytest.fixture
def run(renkei_cmd: list[str], cli_env: dict[str, str], tmp_path: Path):
    env = dict(cli_env, RENKEI_PASSPHRASE=PASSPHRASE, RENKEI_UNLOCK_DELAY="0.01")
    data = tmp_path / "terminal"

    def call(*args: str, lang: str = "en") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*renkei_cmd, *args, "--data", str(data), "--lang", lang],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    return call


def test_a_day_from_the_command_line(run, linkage_server: LinkageServer) -> None:
    linkage_server.put_notice("spr-131041-20261121-0001.csv", spr_file(spr_records(6)))
    init = run(
        "init",
        "--lasdec",
        "131041",
        "--server",
        linkage_server.url,
        "--ca",
        str(linkage_server.ca),
        "--token",
        linkage_server.token,
        "--kdf-cost",
        "low",
    )
    assert init.returncode == 0, init.stderr
    fetched = run("fetch")
    assert fetched.returncode == 0, fetched.stderr
    assert "6 records" in fetched.stdout
    listed = run("list", "--csv")
    rows = list(csv.DictReader(io.StringIO(listed.stdout)))
    assert [r["card_number"] for r in rows] == [f"AB{n:08d}CD" for n in range(6)]
    assert run("enter", "AB00000001CD", "令和6年5月1日").returncode == 0
    assert run("enter", "AB00000002CD", "R6.5.2").returncode == 0
    future = run("enter", "AB00000003CD", "2999-01-01")
    assert future.returncode == 1 and "after today" in future.stderr
    unknown = run("enter", "ZZ00000000ZZ", "2024-05-01", lang="ja")
    assert unknown.returncode == 1 and "未入力リストにない" in unknown.stderr
    bad_date = run("enter", "AB00000003CD", "2024-02-30")
    assert bad_date.returncode != 0 and "2024-02-30" in bad_date.stderr
    status = json.loads(run("status", "--json").stdout)
    assert (status["waiting"], status["queued"]) == (4, 2)
    linkage_server.faults(
        {
            "match": "POST /v1/municipal-notices",
            "action": "reject",
            "card_numbers": ["AB00000002CD"],
            "reason": "no such certificate",
        }
    )
    sent = run("send")
    assert sent.returncode == 1, sent.stderr  # a record came back
    assert "1 accepted, 1 rejected" in sent.stdout
    assert "AB********CD" in sent.stderr and "no such certificate" in sent.stderr
    assert "AB00000002CD" not in sent.stdout + sent.stderr  # cron mail: no card number
    status = json.loads(run("status", "--json").stdout)
    assert (status["sent"], status["rejected"], status["queued"]) == (1, 1, 0)
    assert status["last_send"] and status["next_send"] and status["next_fetch"]
    history = run("history")
    assert "send" in history.stdout and "receipt" in history.stdout
    assert [r["card_number"] for r in linkage_server.received_records()] == ["AB00000001CD"]


def test_unreachable_server_exits_4(run, linkage_server: LinkageServer, tmp_path: Path) -> None:
    init = run(
        "init",
        "--lasdec",
        "131041",
        "--server",
        "https://127.0.0.1:9",
        "--ca",
        str(linkage_server.ca),
        "--token",
        "x",
        "--kdf-cost",
        "low",
    )
    assert init.returncode == 0
    data = tmp_path / "terminal"
    settings = config.load(data)
    settings.server.retries = 1
    config.save(data, settings)
    fetched = run("fetch")
    assert fetched.returncode == 4
    assert "cannot connect" in fetched.stderr
