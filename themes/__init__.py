"""The TUI's looks: four themes, each a Textual theme plus a ``.tcss`` file.

``default`` for ordinary terminals, ``ansi16`` (the terminal's own 16 colours,
chosen automatically for ``TERM=linux`` consoles), ``mono`` (no colour, chosen
when ``NO_COLOR`` is set) and ``contrast`` (high contrast). ``base.tcss`` holds
the layout every theme shares; ``ascii.tcss`` replaces box-drawing borders for
consoles without those glyphs. Choosing a theme imports nothing from Textual.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


@cache
def palettes() -> dict[str, dict[str, Any]]:
    """Each theme's colours (``palettes.toml``), in the order the settings list them."""
    return tomllib.loads((HERE / "palettes.toml").read_text(encoding="utf-8"))


NAMES = tuple(palettes())  # default, ansi16, mono, contrast


def choose(setting: str = "auto", env: Mapping[str, str] | None = None) -> str:
    """The theme to use: the configured one, or for ``auto`` the terminal's best."""
    if setting in NAMES:
        return setting
    env = os.environ if env is None else env
    if "NO_COLOR" in env:
        return "mono"
    if kernel_console(env):
        return "ansi16"
    return "default"


def kernel_console(env: Mapping[str, str] | None = None) -> bool:
    """A Linux/BSD kernel console: 16 colours, a font without box glyphs or kanji."""
    env = os.environ if env is None else env
    term = env.get("TERM", "")
    return term in ("linux", "vt100", "vt220", "ansi") or term.startswith(("linux", "cons"))


def ascii_needed(setting: bool = False, env: Mapping[str, str] | None = None) -> bool:
    """ASCII borders: when configured, and always on a kernel console (its font has
    no ▊▔▁▎ box glyphs)."""
    return setting or kernel_console(env)


def native_colours(name: str) -> bool:
    """Themes drawn with the terminal's own colours: ``ansi16``, and ``mono`` so that
    with ``NO_COLOR`` the terminal's default colours stay (no forced black, no greys)."""
    return name in ("ansi16", "mono")


def css_paths(name: str, ascii_borders: bool = False) -> list[Path]:
    """Stylesheets to load, later ones overriding earlier ones."""
    paths = [HERE / "base.tcss", HERE / f"{name}.tcss"]
    if ascii_borders:
        paths.append(HERE / "ascii.tcss")
    return paths


def textual_theme(name: str) -> Any:
    """The ``textual.theme.Theme`` of ``name`` (imports Textual: UI only)."""
    from textual.theme import BUILTIN_THEMES, Theme

    palette = dict(palettes().get(name) or palettes()["default"])
    builtin = palette.pop("builtin", None)
    return BUILTIN_THEMES[builtin] if builtin else Theme(**palette)
