"""Where the list's fonts are on this machine.

The fonts come from Debian packages that the project's set-up installs
(``fonts.toml`` names them), so the PDF never depends on what else happens to
be installed. A font is taken from a known path first (no subprocess), then
from fontconfig, and fontconfig's answer is only accepted when it names the
family asked for: ``fc-match`` always answers something, often a substitute
without a single Japanese glyph.
"""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from core.errors import RenkeiError


@dataclass(frozen=True)
class FontSpec:
    """One font of the list as ``fonts.toml`` describes it."""

    family: str  # the fpdf2 font id
    name: str  # fontconfig family name
    package: str  # Debian package that installs it
    licence: str
    index: int  # face number in a TTC collection
    paths: tuple[str, ...]


@dataclass(frozen=True)
class FontFile:
    """A font found on this machine."""

    spec: FontSpec
    path: Path
    index: int


@cache
def specs() -> tuple[FontSpec, ...]:
    """The fonts in print order: primary first, then fallbacks."""
    text = (resources.files(__package__) / "fonts.toml").read_text(encoding="utf-8")
    return tuple(
        FontSpec(
            family=raw["family"],
            name=raw["name"],
            package=raw["package"],
            licence=raw["licence"],
            index=int(raw.get("index", 0)),
            paths=tuple(raw.get("paths", ())),
        )
        for raw in tomllib.loads(text)["font"]
    )


def _fc_match(name: str) -> tuple[Path, int] | None:
    """fontconfig's file for ``name``, or None when it only offers a substitute."""
    fc = shutil.which("fc-match")
    if fc is None:
        return None
    try:
        out = subprocess.run(
            [fc, "-f", "%{file}\\n%{family}\\n%{index}\\n", name],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return None
    if len(out) < 3 or not out[0]:
        return None
    families = {f.strip().casefold() for f in out[1].split(",")}
    if name.casefold() not in families:
        return None
    try:
        index = int(out[2])
    except ValueError:
        index = 0
    return Path(out[0]), index


def locate(spec: FontSpec) -> FontFile:
    """The file of ``spec`` on this machine; a clear error naming the package if none."""
    for candidate in spec.paths:
        path = Path(candidate)
        if path.is_file():
            return FontFile(spec, path, spec.index)
    found = _fc_match(spec.name)
    if found is not None and found[0].is_file():
        return FontFile(spec, found[0], found[1])
    raise RenkeiError("pdf.font.missing", font=spec.name, package=spec.package)


@cache
def locate_all() -> tuple[FontFile, ...]:
    """Every font of the list, primary first (found once per process)."""
    return tuple(locate(spec) for spec in specs())
