"""What a scripted command may print: no personal value on stdout/stderr (cron
mail, the journal) unless the operator asks with ``--show-values`` on a terminal.

A problem is then printed by its place and reason with every value of a record
replaced by ``…`` (record number, column and reason are enough to find it in
the TUI); codes of the layout and U+ code points stay.
"""

from __future__ import annotations

import argparse
import sys

from core.i18n import t
from core.report import ERROR, Problem
from core.textsafe import shown

HIDDEN = "…"
# Parameters that never carry a person's value: codes of the layout, U+ code
# points, encodings, counts and places. Every other parameter is hidden.
PLAIN_PARAMS = frozenset(
    {
        "code", "encoding", "expected", "pattern", "fact", "column", "columns", "count",
        "allowed", "choices", "category", "kind", "length", "offset", "position", "line",
        "sha256", "limit", "records", "at", "direction", "item", "char_name",
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
    where = f"line {problem.line}" if problem.line else "file"
    column = f"{problem.column}: " if problem.column else ""
    mark = "" if problem.severity == ERROR else f"[{t('common.severity.warning', lang)}] "
    params = {k: (v if k in PLAIN_PARAMS else HIDDEN) for k, v in problem.params.items()}
    reason = t(problem.key, lang, **params)
    return f"{where}: {column}{mark}{reason}"


def card_shown(card: str, values: bool) -> str:
    """A card number as a scripted command may print it: its letters only
    (``AB********CD``), the whole number when ``values``."""
    if values or len(card) < 5:
        return card if values else "*" * len(card)
    return card[:2] + "*" * (len(card) - 4) + card[-2:]
