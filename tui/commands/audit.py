"""``renkei audit verify|show``: check and print the hash-chained audit log."""

from __future__ import annotations

import argparse
import json
import sys

from core.errors import EXIT_PROBLEMS
from core.i18n import t
from core.store.audit import AuditBroken
from tui.commands._exchange import open_session


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("audit", parents=[common], help="verify or show the audit log")
    actions = p.add_subparsers(dest="audit_action", metavar="ACTION", required=True)
    verify = actions.add_parser(
        "verify", parents=[common], help="check the chain (exit 1 naming the broken entry)"
    )
    verify.set_defaults(func=run_verify)
    show = actions.add_parser("show", parents=[common], help="print the entries")
    show.add_argument("--limit", type=int, metavar="N", help="only the last N entries")
    show.add_argument("--json", action="store_true", help="one JSON object per line")
    show.set_defaults(func=run_show)


def run_verify(args: argparse.Namespace) -> int:
    with open_session(args, read_only=True) as session:
        try:
            count = session.verify_audit()
        except AuditBroken as exc:
            print(f"renkei: {exc.message()}", file=sys.stderr)
            return EXIT_PROBLEMS
    print(t("vault.audit.ok", count=count))
    return 0


def run_show(args: argparse.Namespace) -> int:
    with open_session(args, read_only=True) as session:
        entries = session.audit_entries(args.limit)
    for e in entries:
        if args.json:
            print(
                json.dumps(
                    {
                        "seq": e.seq,
                        "at": e.at,
                        "actor": e.actor,
                        "action": e.action,
                        "record": e.record,
                        "result": e.result,
                        "detail": e.detail,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            print(
                f"{e.seq:6d}  {e.at}  {e.actor:<12} {e.action:<28} {e.result:<8} "
                f"{e.record}  {e.detail}".rstrip()
            )
    return 0
