"""``renkei pdf`` as cron and an operator use it."""

from __future__ import annotations

import subprocess
from datetime import datetime
from pathlib import Path

from core.pdf import lifetime
from core.pdf.export import export_in
from tests.support.waiting import many


def _run(renkei_cmd: list[str], cli_env: dict[str, str], *args: str
         ) -> subprocess.CompletedProcess[str]:  # fmt: skip
    return subprocess.run([*renkei_cmd, "pdf", *args], capture_output=True, text=True,
                          env=cli_env, timeout=120)  # fmt: skip


def test_sweep_on_a_new_terminal_has_nothing_to_do(
    renkei_cmd: list[str], cli_env: dict[str, str], tmp_path: Path
) -> None:
    done = _run(renkei_cmd, cli_env, "--sweep", "--data", str(tmp_path / "none"))
    assert done.returncode == 0, done.stderr
    assert "削除する PDF はありません" in done.stdout
    assert not (tmp_path / "none").exists()


def test_list_and_end_of_business_sweep(
    renkei_cmd: list[str], cli_env: dict[str, str], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    made = export_in(data, many(3), now=datetime.now().astimezone(), held=False)
    assert made.path.parent == data / "pdf" and made.path.is_file()

    listed = _run(renkei_cmd, cli_env, "--list", "--data", str(data), "--lang", "en")
    assert listed.returncode == 0, listed.stderr
    assert str(made.path) in listed.stdout and "deleted at" in listed.stdout

    due = _run(renkei_cmd, cli_env, "--sweep", "--data", str(data))
    assert due.returncode == 0 and made.path.is_file()  # not yet due

    closed = _run(renkei_cmd, cli_env, "--sweep", "--end-of-business", "--data", str(data))
    assert closed.returncode == 0, closed.stderr
    assert str(made.path) in closed.stdout
    assert not made.path.exists()
    assert lifetime.active_in(data) == []


def test_bad_sort_key_and_empty_password_file_are_clear_errors(
    renkei_cmd: list[str], cli_env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "x.pdf"
    bad = _run(renkei_cmd, cli_env, "--out", str(out), "--sort", "address", "--lang", "en")
    assert bad.returncode == 1
    assert bad.stderr.startswith("renkei: unknown sort key address") and "name_kanji" in bad.stderr
    empty = tmp_path / "pw"
    empty.write_text("\n")
    nopw = _run(renkei_cmd, cli_env, "--out", str(out), "--password-file", str(empty))
    assert nopw.returncode == 1
    assert "パスワードファイル" in nopw.stderr and "Traceback" not in nopw.stderr
    assert not out.exists()
