"""``renkei enter CERT_NUMBER DATE``: enter a certificate's delivery date (交付年月日)."""

from __future__ import annotations

import argparse

from core import wareki
from core.i18n import t
from tui.commands._exchange import open_session


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "enter",
        parents=[common],
        help="enter the delivery date of a certificate",
        description="DATE in any form: 2024-04-01, 20240401, 令和6年4月1日, R6.4.1 …",
    )
    parser.add_argument("card_number", metavar="CERT_NUMBER")
    parser.add_argument("date", metavar="DATE")
    parser.add_argument(
        "--operator",
        default="",
        help="ignored where operators exist (the unlocked operator is recorded)",
    )
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
        result = session.enter(
            args.card_number, delivered, args.operator, replace_other=args.replace
        )
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
            card=result.card_number,
            date=result.delivered.isoformat(),
            old=result.replaced.isoformat() if result.replaced else "",
        )
    )
    return 0
