"""``renkei bundle export`` / ``renkei bundle import``: USB media exchange (pattern 2).

The transfer passphrase (agreed per municipality, the same at both ends) comes
from ``--transfer-passphrase-file``, ``$RENKEI_TRANSFER_PASSPHRASE``, or a
prompt on a terminal.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from core import bundle
from core import config as config_mod
from core.config import resolve_data_dir
from core.errors import EXIT_OK, RenkeiError
from core.i18n import t
from core.vault import passphrase as sources

LEDGER_DIR = "bundles"


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "bundle",
        parents=[common],
        help="USB 媒体連携: 暗号化バンドルの書き出し・取り込み",
        description="Encrypted USB bundles between the terminal and the resident-record system.",
    )
    actions = parser.add_subparsers(dest="bundle_action", metavar="ACTION", required=True)
    key_opts = argparse.ArgumentParser(add_help=False)
    key_opts.add_argument(
        "--transfer-passphrase-file",
        metavar="FILE",
        help=f"transfer passphrase (else ${bundle.TRANSFER_ENV}, else a prompt)",
    )
    key_opts.add_argument("--lasdec", metavar="CODE", help="default: [terminal] lasdec")

    exp = actions.add_parser(
        "export", parents=[common, key_opts], help="バンドルを書き出す (renkei-LASDEC-時刻.rkb)"
    )
    exp.add_argument("files", nargs="*", metavar="FILE", help="files to carry")
    exp.add_argument("--to", required=True, metavar="DIR", help="where to write (the stick)")
    exp.add_argument("--from", dest="source", metavar="DIR", help="carry every file of DIR")
    exp.add_argument("--direction", choices=bundle.DIRECTIONS, default="to-juki")
    exp.set_defaults(func=run_export)

    imp = actions.add_parser(
        "import", parents=[common, key_opts], help="バンドルを確認してから取り込む"
    )
    imp.add_argument("file", metavar="FILE")
    imp.add_argument(
        "--to",
        metavar="DIR",
        help="where its files go (default: [boundary] import_dir for from-juki bundles, "
        "export_dir for to-juki bundles)",
    )
    imp.set_defaults(func=run_import)


def _key(args: argparse.Namespace, config: config_mod.Config) -> bundle.TransferKey:
    secret = sources.from_sources(args.transfer_passphrase_file, env_var=bundle.TRANSFER_ENV)
    if secret is None and sys.stdin.isatty() and sys.stderr.isatty():
        secret = getpass.getpass(t("bundle.prompt"))
    if not secret:
        raise bundle.BundleError("bundle.no_passphrase", env=bundle.TRANSFER_ENV)
    return bundle.transfer_key(secret, args.lasdec or config.terminal.lasdec)


def _sources(args: argparse.Namespace, config: config_mod.Config) -> list[Path]:
    if args.files:
        return [Path(f) for f in args.files]
    folder = args.source or config.boundary.export_dir
    if not folder:
        raise bundle.BundleError("bundle.no_source")
    path = Path(folder)
    if not path.is_dir():
        raise bundle.BundleError("bundle.no_dir", path=str(path))
    return sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))


def run_export(args: argparse.Namespace) -> int:
    data_dir = resolve_data_dir(getattr(args, "data", None))
    config = config_mod.load(data_dir)
    files = _sources(args, config)
    if not files:
        raise bundle.BundleError("bundle.no_source")
    items = []
    for path in files:
        try:
            items.append((path.name, path.read_bytes()))
        except (FileNotFoundError, IsADirectoryError):
            raise RenkeiError("common.error.file_not_found", path=str(path)) from None
    key = _key(args, config)
    target = bundle.export_bundle(
        items,
        Path(args.to),
        key,
        args.lasdec or config.terminal.lasdec,
        args.direction,
        config.terminal.terminal_id,
    )
    print(t("bundle.exported", path=target, count=len(items)))
    return EXIT_OK


def run_import(args: argparse.Namespace) -> int:
    data_dir = resolve_data_dir(getattr(args, "data", None))
    config = config_mod.load(data_dir)
    key = _key(args, config)
    if args.to:
        dest: Path | dict[str, Path] = Path(args.to)
    else:
        dest = {}
        if config.boundary.import_dir:
            dest["from-juki"] = Path(config.boundary.import_dir)
        if config.boundary.export_dir:
            dest["to-juki"] = Path(config.boundary.export_dir)
    source = Path(args.file)
    result = bundle.import_bundle(
        source, key, dest, data_dir / LEDGER_DIR, args.lasdec or config.terminal.lasdec
    )
    if result.already:
        print(t("bundle.already", path=source))
        return EXIT_OK
    where = result.written[0].parent if result.written else (
        result.unchanged[0].parent if result.unchanged else "-"
    )  # fmt: skip
    print(
        t("bundle.imported", path=source, dest=where, written=len(result.written),
          unchanged=len(result.unchanged))
    )  # fmt: skip
    return EXIT_OK
