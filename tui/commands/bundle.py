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

from core import bundle, charset
from core import config as config_mod
from core.config import resolve_data_dir
from core.errors import EXIT_OK, EXIT_PROBLEMS, RenkeiError
from core.i18n import t
from core.paths import BUNDLE_LEDGER_DIR
from core.vault import passphrase as sources
from tui.commands._private import add_show_values, problem_line, show_values


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
    exp.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="files to carry (default: the received MOJ notices not yet carried, "
        "in the [boundary] encoding; this unlocks the terminal)",
    )
    exp.add_argument("--to", required=True, metavar="DIR", help="where to write (the stick)")
    exp.add_argument("--from", dest="source", metavar="DIR", help="carry every file of DIR")
    exp.add_argument(
        "--direction",
        choices=bundle.DIRECTIONS,
        help="to-juki (default for the received notices) or from-juki (municipal notice "
        "files from the resident-record system; default with FILE/--from)",
    )
    exp.add_argument(
        "--again", action="store_true", help="carry received notices already carried before"
    )
    add_show_values(exp)
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


def _sources(args: argparse.Namespace) -> list[Path]:
    if args.files:
        return [Path(f) for f in args.files]
    path = Path(args.source)
    if not path.is_dir():
        raise bundle.BundleError("bundle.no_dir", path=str(path))
    return sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))


def run_export(args: argparse.Namespace) -> int:
    from tui.commands._vault import authorize

    authorize(args)  # bundles: supervisor (roles.toml), before anything is read
    data_dir = resolve_data_dir(getattr(args, "data", None))
    config = config_mod.load(data_dir)
    if args.files or args.source:
        return _export_files(args, config)
    return _export_received(args, data_dir, config)


def _export_files(args: argparse.Namespace, config: config_mod.Config) -> int:
    items = []
    for path in _sources(args):
        try:
            items.append((path.name, path.read_bytes()))
        except (FileNotFoundError, IsADirectoryError):
            raise RenkeiError("common.error.file_not_found", path=str(path)) from None
    if not items:
        raise bundle.BundleError("bundle.no_source")
    key = _key(args, config)
    target = bundle.export_bundle(
        items,
        Path(args.to),
        key,
        args.lasdec or config.terminal.lasdec,
        args.direction or "from-juki",
        config.terminal.terminal_id,
    )
    print(t("bundle.exported", path=target, count=len(items)))
    return EXIT_OK


def _export_received(args: argparse.Namespace, data_dir: Path, config: config_mod.Config) -> int:
    """The received MOJ notices, converted for the resident-record system."""
    from tui.commands._vault import open_from_args

    key = _key(args, config)
    tables = charset.load_tables(data_dir)
    with open_from_args(args) as vault:
        pending = bundle.pending_notices(vault, tables, include_exported=args.again)
        values = show_values(args)
        for refused in pending.refused:
            name = str(refused.params.get("file", "-"))
            count = len(refused.report.problems)
            print(f"renkei: {t('boundary.cli.refused', name=name, count=count)}", file=sys.stderr)
            for problem in sorted(refused.report.problems, key=lambda p: p.line):
                print(f"{refused.params['file']}: {problem_line(problem, values)}")
        if not pending.items:
            print(t("bundle.nothing_new"))
            return EXIT_PROBLEMS if pending.refused else EXIT_OK
        target = bundle.export_bundle(
            pending.items,
            Path(args.to),
            key,
            args.lasdec or config.terminal.lasdec,
            args.direction or "to-juki",
            config.terminal.terminal_id,
        )
        bundle.mark_exported(vault, pending.file_ids, target.name)
    print(t("bundle.exported", path=target, count=len(pending.items)))
    return EXIT_PROBLEMS if pending.refused else EXIT_OK


def run_import(args: argparse.Namespace) -> int:
    from tui.commands._vault import authorize

    authorize(args)  # bundles: supervisor (roles.toml); no-op where renkei is not set up
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
        source,
        key,
        dest,
        data_dir / BUNDLE_LEDGER_DIR,
        args.lasdec or config.terminal.lasdec,
        config.limits.max_bundle_bytes,
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
