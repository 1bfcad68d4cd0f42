"""``renkei charset import FILE`` and ``renkei charset check FILE``.

Import takes either the municipality's 外字 table (header ``sjis,juki_code,unicode``)
or a CSV/TSV export of the MJ文字情報一覧表 (the 住基統一文字 code table) and stores
it in ``<data>/charset/``. Check says, without writing anything, whether a file
can be written in (or read from) the configured encoding, and where it cannot.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

from core import charset
from core.charset.gaiji import HEADER
from core.charset.juki import ATTRIBUTION_NAME, table_dir
from core.config import resolve_data_dir
from core.errors import EXIT_OK, EXIT_PROBLEMS, RenkeiError
from core.i18n import t
from core.vault.atomic import DIR_MODE, write_atomic


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "charset",
        parents=[common],
        help="文字コード: 外字表・住基統一文字コード表の取込、変換の確認",
        description="Character codes at the resident-record boundary (utf-8 / juki-sjis).",
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


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        raise RenkeiError("common.error.file_not_found", path=path) from None


def run_import(args: argparse.Namespace) -> int:
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
        target = folder / charset.GAIJI_NAME
        write_atomic(target, data)
        print(t("charset.imported_gaiji", count=len(rows), path=target))
        return EXIT_OK
    table = charset.import_mj(source, data_dir)
    folder = table_dir(data_dir)
    print(
        t(
            "charset.imported_mj",
            count=len(table),
            path=folder / "juki.csv",
            attribution=folder / ATTRIBUTION_NAME,
        )
    )
    return EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    data_dir = resolve_data_dir(getattr(args, "data", None))
    tables = charset.load_tables(data_dir, args.encoding, Path(args.gaiji) if args.gaiji else None)
    codec = tables.codec
    data = _read(args.file)
    text = ""
    decode = args.decode
    if not decode:
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
