"""``renkei boundary sync`` killed (SIGKILL) between its steps: the next sync
finishes the work, and every record reaches the server exactly once."""

from __future__ import annotations

import signal
import subprocess

import pytest

from core import boundary, charset, formats
from core.exchange.ledger import KILL_ENV
from tests.support.boundary import LASDEC, Line, cp932_only, drop, muni_text, session
from tests.support.linkage import PASSPHRASE


def run_sync(
    renkei_cmd: list[str], cli_env: dict[str, str], line: Line, kill_at: str = "", *extra: str
) -> subprocess.CompletedProcess[str]:
    secret = line.data.parent / "passphrase"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    env = dict(cli_env)
    if kill_at:
        env[KILL_ENV] = kill_at
    return subprocess.run(
        [*renkei_cmd, "boundary", "sync", "--data", str(line.data), "--passphrase-file",
         str(secret), *extra],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


@pytest.mark.parametrize(
    "kill_at",
    ["boundary.import.recorded", "boundary.import.reported", "boundary.import.reported#2"],
)
def test_import_killed_mid_way_queues_each_record_once(
    line: Line, renkei_cmd: list[str], cli_env: dict[str, str], kill_at: str
) -> None:
    text, recs = muni_text(4)
    drop(line.import_dir, "a.csv", charset.encode_file(text, line.codec(), "a.csv"))
    text2, recs2 = muni_text(3, seed=7)
    drop(line.import_dir, "b.csv", charset.encode_file(text2, line.codec(), "b.csv"))
    killed = run_sync(renkei_cmd, cli_env, line, kill_at)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    finished = run_sync(renkei_cmd, cli_env, line, "", "--send")
    assert finished.returncode == 0, finished.stdout + finished.stderr
    done = line.import_dir / "done"
    assert sorted(p.name for p in done.iterdir() if p.suffix == ".csv") == ["a.csv", "b.csv"]
    assert (done / "a.csv.report.txt").is_file() and (done / "b.csv.report.txt").is_file()
    assert not [p for p in line.import_dir.iterdir() if p.is_file()]
    with session(line.data) as t:
        assert boundary.sync(t.vault).imported == ()
        assert t.send().files == 0
        assert boundary.status(t.vault).queued_files == 2
    received = sorted(r["notice_id"] for r in line.server.received_records())
    assert received == sorted(r["notice_id"] for r in recs + recs2)


@pytest.mark.parametrize("kill_at", ["boundary.export.file", "boundary.export.written"])
def test_export_killed_mid_way_leaves_whole_files_only(
    line: Line, renkei_cmd: list[str], cli_env: dict[str, str], kill_at: str
) -> None:
    from core.reference import synth

    body = formats.write("moj", cp932_only(synth.moj_records(LASDEC, 5, 9)))
    line.server.put_notice("moj-131041-20261121-0003.csv", body)
    with session(line.data) as t:
        t.fetch()
    killed = run_sync(renkei_cmd, cli_env, line, kill_at)
    assert killed.returncode == -signal.SIGKILL
    out = line.export_dir / "moj-131041-20261121-0003.csv"
    assert out.read_bytes() == charset.encode_file(body.decode(), line.codec(), out.name)
    assert not [p for p in line.export_dir.iterdir() if p.name.startswith(".tmp-")]
    finished = run_sync(renkei_cmd, cli_env, line)
    assert finished.returncode == 0, finished.stderr
    assert (line.export_dir / f"{out.name}.sha256").is_file()
    with session(line.data) as t:
        assert boundary.sync(t.vault).exported == ()
        assert boundary.status(t.vault).exported == 1
