"""Snapshots at 80x24 with Japanese data, in the default, 16-colour and no-colour themes.

Real parts (the demo's server and terminal); deterministic: the server holds
one certificate file made from this suite's own fixed people (not
``core.reference.synth``, whose output may change), fixed time text, no toasts.
Update after a deliberate change with ``pytest tests/tui/test_snapshots.py
--snapshot-update`` and look at the SVGs before committing.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.tui.conftest import settle, unlock_and_fetch

THEMES = ["default", "ansi16", "mono"]


@pytest.fixture(autouse=True)
def plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same pictures whatever terminal runs the tests (TERM=linux switches on
    ASCII borders, NO_COLOR the colour filter)."""
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture(autouse=True)
def fixed_people(demo) -> None:
    """Replace the demo's synthetic files by one file of fixed people."""
    from core.reference import synth
    from tests.support.waiting import many, spr_csv

    folder = demo.root / "server" / synth.DEFAULT_LASDEC / "moj"
    for path in folder.glob("*.csv"):
        path.unlink()
    name = f"spr-{synth.DEFAULT_LASDEC}-20240401-0001.csv"  # the FORMATS.md name rule
    (folder / name).write_bytes(spr_csv(many(40), synth.DEFAULT_LASDEC))


async def _ready(pilot: Any, *keys: str) -> None:
    await unlock_and_fetch(pilot)
    if keys:
        await pilot.press(*keys)
        await settle(pilot)
    pilot.app.clear_notifications()
    await pilot.pause()


@pytest.mark.parametrize("theme", THEMES)
def test_waiting_search(snap_compare, make_app, theme: str) -> None:
    app = make_app(theme=theme)

    async def before(pilot: Any) -> None:
        await _ready(pilot, *"髙", "down")

    assert snap_compare(app, terminal_size=(80, 24), run_before=before)


@pytest.mark.parametrize("theme", THEMES)
def test_entry_echo(snap_compare, make_app, theme: str) -> None:
    app = make_app(theme=theme)

    async def before(pilot: Any) -> None:
        await _ready(pilot)
        first = pilot.app.waiting_index.search("")[0]
        await pilot.press("f3", *first.card_number, "enter", *"令和6年4月1日")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=before)


@pytest.mark.parametrize("theme", THEMES)
def test_outbox_queued(snap_compare, make_app, theme: str) -> None:
    """Before the send: after it, the server's receipt ids (random) are shown."""
    app = make_app(theme=theme)

    async def before(pilot: Any) -> None:
        await _ready(pilot)
        for entry in list(pilot.app.waiting_index.search(""))[:2]:
            await pilot.press("f3", *entry.card_number, "enter", *"R6.4.1", "enter")
            await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=before)


def test_unlock_screen(snap_compare, make_app, monkeypatch) -> None:
    monkeypatch.setenv("RENKEI_USER", "madoguchi1")  # the operator offered (not the login name)
    app = make_app(theme="default", passphrase_hint="demo-passphrase")
    assert snap_compare(app, terminal_size=(80, 24))


@pytest.mark.parametrize("theme", THEMES)
def test_send_question(snap_compare, make_app, theme: str) -> None:
    """F10 asks: the dialog's border and its two buttons visible in every theme."""
    app = make_app(theme=theme)

    async def before(pilot: Any) -> None:
        await _ready(pilot)
        first = pilot.app.waiting_index.search("")[0]
        await pilot.press("f3", *first.card_number, "enter", *"R6.4.1", "enter")
        await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.press("f10")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=before)
