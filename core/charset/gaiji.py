"""The municipality's 外字 table: user-defined Shift_JIS codes ⇄ Unicode.

A CSV with the header ``sjis,juki_code,unicode``, one 外字 a line::

    sjis,juki_code,unicode
    F040,J+AD01,U+4E07 U+E0102
    F041,,𠀋
    F042,J+AEAC,

``sjis`` is the code in the user-defined area 0xF040–0xF9FC (4 hex digits).
An optional fourth column ``unit`` gives the ``juki`` code unit (E000–F8FF);
without it the unit is the private-use character of ``sjis`` (F040 → E000), and
a row with a ``unit`` and no ``sjis`` is a 外字 only the ``juki`` encoding carries.
``juki_code`` is its 住基統一文字 code (``J+XXXX``; optional; never read as a
Unicode code point). ``unicode`` is the character itself, or ``U+XXXX`` tokens
separated by spaces (easier to read when the character carries an ideographic
variation selector, which is invisible in an editor); when empty it is taken
from the 住基統一文字 table through ``juki_code``. When both are given they must
agree with that table (J+AD01 is 万 U+4E07 U+E0102 in the MJ table, never the
Hangul U+AD01 that the number would be read as).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from core.errors import RenkeiError

USER_AREA_FIRST = 0xF040
USER_AREA_LAST = 0xF9FC
JUKI_CODE = re.compile(r"J\+[0-9A-F]{4,5}")
_UPLUS = re.compile(r"U\+([0-9A-Fa-f]{4,6})")
HEADER = ("sjis", "juki_code", "unicode")
UNIT = "unit"  # optional fourth column: the juki code unit E000–F8FF


class CharsetTableError(RenkeiError):
    """A 外字 or 住基統一文字 table that cannot be used (names file and line)."""


@dataclass(frozen=True)
class Gaiji:
    sjis: int  # 0xF040…0xF9FC, or 0 for a 外字 only the juki encoding carries
    juki_code: str  # "J+AD01" or ""
    text: str  # one character, or base + variation selector
    unit: int = 0  # the juki code unit (E000–F8FF) when the table says it

    @property
    def pua(self) -> str:
        """The private-use character Python's cp932 codec gives for ``sjis``."""
        return bytes([self.sjis >> 8, self.sjis & 0xFF]).decode("cp932")

    @property
    def juki_unit(self) -> str:
        """The 16-bit unit the ``juki`` encoding writes: the ``unit`` column, else
        the private-use character of ``sjis`` (F040 → E000), so one table serves both."""
        return chr(self.unit) if self.unit else self.pua


def is_user_area(code: int) -> bool:
    lead, trail = code >> 8, code & 0xFF
    return 0xF0 <= lead <= 0xF9 and (0x40 <= trail <= 0x7E or 0x80 <= trail <= 0xFC)


def parse_unicode_field(value: str) -> str:
    """``U+845B U+E0100`` (or ``U+845B_U+E0100``) → the characters; anything else
    is taken literally."""
    value = value.strip()
    if value.upper().startswith("U+"):
        tokens = [t for t in re.split(r"[\s_,]+", value) if t]
        if all(_UPLUS.fullmatch(t) for t in tokens):
            return "".join(chr(int(t[2:], 16)) for t in tokens)
    return value


def u_codes(text: str) -> str:
    """``葛󠄀`` → ``U+845B U+E0100``: how reports name characters."""
    return " ".join(f"U+{ord(c):04X}" for c in text)


def _fail(name: str, line: int, key: str, **params: object) -> CharsetTableError:
    return CharsetTableError(key, file=name, line=line, **params)


def parse_gaiji(
    text: str,
    name: str,
    juki: Mapping[str, str] | None = None,
    accepted: Mapping[str, str] | None = None,
) -> list[Gaiji]:
    """Read and check a 外字 table; ``juki`` (J+ code → Unicode) fills empty
    ``unicode`` cells and is what a filled one must agree with (``accepted``,
    Unicode → J+, names second spellings the table also accepts). Every problem
    is an error naming the line."""
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise _fail(name, 1, "charset.gaiji.header", expected=",".join(HEADER)) from None
    if tuple(header[:3]) != HEADER or header[3:4] not in ([], [UNIT], [""]):
        raise _fail(name, 1, "charset.gaiji.header", expected=",".join(HEADER))
    out: list[Gaiji] = []
    seen_sjis: dict[int, int] = {}
    seen_unit: dict[int, int] = {}
    seen_text: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        row = [*row, "", "", "", ""][:4]
        sjis_text, juki_code, uni, unit_text = (cell.strip() for cell in row)
        sjis_text = sjis_text.upper().removeprefix("0X")
        unit_text = unit_text.upper().removeprefix("U+")
        unit = 0
        if unit_text:
            if (
                not re.fullmatch(r"[0-9A-F]{4}", unit_text)
                or not 0xE000 <= int(unit_text, 16) <= 0xF8FF
            ):
                raise _fail(name, line, "charset.gaiji.bad_unit", value=unit_text)
            unit = int(unit_text, 16)
        if sjis_text or not unit:
            if not re.fullmatch(r"[0-9A-F]{4}", sjis_text) or not is_user_area(int(sjis_text, 16)):
                raise _fail(name, line, "charset.gaiji.bad_sjis", value=sjis_text)
        code = int(sjis_text, 16) if sjis_text else 0
        juki_code = juki_code.upper()
        if juki_code and not JUKI_CODE.fullmatch(juki_code):
            raise _fail(name, line, "charset.gaiji.bad_juki", value=juki_code)
        char = parse_unicode_field(uni)
        if char and juki_code:
            _check_agrees(name, line, juki_code, char, juki or {}, accepted or {})
        if not char and juki_code:
            # The J+ number is a code in its own space, never a code point: only the
            # imported table can say which Unicode character it is.
            char = (juki or {}).get(juki_code, "")
            if not char:
                raise _fail(name, line, "charset.gaiji.juki_unknown", value=juki_code)
        if not char:
            raise _fail(name, line, "charset.gaiji.no_unicode", value=sjis_text)
        if not _is_one_character(char):
            raise _fail(name, line, "charset.gaiji.not_one_char", value=u_codes(char))
        if any(0xE000 <= ord(c) <= 0xF8FF for c in char):
            raise _fail(name, line, "charset.gaiji.private_use", value=u_codes(char))
        if code and _cp932_has(char):
            raise _fail(name, line, "charset.gaiji.in_cp932", value=f"{char} ({u_codes(char)})")
        if not code and char in (accepted or {}):
            raise _fail(name, line, "charset.gaiji.has_juki", value=f"{char} ({u_codes(char)})",
                        juki=(accepted or {})[char])  # fmt: skip
        if code and code in seen_sjis:
            raise _fail(
                name, line, "charset.gaiji.duplicate", value=sjis_text, other=seen_sjis[code]
            )
        if char in seen_text:
            raise _fail(
                name, line, "charset.gaiji.duplicate", value=u_codes(char), other=seen_text[char]
            )
        juki_unit = unit or (ord(Gaiji(code, "", "").pua) if code else 0)
        if juki_unit in seen_unit:
            raise _fail(
                name, line, "charset.gaiji.duplicate", value=f"{juki_unit:04X}",
                other=seen_unit[juki_unit],
            )  # fmt: skip
        seen_sjis[code] = line
        seen_unit[juki_unit] = line
        seen_text[char] = line
        out.append(Gaiji(code, juki_code, char, unit))
    return out


def _check_agrees(
    name: str,
    line: int,
    code: str,
    char: str,
    juki: Mapping[str, str],
    accepted: Mapping[str, str],
) -> None:
    """A row's J+ code and Unicode form must say the same as the 住基統一文字 table."""
    form = juki.get(code)
    if char == form or accepted.get(char) == code:
        return
    if len(char) == 1 and ord(char) == int(code[2:], 16):
        raise _fail(name, line, "charset.gaiji.juki_as_codepoint", value=code, code=u_codes(char))
    if form is not None:
        raise _fail(
            name,
            line,
            "charset.gaiji.juki_disagrees",
            value=code,
            given=f"{char} ({u_codes(char)})",
            table=f"{form} ({u_codes(form)})",
        )


def load_gaiji(
    path: Path, juki: Mapping[str, str] | None = None, accepted: Mapping[str, str] | None = None
) -> list[Gaiji]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RenkeiError("common.error.file_not_found", path=str(path)) from None
    except UnicodeDecodeError:
        raise _fail(str(path), 0, "charset.gaiji.not_utf8") from None
    return parse_gaiji(text, str(path), juki, accepted)


def is_variation_selector(char: str) -> bool:
    cp = ord(char)
    return 0xE0100 <= cp <= 0xE01EF or 0xFE00 <= cp <= 0xFE0F


def _is_one_character(text: str) -> bool:
    """One character, optionally followed by one variation selector."""
    if len(text) == 1:
        return not is_variation_selector(text)
    return len(text) == 2 and not is_variation_selector(text[0]) and is_variation_selector(text[1])


def _cp932_has(text: str) -> bool:
    """A standard (non-user-area) cp932 character: the 外字 table must not redefine it."""
    try:
        encoded = text.encode("cp932")
    except UnicodeEncodeError:
        return False
    return not (len(encoded) == 2 and is_user_area(int.from_bytes(encoded, "big")))
