"""The import folder trusts nothing it finds: a file is taken only when complete
(``sha256sum``-format checksum beside it), never through a symlink, never a
FIFO or a device, never over the size limit, and never from a folder others
can write. Each case asserts on the folder and the send queue afterwards."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from core import boundary, charset
from core.boundary.errors import BoundaryError
from tests.support.boundary import Line, drop, muni_text, session
from tests.support.linkage import PASSPHRASE
from tests.support.peak_rss import run_measured


def _encoded(line: Line, count: int, seed: int = 1) -> bytes:
    text, _ = muni_text(count, seed=seed)
    return charset.encode_file(text, line.codec(), "x.csv")


def _sum(folder: Path, name: str, data: bytes) -> None:
    digest = hashlib.sha256(data).hexdigest()
    (folder / f"{name}.sha256").write_text(f"{digest}  {name}\n", encoding="ascii")


def test_a_symlink_is_never_followed(line: Line, tmp_path: Path) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_bytes(_encoded(line, 2))
    link = line.import_dir / "link.csv"
    link.symlink_to(secret)
    _sum(line.import_dir, "link.csv", secret.read_bytes())  # even with a matching checksum
    with session(line.data) as t:
        result = boundary.sync(t.vault)
        assert result.imported == () and t.status().queued == 0
        assert [(u.name, u.params["kind"]) for u in result.unsafe] == [("link.csv", "symlink")]
        assert result.problems
        assert boundary.status(t.vault).problems
    assert link.is_symlink() and secret.read_bytes()  # left as it was
    assert not (line.import_dir / "done").exists()


def test_a_fifo_is_never_opened(line: Line) -> None:
    fifo = line.import_dir / "pipe.csv"
    os.mkfifo(fifo)
    (line.import_dir / "pipe.csv.sha256").write_text("0" * 64 + "  pipe.csv\n", encoding="ascii")
    with session(line.data) as t:
        result = boundary.sync(t.vault)  # would block forever if it opened the FIFO for reading
    assert [(u.name, u.params["kind"]) for u in result.unsafe] == [("pipe.csv", "FIFO")]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a device needs root")
def test_a_device_is_never_opened(line: Line) -> None:
    dev = line.import_dir / "null.csv"
    os.mknod(dev, 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # /dev/null's numbers
    _sum(line.import_dir, "null.csv", b"")
    with session(line.data) as t:
        result = boundary.sync(t.vault)
    assert [(u.name, u.params["kind"]) for u in result.unsafe] == [("null.csv", "device")]


def test_a_folder_others_can_write_is_refused(line: Line) -> None:
    drop(line.import_dir, "in.csv", _encoded(line, 2))
    line.import_dir.chmod(0o777)
    with session(line.data) as t, pytest.raises(BoundaryError) as caught:
        boundary.sync(t.vault)
    assert caught.value.key == "guard.import.world_writable"
    assert f"chmod o-w '{line.import_dir}'" in caught.value.message("en")
    assert (line.import_dir / "in.csv").exists()
    line.import_dir.chmod(0o755)
    with session(line.data) as t:
        assert t.status().queued == 0
        assert boundary.sync(t.vault).queued_records == 2  # fixed by the admin: taken


def test_without_a_matching_checksum_a_file_waits_however_old(line: Line) -> None:
    data = _encoded(line, 3)
    path = line.import_dir / "old.csv"
    path.write_bytes(data)
    os.utime(path, (1, 1))  # untouched for decades: still not complete
    wrong = line.import_dir / "wrong.csv"
    wrong.write_bytes(data)
    (line.import_dir / "wrong.csv.sha256").write_text("ab" * 32 + "  wrong.csv\n", "ascii")
    other = line.import_dir / "other.csv"
    other.write_bytes(data)  # a checksum line naming another file does not count
    (line.import_dir / "other.csv.sha256").write_text(
        f"{hashlib.sha256(data).hexdigest()}  old.csv\n", "ascii"
    )
    with session(line.data) as t:
        result = boundary.sync(t.vault)
        assert result.imported == ()
        assert sorted(result.waiting) == ["old.csv", "other.csv", "wrong.csv"]
        assert t.status().queued == 0
    # binary-mode sha256sum lines (" *NAME") are the same rule
    (line.import_dir / "old.csv.sha256").write_text(
        f"{hashlib.sha256(data).hexdigest()} *old.csv\n", "ascii"
    )
    with session(line.data) as t:
        assert [o.name for o in boundary.sync(t.vault).imported] == ["old.csv"]


def test_rename_rule_when_checksums_are_off(line: Line) -> None:
    import dataclasses

    from core import config as config_mod

    config = config_mod.load(line.data)
    config.limits = dataclasses.replace(config.limits, import_requires_checksum=False)
    config_mod.save(line.data, config)
    data = _encoded(line, 2)
    (line.import_dir / ".in.csv").write_bytes(data[: len(data) // 2])  # being written
    with session(line.data) as t:
        assert boundary.sync(t.vault).imported == ()
    (line.import_dir / ".in.csv").write_bytes(data)
    os.replace(line.import_dir / ".in.csv", line.import_dir / "in.csv")
    with session(line.data) as t:
        assert boundary.sync(t.vault).queued_records == 2


def test_a_huge_sparse_file_is_refused_without_reading_it(
    line: Line, cli_env: dict[str, str]
) -> None:
    import dataclasses

    from core import config as config_mod

    config = config_mod.load(line.data)
    config.limits = dataclasses.replace(config.limits, max_import_bytes=1024 * 1024)
    config_mod.save(line.data, config)
    huge = line.import_dir / "huge.csv"
    with huge.open("wb") as f:
        f.truncate(2 * 1024**3)  # 2 GB, sparse: costs no disk
    (line.import_dir / "huge.csv.sha256").write_text("0" * 64 + "  huge.csv\n", "ascii")
    secret = line.data.parent / "pass"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    argv = ["boundary", "sync", "--data", str(line.data), "--passphrase-file", str(secret)]
    code, peak, output = run_measured([*argv, "--lang", "en"], cli_env, line.data.parent)
    assert code == 1
    assert peak < 150 * 1024, f"peak RSS {peak} KiB"  # the 2 GB were never read
    assert "huge.csv" in output and "max_import_bytes" in output
    assert huge.exists() and not (line.import_dir / "done").exists()
