"""Every screen and key action through Textual's Pilot, at 80x24."""

from __future__ import annotations

import asyncio
import tomllib
from datetime import date
from typing import Any

from textual.widgets import Input, Static

from core.config import Config
from tests.tui.conftest import settle, unlock_and_fetch
from tui.widgets.vtable import VirtualTable

SIZE = (80, 24)


def run(coro: Any) -> None:
    asyncio.run(coro)


def text_of(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def test_wrong_passphrase_stays_locked_then_unlocks(make_app) -> None:
    app, terminal = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            assert app.current_mode == "locked"
            await pilot.press("f2")  # navigation is disabled while locked
            assert app.current_mode == "locked"
            await pilot.press(*"nope", "enter")
            await settle(pilot)
            assert app.current_mode == "locked"
            assert "wrong passphrase" in text_of(app, "#unlock-message")
            assert app.screen.query_one("#passphrase", Input).value == ""
            await pilot.press(*"secret", "enter")
            await settle(pilot)
            assert app.current_mode == "waiting"
            assert app.terminal is terminal

    run(go())


def test_fetch_then_search_as_you_type(make_app) -> None:
    app, _ = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock_and_fetch(pilot)
            assert "300 / 300" in text_of(app, "#count")
            await pilot.press(*"kim")
            table = app.screen.query_one(VirtualTable)
            assert 0 < len(table.source) < 300
            assert all("KIM" in e.name_alpha for e in table.source)
            assert f"{len(table.source)} / 300" in text_of(app, "#count")
            await pilot.press("escape")
            assert len(table.source) == 300
            await pilot.press(*"髙橋")
            assert all(e.name_kanji.startswith("髙橋") for e in table.source)

    run(go())


def test_search_by_wareki_birth_date(make_app) -> None:
    app, terminal = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock_and_fetch(pilot)
            target = next(iter(terminal.waiting()))
            from core import wareki

            await pilot.press(*wareki.to_short(target.birth_date))
            table = app.screen.query_one(VirtualTable)
            assert target.card_number in [e.card_number for e in table.source]
            assert all(e.birth_date == target.birth_date for e in table.source)

    run(go())


def test_cursor_keys_move_the_table_from_the_search_box(make_app) -> None:
    app, _ = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock_and_fetch(pilot)
            table = app.screen.query_one(VirtualTable)
            await pilot.press("down", "down")
            assert table.cursor == 2
            await pilot.press("pagedown")
            assert table.cursor > 2
            await pilot.press("up")
            await pilot.press("tab")  # focus order: search box, then table
            assert app.focused is table
            await pilot.press("end")
            assert table.cursor == 299
            assert table.scroll_y > 0
            await pilot.press("home")
            assert table.cursor == 0 and table.scroll_y == 0

    run(go())


def test_enter_date_from_a_row_in_wareki(make_app) -> None:
    app, terminal = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock_and_fetch(pilot)
            await pilot.press(*"kim", "down")
            chosen = app.screen.query_one(VirtualTable).current
            await pilot.press("enter")
            await settle(pilot)
            assert app.current_mode == "entry"
            assert app.screen.query_one("#card", Input).value == chosen.card_number
            assert app.focused is app.screen.query_one("#date", Input)
            await pilot.press(*"R6.3.15")
            assert "令和6年3月15日 (2024-03-15)" in text_of(app, "#echo")
            await pilot.press("enter")
            await settle(pilot)
            assert app.current_mode == "waiting"  # back to the list it came from
            assert terminal.waiting().get(chosen.card_number).entered_date == date(2024, 3, 15)
            assert terminal.outbox()[0].state == "queued"
            row = app.screen.query_one(VirtualTable).current
            assert row.card_number == chosen.card_number and row.entered_date

    run(go())


def test_batch_entry_keeps_typed_text_on_errors(make_app) -> None:
    app, terminal = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock_and_fetch(pilot)
            await pilot.press("f3")
            await settle(pilot)
            assert app.current_mode == "entry"
            numbers = [e.card_number for e in list(terminal.waiting())[:3]]
            # unknown number: message, text kept, focus stays
            await pilot.press(*"ZZ99", "enter")
            assert "ZZ99" in text_of(app, "#who")
            assert app.screen.query_one("#card", Input).value == "ZZ99"
            await pilot.press("ctrl+n")
            # a date in the future: the data check's message inline, fields kept
            await pilot.press(*numbers[0], "enter", *"R9.1.1", "enter")
            await settle(pilot)
            assert "future" in text_of(app, "#check")
            assert app.screen.query_one("#date", Input).value == "R9.1.1"
            assert not terminal.outbox()
            # not a date at all
            await pilot.press("ctrl+n", *numbers[0], "enter", *"R6.13.40", "enter")
            assert app.screen.query_one("#date", Input).value == "R6.13.40"
            await pilot.press("ctrl+n")
            # batch: number, date, Enter, next
            typed_dates = ("令和6年3月1日", "2024-03-02", "R060303")
            for number, typed in zip(numbers, typed_dates, strict=True):
                await pilot.press(*number, "enter", *typed, "enter")
                await settle(pilot)
                assert app.focused is app.screen.query_one("#card", Input)
            assert [i.card_number for i in terminal.outbox()] == numbers
            log = app.screen.query_one("#entry-log", VirtualTable)
            assert [r.card_number for r in log.source] == numbers[::-1]
            assert [r.delivered.day for r in log.source] == [3, 2, 1]

    run(go())


def test_outbox_send_and_history(make_app) -> None:
    app, terminal = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock_and_fetch(pilot)
            first = next(iter(terminal.waiting())).card_number
            await pilot.press("f3", *first, "enter", *"R6.3.1", "enter")
            await settle(pilot)
            await pilot.press("f4")
            await settle(pilot)
            assert app.current_mode == "outbox"
            table = app.screen.query_one("#outbox-table", VirtualTable)
            assert [table.render_row(i)[1] for i in table.source] == ["送信待ち"]
            assert "送信待ち 1件" in text_of(app, "#status")
            await pilot.press("f10")
            await settle(pilot)
            assert [table.render_row(i)[1] for i in table.source] == ["送信済"]
            assert "送信が終わりました" in text_of(app, "#progress-text")
            assert terminal.waiting().get(first) is None
            await pilot.press("h")
            history = app.screen.query_one("#history-table", VirtualTable)
            assert app.focused is history and len(history.source) == 1
            await pilot.press("h")
            assert app.focused is table

    run(go())


def test_inbox_open_file_shows_records_and_report(make_app) -> None:
    app, _ = make_app(n=20)

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*"secret", "enter")
            await settle(pilot)
            await pilot.press("f1")
            await settle(pilot)
            await pilot.press("f9")  # on the inbox: fetch with progress here
            await settle(pilot)
            assert "受信が終わりました" in text_of(app, "#progress-text")
            table = app.screen.query_one("#inbox-table", VirtualTable)
            assert len(table.source) == 1
            assert table.render_row(table.source[0])[2] == "20"
            await pilot.press("enter")
            await settle(pilot)
            records = app.screen.query_one("#records-table", VirtualTable)
            assert len(records.source) == 20
            assert "line 3: name_alpha" in text_of(app, "#report")
            await pilot.press("escape")
            assert app.screen.query_one("#inbox-table", VirtualTable) is table

    run(go())


def test_settings_validate_then_save(make_app, tmp_path) -> None:
    app, _ = make_app(n=5)

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*"secret", "enter")
            await settle(pilot)
            await pilot.press("f5")
            await settle(pilot)
            screen = app.screen
            screen.query_one("#set-schedule-send_time", Input).value = "25:00"
            screen.query_one("#set-terminal-lasdec", Input).value = "131017"
            screen.query_one("#set-ui-idle_lock_minutes", Input).value = "ten"
            await pilot.press("ctrl+s")
            message = text_of(app, "#settings-message")
            assert "schedule.send_time" in message and "terminal.lasdec" in message
            assert "ui.idle_lock_minutes" in message
            assert not (tmp_path / "config.toml").exists()
            screen.query_one("#set-schedule-send_time", Input).value = "17:30"
            screen.query_one("#set-terminal-lasdec", Input).value = "131016"
            screen.query_one("#set-ui-idle_lock_minutes", Input).value = "5"
            screen.query_one("#set-ui-theme", Input).value = "ansi16"
            await pilot.press("ctrl+s")
            saved = tomllib.loads((tmp_path / "config.toml").read_text(encoding="utf-8"))
            assert saved["schedule"]["send_time"] == "17:30"
            assert saved["terminal"]["lasdec"] == "131016"
            assert saved["ui"]["idle_lock_minutes"] == 5 and saved["ui"]["theme"] == "ansi16"
            assert app.config.ui.idle_lock_minutes == 5
            screen.query_one("#set-schedule-send_time", Input).value = "18:00"
            await pilot.press("escape")  # revert unsaved edits
            assert screen.query_one("#set-schedule-send_time", Input).value == "17:30"

    run(go())


def test_lock_key_and_idle_lock_drop_the_data_screens(make_app) -> None:
    app, terminal = make_app(n=5)
    terminal.config.ui.idle_lock_minutes = 1

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock_and_fetch(pilot)
            await pilot.press("f12")
            await settle(pilot)
            assert app.current_mode == "locked" and app.terminal is None
            assert terminal.closed
            assert not app._screen_stacks.get("waiting")
            await pilot.press(*"secret", "enter")
            await settle(pilot)
            assert app.current_mode == "waiting"
            app._last_input -= 61  # a minute without a key
            await app._tick()
            await settle(pilot)
            assert app.current_mode == "locked"

    run(go())


def test_keymap_from_config_and_command_palette(make_app) -> None:
    config = Config()
    config.ui.keymap = {"go.inbox": "f7", "fetch": "f8"}
    app, _ = make_app(n=5, config=config)

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*"secret", "enter")
            await settle(pilot)
            await pilot.press("f7")
            await settle(pilot)
            assert app.current_mode == "inbox"
            await pilot.press("f8")
            await settle(pilot)
            assert len(app.screen.query_one("#inbox-table", VirtualTable).source) == 1
            titles = [c.title for c in app.get_system_commands(app.screen)]
            assert {"受信", "未入力", "今すぐ受信", "今すぐ送信", "ロック", "終了"} <= set(titles)
            await pilot.press("ctrl+p")
            await pilot.pause()
            assert app.screen.__class__.__name__ == "CommandPalette"
            await pilot.press(*"送信状況", "enter")
            await settle(pilot)
            assert app.current_mode == "outbox"

    run(go())


def test_schedule_due_starts_fetch_and_send(make_app) -> None:
    calls: list[Any] = []

    class Schedule:
        def due(self, now: Any) -> list[str]:
            calls.append(now)
            return ["fetch", "send"]

    app, terminal = make_app(n=7, schedule=Schedule())

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*"secret", "enter")
            await settle(pilot)
            await app._tick()
            await settle(pilot)
            assert calls and len(terminal.waiting()) == 7

    run(go())
