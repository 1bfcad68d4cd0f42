"""``renkei audit verify|show|export``: check, search and export the audit log.

``show`` filters by operator, kind (操作 ログイン イベント 通信 印刷 設定変更 エラー),
time and target (a certificate number or file id, matched by its reference);
``export`` writes a signed file for the municipality's log server
(core/datadir/audit_export.py says how to verify it).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core.datadir.audit_export import Filter, as_dict, export, search
from core.errors import EXIT_PROBLEMS
from core.i18n import t
from core.store.audit import AuditBroken
from tui.commands._exchange import open_session
from tui.commands._vault import open_from_args


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("audit", parents=[common], help="verify or show the audit log")
    actions = p.add_subparsers(dest="audit_action", metavar="ACTION", required=True)
    verify = actions.add_parser(
        "verify", parents=[common], help="check the chain (exit 1 naming the broken entry)"
    )
    verify.set_defaults(func=run_verify)
    show = actions.add_parser("show", parents=[common], help="search and print the entries")
    _filters(show)
    show.add_argument("--limit", type=int, metavar="N", help="only the last N entries")
    show.add_argument("--json", action="store_true", help="one JSON object per line")
    show.set_defaults(func=run_show)
    export = actions.add_parser(
        "export",
        parents=[common],
        help="write a signed export (FILE, FILE.sig, FILE.pub.pem) for a log server",
    )
    export.add_argument("file", metavar="FILE", help="where to write the export (JSON lines)")
    _filters(export)
    export.set_defaults(func=run_export)


def _filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--operator", metavar="NAME", help="only this operator's entries")
    p.add_argument(
        "--kind",
        metavar="KIND",
        help="only this kind: 操作 ログイン イベント 通信 印刷 設定変更 エラー",
    )
    p.add_argument("--since", metavar="TIME", help="from this date or time (ISO 8601)")
    p.add_argument("--until", metavar="TIME", help="up to this date (whole day) or time")
    p.add_argument("--target", metavar="ID", help="certificate number or file id (or its ref)")


def _filter(args: argparse.Namespace) -> Filter:
    return Filter(args.operator, args.kind, args.since, args.until, args.target)


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
    with open_from_args(args, read_only=True) as vault:
        entries = search(vault, _filter(args), args.limit)
    for e in entries:
        if args.json:
            print(json.dumps(as_dict(e), ensure_ascii=False))
        else:
            print(
                f"{e.seq:6d}  {e.at}  {e.kind or '-':<5} {e.actor:<12} {e.terminal or '-':<14} "
                f"{e.action:<28} {e.result:<8} {e.record}  {e.detail}".rstrip()
            )
    return 0


def run_export(args: argparse.Namespace) -> int:
    with open_from_args(args) as vault:
        done = export(vault, Path(args.file), _filter(args))
    print(
        t(
            "operator.audit.exported",
            entries=done.entries,
            path=str(done.path),
            signature=str(done.signature),
            public_key=str(done.public_key),
            fingerprint=done.fingerprint,
        )
    )
    return 0
