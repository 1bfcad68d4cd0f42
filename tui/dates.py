"""Dates as the clerk types them and as the screen echoes them.

Parsing is ``core.wareki.parse`` (the one date parser of the product); the
echo shows the date in both 和暦 and Gregorian so a slip (R6 for H6) is seen
before the entry is made.
"""

from __future__ import annotations

from datetime import date

from core import waiting


def parse(text: str) -> date | None:
    """The date ``text`` means, or ``None`` if it is not one."""
    return waiting.parse_date(text)


def echo(day: date) -> str:
    """``令和6年4月1日 (2024-04-01)``: both forms, for confirmation."""
    try:
        from core import wareki
    except ImportError:
        return day.isoformat()
    try:
        era = wareki.to_wareki(day)
    except Exception:  # a date before 明治: Gregorian only
        return day.isoformat()
    return f"{era} ({day.isoformat()})"
