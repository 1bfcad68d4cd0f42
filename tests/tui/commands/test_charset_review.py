"""``renkei charset review``: a notice with a name outside 住基統一文字 is held back,
an operator decides the character (audited), and the file then goes out with the
decision applied — to later files too. 边 (U+8FB9) → 辺 J+8FBA is the first
suggestion of 法務省告示582号 別表第四 in the MJ縮退マップ."""

from __future__ import annotations

import subprocess
from pathlib import Path

from core import formats
from core.reference import synth
from tests.support import boundary as support
from tests.support import linkage
from tests.support.boundary import LASDEC, Line, cp932_only
from tests.support.linkage import PASSPHRASE

line = support.line
linkage_server = linkage.linkage_server


def cli(renkei_cmd: list[str], env: dict[str, str], data: Path, *args: str):
    secret = data.parent / "passphrase"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    return subprocess.run(
        [*renkei_cmd, *args, "--data", str(data), "--passphrase-file", str(secret), "--lang", "en"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def _notice(line: Line, name: str, kanji: str, seed: int) -> None:
    recs = cp932_only(synth.moj_records(LASDEC, 2, seed))
    recs[0].update(name_class_code="2", name_kanji=kanji, name_alpha=recs[0]["name_alpha"] or "A")
    line.server.put_notice(name, formats.write("moj", recs))


def test_review_decide_and_the_file_goes_out(
    line: Line, renkei_cmd: list[str], cli_env: dict[str, str]
) -> None:
    _notice(line, "moj-131041-20261121-0001.csv", "边 小花", 5)
    assert cli(renkei_cmd, cli_env, line.data, "fetch").returncode == 0
    held = cli(renkei_cmd, cli_env, line.data, "boundary", "sync")
    assert held.returncode == 1 and not list(line.export_dir.glob("*.csv"))

    listed = cli(renkei_cmd, cli_env, line.data, "charset", "review", "list")
    assert listed.returncode == 1
    assert listed.stdout.startswith("边 (U+8FB9)  1 occurrence(s)  suggested: J+8FBA 辺")
    assert "moj-131041-20261121-0001.csv line 2 name_kanji" in listed.stdout

    # Something that is no decision changes nothing.
    wrong = cli(renkei_cmd, cli_env, line.data, "charset", "review", "decide", "辺",
                "--use", "J+8FBA")  # fmt: skip
    assert wrong.returncode == 1 and "nothing to decide" in wrong.stderr
    assert not (line.data / "charset" / "decisions.csv").exists()

    done = cli(renkei_cmd, cli_env, line.data, "charset", "review", "decide", "U+8FB9",
               "--use", "J+8FBA")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "written as J+8FBA 辺" in done.stdout
    audit = cli(renkei_cmd, cli_env, line.data, "audit", "show", "--json")
    assert '"action": "charset.review.decide"' in audit.stdout
    assert '"record": "U+8FB9"' in audit.stdout and "use J+8FBA U+8FBA" in audit.stdout

    sent = cli(renkei_cmd, cli_env, line.data, "boundary", "sync")
    assert sent.returncode == 0, sent.stdout + sent.stderr
    out = (line.export_dir / "moj-131041-20261121-0001.csv").read_bytes().decode("cp932")
    assert "辺 小花" in out and "边" not in out
    again = cli(renkei_cmd, cli_env, line.data, "charset", "review", "list")
    assert again.returncode == 0 and "no character is waiting" in again.stdout

    # A later file with the same character goes out at once.
    _notice(line, "moj-131041-20261121-0002.csv", "王 边", 6)
    assert cli(renkei_cmd, cli_env, line.data, "fetch").returncode == 0
    assert cli(renkei_cmd, cli_env, line.data, "boundary", "sync").returncode == 0
    later = (line.export_dir / "moj-131041-20261121-0002.csv").read_bytes().decode("cp932")
    assert "王 辺" in later


def test_review_registers_a_gaiji(
    line: Line, renkei_cmd: list[str], cli_env: dict[str, str]
) -> None:
    _notice(line, "moj-131041-20261121-0003.csv", "鿰田", 7)  # U+9FF0: no J+ code
    assert cli(renkei_cmd, cli_env, line.data, "fetch").returncode == 0
    assert cli(renkei_cmd, cli_env, line.data, "boundary", "sync").returncode == 1
    done = cli(renkei_cmd, cli_env, line.data, "charset", "review", "decide", "鿰",
               "--gaiji", "F042")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert line.gaiji.read_text(encoding="utf-8").endswith("F042,,U+9FF0\n")
    assert cli(renkei_cmd, cli_env, line.data, "boundary", "sync").returncode == 0
    data = (line.export_dir / "moj-131041-20261121-0003.csv").read_bytes()
    assert b"\xf0\x42\x93\x63" in data  # 外字 F042, then 田 (cp932 93 63)


def test_boundary_export_in_juki(
    line: Line, renkei_cmd: list[str], cli_env: dict[str, str]
) -> None:
    import dataclasses

    from core import config as config_mod

    config = config_mod.load(line.data)
    config.boundary = dataclasses.replace(config.boundary, encoding="juki")
    config_mod.save(line.data, config)
    _notice(line, "moj-131041-20261121-0004.csv", "髙橋 葛\U000e0102", 8)
    assert cli(renkei_cmd, cli_env, line.data, "fetch").returncode == 0
    done = cli(renkei_cmd, cli_env, line.data, "boundary", "sync")
    assert done.returncode == 0, done.stdout + done.stderr
    data = (line.export_dir / "moj-131041-20261121-0004.csv").read_bytes()
    # 髙 J+9AD9, 橋 J+6A4B, space, 葛 U+E0102 J+845B (MJ文字情報一覧表); CRLF as 000D 000A
    assert bytes.fromhex("9AD9 6A4B 0020 845B") in data
    assert data.endswith(bytes.fromhex("000D 000A"))
    from core import charset

    text, bad = charset.make_codec("juki").decode(data)
    assert bad == [] and "髙橋 葛\U000e0102" in text
