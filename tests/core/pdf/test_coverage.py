"""Every character is checked against the fonts before anything is drawn."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from core.pdf.coverage import MISSING, VARIATION, Coverage


@pytest.fixture(scope="module")
def coverage(cmaps: list[Mapping[int, str]]) -> Coverage:
    return Coverage([(cmap, dict.fromkeys(cmap, 1000.0)) for cmap in cmaps])


def test_primary_characters_need_nothing(coverage: Coverage) -> None:
    found = coverage.check("KIM MINJUN 金 民俊 髙﨑")
    assert found.text == "KIM MINJUN 金 民俊 髙﨑"
    assert not found.fallback and not found.flags


def test_fallback_characters_are_printed_through_the_fallback(coverage: Coverage) -> None:
    found = coverage.check("𠮷田 NGUYỄN")
    assert found.text == "𠮷田 NGUYỄN"
    assert found.fallback and not found.flags


def test_a_character_in_no_font_is_shown_as_its_code(coverage: Coverage, in_no_font: str) -> None:
    found = coverage.check(f"山{in_no_font}花")
    code = f"U+{ord(in_no_font):04X}"
    assert found.text == f"山[{code}]花"
    assert [(f.kind, f.chars, f.printed, f.codes) for f in found.flags] == [
        (MISSING, in_no_font, f"[{code}]", code)
    ]


def test_a_variation_selector_prints_the_base_and_is_flagged(coverage: Coverage) -> None:
    found = coverage.check("葛\U000e0100城 花子")
    assert found.text == "葛城 花子"
    assert [(f.kind, f.codes, f.printed) for f in found.flags] == [
        (VARIATION, "U+845B U+E0100", "葛")
    ]


def test_a_variation_selector_after_a_missing_character(
    coverage: Coverage, in_no_font: str
) -> None:
    found = coverage.check(f"{in_no_font}\U000e0101")
    code = f"U+{ord(in_no_font):04X}"
    assert found.text == f"[{code}]"
    assert [f.kind for f in found.flags] == [MISSING, VARIATION]
    assert found.flags[1].codes == f"{code} U+E0101"


def test_results_are_cached_per_string(coverage: Coverage) -> None:
    assert coverage.check("李 瑞妍") is coverage.check("李 瑞妍")
