"""``renkei charset convert`` and ``lookup`` as an administrator runs them.

Expected codes come from the MJ文字情報一覧表 (髙 J+9AD9, 𠮷 J+AEAC, 葛 J+B9D5,
葛 U+E0102 J+845B) and the MJ縮退マップ / 別表第四 (边 → 辺 J+8FBA)."""

from __future__ import annotations

import subprocess
from pathlib import Path


def _run(cmd: list[str], env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*cmd, "charset", *args], env=env, capture_output=True, text=True,
                          timeout=60)  # fmt: skip


def test_utf8_to_juki_and_back_byte_exact(
    tmp_path: Path, renkei_cmd: list[str], cli_env: dict[str, str]
) -> None:
    data = str(tmp_path / "data")
    source = tmp_path / "in.csv"
    text = "id,name_kanji\r\n1,髙橋\r\n2,𠮷田 葛\U000e0102西\r\n"
    source.write_bytes(text.encode("utf-8"))
    juki = tmp_path / "out.juki"
    out = _run(renkei_cmd, cli_env, "convert", "--from", "utf-8", "--to", "juki",
               str(source), str(juki), "--data", data)  # fmt: skip
    assert out.returncode == 0, out.stderr
    expected = "id,name_kanji\r\n1,".encode("utf-16-be") + bytes.fromhex(
        "9AD9 6A4B 000D 000A 0032 002C AEAC 7530 0020 845B 897F 000D 000A"
    )
    assert juki.read_bytes() == expected
    back = tmp_path / "back.csv"
    out = _run(renkei_cmd, cli_env, "convert", "--from", "juki", "--to", "utf-8",
               str(juki), str(back), "--data", data)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert back.read_bytes() == text.encode("utf-8")


def test_nothing_is_written_on_a_problem_unless_partial(
    tmp_path: Path, renkei_cmd: list[str], cli_env: dict[str, str]
) -> None:
    data = str(tmp_path / "data")
    source = tmp_path / "in.csv"
    source.write_text("id,name_kanji\r\n1,山田\r\n2,边 小龙\r\n3,葛\r\n", encoding="utf-8")
    target = tmp_path / "out.juki"
    out = _run(renkei_cmd, cli_env, "convert", "--from", "utf-8", "--to", "juki",
               str(source), str(target), "--data", data, "--lang", "en")  # fmt: skip
    assert out.returncode == 1
    assert not target.exists()
    lines = out.stdout.splitlines()
    assert lines[0].startswith(f"{source}: line 3: name_kanji: character “边” (U+8FB9)")
    assert "position 1; 住基統一文字: J+8FBA J+908A J+9089" in lines[0]
    assert "character “龙” (U+9F99)" in lines[1] and "position 4" in lines[1]
    assert "nothing was written" in out.stderr

    out = _run(renkei_cmd, cli_env, "convert", "--from", "utf-8", "--to", "juki", "--partial",
               str(source), str(target), "--data", data)  # fmt: skip
    assert out.returncode == 1
    assert target.read_bytes() == "id,name_kanji\r\n1,山田\r\n3,".encode(
        "utf-16-be"
    ) + bytes.fromhex("B9D5 000D 000A")


def test_juki_file_with_unknown_codes_is_reported_by_record(
    tmp_path: Path, renkei_cmd: list[str], cli_env: dict[str, str]
) -> None:
    source = tmp_path / "muni.juki"
    source.write_bytes("id,name_kanji\r\n1,".encode("utf-16-be") + bytes.fromhex("E005 000D 000A"))
    out = _run(renkei_cmd, cli_env, "convert", "--from", "juki", "--to", "utf-8",
               str(source), str(tmp_path / "o.csv"), "--data", str(tmp_path / "d"))  # fmt: skip
    assert out.returncode == 1
    assert "line 2: name_kanji: 外字コード E005 は外字表にありません" in out.stdout
    assert not (tmp_path / "o.csv").exists()


def test_lookup_by_character_code_and_code_point(
    tmp_path: Path, renkei_cmd: list[str], cli_env: dict[str, str]
) -> None:
    data = str(tmp_path / "d")
    out = _run(renkei_cmd, cli_env, "lookup", "葛", "--data", data, "--lang", "en")
    assert out.returncode == 0
    assert out.stdout.startswith(
        "J+B9D5  MJ022336  葛 (U+845B)  also: 葛\U000e0103 (U+845B U+E0103)"
    )
    out = _run(renkei_cmd, cli_env, "lookup", "J+845B", "--data", data, "--lang", "en")
    assert out.stdout.startswith("J+845B  MJ022335  葛\U000e0102 (U+845B U+E0102)")
    out = _run(renkei_cmd, cli_env, "lookup", "U+20BB7", "--data", data, "--lang", "en")
    assert (
        out.stdout.startswith("J+AEAC  MJ032129  𠮷 (U+20BB7)") and "search form: 吉" in out.stdout
    )
    out = _run(renkei_cmd, cli_env, "lookup", "边", "--data", data, "--lang", "en")
    assert out.returncode == 1
    assert "not in 住基統一文字" in out.stdout and "J+8FBA 辺, J+908A 邊" in out.stdout
    out = _run(renkei_cmd, cli_env, "lookup", "J+FFFF", "--data", data, "--lang", "en")
    assert out.returncode == 1 and "J+FFFF" in out.stderr


def test_check_reads_a_juki_file(
    tmp_path: Path, renkei_cmd: list[str], cli_env: dict[str, str]
) -> None:
    source = tmp_path / "muni.juki"
    source.write_bytes("id,name_kanji\r\n1,".encode("utf-16-be") + bytes.fromhex("9AD9 000D 000A"))
    out = _run(renkei_cmd, cli_env, "check", str(source), "--encoding", "juki",
               "--data", str(tmp_path / "d"), "--lang", "en")  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    assert "all 1 record(s) can be read in juki" in out.stdout


def test_validate_warns_about_names_outside_the_repertoire(
    tmp_path: Path, renkei_cmd: list[str], cli_env: dict[str, str]
) -> None:
    from core import formats
    from core.reference import synth

    recs = [c.record() for c in synth.certificates(count=3, seed=2)]
    recs[1].update(name_kanji="边 小龙", name_class_code="2", name_alpha="BIAN XIAOLONG")
    path = tmp_path / "spr.csv"
    path.write_bytes(formats.write("spr", recs))
    out = subprocess.run([*renkei_cmd, "validate", "spr", str(path), "--lang", "en"], env=cli_env,
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert out.returncode == 0  # warnings: the file is still good for the MOJ side
    assert out.stdout.splitlines()[:2] == [
        "line 3: name_kanji: [warning] character “…” (U+8FB9) at position 1 is not in "
        "住基統一文字 (suggested: J+8FBA J+908A J+9089); it needs a decision before it goes "
        "to the resident-record system (renkei charset review)",
        "line 3: name_kanji: [warning] character “…” (U+9F99) at position 4 is not in "
        "住基統一文字 (suggested: -); it needs a decision before it goes "
        "to the resident-record system (renkei charset review)",
    ]
