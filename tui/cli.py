"""The ``renkei`` entry point: the TUI by default, subcommands for scripts.

Subcommands live in ``tui.commands`` and are discovered at start. Errors the
product knows (``core.errors.RenkeiError``) end the command with their message
in the chosen language and their own exit code; nothing else prints a
traceback unless ``RENKEI_DEBUG=1``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence

import core
from core import errors, i18n

HELP_EPILOG = (
    "終了コード / exit codes: 0 ok, 1 problems, 2 usage, 3 locked, 4 exchange, 5 card,"
    " 6 role refused"
)


def common_parser() -> argparse.ArgumentParser:
    """Options every subcommand takes (given after the subcommand name)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="data directory (default: $RENKEI_DATA or the XDG data dir)",
    )
    common.add_argument(
        "--lang", choices=i18n.LANGS, default=argparse.SUPPRESS, help="message language"
    )
    common.add_argument(
        "--passphrase-file",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="read the passphrase from FILE (else $RENKEI_PASSPHRASE, systemd credential)",
    )
    common.add_argument(
        "--user",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="operator name (default: $RENKEI_USER, else the login name)",
    )
    return common


def action_path(parser: argparse.ArgumentParser, args: argparse.Namespace) -> str:
    """The command's words ("user add", "card ca list"): its key in roles.toml."""
    words: list[str] = []
    while True:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        chosen = getattr(args, subs[0].dest, None) if subs else None
        if not subs or chosen is None:
            return " ".join(words)
        words.append(chosen)
        parser = subs[0].choices[chosen]


def build_parser() -> argparse.ArgumentParser:
    common = common_parser()
    parser = argparse.ArgumentParser(
        prog="renkei",
        description="情報連携端末 (information linkage terminal). Without a subcommand: the TUI.",
        epilog=HELP_EPILOG,
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"renkei {core.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    import tui.commands as pkg

    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{pkg.__name__}.{info.name}")
        module.register(sub, common)
    return parser


def _run_tui(args: argparse.Namespace) -> int:
    try:
        from tui.app import run_app
    except ImportError as exc:  # the app is built by a later step
        raise errors.RenkeiError("common.error.not_implemented", what=f"TUI ({exc})") from exc
    return run_app(args)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.action_path = action_path(parser, args)
    lang = getattr(args, "lang", None) or os.environ.get("RENKEI_LANG")
    if lang in i18n.LANGS:
        i18n.set_language(lang)
    func = getattr(args, "func", None) or _run_tui
    try:
        return int(func(args) or 0)
    except errors.RenkeiError as exc:
        print(f"renkei: {exc.message()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"renkei: {i18n.t('common.cli.interrupted')}", file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("RENKEI_DEBUG"):
            raise
        detail = f"{type(exc).__name__}: {exc}"
        print(f"renkei: {i18n.t('common.error.unexpected', detail=detail)}", file=sys.stderr)
        return errors.EXIT_INTERNAL
