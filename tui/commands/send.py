"""``renkei send``: send the entered dates (municipal notices) now.

``--quiet`` prints nothing when every record was accepted (cron mails only
rejections and errors)."""

from __future__ import annotations

import argparse
import sys

from core.errors import EXIT_OK, EXIT_PROBLEMS
from core.i18n import t
from core.textsafe import shown
from tui.commands._exchange import open_session
from tui.commands._private import add_show_values, card_shown, show_values


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "send",
        parents=[common],
        help=t("common.cli.help.send"),
        description=t("common.cli.help.send_description"),
    )
    parser.add_argument("-q", "--quiet", action="store_true", help=t("common.cli.help.quiet"))
    add_show_values(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        result = session.send()
        if result.accepted:  # sent certificates left the list: reseal it for the next unlock
            session.seal_waiting()
        rejected = [o for o in session.outbox() if o.state == "rejected"] if result.rejected else []
    if not args.quiet or result.rejected:
        print(
            t(
                "exchange.cli.sent",
                files=result.files,
                accepted=result.accepted,
                rejected=result.rejected,
            )
        )
    values = show_values(args)
    for item in rejected:
        card, reason = card_shown(item.card_number, values), shown(item.reason, 300)
        print(f"renkei: {t('exchange.cli.rejected', card=card, reason=reason)}", file=sys.stderr)
    return EXIT_PROBLEMS if result.rejected else EXIT_OK
