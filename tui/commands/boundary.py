"""``renkei boundary sync`` / ``renkei boundary status``: the line connection
with the resident-record system (パターン1), for cron/systemd and by hand.

``sync`` exports the new MOJ notices to ``[boundary] export_dir`` and takes the
complete municipal notice files of ``[boundary] import_dir`` into the send
queue (``--send`` sends right after). Exit 1 when a file was held back or
rejected (its report is printed), 0 otherwise; ``status`` exits 1 while a
file is held back.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

from core.errors import EXIT_OK, EXIT_PROBLEMS
from core.i18n import t
from tui.commands._exchange import open_session


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "boundary",
        parents=[common],
        help="住基との回線連携: 連携フォルダの出力・取込",
        description="Line connection with the resident-record system: export and import folders.",
    )
    actions = parser.add_subparsers(dest="boundary_action", metavar="ACTION", required=True)
    sync = actions.add_parser(
        "sync", parents=[common], help="新しい法務省通知を出力し、市町村通知ファイルを取り込む"
    )
    sync.add_argument("--send", action="store_true", help="send the queue right after")
    sync.set_defaults(func=run_sync)
    status = actions.add_parser("status", parents=[common], help="連携フォルダの状況と保留の理由")
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.set_defaults(func=run_status)


def run_sync(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        result = session.sync_boundary()
        if result.busy:
            print(f"renkei: {t('boundary.busy')}", file=sys.stderr)
            return EXIT_PROBLEMS
        for name in result.exported:
            print(t("boundary.cli.exported", name=name))
        for refused in result.refused:
            held = t("boundary.cli.refused", name=refused.name, count=len(refused.problems))
            print(f"renkei: {held}", file=sys.stderr)
            for line in refused.lines():
                print(f"{refused.name}: {line}")
        for outcome in result.imported:
            print(
                t(
                    "boundary.cli.imported",
                    name=outcome.name,
                    state=t(f"boundary.state.{outcome.state}"),
                    records=outcome.records,
                    where=outcome.moved_to,
                )
            )
            for line in outcome.lines():
                print(f"{outcome.name}: {line}")
        for name in result.waiting:
            print(t("boundary.cli.waiting", name=name))
        print(
            t(
                "boundary.cli.summary",
                exported=len(result.exported),
                refused=len(result.refused),
                imported=len(result.imported),
                queued=result.queued_records,
            )
        )
        if args.send and session.status().queued:
            sent = session.send()
            print(
                t(
                    "exchange.cli.sent",
                    files=sent.files,
                    accepted=sent.accepted,
                    rejected=sent.rejected,
                )
            )
    return EXIT_PROBLEMS if result.problems else EXIT_OK


def run_status(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        st = session.boundary_status()
    if args.json:
        data = dataclasses.asdict(st)
        data["refused"] = [
            {"file": r.name, "problems": r.lines()} for r in st.refused
        ]  # fmt: skip
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return EXIT_PROBLEMS if st.refused else EXIT_OK
    print(
        t(
            "boundary.cli.status",
            linkage=st.linkage,
            encoding=st.encoding,
            export_dir=st.export_dir or "-",
            import_dir=st.import_dir or "-",
        )
    )
    print(
        t(
            "boundary.cli.status_counts",
            exported=st.exported,
            refused=len(st.refused),
            queued=st.queued_files,
            rejected=st.rejected_files,
            last=st.last_sync or "-",
        )
    )
    for refused in st.refused:
        print(t("boundary.cli.refused", name=refused.name, count=len(refused.problems)))
        for line in refused.lines():
            print(f"  {line}")
    if st.last_error:
        print(t("boundary.cli.last_error", error=st.last_error))
    return EXIT_PROBLEMS if st.refused else EXIT_OK
