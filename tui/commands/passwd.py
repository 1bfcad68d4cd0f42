"""``renkei passwd``: change the passphrase (re-wraps the key; no data rewritten)."""

from __future__ import annotations

import argparse

from core.datadir.unlock import change_passphrase
from core.i18n import t
from core.vault import passphrase as sources
from tui.commands._vault import ask_new, data_dir, operator, with_code, with_passphrase


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "passwd",
        parents=[common],
        help="change your own passphrase",
        description="Change the operator's own passphrase (their key slot only; no data is "
        "re-encrypted). The current one comes from the usual sources; "
        "the new one from --new-passphrase-file, $RENKEI_NEW_PASSPHRASE, or a prompt. "
        "An initial passphrase an admin set must be changed this way before anything else.",
    )
    p.add_argument("--new-passphrase-file", metavar="FILE", help="read the new passphrase")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    new = sources.from_sources(args.new_passphrase_file, env_var=sources.NEW_ENV_VAR)
    if new is None:
        new = ask_new()
    with_passphrase(
        args,
        lambda old: with_code(
            lambda code: change_passphrase(data_dir(args), old, new, operator(args), code)
        ),
    )
    print(t("vault.passwd.done"))
    return 0
