"""What cannot be a name (issue 12, finding 8): each refused character with its
code point named, and what a name may hold. Code points and their names are
those of the Unicode Standard (UnicodeData.txt), written here by hand."""

from __future__ import annotations

import pytest

from core import formats
from core.formats import names
from core.reference import synth

REFUSED = [
    # (character, U+ code, Unicode name, reason)
    ("\u202e", "U+202E", "RIGHT-TO-LEFT OVERRIDE", "format"),
    ("\u202a", "U+202A", "LEFT-TO-RIGHT EMBEDDING", "format"),
    ("\u2066", "U+2066", "LEFT-TO-RIGHT ISOLATE", "format"),
    ("\u200f", "U+200F", "RIGHT-TO-LEFT MARK", "format"),
    ("\u061c", "U+061C", "ARABIC LETTER MARK", "format"),
    ("\u200b", "U+200B", "ZERO WIDTH SPACE", "format"),
    ("\u200d", "U+200D", "ZERO WIDTH JOINER", "format"),
    ("\u2060", "U+2060", "WORD JOINER", "format"),
    ("\ufeff", "U+FEFF", "ZERO WIDTH NO-BREAK SPACE", "format"),
    ("\u00ad", "U+00AD", "SOFT HYPHEN", "format"),
    ("\U000e0041", "U+E0041", "TAG LATIN CAPITAL LETTER A", "format"),
    ("\x1b", "U+001B", "(no name)", "control"),
    ("\x85", "U+0085", "(no name)", "control"),
    ("\u2028", "U+2028", "LINE SEPARATOR", "separator"),
    ("\ue000", "U+E000", "(no name)", "private"),
    ("\U000f0000", "U+F0000", "(no name)", "private"),
    ("\u0378", "U+0378", "(no name)", "unassigned"),
]


def _moj(**values: str) -> dict[str, str]:
    rec = next(r for r in synth.moj_records(count=20) if r["name_kanji"] and r["name_alpha"])
    rec.update(values)
    return rec


@pytest.mark.parametrize(("char", "code", "name", "why"), REFUSED)
def test_each_refused_character_is_named(char: str, code: str, name: str, why: str) -> None:
    rec = _moj(name_kanji=f"山{char}田 花子")
    found = [p for p in formats.check_record("moj", rec, 2) if p.key.startswith("guard.name.")]
    assert [(p.column, p.key, p.params["code"]) for p in found] == [
        ("name_kanji", f"guard.name.{why}", code)
    ]
    assert found[0].params["char_name"] == name
    assert code in found[0].reason("en") and code in found[0].reason("ja")
    assert char not in found[0].reason("en")  # the value is never quoted


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("\ufe00山田", "U+FE00"),  # at the start
        ("山 \U000e0100田", "U+E0100"),  # after a space
        ("葛\U000e0100\U000e0101", "U+E0101"),  # after another selector
    ],
)
def test_a_lone_variation_selector_is_refused(value: str, code: str) -> None:
    found = names.check_value("name_kanji", value, 3)
    assert [(p.key, p.params["code"]) for p in found] == [("guard.name.lone_selector", code)]


@pytest.mark.parametrize("value", ["\u3000", "\u3000\u3000", "   ", "\u3000 \u00a0"])
def test_a_name_of_only_spaces_is_refused(value: str) -> None:
    rec = _moj(name_kanji=value)
    keys = [p.key for p in formats.check_record("moj", rec, 2) if p.column == "name_kanji"]
    assert "guard.name.spaces" in keys


@pytest.mark.parametrize(
    "value",
    [
        "山田 花子",
        "葛\U000e0100城 太郎",  # an ideographic variation sequence (IVD)
        "𠮷野 𩸽",  # outside the BMP, assigned
        "KIM MINJUN",
        "O'NEIL-SMITH JEAN",
        "髙橋　一郎",  # U+3000 between family and given name
    ],
)
def test_real_names_pass(value: str) -> None:
    assert names.check_value("name_kanji", value, 2) == []


def test_a_registered_private_use_gaiji_passes() -> None:
    try:
        names.use_registered(["\ue000"])
        assert names.check_value("name_kanji", "山\ue000", 2) == []
        assert [p.params["code"] for p in names.check_value("name_kanji", "山\ue001", 2)] == [
            "U+E001"
        ]
    finally:
        names.use_registered([])


def test_old_names_and_latin_names_are_checked_too() -> None:
    rec = _moj(name_alpha="KIM\u202eNUJNIM", old_name_alpha="LEE\u200b")
    found = {(p.column, p.params.get("code")) for p in formats.check_record("moj", rec, 2)}
    assert ("name_alpha", "U+202E") in found and ("old_name_alpha", "U+200B") in found
