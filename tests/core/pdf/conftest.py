"""Fixtures of the PDF tests: the fonts' character maps and awkward names."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from fontTools.ttLib import TTFont

from core.pdf import fonts


@pytest.fixture(scope="session")
def cmaps() -> list[Mapping[int, str]]:
    """The character map of each list font (fontTools, as fpdf2 reads it)."""
    out = []
    for found in fonts.locate_all():
        font = TTFont(str(found.path), fontNumber=found.index, lazy=True)
        out.append(font.getBestCmap())
        font.close()
    return out


@pytest.fixture(scope="session")
def in_no_font(cmaps: list[Mapping[int, str]]) -> str:
    """A CJK Extension B character that neither font has (found, not assumed)."""
    for cp in range(0x2A6A5, 0x2A6E0):
        if all(cp not in cmap for cmap in cmaps):
            return chr(cp)
    for cp in range(0x20000, 0x2A6E0):
        if all(cp not in cmap for cmap in cmaps):
            return chr(cp)
    raise AssertionError("every CJK Extension B character is in one of the fonts")
