"""What cannot be a name: the character rule of the name fields.

A name field (``name_alpha``, ``name_kanji`` and their ``old_`` values) is
refused when it holds a character that cannot be part of a person's name as
printed on a card or in the resident register, each reported with its code
point and Unicode name (the value itself is never quoted):

- control characters (Cc) and line/paragraph separators (Zl, Zp);
- format characters (Cf): the bidi controls (U+202A–U+202E, U+2066–U+2069,
  U+200E/U+200F, U+061C), zero-width characters (U+200B–U+200D, U+2060,
  U+FEFF), the soft hyphen, tag characters — they reorder or hide text, so a
  name would read differently on screen, or hide from search;
- a variation selector (U+FE00–U+FE0F, U+E0100–U+E01EF) that does not follow a
  base character (at the start, after a space or another selector);
- unassigned code points (Cn) and surrogates (Cs);
- private-use code points (Co), unless the slot of a registered 外字 of the
  municipality (its 外字 table's Shift_JIS user-area code as cp932 reads it,
  U+E000…; ``use_registered``);
- a name made only of spaces (U+0020, U+3000 or any other space separator).

Categories are those of Python's ``unicodedata`` (the Unicode Character
Database, https://www.unicode.org/reports/tr44/#General_Category_Values).
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping

from core.report import Problem

NAME_COLUMNS = ("name_alpha", "name_kanji", "old_name_alpha", "old_name_kanji")
REFUSED_CATEGORIES = {
    "Cc": "control",
    "Cf": "format",
    "Zl": "separator",
    "Zp": "separator",
    "Cn": "unassigned",
    "Cs": "surrogate",
    "Co": "private",
}
KEY = "guard.name."  # + the reason: control, format, … (one message each)
KEY_SPACES = "guard.name.spaces"

_registered: frozenset[str] = frozenset()


def use_registered(chars: Iterable[str]) -> None:
    """The private-use characters registered as 外字 (from the 外字 table)."""
    global _registered
    _registered = frozenset(c for text in chars for c in text if unicodedata.category(c) == "Co")


@contextlib.contextmanager
def registered(chars: Iterable[str]) -> Iterator[None]:
    """``use_registered`` for the time of one check, then as before (the rule
    of one data directory never leaks into another's)."""
    global _registered
    before = _registered
    use_registered(chars)
    try:
        yield
    finally:
        _registered = before


def is_selector(ch: str) -> bool:
    code = ord(ch)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or 0x180B <= code <= 0x180D


def _named(ch: str) -> dict[str, str]:
    return {
        "code": f"U+{ord(ch):04X}",
        "char_name": unicodedata.name(ch, "") or "(no name)",
    }


# Variation selectors (``is_selector``): printable, but refused alone.
_SELECTORS = re.compile("[\u180b-\u180d\ufe00-\ufe0f\U000e0100-\U000e01ef]")
IDEOGRAPHIC_SPACE = "\u3000"


def plain(value: str) -> bool:
    """True when no character of ``value`` can break the rule (the usual name):
    ``str.isprintable`` is false for exactly the categories C* and Z* but the
    ASCII space (Python's unicodedata), which holds every refused category; the
    ideographic space (Zs, allowed in a name) is read as a space for it; and
    there is no variation selector. Only an all-space value is then left to
    tell, which this does not."""
    if IDEOGRAPHIC_SPACE in value:
        value = value.replace(IDEOGRAPHIC_SPACE, " ")
    return value.isprintable() and _SELECTORS.search(value) is None


def check_value(column: str, value: str, line: int) -> list[Problem]:
    """Every character of ``value`` that breaks the rule, once per code point."""
    if plain(value):  # one C-speed pass instead of one category lookup a character
        if value.strip(" " + IDEOGRAPHIC_SPACE):
            return []
        return [Problem(line, column, KEY_SPACES, {"length": str(len(value))})]
    out: list[Problem] = []
    seen: set[str] = set()
    previous = ""
    for ch in value:
        category = unicodedata.category(ch)
        why = ""
        if is_selector(ch):
            if not previous or previous.isspace() or is_selector(previous):
                why = "lone_selector"
        elif category in REFUSED_CATEGORIES:
            if not (category == "Co" and ch in _registered):
                why = REFUSED_CATEGORIES[category]
        if why and ch not in seen:
            seen.add(ch)
            out.append(Problem(line, column, KEY + why, _named(ch)))
        previous = ch
    if value and all(unicodedata.category(c) == "Zs" for c in value):
        out.append(Problem(line, column, KEY_SPACES, {"length": str(len(value))}))
    return out


def check_record(record: Mapping[str, str], line: int, out: list[Problem]) -> None:
    """The rule on every name field of ``record`` (called by the data check)."""
    for column in NAME_COLUMNS:
        value = record.get(column)
        if value:
            out.extend(check_value(column, value, line))
