"""Japanese era dates (和暦): read what a clerk types, show what a clerk reads.

Dates are stored as ISO dates; people write them as 令和6年4月1日 or R6.4.1 on
paper, so entry accepts both era and Gregorian forms and is strict at the era
boundaries (平成31年5月1日 does not exist: it is 令和元年5月1日). The era table
is data (``core/data/eras.csv``): a new era is a new line, not new code.

    >>> parse("令和元年5月1日")
    datetime.date(2019, 5, 1)
    >>> to_wareki(datetime.date(2024, 4, 1))
    '令和6年4月1日'
    >>> to_wareki(datetime.date(2024, 4, 1), short=True)
    'R6.4.1'
"""

from __future__ import annotations

import bisect
import calendar
import datetime
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from core.datafiles import csv_rows
from core.errors import RenkeiError

__all__ = ["DISPLAYS", "Era", "WarekiError", "display", "eras", "parse", "to_short", "to_wareki"]


class WarekiError(RenkeiError, ValueError):
    """A date that cannot be read, or does not exist. A ``ValueError`` too, so
    callers that only know the standard library can still catch it."""


@dataclass(frozen=True)
class Era:
    name: str  # 令和
    letter: str  # R
    start: datetime.date  # first day of the era
    end: datetime.date | None  # last day; None for the current era
    accept_from: datetime.date  # first day the product accepts (明治: 1873-01-01)

    @property
    def offset(self) -> int:
        """Gregorian year = era year + offset."""
        return self.start.year - 1

    def year_text(self, year: int) -> str:
        return "元" if year == 1 else str(year)

    def day_text(self, day: datetime.date, with_name: bool = True) -> str:
        """``day`` written in this era, long form (令和元年5月1日; 元年5月1日 without name)."""
        name = self.name if with_name else ""
        return f"{name}{self.year_text(day.year - self.offset)}年{day.month}月{day.day}日"


@cache
def eras() -> tuple[Era, ...]:
    """The era table, oldest first, from the package data file."""
    out = []
    for row in csv_rows("core.data", "eras.csv"):
        out.append(
            Era(
                name=row["name"],
                letter=row["letter"].upper(),
                start=datetime.date.fromisoformat(row["start"]),
                end=datetime.date.fromisoformat(row["end"]) if row["end"] else None,
                accept_from=datetime.date.fromisoformat(row["accept_from"]),
            )
        )
    return tuple(out)


@cache
def _by_key() -> dict[str, Era]:
    """Era by kanji name and by letter (upper case)."""
    table: dict[str, Era] = {}
    for era in eras():
        table[era.name] = era
        table[era.letter] = era
    return table


@cache
def _starts() -> list[int]:
    return [era.start.toordinal() for era in eras()]


def earliest() -> datetime.date:
    """The first date the product reads or writes (明治6年1月1日, the solar calendar)."""
    return eras()[0].accept_from


# --- reading ---------------------------------------------------------------

_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
                 "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_KANJI_NUMBER = re.compile("[〇零一二三四五六七八九十]+")


def _kanji_number(match: re.Match[str]) -> str:
    """三十一 → 31, 十 → 10, 二〇二四 → 2024 (as written on some forms)."""
    text = match.group(0)
    if "十" not in text:
        return "".join(str(_KANJI_DIGITS[c]) for c in text)
    tens, _, ones = text.partition("十")
    if "十" in ones or len(tens) > 1 or len(ones) > 1:
        return text  # not a number we read; the format check will say so
    return str((_KANJI_DIGITS[tens] if tens else 1) * 10 + (_KANJI_DIGITS[ones] if ones else 0))


_SEP = r"[./\-]"
_ERA_FORM = re.compile(
    rf"(?P<era>[^\d元]+?)(?P<y>\d{{1,2}}|元)(?:年|{_SEP})(?P<m>\d{{1,2}})(?:月|{_SEP})(?P<d>\d{{1,2}})日?"
)
_ERA_COMPACT = re.compile(r"(?P<era>[A-Z])(?P<y>\d\d)(?P<m>\d\d)(?P<d>\d\d)")  # R060401
_GREGORIAN = re.compile(r"(?P<y>\d{4})(?P<s>[./\-])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})")
_GREGORIAN_KANJI = re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日")
_GREGORIAN_COMPACT = re.compile(r"(?P<y>\d{4})(?P<m>\d\d)(?P<d>\d\d)")
_SPACES = re.compile(r"\s+")


def _normalise(text: str) -> str:
    # NFKC: full-width digits, letters and ．／－ become ASCII; ㋿ ㍻ ㍼ become 令和 平成 昭和.
    out = unicodedata.normalize("NFKC", text)
    out = _SPACES.sub("", out).upper()
    out = out.replace("ー", "-").replace("−", "-").replace("‐", "-")
    if _KANJI_NUMBER.search(out):
        out = _KANJI_NUMBER.sub(_kanji_number, out)
    return out


def _make(year: int, month: int, day: int, text: str) -> datetime.date:
    if not 1 <= month <= 12:
        raise WarekiError("wareki.bad_month", text=text, month=month)
    last = calendar.monthrange(year, month)[1] if 1 <= year <= 9999 else 31
    if not 1 <= day <= last:
        raise WarekiError("wareki.bad_day", text=text, month=month, day=day, last=last)
    return datetime.date(year, month, day)


def _era_date(era: Era, year_text: str, month: int, day: int, text: str) -> datetime.date:
    year = 1 if year_text == "元" else int(year_text)
    if year < 1:
        raise WarekiError("wareki.year_zero", text=text, era=era.name)
    if not 1 <= month <= 12:
        raise WarekiError("wareki.bad_month", text=text, month=month)
    # Check the era's range on (year, month, day) before building the date, so that
    # 平成31年5月1日 says "平成は31年4月30日まで" rather than anything about days.
    end = era.end
    if end is not None and (year + era.offset, month, day) > (end.year, end.month, end.day):
        last = era.day_text(end, with_name=False)
        try:  # when the day exists, say what it is called
            real = datetime.date(year + era.offset, month, day)
            raise WarekiError(
                "wareki.after_era_hint", text=text, era=era.name, last=last, hint=to_wareki(real)
            )
        except ValueError as exc:
            if isinstance(exc, WarekiError):
                raise
        raise WarekiError("wareki.after_era", text=text, era=era.name, last=last)
    result = _make(year + era.offset, month, day, text)
    if result < era.accept_from:
        first = era.day_text(era.accept_from, with_name=False)
        if era.accept_from != era.start:
            raise WarekiError("wareki.before_solar", text=text, era=era.name, first=first)
        raise WarekiError(
            "wareki.before_era", text=text, era=era.name, first=first, hint=to_wareki(result)
        )
    return result


def parse(text: str) -> datetime.date:
    """The date ``text`` names, in era or Gregorian form.

    Era forms: 令和6年4月1日, 令和元年5月1日, R6.4.1, r6/4/1, R6-4-1, H31.4.30,
    R060401, with kanji era names or their letters M/T/S/H/R, full-width digits
    and kanji numerals (令和六年四月一日). Gregorian: 2024-04-01, 2024/4/1,
    2024.4.1, 2024年4月1日, 20240401. Raises ``WarekiError`` (a ``ValueError``)
    saying what is wrong.
    """
    if not isinstance(text, str) or not text.strip():
        raise WarekiError("wareki.empty")
    norm = _normalise(text)
    shown = text.strip()
    match = _GREGORIAN.fullmatch(norm) or _GREGORIAN_KANJI.fullmatch(norm)
    match = match or _GREGORIAN_COMPACT.fullmatch(norm)
    if match:
        if int(match["y"]) < earliest().year:
            raise WarekiError("wareki.too_early", text=shown, first=_first_text())
        result = _make(int(match["y"]), int(match["m"]), int(match["d"]), shown)
        if result < earliest():
            raise WarekiError("wareki.too_early", text=shown, first=_first_text())
        return result
    match = _ERA_FORM.fullmatch(norm) or _ERA_COMPACT.fullmatch(norm)
    if not match:
        raise WarekiError("wareki.unreadable", text=shown)
    era = _by_key().get(match["era"])
    if era is None:
        raise WarekiError("wareki.unknown_era", text=shown, era=match["era"])
    return _era_date(era, match["y"], int(match["m"]), int(match["d"]), shown)


def _first_text() -> str:
    first = earliest()
    return f"{first.year}年{first.month}月{first.day}日 ({era_of(first).day_text(first)})"


# --- writing ---------------------------------------------------------------


def era_of(day: datetime.date) -> Era:
    """The era ``day`` falls in; ``WarekiError`` before the first accepted day."""
    if day < earliest():
        raise WarekiError("wareki.too_early", text=day.isoformat(), first=_first_text())
    return eras()[bisect.bisect_right(_starts(), day.toordinal()) - 1]


def to_wareki(day: datetime.date, short: bool = False) -> str:
    """``day`` in era form: 令和6年4月1日 (令和元年5月1日 for year 1), or with
    ``short`` the narrow-screen form R6.4.1 (R1.5.1)."""
    era = era_of(day)
    if short:
        return f"{era.letter}{day.year - era.offset}.{day.month}.{day.day}"
    return era.day_text(day)


def to_short(day: datetime.date) -> str:
    """The narrow-screen form R6.4.1."""
    return to_wareki(day, short=True)


# --- the one date display setting (``[ui] date_display``) ----------------------

DISPLAYS = ("和暦", "西暦", "両方")
"""The values of ``[ui] date_display``; 両方 (both) is the default."""


def display(day: datetime.date | None, mode: str = "両方", compact: bool = False) -> str:
    """``day`` as the setting ``mode`` wants it, for every screen, message, PDF and CLI.

    ``和暦`` 令和6年4月1日, ``西暦`` 2024-04-01, ``両方`` 令和6年4月1日 (2024-04-01).
    ``compact`` is for a table column (about 10 cells): 和暦 and 両方 give R6.4.1,
    西暦 2024-04-01. Days before 明治 have no era form: Gregorian. An unknown
    ``mode`` reads as 両方, so a mistyped setting never hides a date.
    """
    if day is None:
        return ""
    iso = day.isoformat()
    if mode == "西暦":
        return iso
    try:
        era = to_wareki(day, short=compact)
    except WarekiError:
        return iso
    if mode == "和暦" or compact:
        return era
    return f"{era} ({iso})"
