"""``renkei server`` as an administrator starts it: a subprocess on a free port."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

import tomli_w

from core.config import ServerSettings
from core.exchange.client import Client


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_server_command_makes_its_ca_and_serves(
    tmp_path: Path, renkei_cmd: list[str], cli_env: dict[str, str]
) -> None:
    root = tmp_path / "srv"
    root.mkdir()
    (root / "tokens.toml").write_text(tomli_w.dumps({"terminals": {"131041": {"token": "tk"}}}))
    (root / "131041" / "moj").mkdir(parents=True)
    (root / "131041" / "moj" / "spr-131041-20261121-0001.csv").write_bytes(b"notice_id\r\nx\r\n")
    port = _free_port()
    proc = subprocess.Popen(
        [*renkei_cmd, "server", "--root", str(root), "--port", str(port)],
        env=cli_env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        settings = ServerSettings(
            url=f"https://127.0.0.1:{port}",
            ca=str(root / "tls" / "ca.pem"),
            token="tk",
            retries=0,
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                with Client(settings) as c:
                    files = c.list_notices()
                break
            except Exception:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.2)
        assert [f.name for f in files] == ["spr-131041-20261121-0001.csv"]
        assert (root / "tls" / "ca-key.pem").stat().st_mode & 0o077 == 0
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert "ca.pem" in err
