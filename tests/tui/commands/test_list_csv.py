"""``renkei list --csv`` for a clerk who opens it in a spreadsheet: a cell that
starts with = + - @ tab or CR is written with a leading ' (OWASP "CSV
Injection"); ``--no-formula-escape`` gives the stored text for scripts."""

from __future__ import annotations

import csv
import io
import subprocess
from pathlib import Path

from tests.support.linkage import (
    PASSPHRASE,
    LinkageServer,
    linkage_server,
    make_terminal,
    spr_file,
    spr_records,
)

__all__ = ["linkage_server"]

PLANTED = {
    "name_kanji": '=HYPERLINK("http://example.invalid/","山田")',
    "application_text": "+cmd|' /C calc'!A0",
    "address": "@SUM(1+1)東京都",
}


def test_formulas_are_escaped_unless_asked(
    tmp_path: Path, linkage_server: LinkageServer, renkei_cmd: list[str], cli_env: dict[str, str]
) -> None:
    recs = spr_records(3)
    recs[0].update(PLANTED)
    recs[1]["address"] = "-1+1東京都"
    recs[2]["application_text"] = "-再交付"
    linkage_server.put_notice("spr-131041-20261121-0001.csv", spr_file(recs))
    data = make_terminal(tmp_path / "t", linkage_server)
    env = dict(cli_env, RENKEI_PASSPHRASE=PASSPHRASE)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*renkei_cmd, *args, "--data", str(data)],
            env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip

    assert run("fetch").returncode == 0
    safe = {r["card_number"]: r for r in csv.DictReader(io.StringIO(run("list", "--csv").stdout))}
    first = safe["AB00000000CD"]
    assert first["name_kanji"] == "'" + PLANTED["name_kanji"]
    assert first["application_text"] == "'" + PLANTED["application_text"]
    assert first["address"] == "'" + PLANTED["address"]
    assert safe["AB00000001CD"]["address"] == "'-1+1東京都"
    assert safe["AB00000002CD"]["application_text"] == "'-再交付"
    assert safe["AB00000001CD"]["name_kanji"] == recs[1]["name_kanji"]  # others untouched
    raw_out = run("list", "--csv", "--no-formula-escape").stdout
    raw = {r["card_number"]: r for r in csv.DictReader(io.StringIO(raw_out))}
    assert raw["AB00000000CD"]["name_kanji"] == PLANTED["name_kanji"]
    assert raw["AB00000002CD"]["application_text"] == "-再交付"
