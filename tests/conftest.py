"""Suite-wide fixtures. Domain fixtures live in ``tests/support`` and in the
conftest of each test folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def renkei_cmd() -> list[str]:
    """The ``renkei`` command as a subprocess argv (works in a venv and in CI)."""
    return [sys.executable, "-m", "tui"]


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    """Environment for running ``renkei`` in a subprocess: no user dirs touched."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg-data")
    env["HOME"] = str(tmp_path / "home")
    env.pop("RENKEI_DATA", None)
    env.pop("RENKEI_PASSPHRASE", None)
    return env
