"""``renkei history``: the delivery history (履歴), newest first.

In words from the catalogue (``tui.history_text``), columns padded by terminal
cells so lines with Japanese words line up.
"""

from __future__ import annotations

import argparse
import unicodedata

from core.i18n import t
from tui import history_text
from tui.commands._exchange import open_session, when
from tui.commands._private import add_show_values, card_shown, show_values


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser("history", parents=[common], help=t("common.cli.help.history"))
    parser.add_argument("-n", "--limit", type=int, default=50, help=t("common.cli.help.limit"))
    add_show_values(parser)
    parser.set_defaults(func=run)


def cell_len(text: str) -> int:
    """Terminal cells of ``text``: East Asian wide and full-width characters take two
    (``rich`` counts the same, but a scripted command does not load the UI library)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, cells: int) -> str:
    """``text`` padded to ``cells`` terminal cells (a kanji is two)."""
    return text + " " * max(cells - cell_len(text), 0)


def run(args: argparse.Namespace) -> int:
    with open_session(args, read_only=True) as session:
        events = session.history(args.limit)
        store = session.vault.store
        values = show_values(args)  # cron mail and the journal get AB********CD
        refs = {
            store.ref(o.card_number)[:12]: card_shown(o.card_number, values)
            for o in session.outbox()
        }
    lines = [
        (
            when(e.at),
            history_text.action_text(e.action),
            history_text.result_text(e.result),
            history_text.detail_text(e.detail, refs),
        )
        for e in events
    ]
    widths = [max((cell_len(line[i]) for line in lines), default=0) for i in range(3)]
    for line in lines:
        head = "  ".join(pad(cell, width) for cell, width in zip(line, widths, strict=False))
        print(f"{head}  {line[3]}".rstrip())
    return 0
