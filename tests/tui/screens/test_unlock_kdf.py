"""The unlock screen when the key derivation's child fails (``core.vault.kdf``):
the catalogue's message on the screen, still locked, and the next try opens.

The expected text is the catalogue entry (vault.kdf.status with the child's
exit status 1, what /bin/false returns), rendered in the screen's language.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual.widgets import Static

from core.i18n import t
from core.vault import kdf
from tests.tui.conftest import unlock


def test_a_failing_child_keeps_the_terminal_locked_and_says_why(
    make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()

    async def go() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            monkeypatch.setattr(kdf, "INTERPRETER", "/bin/false")
            await unlock(pilot)
            assert app.current_mode == "locked" and app.terminal is None
            shown = str(app.screen.query_one("#unlock-message", Static).render())
            assert shown.replace("\n", "") == t("vault.kdf.status", status=1).replace("\n", "")
            assert app.unlock_error_key == "vault.kdf.status"
            monkeypatch.setattr(kdf, "INTERPRETER", None)
            await unlock(pilot)
            assert app.current_mode == "waiting" and app.terminal is not None

    asyncio.run(go())
