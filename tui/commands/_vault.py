"""Shared by the commands that unlock the terminal: passphrase sources and prompt.

Order: ``--passphrase-file``, ``$RENKEI_PASSPHRASE``, the systemd credential
``renkei-passphrase``; else, on a terminal, a prompt (``getpass``); else a
clear error (exit 3).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from core.config import resolve_data_dir
from core.datadir.opened import Vault
from core.datadir.unlock import open_vault
from core.errors import RenkeiError
from core.i18n import t
from core.vault import passphrase as sources
from core.vault.errors import NoPassphrase, WrongPassphrase

PROMPT_ATTEMPTS = 3
T = TypeVar("T")


def data_dir(args: argparse.Namespace) -> Path:
    return resolve_data_dir(getattr(args, "data", None))


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stderr.isatty()


def scripted_passphrase(args: argparse.Namespace) -> str | None:
    """The passphrase from the scripted sources, or None (then prompt or fail)."""
    return sources.from_sources(getattr(args, "passphrase_file", None))


def ask(prompt_key: str = "vault.passphrase.prompt") -> str:
    if not _interactive():
        raise NoPassphrase()
    return getpass.getpass(t(prompt_key))


def ask_new() -> str:
    """A new passphrase typed twice."""
    first = ask("vault.passphrase.prompt_new")
    sources.check_new(first)
    if ask("vault.passphrase.prompt_confirm") != first:
        raise RenkeiError("vault.passphrase.mismatch")
    return first


def with_passphrase(args: argparse.Namespace, attempt: Callable[[str], T]) -> T:
    """Run ``attempt(passphrase)``; at a prompt, a wrong one may be retried."""
    given = scripted_passphrase(args)
    if given is not None:
        return attempt(given)
    for n in range(PROMPT_ATTEMPTS):
        try:
            return attempt(ask())
        except WrongPassphrase as exc:
            if n == PROMPT_ATTEMPTS - 1:
                raise
            print(f"renkei: {exc.message()}", file=sys.stderr)
    raise NoPassphrase()  # pragma: no cover


def operator(args: argparse.Namespace) -> str | None:
    """``--user``, else None (then ``$RENKEI_USER`` or the login name)."""
    return getattr(args, "user", None)


def action(args: argparse.Namespace) -> str | None:
    """The command's key in roles.toml (set by ``tui.cli.main``)."""
    return getattr(args, "action_path", None) or None


CODE_ENV = "RENKEI_TOTP_CODE"  # the second-factor code for scripts


def with_code(attempt: Callable[[str | None], T]) -> T:
    """Run ``attempt(code)``: the code from ``$RENKEI_TOTP_CODE``, else none; if
    the operator has a second factor and this is a terminal, ask for it."""
    from core.vault.errors import SecondFactorNeeded

    code = os.environ.get(CODE_ENV) or None
    try:
        return attempt(code)
    except SecondFactorNeeded:
        if code is not None or not _interactive():
            raise
    return attempt(getpass.getpass(t("operator.totp_prompt")))


def open_from_args(
    args: argparse.Namespace,
    exclusive: bool = False,
    passphrase_out: list[str] | None = None,
    read_only: bool = False,
) -> Vault:
    """Unlock the data directory the command names, as the command's operator
    (with their second-factor code), refusing (exit 6) what their role may not do.
    An uninitialised one says so before any passphrase is asked for."""
    from core.datadir.unlock import is_initialised
    from core.vault.errors import NotInitialised

    if not is_initialised(data_dir(args)):
        raise NotInitialised(str(data_dir(args)))

    def attempt(phrase: str) -> Vault:
        if passphrase_out is not None:
            passphrase_out[:] = [phrase]
        return with_code(
            lambda code: open_vault(
                data_dir(args),
                phrase,
                exclusive=exclusive,
                read_only=read_only,
                operator=operator(args),
                action=action(args),
                code=code,
            )
        )

    vault = with_passphrase(args, attempt)
    warn_weak(vault)
    return vault


def authorize(args: argparse.Namespace) -> None:
    """For a command that changes the data directory without unlocking it (trust
    anchors, character tables): unlock once to check the operator's role. A
    directory not yet initialised has no operators and nothing to protect."""
    from core.datadir.unlock import is_initialised

    if is_initialised(data_dir(args)):
        open_from_args(args).close()


def warn_weak(vault: Vault) -> None:
    if vault.weak_kdf:
        print(f"renkei: {t('vault.kdf.low')}", file=sys.stderr)
    if vault.rolled_back is not None:  # read-only until renkei recover
        print(f"renkei: {vault.rolled_back.message()}", file=sys.stderr)
