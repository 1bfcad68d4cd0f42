"""``renkei init / passwd / rekey / audit`` as an operator runs them."""

from __future__ import annotations

import sqlite3
import subprocess
import tomllib
from pathlib import Path

import pytest

PW = "correct horse battery staple"


@pytest.fixture
def env(cli_env: dict[str, str]) -> dict[str, str]:
    cli_env["RENKEI_PASSPHRASE"] = PW
    cli_env["RENKEI_UNLOCK_DELAY"] = "0.01"
    return cli_env


def _run(cmd: list[str], env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*cmd, *args], capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=60
    )


def test_init_with_exchange_options(
    renkei_cmd: list[str], env: dict[str, str], tmp_path: Path
) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    cert, key = tmp_path / "c.pem", tmp_path / "c.key"
    cert.write_text("CERT")
    key.write_text("KEY")
    data = tmp_path / "data"
    out = _run(
        renkei_cmd,
        env,
        "init",
        "--data",
        str(data),
        "--lasdec",
        "131016",
        "--server",
        "https://127.0.0.1:8443",
        "--ca",
        str(ca),
        "--token",
        "tkn",
        "--client-cert",
        str(cert),
        "--client-key",
        str(key),
        "--kdf-cost",
        "low",
    )
    assert out.returncode == 0, out.stderr
    assert "scrypt" in out.stderr  # the low cost is said out loud
    conf = tomllib.loads((data / "config.toml").read_text())
    assert conf["terminal"]["lasdec"] == "131016" and conf["terminal"]["terminal_id"]
    assert conf["server"]["url"] == "https://127.0.0.1:8443"
    assert conf["server"]["token"] == "tkn"
    for name, src in (("ca", ca), ("client_cert", cert), ("client_key", key)):
        copied = Path(conf["server"][name])
        assert copied.parent == data / "tls" and copied.read_bytes() == src.read_bytes()
        assert oct(copied.stat().st_mode & 0o777) == "0o600"
    again = _run(renkei_cmd, env, "init", "--data", str(data), "--kdf-cost", "low")
    assert again.returncode == 3 and "renkei:" in again.stderr


def test_default_data_dir_is_xdg(renkei_cmd: list[str], env: dict[str, str]) -> None:
    out = _run(renkei_cmd, env, "init", "--kdf-cost", "low", "--lang", "en")
    assert out.returncode == 0, out.stderr
    assert (Path(env["XDG_DATA_HOME"]) / "renkei" / "keys.toml").is_file()


def test_bad_options_change_nothing(
    renkei_cmd: list[str], env: dict[str, str], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    out = _run(renkei_cmd, env, "init", "--data", str(data), "--lasdec", "13101")
    assert (
        out.returncode == 1
        and "LASDEC"
        in _run(
            renkei_cmd, env, "init", "--data", str(data), "--lasdec", "x", "--lang", "en"
        ).stderr
    )
    out = _run(renkei_cmd, env, "init", "--data", str(data), "--ca", str(tmp_path / "no"))
    assert out.returncode == 1
    assert not data.exists()


def test_no_passphrase_without_tty(
    renkei_cmd: list[str], env: dict[str, str], tmp_path: Path
) -> None:
    del env["RENKEI_PASSPHRASE"]
    out = _run(renkei_cmd, env, "init", "--data", str(tmp_path / "d"), "--lang", "en")
    assert out.returncode == 3 and "--passphrase-file" in out.stderr


def test_passwd_rekey_audit(renkei_cmd: list[str], env: dict[str, str], tmp_path: Path) -> None:
    data = str(tmp_path / "d")
    assert _run(renkei_cmd, env, "init", "--data", data, "--kdf-cost", "low").returncode == 0
    wrong = dict(env, RENKEI_PASSPHRASE="not it at all")
    out = _run(renkei_cmd, wrong, "audit", "verify", "--data", data, "--lang", "en")
    assert out.returncode == 3 and "wrong passphrase" in out.stderr
    new_pw = tmp_path / "new"
    new_pw.write_text("another fine passphrase\n")
    out = _run(renkei_cmd, env, "passwd", "--data", data, "--new-passphrase-file", str(new_pw))
    assert out.returncode == 0, out.stderr
    assert _run(renkei_cmd, env, "audit", "verify", "--data", data).returncode == 3
    pwfile = ["--passphrase-file", str(new_pw)]
    out = _run(renkei_cmd, env, "rekey", "--data", data, *pwfile)
    assert out.returncode == 0, out.stderr
    out = _run(renkei_cmd, env, "audit", "verify", "--data", data, *pwfile, "--lang", "en")
    assert out.returncode == 0 and "intact" in out.stdout
    out = _run(renkei_cmd, env, "audit", "show", "--data", data, *pwfile, "--json")
    assert out.returncode == 0
    actions = [line for line in out.stdout.splitlines() if '"vault.' in line]
    assert any('"vault.passwd"' in a for a in actions)
    assert any('"vault.rekey"' in a for a in actions)
    conn = sqlite3.connect(Path(data) / "renkei.db")
    conn.execute("UPDATE audit_log SET detail = 'forged' WHERE seq = 2")
    conn.commit()
    conn.close()
    out = _run(renkei_cmd, env, "audit", "verify", "--data", data, *pwfile, "--lang", "en")
    assert out.returncode == 1 and "entry 2" in out.stderr


def test_systemd_credential(renkei_cmd: list[str], env: dict[str, str], tmp_path: Path) -> None:
    data = str(tmp_path / "d")
    assert _run(renkei_cmd, env, "init", "--data", data, "--kdf-cost", "low").returncode == 0
    creds = tmp_path / "creds"
    creds.mkdir()
    (creds / "renkei-passphrase").write_text(PW + "\n")
    del env["RENKEI_PASSPHRASE"]
    env["CREDENTIALS_DIRECTORY"] = str(creds)
    out = _run(renkei_cmd, env, "audit", "verify", "--data", data)
    assert out.returncode == 0, out.stderr


def test_the_standard_cost_work_area_is_not_the_commands(
    env: dict[str, str], tmp_path: Path
) -> None:
    """``renkei init`` and ``renkei status`` at the standard cost (n = 2**17, r = 8):
    scrypt's work area is 128 * r * N bytes (RFC 7914 section 2), 128 MiB, which
    the key derivation's child holds, so the command's own peak (its VmHWM)
    stays below it; run in the command's process it would be above."""
    from tests.support.peak_rss import run_measured

    data = str(tmp_path / "data")
    work_area_kib = 128 * 8 * 2**17 // 1024
    for argv in (["init", "--data", data], ["status", "--data", data]):
        code, peak, output = run_measured([*argv, "--lang", "en"], env, tmp_path)
        assert code == 0, output
        assert "test/demo cost" not in output  # the standard cost (vault.kdf.low unsaid)
        assert peak < work_area_kib, f"{argv[0]}: peak RSS {peak} KiB"
