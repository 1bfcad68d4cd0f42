"""The default way in: ``core.unlock``, refused while the operator must first
change an initial passphrase (``renkei passwd`` or the first-login fields) or
enrol a second factor."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from core.terminal import Terminal

UnlockFn = Callable[[Path, str, "str | None", "str | None"], Terminal]


def default_unlock(
    data_dir: Path, passphrase: str, operator: str | None = None, code: str | None = None
) -> Terminal:
    """Open the data directory as ``operator`` with their passphrase (the
    vault/exchange code)."""
    import core

    terminal = core.unlock(data_dir, passphrase, operator=operator, code=code)
    try:
        terminal.check_ready()
    except BaseException:
        terminal.close()
        raise
    return terminal
