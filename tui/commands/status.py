"""``renkei status``: counts, last and next exchange, last error (``--json`` for scripts)."""

from __future__ import annotations

import argparse
import dataclasses
import json
from datetime import datetime

from core.errors import EXIT_PROBLEMS
from core.i18n import t
from tui.commands._exchange import open_session, when
from tui.commands.inbox import attention_lines


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "status",
        parents=[common],
        help=t("common.cli.help.status"),
        description=t("common.cli.help.status_description"),
    )
    parser.add_argument("--json", action="store_true", help=t("common.cli.help.json"))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_session(args, read_only=True) as session:
        status = session.status()
        attention = attention_lines(session)
        invalid = [f.file_id for f in session.inbox() if f.status == "invalid"]
    # The stored error stays in the JSON (for scripts); the text shows it only
    # while no fetch or send has succeeded since it (as the 送信状況 screen).
    from tui.history_text import open_error

    error = open_error(status)
    if args.json:
        data = {
            k: (v.isoformat() if isinstance(v, datetime) else v)
            for k, v in dataclasses.asdict(status).items()
        }
        data["needs_attention"] = invalid
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return EXIT_PROBLEMS if invalid else 0
    print(
        t(
            "exchange.cli.status_counts",
            waiting=status.waiting,
            queued=status.queued,
            sending=status.sending,
            sent=status.sent,
            rejected=status.rejected,
        )
    )
    print(
        t(
            "exchange.cli.status_times",
            last_fetch=when(status.last_fetch),
            last_send=when(status.last_send),
            next_fetch=when(status.next_fetch),
            next_send=when(status.next_send),
        )
    )
    print(
        t(
            "exchange.cli.status_server",
            url=status.server_url or "-",
            skew="-" if status.clock_skew is None else f"{status.clock_skew:+.0f}",
        )
    )
    if status.plain_http:
        print(t("exchange.cli.plain_http"))
    if error:
        print(t("exchange.cli.last_error", error=error))
    for line in attention:  # files that failed their data check: kept, wait for a recheck
        print(line)
    return EXIT_PROBLEMS if attention else 0
