"""Fixtures for the TUI tests: an app on a temp data dir with a fixed clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.support.fake_terminal import FakeTerminal
from tests.support.waiting import many

FIXED_NOW = datetime(2024, 4, 1, 9, 0)


@pytest.fixture
def make_app(tmp_path: Path) -> Callable[..., Any]:
    """``make_app(n=300, theme="default")`` → (app, terminal)."""

    def make(n: int = 300, theme: str = "default", **kwargs: Any) -> Any:
        from tui.shell import RenkeiApp

        terminal = FakeTerminal(tmp_path, many(n))
        app = RenkeiApp(
            tmp_path,
            unlock=lambda d, p: terminal if p == "secret" else _wrong(),
            theme=theme,
            clock=lambda: FIXED_NOW,
            **kwargs,
        )
        return app, terminal

    return make


def _wrong() -> Any:
    from core.errors import RenkeiError

    raise RenkeiError("common.error.file_not_found", path="wrong passphrase")


async def settle(pilot: Any) -> None:
    """Wait until the core thread and the UI are both idle."""
    app = pilot.app
    for _ in range(6):
        await app.workers.wait_for_complete()
        await pilot.pause()
    await pilot.pause()


async def unlock_and_fetch(pilot: Any) -> None:
    await pilot.press(*"secret", "enter")
    await settle(pilot)
    await pilot.press("f9")
    await settle(pilot)
