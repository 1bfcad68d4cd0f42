"""Snapshots at 80x24 with Japanese data, in the default and the 16-colour theme.

Deterministic: fixed data (seeded synthetic people), fixed clock, no toasts.
Update after a deliberate change with ``pytest tests/tui/test_snapshots.py
--snapshot-update`` and look at the SVGs before committing.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.tui.conftest import settle, unlock_and_fetch

THEMES = ["default", "ansi16"]


async def _ready(pilot: Any, *keys: str) -> None:
    await unlock_and_fetch(pilot)
    if keys:
        await pilot.press(*keys)
        await settle(pilot)
    pilot.app.clear_notifications()
    await pilot.pause()


@pytest.mark.parametrize("theme", THEMES)
def test_waiting_search(snap_compare, make_app, theme: str) -> None:
    app, _ = make_app(theme=theme)

    async def before(pilot: Any) -> None:
        await _ready(pilot, *"髙橋", "down")

    assert snap_compare(app, terminal_size=(80, 24), run_before=before)


@pytest.mark.parametrize("theme", THEMES)
def test_entry_echo(snap_compare, make_app, theme: str) -> None:
    app, terminal = make_app(theme=theme)

    async def before(pilot: Any) -> None:
        await _ready(pilot)
        first = next(iter(terminal.waiting()))
        await pilot.press("f3", *first.card_number, "enter", *"令和6年3月15日")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=before)


@pytest.mark.parametrize("theme", THEMES)
def test_outbox_after_send(snap_compare, make_app, theme: str) -> None:
    app, terminal = make_app(theme=theme)

    async def before(pilot: Any) -> None:
        await _ready(pilot)
        for entry in list(terminal.waiting())[:2]:
            await pilot.press("f3", *entry.card_number, "enter", *"R6.3.1", "enter")
            await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=before)


def test_unlock_screen(snap_compare, make_app) -> None:
    app, _ = make_app(theme="default", passphrase_hint="demo-passphrase")
    assert snap_compare(app, terminal_size=(80, 24))
