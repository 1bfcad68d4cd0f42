"""A terminal on the reference server with the line connection configured:
``juki-sjis`` with a 外字 table of the test's own, export and import folders."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import pytest

from core import charset
from core import config as config_mod
from tests.support.linkage import LinkageServer, linkage_server, make_terminal

__all__ = ["Line", "line", "linkage_server"]

# Two 外字 of the test's own: a non-BMP kanji and a base + IVS.
GAIJI = "sjis,juki_code,unicode\nF040,,𩸽\nF041,,U+845B U+E0100\n"
GAIJI_CHARS = ("𩸽", "葛\U000e0100")


@dataclass
class Line:
    server: LinkageServer
    data: Path
    export_dir: Path
    import_dir: Path
    gaiji: Path

    def codec(self) -> charset.Codec:
        return charset.load_tables(self.data).codec


@pytest.fixture
def line(tmp_path: Path, linkage_server: LinkageServer) -> Line:
    data = make_terminal(tmp_path / "terminal", linkage_server)
    folders = tmp_path / "juki"
    export_dir, import_dir = folders / "to-juki", folders / "from-juki"
    export_dir.mkdir(parents=True)
    import_dir.mkdir(parents=True)
    gaiji = tmp_path / "gaiji.csv"
    gaiji.write_text(GAIJI, encoding="utf-8")
    config = config_mod.load(data)
    config.boundary = dataclasses.replace(
        config.boundary,
        linkage="line",
        encoding="juki-sjis",
        gaiji_table=str(gaiji),
        export_dir=str(export_dir),
        import_dir=str(import_dir),
    )
    config_mod.save(data, config)
    return Line(linkage_server, data, export_dir, import_dir, gaiji)
