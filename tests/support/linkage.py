"""The reference linkage server as a test peer: real HTTPS on loopback.

``LinkageServer`` runs ``core.reference`` (``runner.Running``) in a thread on a free port
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
from core.reference.runner import Running

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


# -- a terminal pointed at the server ---------------------------------------------

PASSPHRASE = "correct horse battery"
SEI = ["YAMADA", "KIM", "PARK", "LEE", "CHOI", "TANAKA", "WANG", "CHEN"]
MEI = ["TARO", "MINJUN", "SEOYEON", "JIHO", "HANA", "YUNA", "WEI", "LING"]
KANJI = ["山田", "金", "朴", "李", "崔", "田中", "王", "陳"]

SPR_COLUMNS = (
    "notice_id", "card_number", "card_made_date", "card_delivered_date", "application_text",
    "name_alpha", "name_kanji", "name_class_code", "birth_date", "sex_code", "nationality",
    "nationality_code", "address", "lasdec_code",
)  # fmt: skip


def spr_records(count: int, start: int = 0, lasdec: str = LASDEC) -> list[dict[str, str]]:
    """Synthetic certificate notices (no real people): card AB{n:08d}CD."""
    out = []
    for n in range(start, start + count):
        i = n % len(SEI)
        out.append(
            {
                "notice_id": f"SPR{n:010d}",
                "card_number": f"AB{n:08d}CD",
                "card_made_date": "20240401",
                "card_delivered_date": "",
                "application_text": "切替交付",
                "name_alpha": f"{SEI[i]} {MEI[(n // 8) % len(MEI)]}",
                "name_kanji": f"{KANJI[i]} 花子",
                "name_class_code": "2",
                "birth_date": f"19{50 + n % 50:02d}0{1 + n % 9}1{n % 10}",
                "sex_code": str(1 + n % 2),
                "nationality": "韓国",
                "nationality_code": "410",
                "address": f"東京都新宿区西新宿{1 + n % 9}丁目{n % 30 + 1}番",
                "lasdec_code": lasdec,
            }
        )
    return out


def spr_file(recs: list[dict[str, str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=SPR_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(recs)
    return out.getvalue().encode("utf-8")


def make_terminal(data_dir: Path, server: LinkageServer, **server_overrides: Any) -> Path:
    """``renkei init`` done in-process with the low scrypt cost."""
    from core.config import Config, TerminalSettings
    from core.datadir.unlock import init_vault

    settings = server.settings(**server_overrides)
    config = Config(
        terminal=TerminalSettings(lasdec=server.lasdec, terminal_id="t1"), server=settings
    )
    init_vault(data_dir, PASSPHRASE, cost="low", config=config).close()
    return data_dir


class Sleeps(list[float]):
    """A recorded ``sleep`` so retries in tests do not wait."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def terminal_dir(tmp_path: Path, linkage_server: LinkageServer) -> Path:
    return make_terminal(tmp_path / "terminal", linkage_server)
