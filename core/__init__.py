"""renkei core: the 情報連携端末 as a library.

Nothing under ``core`` imports Textual or prints; the TUI and the command line
in ``tui`` are its callers, and so may a municipality's own script::

    import core

    with core.unlock(core.resolve_data_dir(), passphrase) as terminal:
        for entry in terminal.waiting().search("1980-04-01"):
            ...

``__all__`` is the public surface for scripts (pinned by tests/test_public_api.py):
``unlock`` to a ``Terminal``, the value types its methods return, the settings
and the error type. Everything else under ``core`` may change between versions.
The names are loaded on first use, so ``import core`` alone stays light (the
scripted commands import ``core.config`` and must start fast).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name → the module that defines it
_PUBLIC = {
    "unlock": "core.session",
    "change_passphrase": "core.session",
    "Terminal": "core.terminal",
    "WaitingIndex": "core.terminal",
    "WaitingEntry": "core.model",
    "InboxFile": "core.model",
    "EntryResult": "core.model",
    "OutboxItem": "core.model",
    "FetchResult": "core.model",
    "SendResult": "core.model",
    "HistoryEvent": "core.model",
    "Status": "core.model",
    "Progress": "core.model",
    "Config": "core.config",
    "resolve_data_dir": "core.config",
    "default_operator": "core.config",
    "Saved": "core.settings",
    "SettingsRejected": "core.settings",
    "Problem": "core.report",
    "RenkeiError": "core.errors",
}

__all__ = [
    "Config",
    "EntryResult",
    "FetchResult",
    "HistoryEvent",
    "InboxFile",
    "OutboxItem",
    "Problem",
    "Progress",
    "RenkeiError",
    "Saved",
    "SendResult",
    "SettingsRejected",
    "Status",
    "Terminal",
    "WaitingEntry",
    "WaitingIndex",
    "__version__",
    "change_passphrase",
    "default_operator",
    "resolve_data_dir",
    "unlock",
]

if TYPE_CHECKING:
    from core.config import Config, default_operator, resolve_data_dir
    from core.errors import RenkeiError
    from core.model import (
        EntryResult,
        FetchResult,
        HistoryEvent,
        InboxFile,
        OutboxItem,
        Progress,
        SendResult,
        Status,
        WaitingEntry,
    )
    from core.report import Problem
    from core.session import change_passphrase, unlock
    from core.settings import Saved, SettingsRejected
    from core.terminal import Terminal, WaitingIndex


def __getattr__(name: str) -> Any:
    """Load a public name on first use (PEP 562)."""
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'core' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
