"""The second simulator (``tests/support/zairyu_sim``) is written from the public
specification alone: it must never import the product."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_zairyu_sim_imports_nothing_of_core() -> None:
    import tests.support.zairyu_sim as pkg

    names = [m.name for m in pkgutil.walk_packages(pkg.__path__, "tests.support.zairyu_sim.")]
    assert {"tests.support.zairyu_sim.card", "tests.support.zairyu_sim.issue"} <= set(names)
    code = (
        "import importlib, sys\n"
        f"for n in {names!r}: importlib.import_module(n)\n"
        "print(sorted(m for m in sys.modules if m == 'core' or m.startswith('core.')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
