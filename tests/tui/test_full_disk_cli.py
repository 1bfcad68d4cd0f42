"""A full disk under the data directory (issue 12, finding 9), for real: a small
tmpfs the test mounts (we are root, as in tests/core/test_full_disk.py).
Every command that only reads still works; every command that writes ends
with the disk-full message and exit 1, never 70; with space back, the day goes
on from a consistent state."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.linkage import (
    PASSPHRASE,
    LinkageServer,
    linkage_server,
    make_terminal,
    spr_file,
    spr_records,
)
from tests.support.mounts import small_tmpfs

__all__ = ["linkage_server"]
SIZE = "6m"


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[Path]:
    with small_tmpfs(tmp_path / "mnt", SIZE) as mount:
        yield mount


def _fill(folder: Path) -> Path:
    filler = folder / "filler"
    try:
        with filler.open("wb") as f:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
    except OSError:
        pass
    return filler


def test_reading_works_and_writing_refuses_clearly_on_a_full_disk(
    small_fs: Path,
    linkage_server: LinkageServer,
    renkei_cmd: list[str],
    cli_env: dict[str, str],
) -> None:
    people = spr_records(6)
    linkage_server.put_notice("spr-131041-20261121-0001.csv", spr_file(people))
    data = make_terminal(small_fs / "t", linkage_server)
    env = dict(cli_env, RENKEI_PASSPHRASE=PASSPHRASE)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*renkei_cmd, *args, "--data", str(data), "--lang", "en"],
            env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    assert run("fetch").returncode == 0
    assert run("enter", people[0]["card_number"], "2024-05-01").returncode == 0
    linkage_server.put_notice("spr-131041-20261122-0001.csv", spr_file(spr_records(2, 10)))
    filler = _fill(small_fs)

    status = run("status", "--json")
    assert status.returncode == 0, status.stderr
    assert (json.loads(status.stdout)["waiting"], json.loads(status.stdout)["queued"]) == (5, 1)
    listed = run("list", "--csv")
    assert listed.returncode == 0, listed.stderr
    assert all(p["card_number"] in listed.stdout for p in people)
    for args in (
        ("history",),
        ("inbox",),
        ("audit", "verify"),
        ("audit", "show"),
        ("pdf", "--list"),
    ):
        done = run(*args)
        assert done.returncode == 0, (args, done.stderr)

    for args in (
        ("enter", people[1]["card_number"], "2024-05-02"),
        ("send",),
        ("fetch",),
    ):
        done = run(*args)
        assert done.returncode == 1, (args, done.returncode, done.stderr)
        assert "disk" in done.stderr and "unexpected" not in done.stderr, done.stderr

    filler.unlink()  # space back: the day goes on from where it was
    assert run("send").returncode == 0
    assert run("fetch").returncode == 0
    after = json.loads(run("status", "--json").stdout)
    assert (after["waiting"], after["queued"], after["sent"]) == (7, 0, 1)
    assert [r["card_number"] for r in linkage_server.received_records()] == [
        people[0]["card_number"]
    ]
    assert run("audit", "verify").returncode == 0
