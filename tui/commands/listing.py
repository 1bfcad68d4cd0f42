"""``renkei list``: the 未入力 list (certificates without a delivery date)."""

from __future__ import annotations

import argparse
import csv
import io
import sys

from core.i18n import t
from core.textsafe import formula_safe, shown
from tui import dates
from tui.commands._exchange import open_session

COLUMNS = (
    "card_number", "name_alpha", "name_kanji", "birth_date", "card_made_date",
    "application_text", "address", "entered_date",
)  # fmt: skip


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser("list", parents=[common], help=t("common.cli.help.list"))
    parser.add_argument("--csv", action="store_true", help=t("common.cli.help.csv"))
    parser.add_argument("--excel", action="store_true", help=t("common.cli.help.excel"))
    parser.add_argument(
        "--no-formula-escape",
        action="store_true",
        help="CSV cells exactly as stored (for scripts): no ' before a leading = + - @ tab CR",
    )
    parser.add_argument("query", nargs="?", default="", help=t("common.cli.help.query"))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_session(args, read_only=True) as session:
        dates.use(session.config.ui.date_display)
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
    if args.csv or args.excel:
        # CSV keeps ISO dates (for programs); --excel: BOM and CRLF, so Japanese
        # Excel reads it as UTF-8 instead of Shift_JIS. A clerk opens either in a
        # spreadsheet: =HYPERLINK(…) stays text unless --no-formula-escape.
        if not args.no_formula_escape:
            rows = [[formula_safe(c) for c in row] for row in rows]
        if args.excel:
            excel = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8-sig", newline="")
            writer = csv.writer(excel, lineterminator="\r\n")
            writer.writerow(COLUMNS)
            writer.writerows(rows)
            excel.flush()
            excel.detach()  # stdout stays open for the interpreter
            return 0
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
        return 0
    for e in entries:
        mark = f"  [{dates.show(e.entered_date)}]" if e.entered_date else ""
        born = dates.show(e.birth_date)
        alpha, kanji = shown(e.name_alpha or "-", 0), shown(e.name_kanji or "-", 0)
        print(f"{e.card_number}  {born}  {alpha} / {kanji}{mark}")
    print(f"({len(rows)})", file=sys.stderr)
    return 0
