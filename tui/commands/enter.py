"""``renkei enter CERT_NUMBER DATE``: enter a certificate's delivery date (交付年月日)."""

from __future__ import annotations

import argparse
import sys

from core import wareki
from core.errors import RenkeiError
from core.i18n import t
from tui import dates
from tui.commands._exchange import open_session
from tui.commands._private import add_show_values, card_shown, show_values


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "enter",
        parents=[common],
        help=t("common.cli.help.enter"),
        description=t("common.cli.help.enter_description"),
    )
    parser.add_argument("card_number", metavar="CERT_NUMBER")
    parser.add_argument("date", metavar="DATE")
    parser.add_argument("--operator", default="", help=t("common.cli.help.operator"))
    add_show_values(parser)
    parser.add_argument(
        "--replace",
        action="store_true",
        help="replace a date another operator entered (without it, their entry is shown "
        "and nothing changes)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    delivered = wareki.parse(args.date)
    with open_session(args) as session:
        dates.use(session.config.ui.date_display)
        waiting = session.waiting()
        found, _ = waiting.find(args.card_number) if hasattr(waiting, "find") else (None, 0)
        card = found.card_number if found is not None else args.card_number
        try:
            result = session.enter(card, delivered, args.operator, replace_other=args.replace)
        except RenkeiError as exc:  # the refusal's dates in the display setting too
            print(f"renkei: {dates.reason(exc)}", file=sys.stderr)
            return exc.exit_code
    key = (
        "exchange.cli.entered_correction"
        if result.correction
        else "exchange.cli.entered_replaced"
        if result.replaced
        else "exchange.cli.entered"
    )
    print(
        t(
            key,
            card=card_shown(result.card_number, show_values(args)),
            date=dates.show(result.delivered),
            old=dates.show(result.replaced),
        )
    )
    return 0
