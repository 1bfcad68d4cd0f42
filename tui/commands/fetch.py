"""``renkei fetch``: receive the MOJ notice files now (for cron/systemd too)."""

from __future__ import annotations

import argparse
import sys

from core.errors import EXIT_EXCHANGE, EXIT_OK, EXIT_PROBLEMS
from core.i18n import t
from core.textsafe import shown
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
    if result.duplicates:
        print(t("inbox.duplicates", count=result.duplicates))
    for line in result.invalid:
        file_id, _, name = line.partition(" ")
        print(
            f"renkei: {t('inbox.invalid', file=shown(name), file_id=shown(file_id))}",
            file=sys.stderr,
        )
    for error in result.errors:
        print(f"renkei: {shown(error, 0)}", file=sys.stderr)
    if result.errors:
        return EXIT_EXCHANGE
    return EXIT_PROBLEMS if result.invalid else EXIT_OK
