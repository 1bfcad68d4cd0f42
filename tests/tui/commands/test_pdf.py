"""``renkei pdf`` as cron and an operator use it."""

from __future__ import annotations

import subprocess
from datetime import datetime
from pathlib import Path

from core.pdf import lifetime
from core.session import Session, unlock
from tests.support.linkage import (
    PASSPHRASE,
    LinkageServer,
    linkage_server,
    spr_file,
    spr_records,
    terminal_dir,
)
from tests.support.poppler import pdftotext, text_of
from tests.support.vault import new_vault
from tests.support.waiting import many

__all__ = ["linkage_server", "terminal_dir"]  # fixtures


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
    with Session(new_vault(data)) as terminal:
        made = terminal.export_pdf(many(3), datetime.now().astimezone(), held=False)
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


def test_out_prints_the_terminals_list_and_says_when_it_goes(
    linkage_server: LinkageServer,
    terminal_dir: Path,
    renkei_cmd: list[str],
    cli_env: dict[str, str],
    tmp_path: Path,
) -> None:
    recs = spr_records(16)
    recs[9]["name_kanji"] = "金\U0002a6a5 花子"  # a character in neither font
    name = f"spr-{linkage_server.lasdec}-20261121-0001.csv"
    linkage_server.put_notice(name, spr_file(recs))
    with unlock(terminal_dir, PASSPHRASE) as terminal:
        assert terminal.fetch().waiting_added == 16
    phrase = tmp_path / "passphrase"
    phrase.write_text(PASSPHRASE)
    secret = tmp_path / "pdf-password"
    secret.write_text("kofu-2026\n")
    out = tmp_path / "list.pdf"

    done = _run(renkei_cmd, cli_env, "--out", str(out), "--data", str(terminal_dir),
                "--passphrase-file", str(phrase), "--password-file", str(secret),
                "--filter", "KIM", "--sort", "name_kanji")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"PDF を出力しました: {out}（2件、1ページ）" in done.stdout
    assert "自動削除されます" in done.stdout and "AES-256" in done.stdout
    assert "U+2A6A5" in done.stderr and recs[9]["card_number"] in done.stderr

    assert pdftotext(out, check=False).returncode != 0
    text = text_of(out, password="kofu-2026")
    kims = [r for r in recs if r["name_alpha"].startswith("KIM ")]
    assert len(kims) == 2
    for r in kims:
        assert r["card_number"] in text and r["name_alpha"] in text
    assert "[U+2A6A5]" in text and "抽出条件： KIM" in text
    assert recs[2]["card_number"] not in text
    assert [r.path for r in lifetime.active_in(terminal_dir)] == [out]
    with unlock(terminal_dir, PASSPHRASE) as terminal:
        logged = [e for e in terminal.vault.audit.entries() if e.action == "pdf.export"]
    assert len(logged) == 1 and f"path={out} rows=2 filtered=yes encrypted=yes" in logged[0].detail
    assert "KIM" not in logged[0].detail  # the filter may be a name: not logged
