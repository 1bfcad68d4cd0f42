"""Read PDFs back with poppler, as a person's PDF viewer would."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise AssertionError(f"{name} (Debian package poppler-utils) is needed; run bash .ci/setup")
    return path


def pdftotext(
    pdf: Path,
    *,
    password: str | None = None,
    layout: bool = False,
    first: int | None = None,
    last: int | None = None,
    crop: tuple[float, float, float, float] | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """``pdftotext`` of ``pdf`` to stdout; raises with poppler's message if it fails
    and ``check`` is set. ``crop``: only the area (x, y, width, height) in points."""
    args = [_tool("pdftotext"), "-enc", "UTF-8"]
    if layout:
        args.append("-layout")
    if password is not None:
        args += ["-upw", password]
    if crop is not None:
        args += ["-r", "72"]
        for opt, value in zip(("-x", "-y", "-W", "-H"), crop, strict=True):
            args += [opt, str(round(value))]
    if first is not None:
        args += ["-f", str(first)]
    if last is not None:
        args += ["-l", str(last)]
    done = subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, timeout=120)
    if check and done.returncode != 0:
        raise AssertionError(f"pdftotext failed ({done.returncode}): {done.stderr}")
    return done


def text_of(pdf: Path, **kwargs: object) -> str:
    return pdftotext(pdf, **kwargs).stdout  # type: ignore[arg-type]


def page_count(pdf: Path, password: str | None = None) -> int:
    args = [_tool("pdfinfo")]
    if password is not None:
        args += ["-upw", password]
    out = subprocess.run([*args, str(pdf)], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise AssertionError(f"pdfinfo gave no page count: {out}")


def render_png(pdf: Path, out_prefix: Path, page: int = 1, dpi: int = 60) -> Path:
    """Page ``page`` as a PNG (pdftoppm); returns the file."""
    subprocess.run(
        [
            _tool("pdftoppm"),
            "-png",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(out_prefix),
        ],
        capture_output=True,
        check=True,
        timeout=120,
    )
    return out_prefix.with_suffix(".png")


def fonts_of(pdf: Path) -> str:
    return subprocess.run(
        [_tool("pdffonts"), str(pdf)], capture_output=True, text=True, check=True
    ).stdout


@dataclass(frozen=True)
class Word:
    page: int
    x0: float  # points from the left edge
    y0: float  # points from the top edge
    x1: float
    y1: float
    text: str

    @property
    def y_mid(self) -> float:
        return (self.y0 + self.y1) / 2


_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


def words(pdf: Path, password: str | None = None) -> list[Word]:
    """Every word poppler finds, with its page and box (``pdftotext -bbox``)."""
    args = [_tool("pdftotext"), "-bbox", "-enc", "UTF-8"]
    if password is not None:
        args += ["-upw", password]
    out = subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True,
                         timeout=120).stdout  # fmt: skip
    found: list[Word] = []
    for number, page in enumerate(out.split("<page ")[1:], start=1):
        for m in _WORD.finditer(page):
            x0, y0, x1, y1 = (float(v) for v in m.groups()[:4])
            found.append(Word(number, x0, y0, x1, y1, html.unescape(m.group(5))))
    return found
