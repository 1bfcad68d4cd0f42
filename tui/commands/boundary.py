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
from core.textsafe import shown
from tui.commands._exchange import open_session
from tui.commands._private import add_show_values, problem_line, show_values


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
    add_show_values(sync)
    sync.set_defaults(func=run_sync)
    status = actions.add_parser("status", parents=[common], help="連携フォルダの状況と保留の理由")
    status.add_argument("--json", action="store_true", help="machine-readable output")
    add_show_values(status)
    status.set_defaults(func=run_status)


def run_sync(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        result = session.sync_boundary()
        if result.busy:
            print(f"renkei: {t('boundary.busy')}", file=sys.stderr)
            return EXIT_PROBLEMS
        # for cron: record number, column and reason; the values only on request
        values = show_values(args)
        for name in result.exported:
            print(t("boundary.cli.exported", name=shown(name)))
        for refused in result.refused:
            name = shown(refused.name)
            held = t("boundary.cli.refused", name=name, count=len(refused.problems))
            print(f"renkei: {held}", file=sys.stderr)
            for problem in sorted(refused.problems, key=lambda p: p.line):
                print(f"{name}: {problem_line(problem, values)}")
        for outcome in result.imported:
            name = shown(outcome.name)
            print(
                t(
                    "boundary.cli.imported",
                    name=name,
                    state=t(f"boundary.state.{outcome.state}"),
                    records=outcome.records,
                    where=shown(outcome.moved_to, 0),
                )
            )
            for problem in sorted(outcome.problems, key=lambda p: p.line):
                print(f"{name}: {problem_line(problem, values)}")
        for name in result.waiting:
            print(t("boundary.cli.waiting", name=shown(name)))
        for unsafe in result.unsafe:
            print(f"renkei: {unsafe.message()}", file=sys.stderr)
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
    with open_session(args, read_only=True) as session:
        st = session.boundary_status()
    if args.json:
        data = dataclasses.asdict(st)
        values = show_values(args)
        data["refused"] = [
            {"file": r.name, "problems": [problem_line(p, values) for p in r.problems]}
            for r in st.refused
        ]
        data["unsafe"] = [u.message() for u in st.unsafe]
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return EXIT_PROBLEMS if st.problems else EXIT_OK
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
    values = show_values(args)
    for refused in st.refused:
        print(t("boundary.cli.refused", name=shown(refused.name), count=len(refused.problems)))
        for problem in sorted(refused.problems, key=lambda p: p.line):
            print(f"  {problem_line(problem, values)}")
    for moved in st.rejected_waiting:
        print(t("guard.import.rejected_waiting", path=shown(moved, 0)))
    for unsafe in st.unsafe:
        print(unsafe.message())
    if st.last_error:
        print(t("boundary.cli.last_error", error=shown(st.last_error, 500)))
    return EXIT_PROBLEMS if st.problems else EXIT_OK
