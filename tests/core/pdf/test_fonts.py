"""The list's fonts are found where the set-up installs them, or clearly missed."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from core.errors import RenkeiError
from core.pdf import fonts


def test_primary_and_fallback_are_the_installed_debian_fonts() -> None:
    found = fonts.locate_all()
    assert [f.spec.name for f in found] == ["IPAexGothic", "Noto Sans CJK JP"]
    assert all(f.path.is_file() for f in found)
    assert found[0].path.name == "ipaexg.ttf"
    assert found[1].path.suffix == ".ttc"


def test_a_missing_font_names_its_debian_package() -> None:
    spec = fonts.FontSpec(
        "nofont", "No Such Font Renkei", "fonts-renkei-none", "-", 0, ("/nonexistent/font.ttf",)
    )
    with pytest.raises(RenkeiError) as caught:
        fonts.locate(spec)
    assert caught.value.key == "pdf.font.missing"
    assert "fonts-renkei-none" in caught.value.message("en")
    assert "fonts-renkei-none" in caught.value.message("ja")


def test_fontconfig_finds_a_font_when_the_known_path_is_wrong() -> None:
    real = fonts.specs()[0]
    moved = fonts.FontSpec(
        real.family, real.name, real.package, real.licence, 0, ("/nonexistent/ipaexg.ttf",)
    )
    found = fonts.locate(moved)
    assert found.path.resolve() == fonts.locate_all()[0].path.resolve()


def test_the_fallback_covers_what_the_primary_lacks(cmaps: list[Mapping[int, str]]) -> None:
    primary, fallback = cmaps
    for ch in "𠮷ễ":  # a kanji outside JIS X 0208, a Vietnamese letter
        assert ord(ch) not in primary and ord(ch) in fallback, ch
    for ch in "髙﨑金李ÉüŌ":
        assert ord(ch) in primary, ch
