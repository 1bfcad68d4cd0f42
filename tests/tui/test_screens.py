"""Every screen and key action through Textual's Pilot at 80x24, on a real
terminal (vault, SQLite) talking HTTPS to the real reference server."""

from __future__ import annotations

import asyncio
import csv
import io
import tomllib
from datetime import date
from typing import Any

from textual.widgets import Input, Static

from core import wareki
from core.config import Config
from core.reference import synth
from core.waiting import normalise
from tests.tui.conftest import DAY, WAITING, settle, unlock, unlock_and_fetch
from tui.widgets.choice import Choice
from tui.widgets.vtable import VirtualTable

SIZE = (80, 24)


def run(coro: Any) -> None:
    asyncio.run(coro)


def text_of(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def rows(app: Any, selector: str = "VirtualTable") -> list[Any]:
    return list(app.screen.query_one(selector, VirtualTable).source)


def test_wrong_passphrase_stays_locked_then_unlocks(make_app) -> None:
    app = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            assert app.current_mode == "locked"
            await pilot.press("f2")  # navigation is disabled while locked
            assert app.current_mode == "locked"
            await pilot.press(*"not-the-passphrase", "enter")
            await settle(pilot)
            assert app.current_mode == "locked" and app.terminal is None
            assert text_of(app, "#unlock-message")  # the vault's own message
            assert app.screen.query_one("#passphrase", Input).value == ""
            await unlock(pilot)
            assert app.current_mode == "waiting" and app.terminal is not None

    run(go())


def test_fetch_then_search_as_you_type(make_app) -> None:
    app = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock(pilot)
            assert rows(app) == []
            await pilot.press("f9")
            await settle(pilot)
            assert f"{WAITING} / {WAITING}" in text_of(app, "#count")
            everyone = rows(app)
            word = everyone[7].name_kanji[:1]  # a character somebody's name has
            await pilot.press(*word)
            shown = rows(app)
            expected = [e for e in everyone if word in e.name_kanji or word in e.name_alpha]
            assert 0 < len(shown) < WAITING and shown == expected
            assert f"{len(shown)} / {WAITING}" in text_of(app, "#count")
            await pilot.press("escape")
            assert len(rows(app)) == WAITING
            number = everyone[3].card_number
            await pilot.press(*normalise(number[:6]).lower())  # lower case still finds it
            assert number in [e.card_number for e in rows(app)]

    run(go())


def test_a_fetch_that_takes_no_file_keeps_the_list_as_loaded(make_app) -> None:
    """The fetch at start usually finds nothing new: the 100,000-row list is
    not read again (twice the memory and seconds of work while the clerk types)."""
    app = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock_and_fetch(pilot)
            loaded = app.waiting_index
            assert loaded is not None and len(loaded) == WAITING
            await pilot.press("f9")  # the server has nothing more: every file was receipted
            await settle(pilot)
            assert "fetch" not in app.busy
            assert app.waiting_index is loaded
            assert f"{WAITING} / {WAITING}" in text_of(app, "#count")

    run(go())


def test_search_by_wareki_birth_date(make_app) -> None:
    app = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock_and_fetch(pilot)
            target = rows(app)[5]
            await pilot.press(*wareki.to_wareki(target.birth_date))
            shown = rows(app)
            assert target in shown
            assert all(e.birth_date == target.birth_date for e in shown)

    run(go())


def test_cursor_keys_and_focus_order(make_app) -> None:
    app = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock_and_fetch(pilot)
            table = app.screen.query_one(VirtualTable)
            assert app.focused is app.screen.query_one("#search", Input)
            await pilot.press("down", "down")
            assert table.cursor == 2
            await pilot.press("pagedown")
            assert table.cursor > 2
            await pilot.press("tab")  # focus order: search box, then the table
            assert app.focused is table
            await pilot.press("end")
            assert table.cursor == WAITING - 1 and table.top > 0
            await pilot.press("home")
            assert table.cursor == 0 and table.top == 0

    run(go())


def test_enter_date_from_a_row_in_wareki(make_app, demo) -> None:
    app = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock_and_fetch(pilot)
            await pilot.press("down")
            chosen = app.screen.query_one(VirtualTable).current
            await pilot.press("enter")
            await settle(pilot)
            assert app.current_mode == "entry"
            assert app.screen.query_one("#card", Input).value == chosen.card_number
            assert app.focused is app.screen.query_one("#date", Input)
            await pilot.press(*"R6.4.1")
            assert "令和6年4月1日 (2024-04-01)" in text_of(app, "#echo")
            await pilot.press("enter")
            await settle(pilot)
            assert app.current_mode == "waiting"  # back to the list it came from
            row = app.screen.query_one(VirtualTable).current
            assert row.card_number == chosen.card_number and row.entered_date == DAY
            assert "入力済" in app.screen.query_one(VirtualTable).render_row(row)
            # the real terminal has it queued
            assert [(i.card_number, i.state) for i in app.terminal.outbox()] == [
                (chosen.card_number, "queued")
            ]

    run(go())


def test_batch_entry_keeps_typed_text_on_errors(make_app) -> None:
    app = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock_and_fetch(pilot)
            numbers = [e.card_number for e in rows(app)[:3]]
            await pilot.press("f3")
            await settle(pilot)
            assert app.current_mode == "entry"
            # unknown number: message, text kept, focus stays
            await pilot.press(*"ZZ99", "enter")
            assert "ZZ99" in text_of(app, "#who")
            assert app.screen.query_one("#card", Input).value == "ZZ99"
            assert app.focused is app.screen.query_one("#card", Input)
            await pilot.press("ctrl+n")
            # a date in the future: the data check's message inline, fields kept
            await pilot.press(*numbers[0], "enter", *"R20.1.1", "enter")
            await settle(pilot)
            assert text_of(app, "#check")
            assert app.screen.query_one("#date", Input).value == "R20.1.1"
            assert app.screen.query_one("#card", Input).value == numbers[0]
            assert not app.terminal.outbox()
            # before the certificate was made: refused by the data check too
            await pilot.press("ctrl+n", *numbers[0], "enter", *"S50.1.1", "enter")
            await settle(pilot)
            assert text_of(app, "#check") and not app.terminal.outbox()
            # not a date at all: wareki's reason, nothing sent to the check
            await pilot.press("ctrl+n", *numbers[0], "enter", *"R6.13.40", "enter")
            assert "R6.13.40" in text_of(app, "#echo")
            assert app.screen.query_one("#date", Input).value == "R6.13.40"
            await pilot.press("ctrl+n")
            # batch: number, date, Enter, next
            typed_dates = ("令和6年4月1日", "2024-04-01", "R060401")
            for number, typed in zip(numbers, typed_dates, strict=True):
                await pilot.press(*number, "enter", *typed, "enter")
                await settle(pilot)
                assert app.focused is app.screen.query_one("#card", Input)
                assert app.screen.query_one("#card", Input).value == ""
            queued = sorted(i.card_number for i in app.terminal.outbox())
            assert queued == sorted(numbers)
            log = rows(app, "#entry-log")
            assert [r.card_number for r in log] == numbers[::-1]
            assert all(r.delivered == DAY for r in log)

    run(go())


def test_outbox_send_acknowledged_and_history(make_app, demo) -> None:
    app = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock_and_fetch(pilot)
            first = rows(app)[0].card_number
            await pilot.press("f3", *first, "enter", *"R6.4.1", "enter")
            await settle(pilot)
            await pilot.press("f4")
            await settle(pilot)
            assert app.current_mode == "outbox"
            table = app.screen.query_one("#outbox-table", VirtualTable)
            assert [table.render_row(i)[:2] for i in table.source] == [(first, "送信待ち")]
            assert "送信待ち 1件" in text_of(app, "#status")
            await pilot.press("f10")
            await settle(pilot)
            await pilot.press("y")  # F10 asks first (trap 2)
            await settle(pilot)
            assert [table.render_row(i)[1] for i in table.source] == ["送信済"]
            assert table.source[0].receipt_id  # the server's acknowledgement
            assert "送信が終わりました" in text_of(app, "#progress-text")
            assert "送信済 1件" in text_of(app, "#status")
            assert app.waiting_index.get(first) is None  # off the 未入力 list
            await pilot.press("h")
            history = app.screen.query_one("#history-table", VirtualTable)
            assert app.focused is history and len(history.source) >= 2
            await pilot.press("h")
            assert app.focused is table

    run(go())
    received = demo.root / "server" / synth.DEFAULT_LASDEC / "received"
    assert any(received.glob("*.csv"))  # the server really has the notice


def test_inbox_open_file_shows_records_and_data_check(make_app, demo) -> None:
    text = synth.spr_file(synth.DEFAULT_LASDEC, 3, seed=9, day=DAY).decode("utf-8")
    records = list(csv.DictReader(io.StringIO(text, newline="")))
    records[1]["birth_date"] = "20241399"  # line 3: not a date
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(records[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(records)
    folder = demo.root / "server" / synth.DEFAULT_LASDEC / "moj"
    bad_name = f"spr-{synth.DEFAULT_LASDEC}-20240401-0009.csv"  # the FORMATS.md name rule
    (folder / bad_name).write_bytes(out.getvalue().encode("utf-8"))
    app = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock(pilot)
            await pilot.press("f1")
            await settle(pilot)
            await pilot.press("f9")  # on the inbox: fetch with progress here
            await settle(pilot)
            assert "受信が終わりました" in text_of(app, "#progress-text")
            table = app.screen.query_one("#inbox-table", VirtualTable)
            names = [f.name for f in table.source]
            assert len(names) == 5 and bad_name in names
            bad = names.index(bad_name)
            assert table.source[bad].problems > 0
            assert "1件の問題" in table.render_row(table.source[bad])
            table.cursor = bad
            await pilot.press("enter")
            await settle(pilot)
            assert len(rows(app, "#records-table")) == 3
            assert "3行目" in text_of(app, "#report")  # the UI language (trap 10)
            records = app.screen.query_one("#records-table", VirtualTable)
            labels = [c.label for c in records.columns]
            assert labels == ["証明書番号", "漢字氏名", "氏名", "生年月日", "交付年月日"]
            first = records.render_row(records.source[0])
            born = records.source[0]["birth_date"]
            day = date(int(born[:4]), int(born[4:6]), int(born[6:]))
            assert first[3] == wareki.to_short(day)  # not YYYYMMDD
            await pilot.press("escape")
            assert app.screen.query_one("#inbox-table", VirtualTable) is table

    run(go())


def test_settings_validate_then_save(make_app, demo) -> None:
    app = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock(pilot)
            await pilot.press("f5")
            await settle(pilot)
            screen = app.screen
            assert screen.query_one("#set-server-url", Input).value == demo.server.url
            screen.query_one("#set-schedule-send_time", Input).value = "25:00"
            screen.query_one("#set-terminal-lasdec", Input).value = "131017"
            screen.query_one("#set-ui-idle_lock_minutes", Input).value = "ten"
            before = (demo.data_dir / "config.toml").read_bytes()
            await pilot.press("ctrl+s")
            message = text_of(app, "#settings-message")
            # every problem at once, each named as the screen names the field (trap 10)
            assert "送信時刻" in message and "団体コード" in message
            assert "自動ロック分" in message and "schedule.send_time" not in message
            assert (demo.data_dir / "config.toml").read_bytes() == before
            screen.query_one("#set-schedule-send_time", Input).value = "17:30"
            screen.query_one("#set-terminal-lasdec", Input).value = "131016"
            screen.query_one("#set-ui-idle_lock_minutes", Input).value = "5"
            screen.query_one("#set-ui-theme", Choice).value = "ansi16"
            await pilot.press("ctrl+s")
            assert "保存しました" in text_of(app, "#settings-message")
            saved = tomllib.loads((demo.data_dir / "config.toml").read_text(encoding="utf-8"))
            assert saved["schedule"]["send_time"] == "17:30"
            assert saved["ui"]["idle_lock_minutes"] == 5 and saved["ui"]["theme"] == "ansi16"
            assert saved["server"]["token"]  # fields not on the screen are kept
            assert app.config.ui.idle_lock_minutes == 5
            screen.query_one("#set-schedule-send_time", Input).value = "18:00"
            await pilot.press("escape")  # revert unsaved edits
            assert screen.query_one("#set-schedule-send_time", Input).value == "17:30"

    run(go())


def test_lock_key_and_idle_lock_drop_the_data_screens(make_app) -> None:
    app = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock_and_fetch(pilot)
            await pilot.press("f12")
            await settle(pilot)
            assert app.current_mode == "locked" and app.terminal is None
            assert app.waiting_index is None
            assert app.mode_screen("waiting") is None  # no screen of the list is kept
            await unlock(pilot)
            assert app.current_mode == "waiting"
            assert len(rows(app)) == WAITING  # fetched data is still there
            app.config.ui.idle_lock_minutes = 1
            app.idle._last -= 61  # a minute without a key
            await app._tick()
            await settle(pilot)
            assert app.current_mode == "locked" and app.terminal is None

    run(go())


def test_keymap_from_config_and_command_palette(make_app, demo) -> None:
    from core import config as core_config

    config: Config = core_config.load(demo.data_dir)
    config.ui.keymap = {"go.inbox": "f6", "fetch": "f11"}
    app = make_app(config=config)

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock(pilot)
            await pilot.press("f6")
            await settle(pilot)
            assert app.current_mode == "inbox"
            await pilot.press("f11")
            await settle(pilot)
            assert len(rows(app, "#inbox-table")) == 4
            titles = [c.title for c in app.get_system_commands(app.screen)]
            assert {"受信", "未入力", "今すぐ受信", "今すぐ送信", "ロック", "終了"} <= set(titles)
            await pilot.press("ctrl+p")
            await pilot.pause()
            from textual.command import CommandPalette

            assert isinstance(app.screen, CommandPalette)  # ours, in the UI language
            await pilot.press(*"送信状況")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await settle(pilot)
            assert app.current_mode == "outbox"

    run(go())


def test_schedule_runs_the_due_fetch_by_itself(make_app) -> None:
    app = make_app(schedule=None)  # the terminal's own schedule (起動時間監視)

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock(pilot)
            for _ in range(20):
                await settle(pilot)
                if app.waiting_index is not None and len(app.waiting_index) == WAITING:
                    break
            assert len(app.waiting_index) == WAITING
            assert app.terminal.status().last_fetch is not None
            # the fetch at start said so on 未入力 (issue 18, trap 9)
            assert "受信が終わりました" in text_of(app, "#progress-text")

    run(go())


def test_pdf_key_writes_the_list_and_tracks_it(make_app, demo) -> None:
    app = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock_and_fetch(pilot)
            shown: list[str] = []
            original = app.progress_fn
            app.progress_fn = lambda target: original(
                lambda step: (target(step), shown.append(text_of(app, "#count")))
            )
            await pilot.press("f7")
            await settle(pilot)
            pdfs = list((demo.data_dir / "pdf").glob("*.pdf"))
            assert len(pdfs) == 1 and pdfs[0].read_bytes().startswith(b"%PDF")
            assert shown and shown[-1].startswith("PDF作成中") and f"/{WAITING}件" in shown[-1]
            assert text_of(app, "#count") == f"{WAITING} / {WAITING}件"  # the count is back
        return pdfs[0]

    pdf = asyncio.run(go())
    from core.session import unlock as open_terminal
    from tui.commands.demo import PASSPHRASE

    with open_terminal(demo.data_dir, PASSPHRASE) as terminal:
        logged = [e for e in terminal.vault.audit.entries() if e.action == "pdf.export"]
    assert len(logged) == 1 and f"path={pdf} rows={WAITING} filtered=no" in logged[0].detail


def test_dates_in_both_forms() -> None:
    from tui import dates

    assert dates.echo(date(2019, 5, 1)) == "令和元年5月1日 (2019-05-01)"
    assert dates.read("H31.4.30") == (date(2019, 4, 30), "")
    day, reason = dates.read("R6.13.1")
    assert day is None and "R6.13.1" in reason
