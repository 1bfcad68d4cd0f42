"""``renkei history``: the delivery history (履歴), newest first."""

from __future__ import annotations

import argparse

from core.i18n import t
from core.textsafe import shown
from tui.commands._exchange import open_session, when


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser("history", parents=[common], help="show the delivery history")
    parser.add_argument("-n", "--limit", type=int, default=50)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_session(args, read_only=True) as session:
        events = session.history(args.limit)
    for event in events:
        # the detail may quote a peer's file name: control characters escaped
        result, detail = shown(event.result, 40), shown(event.detail, 300)
        print(f"{when(event.at)}  {t(event.action):<10}  {result:<8}  {detail}")
    return 0
