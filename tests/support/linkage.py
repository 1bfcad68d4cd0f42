"""The reference linkage server as a test peer: real HTTPS on loopback.

``LinkageServer`` starts ``core.exchange.server`` in a thread on a free port
with its own root folder (TLS CA made at start), one terminal token, and
helpers to place MOJ notice files, inject faults and read what was received.
"""

from __future__ import annotations

import csv
import io
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from core.config import ServerSettings
from core.exchange.server import Running

LASDEC = "131041"
TOKEN = "test-token-131041"


class LinkageServer:
    def __init__(self, root: Path, lasdec: str = LASDEC, token: str = TOKEN, **options: Any):
        self.root = root
        self.lasdec = lasdec
        self.token = token
        root.mkdir(parents=True, exist_ok=True)
        (root / "tokens.toml").write_text(
            tomli_w.dumps({"terminals": {lasdec: {"token": token}}}), encoding="utf-8"
        )
        self.running = Running(root, **options)
        self._stamp = time.time_ns()

    def start(self) -> LinkageServer:
        self.running.start()
        return self

    def stop(self) -> None:
        self.running.stop()

    @property
    def url(self) -> str:
        return self.running.url

    @property
    def ca(self) -> Path:
        return self.root / "tls" / "ca.pem"

    def settings(self, **overrides: Any) -> ServerSettings:
        values: dict[str, Any] = {
            "url": self.url,
            "ca": str(self.ca),
            "token": self.token,
            "connect_timeout": 5.0,
            "read_timeout": 10.0,
            "retries": 4,
        }
        values.update(overrides)
        return ServerSettings(**values)

    # -- files -----------------------------------------------------------------

    @property
    def moj_dir(self) -> Path:
        folder = self.root / self.lasdec / "moj"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def put_notice(self, name: str, content: bytes) -> Path:
        path = self.moj_dir / name
        path.write_bytes(content)
        return path

    def received_files(self) -> list[Path]:
        folder = self.root / self.lasdec / "received"
        return sorted(folder.glob("*.csv")) if folder.is_dir() else []

    def received_records(self) -> list[dict[str, str]]:
        out: list[dict[str, str]] = []
        for path in self.received_files():
            text = path.read_bytes().decode("utf-8")
            out.extend(csv.DictReader(io.StringIO(text, newline="")))
        return out

    # -- misbehaviour ------------------------------------------------------------

    def faults(self, *rules: dict[str, Any], **top: Any) -> None:
        """Replace faults.toml (re-read by the server on every request)."""
        data: dict[str, Any] = dict(top)
        if rules:
            data["fault"] = list(rules)
        path = self.root / "faults.toml"
        path.write_text(tomli_w.dumps(data), encoding="utf-8")
        self._stamp += 1_000_000
        os.utime(path, ns=(self._stamp, self._stamp))

    def clear_faults(self) -> None:
        (self.root / "faults.toml").unlink(missing_ok=True)


@pytest.fixture
def linkage_server(tmp_path: Path) -> Iterator[LinkageServer]:
    server = LinkageServer(tmp_path / "server-root").start()
    try:
        yield server
    finally:
        server.stop()
