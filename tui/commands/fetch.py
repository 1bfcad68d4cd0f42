"""``renkei fetch``: receive the MOJ notice files now (for cron/systemd too)."""

from __future__ import annotations

import argparse
import sys

from core.errors import EXIT_EXCHANGE, EXIT_OK
from core.i18n import t
from tui.commands._exchange import open_session


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser("fetch", parents=[common], help="fetch MOJ notices from the server")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        result = session.fetch()
    print(
        t(
            "exchange.cli.fetched",
            files=result.files,
            records=result.records,
            added=result.waiting_added,
        )
    )
    for error in result.errors:
        print(f"renkei: {error}", file=sys.stderr)
    return EXIT_EXCHANGE if result.errors else EXIT_OK
