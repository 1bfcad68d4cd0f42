"""``renkei charset import`` / ``check`` as an administrator runs them."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.core.charset.test_juki import _export


def _run(cmd: list[str], env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*cmd, *args], env=env, capture_output=True, text=True, timeout=60)


def test_import_then_check(tmp_path: Path, renkei_cmd: list[str], cli_env: dict[str, str]) -> None:
    data = str(tmp_path / "data")
    mj = tmp_path / "mji.tsv"
    mj.write_text(_export(), encoding="utf-8")
    out = _run(renkei_cmd, cli_env, "charset", "import", str(mj), "--data", data)
    assert out.returncode == 0, out.stderr
    assert "7" in out.stdout and "CC BY-SA 2.1 JP" in out.stdout
    gaiji = tmp_path / "gaiji.csv"
    gaiji.write_text("sjis,juki_code,unicode\nF040,J+845B,\n", encoding="utf-8")
    out = _run(renkei_cmd, cli_env, "charset", "import", str(gaiji), "--data", data)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "data" / "charset" / "gaiji.csv").exists()

    good = tmp_path / "good.csv"
    good.write_text("id,name_kanji\r\n1,葛\U000e0102城\r\n2,山田\r\n", encoding="utf-8")
    out = _run(renkei_cmd, cli_env, "charset", "check", str(good), "--data", data,
               "--encoding", "juki-sjis")  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "2 件" in out.stdout

    bad = tmp_path / "bad.csv"
    bad.write_text("id,name_kanji\r\n1,山田\r\n2,𠮷田\r\n", encoding="utf-8")
    out = _run(renkei_cmd, cli_env, "charset", "check", str(bad), "--data", data,
               "--encoding", "juki-sjis", "--lang", "en")  # fmt: skip
    assert out.returncode == 1
    assert f"{bad}: line 3: name_kanji: character “𠮷” (U+20BB7) has no code" in out.stdout
    assert "(position 1; 住基統一文字: J+AEAC)" in out.stdout
    assert "J+AEAC" in out.stdout  # the MJ table names its 住基統一文字 code

    # A juki-sjis file from the resident-record system: detected, decoded, checked.
    sjis = tmp_path / "muni.csv"
    sjis.write_bytes(b"id,name_kanji\r\n1,\xf0\x40\x8f\xe9\r\n2,\xf0\x41\r\n")
    out = _run(renkei_cmd, cli_env, "charset", "check", str(sjis), "--data", data,
               "--encoding", "juki-sjis")  # fmt: skip
    assert out.returncode == 1
    assert "line 3: name_kanji: 外字コード F0 41 は外字表にありません" in out.stdout


@pytest.mark.parametrize(
    ("row", "shown"),
    [
        # The J+ number read as a code point (U+AD01 is Hangul): refused.
        ("F040,J+AD01,U+AD01", "U+AD01"),
        # A form that disagrees with the table: refused, the table's form shown
        # (J+AD01 is 万 U+4E07 U+E0102 in the MJ table).
        ("F040,J+AD01,U+4E07 U+E0100", "U+4E07 U+E0102"),
    ],
)
def test_import_refuses_a_gaiji_row_that_contradicts_the_table(
    tmp_path: Path, renkei_cmd: list[str], cli_env: dict[str, str], row: str, shown: str
) -> None:
    gaiji = tmp_path / "gaiji.csv"
    gaiji.write_text(f"sjis,juki_code,unicode\n{row}\n", encoding="utf-8")
    out = _run(renkei_cmd, cli_env, "charset", "import", str(gaiji), "--data", str(tmp_path / "d"))
    assert out.returncode == 1
    assert "J+AD01" in out.stderr and shown in out.stderr and "2" in out.stderr
    assert not (tmp_path / "d" / "charset" / "gaiji.csv").exists()
