"""The line connection in tests: a terminal on the reference server with
``[boundary]`` set to ``juki-sjis``, a 外字 table of the test's own, and export
and import folders; plus what the resident-record system does with them."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from core import charset, formats
from core import config as config_mod
from core.reference import synth
from core.session import Session, unlock
from tests.support.linkage import PASSPHRASE, LinkageServer, Sleeps, make_terminal

LASDEC = "131041"
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


def session(data: Path) -> Session:
    return unlock(data, PASSPHRASE, sleep=Sleeps())


def cp932_only(recs: list[dict[str, str]]) -> list[dict[str, str]]:
    """Synthetic names may hold characters outside cp932 (e.g. 𠮷): the tests
    put in exactly the ones they mean."""

    def fit(value: str) -> str:
        return "".join(c if c.encode("cp932", "ignore") else "山" for c in value)

    return [{k: fit(v) for k, v in r.items()} for r in recs]


def muni_text(count: int, seed: int = 1, kanji: str = GAIJI_CHARS[0]) -> tuple[str, list[dict]]:
    """A municipal notice file (text) of synthetic records, ``kanji`` put at the
    start of one kanji name."""
    recs = cp932_only(synth.muni_records(LASDEC, count, seed))
    named = [r for r in recs if r["name_kanji"]]
    if not named:
        recs[0].update(name_class_code="2", name_kanji="山田")
        if not recs[0]["name_alpha"]:
            recs[0]["name_alpha"] = "YAMADA HANAKO"
        named = [recs[0]]
    named[0]["name_kanji"] = f"{kanji}{named[0]['name_kanji']}"
    return formats.write("muni", recs).decode("utf-8"), recs


def drop(folder: Path, name: str, data: bytes, checksum: bool = True) -> Path:
    """What the resident-record system does: the file, then its checksum file
    (without one the file is not complete and waits, however old it is)."""
    path = folder / name
    path.write_bytes(data)
    if checksum:
        digest = hashlib.sha256(data).hexdigest()
        (folder / f"{name}.sha256").write_text(f"{digest}  {name}\n", encoding="ascii")
    else:
        old = time.time() - 60
        os.utime(path, (old, old))
    return path


@dataclass
class HeldNotice:
    """A demo terminal on the line connection (juki-sjis) and, on its server, one
    MOJ notice whose first kanji name begins with a character juki-sjis cannot
    write: the sync holds that file back."""

    config: config_mod.Config
    export_dir: Path
    import_dir: Path
    records: list[dict[str, str]]
    target: int  # index of the record with the character
    name: str  # the notice file's name (FORMATS.md form)


def demo_with_held_notice(
    demo_root: Path, data: Path, folders: Path, char: str, day: Any
) -> HeldNotice:
    export_dir, import_dir = folders / "to-juki", folders / "from-juki"
    export_dir.mkdir()
    import_dir.mkdir()
    config = config_mod.load(data)
    config.boundary = dataclasses.replace(
        config.boundary,
        linkage="line",
        encoding="juki-sjis",
        export_dir=str(export_dir),
        import_dir=str(import_dir),
    )
    config_mod.save(data, config)
    lasdec = config.terminal.lasdec
    records = cp932_only(synth.moj_records(lasdec, 5, 4, day=day))
    target = next(i for i, r in enumerate(records) if r["name_kanji"])
    records[target]["name_kanji"] = char + records[target]["name_kanji"]
    name = f"moj-{lasdec}-{day:%Y%m%d}-0009.csv"  # FORMATS.md file name
    (demo_root / "server" / lasdec / "moj" / name).write_bytes(formats.write("moj", records))
    return HeldNotice(config, export_dir, import_dir, records, target, name)
