"""``renkei validate moj|spr|muni FILE``: the data check of a notice file.

Valid: exit 0 and a one-line summary (after any warning lines). Invalid:
exit 1 and one line per problem, ``line N: column: reason``, on stdout (the
summary goes to stderr); a record's values in the reasons are shown as ``…``
unless ``--show-values`` is given on a terminal. A file that cannot be read
as CSV of that kind at all is one ``renkei: FILE: reason`` error line.

The optional readings of the seed tables (``[formats] readings`` of the data
directory's config, or ``--reading``) apply; ``--explain`` lists them, applied
or not, each with the seed line its cell comes from.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from typing import Any

from core import config as config_mod
from core import formats
from core.errors import EXIT_OK, EXIT_PROBLEMS, RenkeiError
from core.formats import tables
from core.i18n import language, t
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
    parser.add_argument(
        "--reading",
        action="append",
        metavar="NAME",
        choices=sorted({r.name for r in formats.optional_readings()} | {"none"}),
        help="optional reading of the seed tables to apply ('none': as printed); "
        "default: [formats] readings of the data directory",
    )
    parser.add_argument(
        "--explain", action="store_true", help="list the optional readings and whether they apply"
    )
    parser.add_argument(
        "--layout",
        type=int,
        choices=formats.VERSIONS,
        help="the file's layout version (default: as its header says; v1 = before issue 15)",
    )
    add_show_values(parser)
    parser.set_defaults(func=run)


def _readings(args: argparse.Namespace) -> list[str]:
    if args.reading:
        return [r for r in args.reading if r != "none"]
    try:
        config = config_mod.load(config_mod.resolve_data_dir(getattr(args, "data", None)))
    except (OSError, tomllib.TOMLDecodeError):
        return []  # no readable config: the tables as printed
    return list(config.formats.readings)


def explain() -> list[str]:
    """One line per cell of each optional reading: applied or not, the mark as
    printed and as read, the seed line, what the reading says."""
    in_use = formats.readings_in_use()
    names = ", ".join(sorted(in_use)) if in_use else t("validate.explain.as_printed")
    lines = [t("validate.explain.header", readings=names)]
    for r in formats.optional_readings():
        item = next(i for i in tables.items(r.kind) if i.key == r.item)
        printed = tables.printed_patterns(r.kind)[r.pattern].mark(r.item) or "—"
        state = "applied" if r.name in in_use else "not_applied"
        lines.append(
            t(
                "validate.explain.reading",
                name=r.name,
                state=t(f"validate.explain.{state}"),
                kind=r.kind,
                pattern=r.pattern,
                no=item.no,
                item=item.name if language() == "ja" else item.name_en,
                printed=printed,
                mark=r.mark or "—",
                seed=r.seed,
                note=r.note_ja if language() == "ja" else r.note_en,
            )
        )
    return lines


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
    formats.use_readings(_readings(args))
    if args.explain:
        for line in explain():
            print(line)
    data = _read_bytes(args.file)
    parsed = formats.read(args.kind, data, version=args.layout)
    if parsed.fatal is not None:
        raise formats.FormatError(
            "validate.summary.fatal", path=args.file, reason=parsed.fatal.reason()
        )
    report = parsed.report
    values = show_values(args)  # a record's values only when asked, on a terminal
    for problem in sorted(report.problems, key=lambda p: p.line):
        print(problem_line(problem, values))
    params = {
        "path": args.file,
        "kind": args.kind,
        "records": _count("records", len(parsed.records)),
    }
    if report.ok:
        if report.warnings:
            warnings = _count("warnings", len(report.warnings))
            print(t("validate.summary.ok_warnings", warnings=warnings, **params))
        else:
            print(t("validate.summary.ok", **params))
        return EXIT_OK
    errors = report.errors
    bad = len({p.line for p in errors})
    print(
        t("validate.summary.failed", errors=_count("errors", len(errors)), bad=bad, **params),
        file=sys.stderr,
    )
    return EXIT_PROBLEMS


def _count(what: str, n: int) -> str:
    """``n`` records / errors / warnings, singular for 1 (the catalogue's ``_one`` form)."""
    return t(f"validate.count.{what}_one" if n == 1 else f"validate.count.{what}", n=n)
