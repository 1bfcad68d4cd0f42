"""``renkei send``: send the entered dates (municipal notices) now.

``--quiet`` prints nothing when every record was accepted (cron mails only
rejections and errors)."""

from __future__ import annotations

import argparse
import sys

from core.errors import EXIT_OK, EXIT_PROBLEMS
from core.i18n import t
from tui.commands._exchange import open_session


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "send",
        parents=[common],
        help=t("common.cli.help.send"),
        description=t("common.cli.help.send_description"),
    )
    parser.add_argument("-q", "--quiet", action="store_true", help=t("common.cli.help.quiet"))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        result = session.send()
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
    for item in rejected:
        print(
            f"renkei: {t('exchange.cli.rejected', card=item.card_number, reason=item.reason)}",
            file=sys.stderr,
        )
    return EXIT_PROBLEMS if result.rejected else EXIT_OK
