"""F5 設定: a saved setting is the running setting at once, everywhere.

The real App on the demo terminal (reference server on loopback, real vault),
with the terminal's own schedule: after saving ``fetch_time = 06:00`` the next
automatic fetch is 06:00 without locking and unlocking.
"""

from __future__ import annotations

import asyncio
import tomllib
from datetime import datetime
from typing import Any

from textual.widgets import Input, Static

from tests.support.mounts import read_only
from tests.tui.conftest import settle, unlock
from tui.widgets.choice import Choice

SIZE = (80, 24)
NOW = datetime(2026, 1, 13, 5, 0)  # before both 06:00 and the default 08:30


def _on_core(app: Any, fn: Any) -> Any:
    """Run ``fn`` on the App's core thread (the terminal's SQLite lives there)."""
    return app._core.submit(fn).result()


def test_f5_save_of_fetch_time_moves_the_next_fetch_at_once(make_app, demo) -> None:
    app = make_app(schedule=None, time_text=lambda moment: f"{moment:%H:%M}")

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock(pilot)
            terminal = app.terminal
            status = _on_core(app, lambda: terminal.status(NOW))
            assert status.next_fetch == datetime(2026, 1, 13, 8, 30)
            await pilot.press("f5")
            await settle(pilot)
            app.screen.query_one("#set-schedule-fetch_time", Input).value = "06:00"
            await pilot.press("ctrl+s")
            await settle(pilot)
            message = str(app.screen.query_one("#settings-message", Static).render())
            assert "保存しました" in message
            # the one running configuration: app, terminal and schedule read it
            assert app.config is terminal.config
            assert app.config.schedule.fetch_time == "06:00"
            status = _on_core(app, lambda: terminal.status(NOW))
            assert status.next_fetch == datetime(2026, 1, 13, 6, 0)
            saved = tomllib.loads((demo.data_dir / "config.toml").read_text(encoding="utf-8"))
            assert saved["schedule"]["fetch_time"] == "06:00"
            await pilot.press("f4")  # 送信状況 shows the next automatic fetch
            await settle(pilot)
            assert "06:00" in str(app.screen.query_one("#status", Static).render())

    asyncio.run(go())


def test_a_setting_read_at_start_says_it_needs_a_restart(make_app) -> None:
    app = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock(pilot)
            await pilot.press("f5")
            await settle(pilot)
            app.screen.query_one("#set-ui-theme", Choice).value = "mono"
            await pilot.press("ctrl+s")
            await settle(pilot)
            message = str(app.screen.query_one("#settings-message", Static).render())
            assert "保存しました" in message and "再起動" in message and "表示テーマ" in message
            assert app.config.ui.theme == "mono"

    asyncio.run(go())


def test_a_save_that_cannot_be_written_says_so_and_changes_nothing(make_app, demo) -> None:
    app = make_app(schedule=None)
    path = demo.data_dir / "config.toml"
    before = path.read_bytes()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock(pilot)
            await pilot.press("f5")
            await settle(pilot)
            app.screen.query_one("#set-schedule-fetch_time", Input).value = "06:00"
            with read_only(demo.data_dir):
                await pilot.press("ctrl+s")
                await settle(pilot)
            message = str(app.screen.query_one("#settings-message", Static).render())
            assert "設定ファイルを書き込めませんでした" in message and str(path) in message
            assert app.config.schedule.fetch_time == "08:30"
            status = _on_core(app, lambda: app.terminal.status(NOW))
            assert status.next_fetch == datetime(2026, 1, 13, 8, 30)

    asyncio.run(go())
    assert path.read_bytes() == before
