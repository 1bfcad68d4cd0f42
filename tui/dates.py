"""Dates as the clerk types them and as the screen echoes them.

Parsing is ``core.wareki.parse`` (the one date parser of the product); the
echo shows the date in both 和暦 and Gregorian so a slip (R6 for H6) is seen
before the entry is made.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from core import i18n, wareki


def read(text: str) -> tuple[date | None, str]:
    """The date ``text`` means, or ``None`` and the parser's reason."""
    try:
        return wareki.parse(text), ""
    except ValueError as exc:
        message = exc.message() if hasattr(exc, "message") else str(exc)
        return None, message


def echo(day: date) -> str:
    """``令和6年4月1日 (2024-04-01)``: both forms, for confirmation (whatever the
    display setting: a slip between R6 and H6 must be seen before the entry)."""
    return wareki.display(day, "両方")


MODE = "両方"
"""The ``[ui] date_display`` setting in use (set by the App and the CLI from the config)."""


def use(mode: str) -> None:
    """Take the configured display (``和暦``, ``西暦``, ``両方``)."""
    global MODE
    MODE = mode if mode in wareki.DISPLAYS else "両方"


def show(day: date | None) -> str:
    """A date in a message or a line: the configured display."""
    return wareki.display(day, MODE)


def cell(day: date | None) -> str:
    """A date in a table column (about 10 cells): the configured display, compact."""
    return wareki.display(day, MODE, compact=True)


_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def reason(found: Any, lang: str | None = None) -> str:
    """The message of a ``Problem`` or ``RenkeiError`` with its ISO dates in the
    configured display (the core writes ``2027-01-01``; the clerk reads 令和9年…)."""
    problems = getattr(found, "problems", None)
    if isinstance(problems, list) and problems:
        return "; ".join(reason(problem, lang) for problem in problems)
    key = getattr(found, "key", None)
    params = getattr(found, "params", None)
    if key is None or not isinstance(params, dict):
        return found.message(lang) if hasattr(found, "message") else str(found)
    shown = {}
    for name, value in params.items():
        text = str(value)
        if _ISO.fullmatch(text):
            try:
                value = show(date.fromisoformat(text))
            except ValueError:
                pass
        shown[name] = value
    return i18n.t(key, lang, **shown)
