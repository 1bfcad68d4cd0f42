"""``renkei recover``: after a database restore, reconcile it with the linkage server."""

from __future__ import annotations

import argparse
import sys

from core.errors import EXIT_OK, EXIT_PROBLEMS
from core.i18n import t
from tui.commands._vault import data_dir, operator, with_code, with_passphrase


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "recover",
        parents=[common],
        help="reconcile a database restored from a backup with the linkage server",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from core.datadir.unlock import open_vault
    from core.exchange import recover
    from core.exchange.client import Client

    vault = with_passphrase(
        args,
        lambda phrase: with_code(
            lambda code: open_vault(
                data_dir(args),
                phrase,
                exclusive=True,
                recovering=True,
                operator=operator(args),
                action="recover",
                code=code,
            )
        ),
    )
    with vault:
        if vault.rolled_back is not None:
            print(f"renkei: {vault.rolled_back.message()}", file=sys.stderr)
        else:
            print(t("exchange.recover.not_rolled_back"))
        with Client(vault.config.server) as client:
            result = recover.run(vault, client)
    print(
        t(
            "exchange.recover.summary",
            sent=result.marked_sent,
            batches=result.batches_closed,
            files=result.files_fetched,
            back=result.certificates_back,
        )
    )
    if result.unknown_notices:
        print(f"renkei: {t('exchange.recover.unknown', count=result.unknown_notices)}")
    for file_id in result.lost_files:
        print(f"renkei: {t('exchange.recover.lost', file=file_id)}", file=sys.stderr)
    return EXIT_PROBLEMS if result.lost_files else EXIT_OK
