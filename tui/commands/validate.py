"""``renkei validate moj|spr|muni FILE``: the data check of a notice file.

Valid: exit 0 and a one-line summary (after any warning lines). Invalid:
exit 1 and one line per problem, ``line N: column: reason``, on stdout (the
summary goes to stderr); a record's values in the reasons are shown as ``…``
unless ``--show-values`` is given on a terminal. A file that cannot be read
as CSV of that kind at all is one ``renkei: FILE: reason`` error line.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from core import formats
from core.errors import EXIT_OK, EXIT_PROBLEMS, RenkeiError
from core.i18n import t
from tui.commands._private import add_show_values, problem_line, show_values


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "validate",
        parents=[common],
        help="check a notice file (moj, spr, muni) / 通知ファイルのデータチェック",
        description="Check a notice file against its layout and pattern table (FORMATS.md).",
    )
    parser.add_argument("kind", choices=formats.KINDS, help="file kind")
    parser.add_argument("file", help="the CSV file ('-' for standard input)")
    add_show_values(parser)
    parser.set_defaults(func=run)


def _read_bytes(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise RenkeiError("common.error.file_not_found", path=path) from None
    except IsADirectoryError:
        raise RenkeiError("common.error.file_not_found", path=path) from None


def run(args: argparse.Namespace) -> int:
    data = _read_bytes(args.file)
    parsed = formats.read(args.kind, data)
    if parsed.fatal is not None:
        raise formats.FormatError(
            "validate.summary.fatal", path=args.file, reason=parsed.fatal.reason()
        )
    report = parsed.report
    values = show_values(args)  # a record's values only when asked, on a terminal
    for problem in sorted(report.problems, key=lambda p: p.line):
        print(problem_line(problem, values))
    params = {"path": args.file, "kind": args.kind, "records": len(parsed.records)}
    if report.ok:
        if report.warnings:
            print(t("validate.summary.ok_warnings", warnings=len(report.warnings), **params))
        else:
            print(t("validate.summary.ok", **params))
        return EXIT_OK
    errors = report.errors
    bad = len({p.line for p in errors})
    print(
        t("validate.summary.failed", errors=len(errors), bad=bad, **params),
        file=sys.stderr,
    )
    return EXIT_PROBLEMS
