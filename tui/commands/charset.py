"""``renkei charset import|check|convert|lookup``.

Import takes either the municipality's 外字 table (header ``sjis,juki_code,unicode``)
or a CSV/TSV export of the MJ文字情報一覧表 (the 住基統一文字 code table) and stores
it in ``<data>/charset/``. Check says, without writing anything, whether a file
can be written in (or read from) the configured encoding, and where it cannot.
Convert writes a file in another encoding (all or nothing unless ``--partial``);
lookup shows what the 住基統一文字 table says about a character or code.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

from core import charset
from core.charset.convert import convert, describe, lookup
from core.charset.gaiji import HEADER
from core.charset.juki import table_dir
from core.config import resolve_data_dir
from core.durable import DIR_MODE, write_atomic
from core.errors import EXIT_OK, EXIT_PROBLEMS, RenkeiError
from core.i18n import t
from core.paths import GAIJI_NAME, JUKI_ATTRIBUTION_NAME, JUKI_NAME


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "charset",
        parents=[common],
        help="文字コード: 外字表・住基統一文字コード表の取込、変換の確認",
        description="Character codes at the resident-record boundary (utf-8 / juki / juki-sjis).",
    )
    actions = parser.add_subparsers(dest="charset_action", metavar="ACTION", required=True)

    imp = actions.add_parser(
        "import",
        parents=[common],
        help="外字表 (sjis,juki_code,unicode) または MJ文字情報一覧表の CSV/TSV を取り込む",
    )
    imp.add_argument("file", metavar="FILE")
    imp.set_defaults(func=run_import)

    check = actions.add_parser(
        "check", parents=[common], help="ファイルが変換できるかを確認する（出力はしない）"
    )
    check.add_argument("file", metavar="FILE")
    check.add_argument("--encoding", choices=charset.ENCODINGS, help="default: [boundary] encoding")
    check.add_argument("--gaiji", metavar="TABLE", help="外字表 (default: the configured one)")
    check.add_argument(
        "--decode",
        action="store_true",
        help="FILE is in the encoding: check that it can be read (default: automatic)",
    )
    check.set_defaults(func=run_check)

    conv = actions.add_parser(
        "convert",
        parents=[common],
        help="ファイルの文字コードを変換する（変換できない文字があれば何も書かない）",
    )
    conv.add_argument("--from", dest="source", required=True, choices=charset.ENCODINGS)
    conv.add_argument("--to", dest="target", required=True, choices=charset.ENCODINGS)
    conv.add_argument("--gaiji", metavar="TABLE", help="外字表 (default: the configured one)")
    conv.add_argument(
        "--partial",
        action="store_true",
        help="write the records that convert, leaving out those with a problem",
    )
    conv.add_argument("input", metavar="IN")
    conv.add_argument("output", metavar="OUT")
    conv.set_defaults(func=run_convert)

    look = actions.add_parser(
        "lookup", parents=[common], help="住基統一文字コード表を引く（文字、J+XXXX、U+XXXX）"
    )
    look.add_argument("query", metavar="CHAR|J+XXXX|U+XXXX")
    look.set_defaults(func=run_lookup)

    review = actions.add_parser(
        "review",
        parents=[common],
        help="住基統一文字にない文字の確認（一覧、決定）: 決めるまで既存住基へ渡さない",
    )
    steps = review.add_subparsers(dest="review_action", metavar="STEP", required=True)
    listing = steps.add_parser("list", parents=[common], help="確認待ちの文字と候補")
    listing.set_defaults(func=run_review_list)
    decide = steps.add_parser("decide", parents=[common], help="1文字を決める（監査ログに記録）")
    decide.add_argument("char", metavar="CHAR|U+XXXX")
    choice = decide.add_mutually_exclusive_group(required=True)
    choice.add_argument("--use", metavar="J+XXXX", help="write it as this 住基統一文字")
    choice.add_argument("--gaiji", metavar="XXXX", help="register it as this 外字 code")
    decide.set_defaults(func=run_review_decide)


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        raise RenkeiError("common.error.file_not_found", path=path) from None


def run_import(args: argparse.Namespace) -> int:
    from tui.commands._vault import authorize

    authorize(args)  # the terminal's character tables: admin (roles.toml)
    data_dir = resolve_data_dir(getattr(args, "data", None))
    source = Path(args.file)
    data = _read(args.file)
    first = data.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].decode("utf-8", "replace")
    if tuple(h.strip().lower() for h in first.split(",")[:3]) == HEADER:
        juki = charset.load_juki(data_dir)
        rows = charset.parse_gaiji(
            data.decode("utf-8-sig"), str(source), juki.to_unicode, juki.from_unicode
        )
        folder = table_dir(data_dir)
        folder.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        target = folder / GAIJI_NAME
        write_atomic(target, data)
        print(t("charset.imported_gaiji", count=len(rows), path=target))
        return EXIT_OK
    table = charset.import_mj(source, data_dir)
    folder = table_dir(data_dir)
    print(
        t(
            "charset.imported_mj",
            count=len(table),
            path=folder / JUKI_NAME,
            attribution=folder / JUKI_ATTRIBUTION_NAME,
        )
    )
    return EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    data_dir = resolve_data_dir(getattr(args, "data", None))
    tables = charset.load_tables(data_dir, args.encoding, Path(args.gaiji) if args.gaiji else None)
    codec = tables.codec
    data = _read(args.file)
    text = ""
    decode = args.decode or (codec.name == charset.JUKI and b"\x00" in data[:4096])
    if not decode:  # (a juki file of ASCII-range text would also be valid UTF-8)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            decode = True
    if decode:
        text, report = charset.check_decode(data, codec)
    else:
        _data, report = charset.check_encode(text, codec, tables.hints)
    direction = t("charset.direction.decode" if decode else "charset.direction.encode")
    if report.ok:
        count = max(_count_records(text), 0)
        print(
            t("charset.check_ok", file=args.file, count=count, encoding=codec.name,
              direction=direction)
        )  # fmt: skip
        return EXIT_OK
    print(
        t("charset.check_problems", file=args.file, count=len(report.problems),
          encoding=codec.name, direction=direction),
        file=sys.stderr,
    )  # fmt: skip
    for line in report.lines():
        print(f"{args.file}: {line}")
    return EXIT_PROBLEMS


def _count_records(text: str) -> int:
    return sum(1 for _ in csv.reader(io.StringIO(text, newline=""))) - 1


def run_convert(args: argparse.Namespace) -> int:
    data_dir = resolve_data_dir(getattr(args, "data", None))
    gaiji = Path(args.gaiji) if args.gaiji else None
    source = charset.load_tables(data_dir, args.source, gaiji)
    target = charset.load_tables(data_dir, args.target, gaiji)
    result = convert(_read(args.input), source.codec, target.codec, target.hints,
                     partial=args.partial)  # fmt: skip
    for line in result.report.lines():
        print(f"{args.input}: {line}")
    if result.data or (result.report.ok and not result.left_out):
        write_atomic(Path(args.output), result.data)
    if result.report.ok:
        print(t("charset.converted", file=args.input, out=args.output, count=result.records,
                source=args.source, target=args.target))  # fmt: skip
        return EXIT_OK
    if result.data:
        print(
            t("charset.converted_partly", file=args.input, out=args.output,
              count=result.records, left=len(result.left_out)),
            file=sys.stderr,
        )  # fmt: skip
    else:
        print(
            t("charset.not_converted", file=args.input, count=len(result.report.problems)),
            file=sys.stderr,
        )
    return EXIT_PROBLEMS


def run_lookup(args: argparse.Namespace) -> int:
    table = charset.load_juki(resolve_data_dir(getattr(args, "data", None)))
    rows = lookup(args.query, table)
    if not rows:
        print(t("charset.lookup.unknown", query=args.query), file=sys.stderr)
        return EXIT_PROBLEMS
    missing = False
    for row in rows:
        if row.juki:
            also = ", ".join(describe(a) for a in row.also) or "-"
            print(t("charset.lookup.row", juki=row.juki, mj=row.mj or "-",
                    form=describe(row.text), also=also, folded=row.folded))  # fmt: skip
        else:
            missing = True
            print(t("charset.lookup.none", form=describe(row.text),
                    juki=", ".join(f"{c} {table.to_unicode.get(c, '')}" for c in row.suggestions)
                    or "-", folded=row.folded))  # fmt: skip
    return EXIT_PROBLEMS if missing else EXIT_OK


def run_review_list(args: argparse.Namespace) -> int:
    from core.boundary import export
    from core.charset import review
    from tui.commands._vault import open_from_args

    with open_from_args(args) as vault:
        refused = [(r.name, r.problems) for r in export.refusals(vault)]
        table = charset.load_juki(vault.data_dir)
        items = review.pending(refused, table, review.load_decisions(vault.data_dir))
    if not items:
        print(t("charset.review.none"))
        return EXIT_OK
    for item in items:
        name, line, column = item.places[0]
        juki = ", ".join(f"{c} {table.to_unicode.get(c, '')}" for c in item.suggestions[:3])
        print(t("charset.review.item", char=item.text, code=charset.u_codes(item.text),
                count=len(item.places), juki=juki or "-", file=name, line=line,
                column=column))  # fmt: skip
    print(t("charset.review.summary", count=len(items)), file=sys.stderr)
    return EXIT_PROBLEMS


def run_review_decide(args: argparse.Namespace) -> int:
    from core.charset import review
    from core.charset.gaiji import parse_unicode_field
    from core.store.audit import default_actor
    from tui.commands._vault import open_from_args

    text = parse_unicode_field(args.char)
    with open_from_args(args) as vault:
        tables = charset.load_tables(vault.data_dir, charset.JUKI)
        decision = review.decide(vault, text, tables.juki or charset.shipped(),
                                 use=args.use or "", gaiji=args.gaiji or "",
                                 gaiji_path=tables.gaiji_path, actor=default_actor())  # fmt: skip
        path = tables.gaiji_path or table_dir(vault.data_dir) / GAIJI_NAME
    code = charset.u_codes(text)
    if decision.decision == review.USE:
        print(t("charset.review.decided_use", char=text, code=code, juki=decision.juki_code,
                form=decision.form))  # fmt: skip
    else:
        print(t("charset.review.decided_gaiji", char=text, code=code,
                gaiji=args.gaiji.upper(), path=path))  # fmt: skip
    return EXIT_OK
