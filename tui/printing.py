"""Printing the 未入力 list: hand the PDF to the system's print service.

A kiosk without a desktop cannot open a PDF; CUPS (``lp``) prints it. When
``lp`` is installed and a destination is configured (``$LPDEST``,
``$PRINTER`` or the CUPS default shown by ``lpstat -d``), the PDF goes to that
printer; otherwise the PDF file is the result, as before (its path is shown).
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

ASK_PAGES = 10  # more pages than this: ask before printing (or writing) the list


@cache
def rows_per_page() -> int:
    """Rows on one page of the list, from the PDF's own layout (A4 landscape, 210 mm
    high; the header takes about three rows)."""
    raw = tomllib.loads((resources.files("core.pdf") / "layout.toml").read_text("utf-8"))
    page = raw["page"]
    usable = 210.0 - 2 * float(page["margin"]) - 3 * float(page["row_height"])
    return max(int(usable // float(page["row_height"])), 1)


def pages(rows: int) -> int:
    """About how many pages ``rows`` rows take."""
    return max(math.ceil(rows / rows_per_page()), 1)


def destination(env: dict[str, str] | None = None) -> str | None:
    """The printer to use, or ``None`` when there is no print service to hand to."""
    env = dict(os.environ) if env is None else env
    if shutil.which("lp", path=env.get("PATH")) is None:
        return None
    for name in ("LPDEST", "PRINTER"):
        if env.get(name):
            return env[name]
    lpstat = shutil.which("lpstat", path=env.get("PATH"))
    if lpstat is None:
        return None
    try:
        out = subprocess.run(
            [lpstat, "-d"], capture_output=True, text=True, timeout=10, env=env, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    # "system default destination: NAME" (CUPS, in the C locale we ask for)
    _, sep, name = out.partition(":")
    name = name.strip()
    return name if sep and name and " " not in name else None


@dataclass(frozen=True)
class Printed:
    printer: str
    job: str  # what lp said ("request id is P-12 (1 file(s))")


class PrintError(Exception):
    """``lp`` refused; the message is what it said (shown with the PDF path)."""


def print_pdf(path: Path, printer: str, env: dict[str, str] | None = None) -> Printed:
    """Hand ``path`` to ``lp -d printer``; ``PrintError`` when it refuses."""
    env = dict(os.environ) if env is None else env
    env["LC_ALL"] = "C"
    lp = shutil.which("lp", path=env.get("PATH")) or "lp"
    try:
        done = subprocess.run(
            [lp, "-d", printer, "--", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise PrintError(str(exc)) from exc
    if done.returncode != 0:
        raise PrintError((done.stderr or done.stdout).strip() or f"lp: {done.returncode}")
    return Printed(printer, done.stdout.strip())
