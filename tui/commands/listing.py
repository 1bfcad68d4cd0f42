"""``renkei list``: the 未入力 list (certificates without a delivery date)."""

from __future__ import annotations

import argparse
import csv
import sys

from core.textsafe import formula_safe, shown
from tui.commands._exchange import open_session

COLUMNS = (
    "card_number", "name_alpha", "name_kanji", "birth_date", "card_made_date",
    "application_text", "address", "entered_date",
)  # fmt: skip


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser("list", parents=[common], help="show the 未入力 list")
    parser.add_argument("--csv", action="store_true", help="CSV on stdout (UTF-8, header)")
    parser.add_argument(
        "--no-formula-escape",
        action="store_true",
        help="CSV cells exactly as stored (for scripts): no ' before a leading = + - @ tab CR",
    )
    parser.add_argument("query", nargs="?", default="", help="search text (number, name, date)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_session(args, read_only=True) as session:
        waiting = session.waiting()
        entries = list(waiting.search(args.query)) if args.query else list(waiting)
    rows = [
        [
            e.card_number,
            e.name_alpha,
            e.name_kanji,
            e.birth_date.isoformat(),
            e.card_made_date.isoformat(),
            e.application_text,
            e.address,
            e.entered_date.isoformat() if e.entered_date else "",
        ]
        for e in entries
    ]
    if args.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(COLUMNS)
        if args.no_formula_escape:
            writer.writerows(rows)
        else:  # a clerk opens it in a spreadsheet: =HYPERLINK(…) stays text
            writer.writerows([formula_safe(c) for c in row] for row in rows)
        return 0
    for row in rows:
        mark = f"  [{row[7]}]" if row[7] else ""
        alpha, kanji = shown(row[1] or "-", 0), shown(row[2] or "-", 0)
        print(f"{row[0]}  {row[3]}  {alpha} / {kanji}{mark}")
    print(f"({len(rows)})", file=sys.stderr)
    return 0
