"""Dates as the clerk types them and as the screen echoes them.

Parsing is ``core.wareki.parse`` (the one date parser of the product); the
echo shows the date in both 和暦 and Gregorian so a slip (R6 for H6) is seen
before the entry is made.
"""

from __future__ import annotations

from datetime import date

from core import wareki


def read(text: str) -> tuple[date | None, str]:
    """The date ``text`` means, or ``None`` and the parser's reason."""
    try:
        return wareki.parse(text), ""
    except ValueError as exc:
        message = exc.message() if hasattr(exc, "message") else str(exc)
        return None, message


def echo(day: date) -> str:
    """``令和6年4月1日 (2024-04-01)``: both forms, for confirmation."""
    try:
        return f"{wareki.to_wareki(day)} ({day.isoformat()})"
    except ValueError:  # before 明治: Gregorian only
        return day.isoformat()
