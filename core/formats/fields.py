"""Field checks: one function per field type of the layouts.

Each check takes a non-empty value and returns ``None`` when it is good, else
``(catalogue key, params)``. They are built once per column (``checker``), with
their regular expressions and code sets compiled up front, because the data
check runs them for every field of 100,000-record files.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from core.formats.tables import codes

Finding = tuple[str, dict[str, str]] | None
Check = Callable[[str], Finding]

_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_CARD = re.compile(r"[A-Z]{2}[0-9]{8}[A-Z]{2}")
# A みなし外国人登録番号 (the number of a 外国人登録証明書 that counts as a card;
# note ※2 of the 別紙 市町村通知 tables): the seed does not print its form. This
# product takes an optional capital letter and 8 or 9 digits, a form no card
# number has; which patterns accept it is data (patterns/moj.csv card_forms).
ALIEN_NUMBER = re.compile(r"[A-Z]?[0-9]{8,9}")
ALIEN_KEY = "validate.record.alien_number_not_allowed"
_NOTICE_ID = re.compile(r"[!-~]{1,32}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f ,.'\-]*")

# Values already seen good: dates and LASDEC codes repeat across records.
_good_dates: set[str] = set()
_good_lasdec: set[str] = set()
_CACHE_LIMIT = 500_000


def is_real_date(value: str) -> bool:
    """``YYYYMMDD`` of a real Gregorian day (year 1800–2999)."""
    if value in _good_dates:
        return True
    if len(value) != 8 or not value.isascii() or not value.isdigit():
        return False
    year, month, day = int(value[:4]), int(value[4:6]), int(value[6:])
    if not 1800 <= year <= 2999 or not 1 <= month <= 12 or day < 1:
        return False
    leap = month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if day > _DAYS[month - 1] + leap:
        return False
    if len(_good_dates) < _CACHE_LIMIT:
        _good_dates.add(value)
    return True


def lasdec_check_digit(first5: str) -> str:
    """The LASDEC check digit: ``(11 - (6d1+5d2+4d3+3d4+2d5) mod 11) mod 10``."""
    total = sum(w * int(d) for w, d in zip((6, 5, 4, 3, 2), first5, strict=True))
    return str((11 - total % 11) % 10)


YEARS = (1800, 2999)  # the years a date of these files may have (is_real_date)


def check_date(value: str) -> Finding:
    """A date, with the reason told apart: not of the form ``YYYYMMDD``
    (``2024-2-3``), a day that does not exist (``20240230``), a year out of range."""
    if is_real_date(value):
        return None
    if len(value) != 8 or not value.isascii() or not value.isdigit():
        return ("validate.field.date_form", {"value": value})
    year, month, day = int(value[:4]), int(value[4:6]), int(value[6:])
    if not YEARS[0] <= year <= YEARS[1]:
        return ("validate.field.date_range", {"value": value, "low": "1800", "high": "2999"})
    if not 1 <= month <= 12:
        return ("validate.field.date_month", {"value": value, "month": str(month)})
    return ("validate.field.date_day", {"value": value, "month": str(month), "day": str(day)})


def check_lasdec(value: str) -> Finding:
    if value in _good_lasdec:
        return None
    if len(value) != 6 or not value.isascii() or not value.isdigit():
        return ("validate.field.lasdec_form", {"value": value})
    expected = lasdec_check_digit(value[:5])
    if value[5] != expected:
        return ("validate.field.lasdec_check", {"value": value, "expected": expected})
    if len(_good_lasdec) < _CACHE_LIMIT:
        _good_lasdec.add(value)
    return None


def check_card_number(value: str) -> Finding:
    """A card number; a みなし外国人登録番号 comes back as ``ALIEN_KEY``, which the
    record check drops where the pattern accepts one (``card_forms``)."""
    if _CARD.fullmatch(value):
        return None
    if ALIEN_NUMBER.fullmatch(value):
        return (ALIEN_KEY, {"value": value})
    return ("validate.field.card_number", {"value": value})


def check_notice_id(value: str) -> Finding:
    return None if _NOTICE_ID.fullmatch(value) else ("validate.field.notice_id", {"value": value})


def check_uuid(value: str) -> Finding:
    return None if _UUID.fullmatch(value) else ("validate.field.uuid", {"value": value})


def check_text(value: str) -> Finding:
    return ("validate.field.control", {}) if CONTROL.search(value) else None


def check_name_alpha(value: str) -> Finding:
    if _LATIN.fullmatch(value):
        return None
    return ("validate.field.name_alpha", {"value": value})


def code_check(table: str) -> Check:
    """A check against the code table ``table`` of ``codes.csv``."""
    allowed = frozenset(codes()[table])
    shown = ", ".join(sorted(allowed))

    def check(value: str) -> Finding:
        if value in allowed:
            return None
        return ("validate.field.code", {"value": value, "allowed": shown})

    ALLOWED[check] = allowed
    return check


def digits_check(spec: str) -> Check:
    """ASCII digits, ``spec`` digits long (``"3"``) or within a range (``"1-4"``)."""
    low, _, high = spec.partition("-")
    lo, hi = int(low), int(high or low)
    length = spec.replace("-", "–")

    def check(value: str) -> Finding:
        if lo <= len(value) <= hi and value.isascii() and value.isdigit():
            return None
        return ("validate.field.digits", {"value": value, "length": length})

    return check


def one_of_check(allowed: frozenset[str], key: str) -> Check:
    def check(value: str) -> Finding:
        return None if value in allowed else (key, {"value": value})

    ALLOWED[check] = allowed
    return check


# Checks whose good values are exactly the full matches of a regex, or exactly
# a set: ``RecordChecker.screen`` asks them about a whole column at once (one
# match of the values joined by line breaks, one set difference).
FORMS: dict[Check, re.Pattern[str]] = {}
ALLOWED: dict[Check, frozenset[str]] = {}


def _lines_of(form: re.Pattern[str]) -> re.Pattern[str]:
    """Matches values joined by ``\n`` each of which ``form`` fully matches (no
    form here matches a line break)."""
    return re.compile(f"(?:(?:{form.pattern})\n)*(?:{form.pattern})")


FORMS.update(
    {
        check_card_number: _lines_of(_CARD),
        check_notice_id: _lines_of(_NOTICE_ID),
        check_uuid: _lines_of(_UUID),
        check_name_alpha: _lines_of(_LATIN),
    }
)

_SIMPLE: dict[str, Check] = {
    "date": check_date,
    "lasdec": check_lasdec,
    "card_number": check_card_number,
    "notice_id": check_notice_id,
    "uuid": check_uuid,
    "text": check_text,
    "name_alpha": check_name_alpha,
    # the text form of a code column (checked against the code in core/formats/check.py)
    "fact_text": check_text,
    "code_text": check_text,
}

TYPES = (*_SIMPLE, "code", "digits", "pattern")


def checker(type_: str, arg: str, patterns: frozenset[str] = frozenset()) -> Check:
    """The check of a column of type ``type_`` (with ``arg`` from the layout)."""
    if type_ in _SIMPLE:
        return _SIMPLE[type_]
    if type_ == "code":
        return code_check(arg)
    if type_ == "digits":
        return digits_check(arg)
    if type_ == "pattern":
        return one_of_check(patterns, "validate.field.pattern")
    raise ValueError(f"unknown field type {type_!r} in a layout table")
