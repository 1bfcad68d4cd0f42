"""What a scripted command may print: no personal value on stdout/stderr (cron
mail, the journal) unless the operator asks with ``--show-values`` on a terminal.

A problem is then printed by its place and reason with every value of a record
replaced by ``…`` (record number, column and reason are enough to find it in
the TUI); codes of the layout and U+ code points stay.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys

from core.report import Problem
from core.textsafe import shown

HIDDEN = "…"
# Parameters that never carry a person's value: codes of the layout, U+ code
# points, encodings, counts and places. Every other parameter is hidden.
PLAIN_PARAMS = frozenset(
    {
        "code", "encoding", "expected", "pattern", "fact", "column", "columns", "count",
        "allowed", "choices", "category", "kind", "length", "offset", "position", "line",
        "sha256", "limit", "records", "at", "direction", "item", "char_name",
        # the month and day of a date that does not exist name no one
        "month", "day", "last",
        "version",  # a layout version
        # the J+ candidates of a character outside the repertoire (the operator
        # decides with them); the character itself stays hidden, its U+ code shown
        "juki",
    }
)  # fmt: skip


def add_show_values(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--show-values",
        action="store_true",
        help="print the values of records in problems (only when output is a terminal)",
    )


def show_values(args: argparse.Namespace) -> bool:
    """Values are printed only when asked for AND both outputs are a terminal."""
    return bool(getattr(args, "show_values", False)) and sys.stdout.isatty() and sys.stderr.isatty()


def problem_line(problem: Problem, values: bool, lang: str | None = None) -> str:
    """``line N: column: reason``; the reason's values hidden unless ``values``."""
    if values:
        return shown(problem.render(lang), 0)
    params = {
        k: (v if k.removesuffix("_en") in PLAIN_PARAMS else HIDDEN)  # x_en: English form of x
        for k, v in problem.params.items()
    }
    return dataclasses.replace(problem, params=params).render(lang)


def card_shown(card: str, values: bool) -> str:
    """A card number as a scripted command may print it: its letters only
    (``AB********CD``), the whole number when ``values``."""
    if values or len(card) < 5:
        return card if values else "*" * len(card)
    return card[:2] + "*" * (len(card) - 4) + card[-2:]
