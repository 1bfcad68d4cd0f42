"""``renkei fetch``: receive the MOJ notice files now (for cron/systemd too).

On a terminal the progress shows on stderr (a 13 s fetch is not silent);
``--quiet`` prints nothing when all went well, so cron mails only problems.
"""

from __future__ import annotations

import argparse
import sys

from core.errors import EXIT_EXCHANGE, EXIT_OK, EXIT_PROBLEMS
from core.i18n import t
from core.terminal import Progress
from core.textsafe import shown
from tui.commands._exchange import open_session


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "fetch",
        parents=[common],
        help=t("common.cli.help.fetch"),
        description=t("common.cli.help.fetch_description"),
    )
    parser.add_argument("-q", "--quiet", action="store_true", help=t("common.cli.help.quiet"))
    parser.set_defaults(func=run)


def progress_line(step: Progress) -> None:
    """One line on stderr, rewritten in place (only on a terminal)."""
    text = t("common.cli.fetching", done=step.done, total=step.total or "?", detail=step.detail)
    print(f"\r\x1b[K{text}", end="", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    show = sys.stderr.isatty() and not args.quiet
    with open_session(args) as session:
        try:
            result = session.fetch(progress_line if show else None)
        finally:
            if show:
                print("\r\x1b[K", end="", file=sys.stderr, flush=True)
        if result.files:  # the next unlock opens the list sealed, not every row
            session.seal_waiting()
    if not args.quiet or result.errors:
        print(
            t(
                "exchange.cli.fetched",
                files=result.files,
                records=result.records,
                added=result.waiting_added,
            )
        )
    if result.duplicates and not args.quiet:
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
