"""Installed without pyscard (no libpcsclite-dev): everything imports, the card
commands say card support is unavailable and why."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

BLOCK = "import sys; sys.modules['smartcard'] = None\n"  # import smartcard -> ImportError


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BLOCK + code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def test_core_imports_without_pyscard() -> None:
    out = _run(
        "import pkgutil, importlib, core\n"
        "for m in pkgutil.walk_packages(core.__path__, 'core.'):\n"
        "    importlib.import_module(m.name)\n"
        "import core.card.reader as r, tui.screens.card\n"
        "ok, why = r.support()\n"
        "print(ok, why.split(':')[0])\n"
        "print(sorted(n for n in sys.modules if n.startswith('smartcard')))\n"
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[0] == "False pyscard"
    assert lines[1] == "['smartcard']"  # only the blocked placeholder


def test_card_commands_say_unavailable_and_why() -> None:
    for args in (["card", "readers"], ["card", "read", "--number", "AB12345678CD"]):
        out = _run(f"from tui.cli import main; raise SystemExit(main({[*args, '--lang', 'en']!r}))")
        assert out.returncode == 5, out.stderr
        assert "card support is unavailable (pyscard is not installed" in out.stderr
        assert "renkei[card]" in out.stderr
