"""``renkei bundle export`` on one data directory, ``import`` on another."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import tomli_w


def _run(cmd: list[str], env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*cmd, *args], env=env, capture_output=True, text=True, timeout=120)


def _data_dir(root: Path, name: str, boundary: dict[str, str]) -> Path:
    data = root / name
    data.mkdir()
    config = {"terminal": {"lasdec": "131016", "terminal_id": name}, "boundary": boundary}
    (data / "config.toml").write_text(tomli_w.dumps(config), encoding="utf-8")
    return data


def test_usb_round_trip_between_two_data_directories(
    tmp_path: Path, renkei_cmd: list[str], cli_env: dict[str, str]
) -> None:
    outbox = tmp_path / "juki-out"
    outbox.mkdir()
    (outbox / "muni-131016-20240401171500-0a1b2c3d.csv").write_bytes(b"notice_id\r\nX\r\n")
    (outbox / "muni-131016-20240401171501-0a1b2c3e.csv").write_bytes(b"notice_id\r\nY\r\n")
    juki_side = _data_dir(tmp_path, "juki-side", {"export_dir": str(outbox)})
    inbox = tmp_path / "terminal-in"
    inbox.mkdir()
    terminal = _data_dir(tmp_path, "terminal", {"import_dir": str(inbox)})
    stick = tmp_path / "stick"
    stick.mkdir()
    secret = tmp_path / "transfer.txt"
    secret.write_text("agreed transfer phrase\n", encoding="utf-8")

    out = _run(renkei_cmd, cli_env, "bundle", "export", "--data", str(juki_side),
               "--to", str(stick), "--from", str(outbox),
               "--transfer-passphrase-file", str(secret))  # fmt: skip
    assert out.returncode == 0, out.stderr
    [rkb] = list(stick.glob("renkei-131016-*.rkb"))
    assert str(rkb) in out.stdout

    env = {**cli_env, "RENKEI_TRANSFER_PASSPHRASE": "agreed transfer phrase"}
    out = _run(renkei_cmd, env, "bundle", "import", str(rkb), "--data", str(terminal))
    assert out.returncode == 0, out.stderr
    assert sorted(p.read_bytes() for p in inbox.glob("*.csv")) == [
        b"notice_id\r\nX\r\n",
        b"notice_id\r\nY\r\n",
    ]
    for path in inbox.glob("*.csv"):  # each with its sha256sum line: complete for the import
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert (inbox / f"{path.name}.sha256").read_text() == f"{digest}  {path.name}\n"
    out = _run(
        renkei_cmd, env, "bundle", "import", str(rkb), "--data", str(terminal), "--lang", "en"
    )
    assert out.returncode == 0 and "nothing changed" in out.stdout

    bad_env = {**cli_env, "RENKEI_TRANSFER_PASSPHRASE": "a wrong phrase"}
    other = tmp_path / "other-in"
    other.mkdir()
    out = _run(renkei_cmd, bad_env, "bundle", "import", str(rkb), "--data", str(terminal),
               "--to", str(other))  # fmt: skip
    assert out.returncode == 1 and "転送用パスフレーズが違う" in out.stderr
    assert list(other.iterdir()) == []


def test_received_notices_go_out_converted_and_only_once(
    tmp_path: Path, renkei_cmd: list[str], cli_env: dict[str, str]
) -> None:
    from core.config import BoundarySettings, Config, TerminalSettings
    from tests.core.test_bundle import stored_notice
    from tests.support.vault import PASSPHRASE, new_vault

    data = tmp_path / "terminal"
    config = Config(
        terminal=TerminalSettings(lasdec="131016", terminal_id="t1"),
        boundary=BoundarySettings(encoding="juki-sjis"),
    )
    with new_vault(data, config=config) as vault:
        stored_notice(vault, "f1", "moj-131016-20240401-0001.csv", "id,name_kanji\r\n1,髙橋\r\n")
        stored_notice(vault, "f2", "moj-131016-20240401-0002.csv", "id,name_kanji\r\n2,𠀋\r\n")
    env = {**cli_env, "RENKEI_PASSPHRASE": PASSPHRASE, "RENKEI_TRANSFER_PASSPHRASE": "agreed!!"}
    stick = tmp_path / "stick"
    stick.mkdir()
    out = _run(renkei_cmd, env, "bundle", "export", "--data", str(data), "--to", str(stick))
    assert out.returncode == 1  # one file could not be converted: reported, left out
    # place, column, reason and U+ code; never the character itself (cron mail)
    assert "moj-131016-20240401-0002.csv: line 2: name_kanji: 文字「…」(U+2000B)" in out.stdout
    assert "𠀋" not in out.stdout + out.stderr
    [rkb] = list(stick.glob("*.rkb"))
    juki = tmp_path / "juki-in"
    juki.mkdir()
    out = _run(renkei_cmd, env, "bundle", "import", str(rkb), "--data", str(tmp_path / "juki"),
               "--to", str(juki), "--lasdec", "131016")  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert (
        juki / "moj-131016-20240401-0001.csv"
    ).read_bytes() == "id,name_kanji\r\n1,髙橋\r\n".encode("cp932")
    assert not (juki / "moj-131016-20240401-0002.csv").exists()
    # The next export carries nothing already carried.
    out = _run(renkei_cmd, env, "bundle", "export", "--data", str(data), "--to", str(stick))
    assert "新しく持ち出す法務省通知はありません" in out.stdout
    assert len(list(stick.glob("*.rkb"))) == 1


def test_a_large_bundle_is_taken_in_streaming(
    tmp_path: Path, renkei_cmd: list[str], cli_env: dict[str, str]
) -> None:
    """A 96 MiB bundle (under a raised limit) taken by a process whose peak RSS
    stays far below the bundle: the files stream to disk, one chunk in memory."""
    import os

    from core import bundle
    from tests.support.peak_rss import run_measured

    size = 96 * 1024 * 1024
    body = os.urandom(1024 * 1024) * 96  # incompressible enough; built in this process
    key = bundle.transfer_key("agreed transfer phrase", "131016")
    stick = tmp_path / "stick"
    stick.mkdir()
    rkb = bundle.export_bundle([("big.csv", body)], stick, key, "131016", "from-juki")
    del body
    inbox = tmp_path / "in"
    inbox.mkdir()
    terminal = _data_dir(tmp_path, "terminal", {"import_dir": str(inbox)})
    config = (terminal / "config.toml").read_text(encoding="utf-8")
    (terminal / "config.toml").write_text(
        config + f"\n[limits]\nmax_bundle_bytes = {2 * size}\n", encoding="utf-8"
    )
    env = {**cli_env, "RENKEI_TRANSFER_PASSPHRASE": "agreed transfer phrase"}
    argv = ["bundle", "import", str(rkb), "--data", str(terminal)]
    code, peak, output = run_measured(argv, env, tmp_path)
    assert code == 0, output
    assert (inbox / "big.csv").stat().st_size == size
    # the transfer key's scrypt alone takes 64 MiB: the bundle adds next to nothing
    assert peak < 140 * 1024, f"peak RSS {peak} KiB for a 96 MiB bundle"
    assert not [p for p in inbox.iterdir() if p.name.startswith(".tmp-")]
