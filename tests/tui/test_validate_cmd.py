"""``renkei validate``: exit codes and output lines, as a user runs it."""

from __future__ import annotations

import subprocess
from pathlib import Path

from core import formats
from core.reference import synth


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
        "line 4: card_made_date: no such day (month 2 has no day 31): …",
        "line 4: lasdec_code: LASDEC check digit does not match: … (the check digit should be 6)",
    ]
    assert out.stderr.strip() == f"{path}: spr file, 3 errors in 2 of 4 records"
    ja = _run(renkei_cmd, cli_env, "spr", str(path))
    assert ja.returncode == 1
    assert ja.stdout.splitlines()[1] == (
        "line 4: card_made_date: 存在しない日付です（2 月 31 日はありません）: …"
    )
    assert ja.stderr.strip() == f"{path}: spr ファイル 4 件中 2 件にエラーが 3 個あります"


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
        # 氏 is the 11th byte of line 1 (10 ASCII bytes before it)
        sjis: "the file is not UTF-8 (line 1, byte 11); save it as UTF-8 without BOM",
        moj_as_spr: "this is not a spr file: this looks like a moj file "
        "(check it with renkei validate moj)",
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
        "table 4.1.1 No. 6 status of residence code",
        f"{path}: moj file, 1 record, no errors (1 warning)",
    ]


def test_explain_lists_the_optional_readings_and_reading_r4_applies(
    renkei_cmd: list[str], cli_env: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "moj.csv"
    path.write_bytes(synth.moj_file(count=3, seed=1))
    out = _run(renkei_cmd, cli_env, "moj", str(path), "--explain", "--lang", "en")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "reading of the 別紙 tables: as printed"
    assert lines[1].startswith("  R4 (not applied) moj pattern AA, 8 sex: printed ●, read ○")
    assert "seed_001_bessi.txt line 75" in lines[1]
    out = _run(renkei_cmd, cli_env, "moj", str(path), "--explain", "--reading", "R4")
    assert out.stdout.splitlines()[0] == "別紙の表の読み方: R4"
    assert out.stdout.splitlines()[2].startswith("  R4（適用）moj パターン AB の 8 男女の別")


def test_reading_from_the_data_directory_config(
    renkei_cmd: list[str], cli_env: dict[str, str], tmp_path: Path
) -> None:
    """A record of AB that changes 男女の別: valid only under R4, chosen in config."""
    from core import config as config_mod

    data = tmp_path / "data"
    data.mkdir()
    rec = next(r for r in synth.moj_records(count=80, seed=4) if r["pattern"] == "AB")
    rec["old_sex_code"] = "2" if rec["sex_code"] == "1" else "1"
    path = tmp_path / "moj.csv"
    path.write_bytes(formats.write("moj", [rec]))
    plain = _run(renkei_cmd, cli_env, "moj", str(path), "--data", str(data), "--lang", "en")
    assert plain.returncode == 0 and "[warning]" in plain.stdout  # not carried as printed
    config = config_mod.Config()
    config.formats.readings = ["R4"]
    config_mod.save(data, config)
    read = _run(renkei_cmd, cli_env, "moj", str(path), "--data", str(data), "--lang", "en")
    assert read.returncode == 0 and "[warning]" not in read.stdout, read.stdout


def test_layout_v1_file_is_valid_with_a_warning_and_may_be_declared(
    renkei_cmd: list[str], cli_env: dict[str, str], tmp_path: Path
) -> None:
    records = [
        {c.id: r[c.id] for c in formats.layout("spr", 1)}
        for r in (c.record() for c in synth.certificates(count=2, seed=1))
    ]
    path = tmp_path / "spr.csv"
    path.write_bytes(formats.write("spr", records))
    out = _run(renkei_cmd, cli_env, "spr", str(path), "--layout", "1", "--lang", "en")
    assert out.returncode == 0, out.stdout
    moj = tmp_path / "moj.csv"
    v1 = [c.id for c in formats.layout("moj", 1)]
    moj.write_bytes(
        formats.write("moj", [{c: r[c] for c in v1} for r in synth.moj_records(count=2)])
    )
    out = _run(renkei_cmd, cli_env, "moj", str(moj), "--lang", "en")
    assert out.returncode == 0, out.stdout
    assert out.stdout.splitlines()[0].startswith(
        "file: [warning] a layout v1 file (without the columns "
    )
    out = _run(renkei_cmd, cli_env, "moj", str(moj), "--layout", "2", "--lang", "en")
    assert out.returncode == 1 and "required columns are missing: fact_text" in out.stderr
