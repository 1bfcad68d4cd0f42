"""``renkei history``: the delivery history (履歴), newest first."""

from __future__ import annotations

import argparse

from core.i18n import t
from tui.commands._exchange import open_session, when


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser("history", parents=[common], help="show the delivery history")
    parser.add_argument("-n", "--limit", type=int, default=50)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        events = session.history(args.limit)
    for event in events:
        print(f"{when(event.at)}  {t(event.action):<10}  {event.result:<8}  {event.detail}")
    return 0
