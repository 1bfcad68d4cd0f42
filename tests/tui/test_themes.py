"""Themes for any terminal, and UI text that every terminal draws the same width."""

from __future__ import annotations

import asyncio
import tomllib
import unicodedata
from pathlib import Path

import themes
from tests.tui.conftest import unlock

ROOT = Path(__file__).resolve().parents[2]


def test_theme_chosen_for_the_terminal() -> None:
    assert themes.choose("auto", {"TERM": "xterm-256color"}) == "default"
    assert themes.choose("auto", {"TERM": "linux"}) == "ansi16"
    assert themes.choose("auto", {"TERM": "xterm", "NO_COLOR": "1"}) == "mono"
    assert themes.choose("contrast", {"TERM": "linux"}) == "contrast"  # an explicit choice wins
    for name in themes.NAMES:
        assert all(path.is_file() for path in themes.css_paths(name, ascii_borders=True))


def test_ui_text_has_no_ambiguous_width_characters() -> None:
    """①※○→…: one cell in some terminals, two in others; columns would break."""
    raw = tomllib.loads((ROOT / "core/i18n/messages/ui.toml").read_text(encoding="utf-8"))
    texts: list[str] = []

    def walk(table: dict) -> None:
        for value in table.values():
            if isinstance(value, dict):
                walk(value)
            else:
                texts.append(value)

    walk(raw)
    bad = {ch for text in texts for ch in text if unicodedata.east_asian_width(ch) == "A"}
    assert bad == set()


def test_states_are_words_not_colours() -> None:
    from core import i18n

    for state in ("open", "entered", "queued", "sending", "sent", "rejected"):
        for lang in i18n.LANGS:
            assert i18n.t(f"ui.state.{state}", lang).strip()


def test_ascii_borders_and_monochrome(make_app, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    from core.config import Config

    config = Config()
    config.ui.ascii_borders = True
    app = make_app(theme="auto", config=config)

    async def go() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            assert app.theme_name == "mono"
            box = app.screen.query_one("#unlock-box")
            assert {edge[0] for edge in box.styles.border} == {"ascii"}
            await unlock(pilot)
            search = app.screen.query_one("#search")
            assert {edge[0] for edge in search.styles.border} == {"ascii"}
            assert not search.cursor_blink and app.animation_level == "none"

    asyncio.run(go())
