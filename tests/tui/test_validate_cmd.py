"""``renkei validate``: exit codes and output lines, as a user runs it."""

from __future__ import annotations

import subprocess
from pathlib import Path

from core import formats, synth


def _run(cmd: list[str], env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*cmd, "validate", *args], capture_output=True, text=True, env=env)


def test_valid_file_exit_0_and_one_summary_line(
    renkei_cmd: list[str], cli_env: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "moj-131016-20261120-0001.csv"
    path.write_bytes(synth.moj_file(count=120, seed=1))
    out = _run(renkei_cmd, cli_env, "moj", str(path))
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [f"{path}: moj ファイル 120 件、問題はありません"]
    out = _run(renkei_cmd, cli_env, "moj", str(path), "--lang", "en")
    assert out.stdout.splitlines() == [f"{path}: moj file, 120 records, no problems"]


def test_invalid_file_exit_1_one_line_per_problem(
    renkei_cmd: list[str], cli_env: dict[str, str], tmp_path: Path
) -> None:
    rows = [c.record() for c in synth.certificates(count=4, seed=2)]
    rows[0]["sex_code"] = "3"
    rows[2]["card_made_date"] = "20260231"
    rows[2]["lasdec_code"] = "131017"
    path = tmp_path / "spr.csv"
    path.write_bytes(formats.write("spr", rows))
    out = _run(renkei_cmd, cli_env, "spr", str(path), "--lang", "en")
    assert out.returncode == 1
    # place, column and reason; a record's values stay out of scripted output
    assert out.stdout.splitlines() == [
        "line 2: sex_code: invalid code: … (allowed: 1, 2)",
        "line 4: card_made_date: not a real Gregorian date (YYYYMMDD): …",
        "line 4: lasdec_code: LASDEC check digit does not match: … (the check digit should be 6)",
    ]
    assert out.stderr.strip() == f"{path}: spr file, 3 errors in 2 of 4 records"
    ja = _run(renkei_cmd, cli_env, "spr", str(path))
    assert ja.returncode == 1
    assert ja.stdout.splitlines()[1] == (
        "line 4: card_made_date: 実在する西暦の日付（YYYYMMDD）ではありません: …"
    )


def test_unreadable_files_are_one_clear_error(
    renkei_cmd: list[str], cli_env: dict[str, str], tmp_path: Path
) -> None:
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01")
    sjis = tmp_path / "sjis.csv"
    sjis.write_bytes("notice_id,氏名\r\n1,金\r\n".encode("cp932"))
    moj_as_spr = tmp_path / "moj.csv"
    moj_as_spr.write_bytes(synth.moj_file(count=3))
    cases = {
        binary: "not a CSV file (it contains binary data)",
        sjis: "the file is not UTF-8 (line 1, byte 10); save it as UTF-8 without BOM",
        moj_as_spr: "required columns are missing: card_made_date, card_delivered_date, "
        "application_text",
        tmp_path / "missing.csv": None,
    }
    for path, reason in cases.items():
        out = _run(renkei_cmd, cli_env, "spr", str(path), "--lang", "en")
        assert out.returncode == 1, path
        assert out.stdout == ""
        lines = out.stderr.splitlines()
        assert len(lines) == 1 and "Traceback" not in out.stderr
        if reason is None:
            assert lines == [f"renkei: file not found: {path}"]
        else:
            assert lines == [f"renkei: {path}: {reason}"]


def test_unknown_kind_is_a_usage_error(renkei_cmd: list[str], cli_env: dict[str, str]) -> None:
    out = _run(renkei_cmd, cli_env, "xyz", "file.csv")
    assert out.returncode == 2
    assert "invalid choice" in out.stderr


def test_warnings_alone_keep_exit_0(
    renkei_cmd: list[str], cli_env: dict[str, str], tmp_path: Path
) -> None:
    record = synth.Generator(3).pattern_record("moj", "A", 1, complete=True)
    record["status_code"] = "23"  # pattern A does not carry 在留資格
    path = tmp_path / "moj.csv"
    path.write_bytes(formats.write("moj", [record]))
    out = _run(renkei_cmd, cli_env, "moj", str(path), "--lang", "en")
    assert out.returncode == 0, out.stdout
    assert out.stdout.splitlines() == [
        "line 2: status_code: [warning] pattern A does not carry this item, but it has a value: "
        "在留資格コード",
        f"{path}: moj file, 1 records, no errors (1 warnings)",
    ]
