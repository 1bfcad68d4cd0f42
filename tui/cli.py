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


def _t(key: str) -> str:
    """A help text of ``common.cli.help.<key>`` in the language chosen so far."""
    return i18n.t(f"common.cli.help.{key}")


def common_parser() -> argparse.ArgumentParser:
    """Options every subcommand takes (given after the subcommand name)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help=_t("data"),
    )
    common.add_argument("--lang", choices=i18n.LANGS, default=argparse.SUPPRESS, help=_t("lang"))
    common.add_argument(
        "--passphrase-file",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help=_t("passphrase_file"),
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    common = common_parser()
    parser = argparse.ArgumentParser(
        prog="renkei",
        description=_t("description"),
        epilog=_t("epilog"),
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


def _early_lang(argv: Sequence[str]) -> str | None:
    """``--lang X`` (or ``--lang=X``) before parsing: the help is written in it."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def main(argv: Sequence[str] | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    early = _early_lang(given) or os.environ.get("RENKEI_LANG")
    if early in i18n.LANGS:
        i18n.set_language(early)
    parser = build_parser()
    args = parser.parse_args(given)
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
