"""``core.__all__``: the surface a municipality's script may rely on, pinned.

A change here is a change for every script that uses ``core``: it is made on
purpose, with the README's "Using core from a script" section.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import core

ROOT = Path(__file__).resolve().parent.parent

PUBLIC = [
    "__version__",
    "unlock",
    "change_passphrase",
    "default_operator",
    "Terminal",
    "WaitingIndex",
    "WaitingEntry",
    "InboxFile",
    "EntryResult",
    "OutboxItem",
    "FetchResult",
    "SendResult",
    "HistoryEvent",
    "Status",
    "Progress",
    "Config",
    "resolve_data_dir",
    "Saved",
    "SettingsRejected",
    "Problem",
    "RenkeiError",
]


def test_the_public_names_are_pinned_and_resolve() -> None:
    assert sorted(core.__all__) == sorted(PUBLIC)
    for name in PUBLIC:
        assert getattr(core, name) is not None
    from core.session import unlock
    from core.terminal import Terminal

    assert core.unlock is unlock and core.Terminal is Terminal
    assert set(PUBLIC) <= set(dir(core))


def test_value_types_are_one_class_whether_from_core_model_or_the_facade() -> None:
    """The workflows import ``core.model``; the TUI and scripts name the same
    classes through ``core.terminal`` or ``core``."""
    import core.model
    import core.terminal

    for name in ["WaitingEntry", "InboxFile", "EntryResult", "OutboxItem", "FetchResult"]:
        defined = getattr(core.model, name)
        assert getattr(core.terminal, name) is defined
        assert getattr(core, name) is defined
    for name in ["SendResult", "HistoryEvent", "Status", "Progress"]:
        assert getattr(core.terminal, name) is getattr(core, name) is getattr(core.model, name)


def test_star_import_gives_exactly_the_public_names() -> None:
    space: dict[str, object] = {}
    exec("from core import *", space)
    assert sorted(k for k in space if k != "__builtins__") == sorted(PUBLIC)


def test_importing_core_alone_stays_light() -> None:
    """The scripted commands import core.config first; ``import core`` must not
    load the session, PDF, crypto or HTTP libraries behind the public names."""
    code = (
        "import sys, core\n"
        "heavy = ('core.session', 'fpdf', 'httpx', 'cryptography', 'core.pdf.export')\n"
        "print(sorted(n for n in sys.modules if n in heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_every_public_name_has_its_module() -> None:
    assert sorted(["__version__", *core._PUBLIC]) == sorted(core.__all__)
