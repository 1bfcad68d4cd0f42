"""The ``renkei`` entry point: the TUI by default, subcommands for scripts.

Subcommands live in ``tui.commands`` and are discovered at start. Errors the
product knows (``core.errors.RenkeiError``) end the command with their message
in the chosen language and their own exit code; nothing else prints a
traceback unless ``RENKEI_DEBUG=1``.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import sys
from collections.abc import Sequence

import core
from core import errors, i18n
from core.textsafe import shown


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
        if subs and chosen is None and "list" in subs[0].choices:
            chosen = "list"  # a bare group (``renkei inbox``) does what its ``list`` does
        if not subs or chosen is None:
            return " ".join(words)
        words.append(chosen)
        parser = subs[0].choices[chosen]


# a subcommand whose module is named otherwise (``list`` would shadow the builtin)
_MODULE_OF = {"list": "listing"}


def build_parser(commands: bool | str = True) -> argparse.ArgumentParser:
    """The ``renkei`` parser; ``commands=False``: without the subcommands (their
    modules import most of ``core``), for a command line that names none; a
    command's name: with that subcommand alone (cron starts one command at a
    time, and importing the other 23 cost a third of its start)."""
    common = common_parser()
    parser = argparse.ArgumentParser(
        prog="renkei",
        description=_t("description"),
        epilog=i18n.t("common.cli.help.epilog", codes=errors.exit_codes_line()),
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"renkei {core.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    if not commands:
        return parser
    import pkgutil

    import tui.commands as pkg

    names = sorted(m.name for m in pkgutil.iter_modules(pkg.__path__) if m.name[0] != "_")
    if isinstance(commands, str):
        names = [_MODULE_OF.get(commands, commands)]
    for name in names:
        module = importlib.import_module(f"{pkg.__name__}.{name}")
        module.register(sub, common)
    return parser


def _run_tui(args: argparse.Namespace) -> int:
    from tui.app import run_app  # Textual loads only when the TUI starts

    return run_app(args)


def _commands_needed(argv: Sequence[str]) -> bool | str:
    """Which command modules ``argv`` needs: none when it holds only the common
    options (the TUI paints its unlock screen without them); the one a known
    subcommand names; all of them for ``--help``, ``--version`` or a typo (the
    usage lists every subcommand)."""
    _known, rest = common_parser().parse_known_args(argv)
    if not rest:
        return False
    first = rest[0]
    if first.startswith("-") or not first.isidentifier():
        return True
    import importlib.util

    module = _MODULE_OF.get(first, first)
    if module.startswith("_") or importlib.util.find_spec(f"tui.commands.{module}") is None:
        return True
    return first


def _early_lang(argv: Sequence[str]) -> str | None:
    """``--lang X`` (or ``--lang=X``) before parsing: the help is written in it."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def main(argv: Sequence[str] | None = None) -> int:
    from core.hardening import no_core_dumps

    no_core_dumps()  # first: nothing personal is in memory yet
    given = list(sys.argv[1:] if argv is None else argv)
    early = _early_lang(given) or os.environ.get("RENKEI_LANG")
    if early in i18n.LANGS:
        i18n.set_language(early)
    parser = build_parser(commands=_commands_needed(given))
    args = parser.parse_args(given)
    args.action_path = action_path(parser, args)
    lang = getattr(args, "lang", None) or os.environ.get("RENKEI_LANG")
    if lang in i18n.LANGS:
        i18n.set_language(lang)
    func = getattr(args, "func", None) or _run_tui
    try:
        return int(func(args) or 0)
    except BrokenPipeError:
        return _quiet_broken_pipe()
    except errors.RenkeiError as exc:
        # a message may quote what came from outside: shown with controls escaped
        print(f"renkei: {shown(exc.message(), 0, keep_newlines=True)}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            print(f"renkei: {i18n.t('vault.disk_full', path=exc.filename or '-')}", file=sys.stderr)
            return errors.EXIT_PROBLEMS
        return _unexpected(exc)
    except KeyboardInterrupt:
        print(f"renkei: {i18n.t('common.cli.interrupted')}", file=sys.stderr)
        return errors.EXIT_INTERRUPTED
    except Exception as exc:
        if _sqlite_disk_error(exc):  # disk I/O error, database or disk is full
            print(f"renkei: {i18n.t('guard.disk.storage', detail=str(exc))}", file=sys.stderr)
            return errors.EXIT_PROBLEMS
        return _unexpected(exc)


def _sqlite_disk_error(exc: Exception) -> bool:
    """An SQLite error about the disk. ``sqlite3`` is not imported for this: a
    command that never opened a database cannot raise one (the TUI starts faster)."""
    sqlite3 = sys.modules.get("sqlite3")
    return (
        sqlite3 is not None
        and isinstance(exc, sqlite3.OperationalError)
        and ("disk" in str(exc) or "full" in str(exc))
    )


def _unexpected(exc: Exception) -> int:
    if os.environ.get("RENKEI_DEBUG"):
        raise exc
    detail = f"{type(exc).__name__}: {exc}"
    print(f"renkei: {i18n.t('common.error.unexpected', detail=detail)}", file=sys.stderr)
    return errors.EXIT_INTERNAL


def _quiet_broken_pipe() -> int:
    """The reader went away (``renkei validate … | head``): stop quietly. Standard
    output is pointed at /dev/null so the flush at exit does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
    return errors.EXIT_BROKEN_PIPE
