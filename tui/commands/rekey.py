"""``renkei rekey``: move to a new data key, re-encrypting everything (resumable)."""

from __future__ import annotations

import argparse
import sys

from core.datadir.rekey import rekey
from core.i18n import t
from tui.commands._vault import data_dir, operator, with_code, with_passphrase


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "rekey",
        parents=[common],
        help="replace the data key and re-encrypt all data (resumable)",
        description="Generate a new data key and re-encrypt every file and field under it. "
        "If interrupted, run it again: it resumes. Other renkei processes must be closed.",
    )
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    def progress(step: str, done: int, total: int) -> None:
        if not args.quiet:
            print(f"{t(step)}: {done}/{total}", file=sys.stderr)

    result = with_passphrase(
        args,
        lambda phrase: with_code(
            lambda code: rekey(data_dir(args), phrase, progress, operator(args), code)
        ),
    )
    if result.resumed:
        print(t("vault.rekey.resumed"))
    print(t("vault.rekey.done", files=result.files, fields=result.fields, key_id=result.new_key))
    return 0
