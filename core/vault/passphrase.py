"""Where a scripted command finds the operator's passphrase.

In order: ``--passphrase-file FILE``, ``$RENKEI_PASSPHRASE``, the systemd
credential ``$CREDENTIALS_DIRECTORY/renkei-passphrase`` (``LoadCredential=`` /
``LoadCredentialEncrypted=`` in the unit). The interactive prompt is the
caller's (``tui``); core never reads a terminal.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from core.errors import RenkeiError

ENV_VAR = "RENKEI_PASSPHRASE"
NEW_ENV_VAR = "RENKEI_NEW_PASSPHRASE"
CREDENTIAL = "renkei-passphrase"
MIN_LENGTH = 8


def read_passphrase_file(path: str | os.PathLike[str]) -> str:
    """The first line of ``path`` (a trailing newline is not part of it)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RenkeiError("common.error.file_not_found", path=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RenkeiError("vault.passphrase.unreadable", path=str(path), detail=str(exc)) from exc
    return text.split("\n", 1)[0].removesuffix("\r")


def from_sources(
    passphrase_file: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    env_var: str = ENV_VAR,
) -> str | None:
    """The passphrase from the first source that has one, else None."""
    env = os.environ if env is None else env
    if passphrase_file:
        return read_passphrase_file(passphrase_file)
    if env.get(env_var):
        return env[env_var]
    creds = env.get("CREDENTIALS_DIRECTORY")
    if creds and env_var == ENV_VAR and (Path(creds) / CREDENTIAL).is_file():
        return read_passphrase_file(Path(creds) / CREDENTIAL)
    return None


def check_new(passphrase: str) -> str:
    """A new passphrase must be long enough to resist guessing."""
    if len(passphrase) < MIN_LENGTH:
        raise RenkeiError("vault.passphrase.too_short", min=MIN_LENGTH)
    return passphrase
