"""``renkei boundary sync`` / ``status`` as cron runs them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from core import charset, formats
from core.reference import synth
from tests.support import boundary as support
from tests.support import linkage
from tests.support.boundary import LASDEC, Line, cp932_only, drop, muni_text
from tests.support.linkage import PASSPHRASE, LinkageServer, make_terminal

# the fixtures, under their names
line = support.line
linkage_server = linkage.linkage_server


def cli(renkei_cmd: list[str], env: dict[str, str], data: Path, *args: str):
    secret = data.parent / "passphrase"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    return subprocess.run(
        [*renkei_cmd, *args, "--data", str(data), "--passphrase-file", str(secret)],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_refuses_without_folders(
    tmp_path: Path, linkage_server: LinkageServer, renkei_cmd: list[str], cli_env: dict[str, str]
) -> None:
    data = make_terminal(tmp_path / "t", linkage_server)
    done = cli(renkei_cmd, cli_env, data, "boundary", "sync")
    assert done.returncode == 1
    assert "renkei: 連携フォルダが設定されていません" in done.stderr
    english = cli(renkei_cmd, cli_env, data, "boundary", "sync", "--lang", "en")
    assert "no boundary folder is configured" in english.stderr


def test_sync_reports_and_status_shows_what_is_held_back(
    line: Line,
    renkei_cmd: list[str],
    cli_env: dict[str, str],
) -> None:
    recs = cp932_only(synth.moj_records(LASDEC, 3, 5))
    recs[0]["address"] = "𠮷野町1番"  # U+20BB7: no code in juki-sjis with this 外字 table
    line.server.put_notice("moj-131041-20261121-0009.csv", formats.write("moj", recs))
    text, _ = muni_text(2)
    drop(line.import_dir, "in.csv", charset.encode_file(text, line.codec(), "in.csv"))
    fetched = cli(renkei_cmd, cli_env, line.data, "fetch")
    assert fetched.returncode == 0, fetched.stderr
    done = cli(renkei_cmd, cli_env, line.data, "boundary", "sync", "--send", "--lang", "en")
    assert done.returncode == 1  # one file held back
    assert "held back: moj-131041-20261121-0009.csv" in done.stderr
    assert "line 2: address:" in done.stdout and "U+20BB7" in done.stdout
    assert "taken: in.csv → accepted (2 record(s))" in done.stdout
    assert len(line.server.received_records()) == 2
    status = cli(renkei_cmd, cli_env, line.data, "boundary", "status", "--json")
    data = json.loads(status.stdout)
    assert status.returncode == 1
    assert data["queued_files"] == 1 and data["exported"] == 0
    assert data["refused"][0]["file"] == "moj-131041-20261121-0009.csv"
    assert "U+20BB7" in data["refused"][0]["problems"][0]
