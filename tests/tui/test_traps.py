"""The traps of issue 18, each walked through as a clerk would, at 80x24 on the real
stack (vault, SQLite, the reference server over HTTPS) through Textual's Pilot.

Expected values come from the source, not from the screens' code: dates from
``core.wareki`` (its own round-trip test covers 1873-2100), variant kanji from
the characters themselves (a row holding 髙 must be found by 高), numbers from
the synthetic list the server sent.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import tomli_w
from textual.widgets import Input, Static

from core import wareki
from core.config import Config
from tests.tui.conftest import DAY, WAITING, settle, unlock, unlock_and_fetch
from tui.screens.confirm import ConfirmScreen
from tui.screens.help import HelpScreen
from tui.widgets.vtable import VirtualTable

SIZE = (80, 24)
ROOT = Path(__file__).resolve().parents[2]


def run(coro: Any) -> None:
    asyncio.run(coro)


def text_of(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def rows(app: Any, selector: str = "VirtualTable") -> list[Any]:
    return list(app.screen.query_one(selector, VirtualTable).source)


def table_text(app: Any) -> str:
    """What the 未入力 table draws under its header (rows, or the hint in their place)."""
    table = app.screen.query_one(VirtualTable)
    return "".join(table.render_line(y).text.strip() for y in range(1, table.size.height))


def field(app: Any, name: str) -> Input:
    return app.screen.query_one(f"#{name}", Input)


def record_toasts(app: Any) -> list[str]:
    """Every notification the App shows, in order (they vanish from the screen)."""
    said: list[str] = []
    original = app.notify

    def notify(message: str, **options: Any) -> None:
        said.append(message)
        original(message, **options)

    app.notify = notify
    return said


def config_with(demo: Any, **ui: Any) -> Config:
    from core import config as core_config

    config = core_config.load(demo.data_dir)
    for name, value in ui.items():
        setattr(config.ui, name, value)
    core_config.save(demo.data_dir, config)
    return config


async def enter_date(pilot: Any, number: str, typed: str) -> None:
    """F3, number, Enter, date, Enter (the paper-list way)."""
    await pilot.press("f3")
    await settle(pilot)
    await pilot.press(*number, "enter", *typed, "enter")
    await settle(pilot)


async def send_yes(pilot: Any) -> None:
    await pilot.press("f10")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ConfirmScreen)
    await pilot.press("y")
    await settle(pilot)


# -- 1 -------------------------------------------------------------------------


def test_f3_after_a_row_opens_in_the_number_field(make_app) -> None:
    app = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock_and_fetch(pilot)
            first, second = (e.card_number for e in rows(app)[:2])
            await pilot.press("enter")  # a row: the date field is next
            await settle(pilot)
            assert app.focused is field(app, "date")
            await pilot.press(*"R6.4.1", "enter")
            await settle(pilot)
            assert app.current_mode == "waiting"
            await pilot.press("f3")  # straight from counter entry to a paper list
            await settle(pilot)
            assert app.focused is field(app, "card")
            await pilot.press(*second, "enter")
            await settle(pilot)
            assert app.focused is field(app, "date")  # the number was read as a number
            assert "日付として読めません" not in text_of(app, "#echo")
            await pilot.press(*"R6.4.1", "enter")
            await settle(pilot)
            assert app.focused is field(app, "card")  # after a save: the next number
            queued = sorted(i.card_number for i in app.terminal.outbox())
            assert queued == sorted([first, second])
            await pilot.press("escape")  # Esc on F3 opened directly: back to the list
            await settle(pilot)
            assert app.current_mode == "waiting"

    run(go())


# -- 2 -------------------------------------------------------------------------


def test_send_and_quit_ask_and_enter_alone_says_no(make_app, demo) -> None:
    app = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock_and_fetch(pilot)
            number = rows(app)[0].card_number
            await enter_date(pilot, number, "R6.4.1")
            await pilot.press("f10")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmScreen)
            assert "1件" in text_of(app, "#confirm-question")
            await pilot.press("enter")  # an Enter meant for a field: no
            await settle(pilot)
            assert not isinstance(app.screen, ConfirmScreen)
            assert [i.state for i in app.terminal.outbox()] == ["queued"]
            await pilot.press("ctrl+q")  # unsent work: asks
            await settle(pilot)
            assert isinstance(app.screen, ConfirmScreen)
            assert "1件" in text_of(app, "#confirm-question")
            await pilot.press("n")
            await settle(pilot)
            assert app.is_running and not isinstance(app.screen, ConfirmScreen)
            await send_yes(pilot)
            assert [i.state for i in app.terminal.outbox()] == ["sent"]
            await pilot.press("f10")  # nothing queued: says so, asks nothing
            await settle(pilot)
            assert not isinstance(app.screen, ConfirmScreen)
            await pilot.press("ctrl+q")  # nothing unsent: quits at once
            await settle(pilot)
            assert app.return_value == 0

    run(go())


# -- 3 -------------------------------------------------------------------------


def test_variant_kanji_found_by_what_an_ime_types(make_app) -> None:
    app = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock_and_fetch(pilot)
            everyone = rows(app)
            for variant, typed in (("髙", "高"), ("𠮷", "吉"), ("﨑", "崎")):
                holders = {e.card_number for e in everyone if variant in e.name_kanji}
                assert holders, f"the synthetic list has no {variant}"
                await pilot.press("escape", *typed)
                shown = {e.card_number for e in rows(app)}
                assert holders <= shown, typed
                assert all(typed in e.name_kanji or variant in e.name_kanji for e in rows(app))
            await pilot.press("escape", *"zzqxv")  # nothing: the hint says what to try
            assert rows(app) == []
            hint = table_text(app)
            assert "zzqxv" in hint and "Esc" in hint and "髙" in hint
            await pilot.press("escape")
            assert len(rows(app)) == WAITING and "zzqxv" not in table_text(app)

    run(go())


# -- 4 -------------------------------------------------------------------------


def test_one_date_display_setting_everywhere(make_app, demo) -> None:
    for mode in ("和暦", "西暦", "両方"):
        app = make_app(config=config_with(demo, date_display=mode))

        async def go(app: Any = app, mode: str = mode) -> None:
            async with app.run_test(size=SIZE) as pilot:
                await unlock_and_fetch(pilot)
                entry = rows(app)[0]
                table = app.screen.query_one(VirtualTable)
                born = table.render_row(entry)[4]
                if mode == "西暦":
                    assert born == entry.birth_date.isoformat()
                else:  # a table column is narrow: the short era form
                    assert born == wareki.to_short(entry.birth_date)
                await pilot.press("f3")
                await settle(pilot)
                await pilot.press(*entry.card_number, "enter", *"R6.4.1")
                await settle(pilot)
                who = text_of(app, "#who")
                if mode == "西暦":
                    assert entry.birth_date.isoformat() in who
                    assert wareki.to_wareki(entry.birth_date) not in who
                else:
                    assert wareki.to_wareki(entry.birth_date) in who
                # a message from the core's data check: its date in the same display
                future = date(date.today().year + 2, 1, 1)
                await pilot.press("ctrl+n", *entry.card_number, "enter", *future.isoformat())
                await settle(pilot)
                check = text_of(app, "#check")
                if mode == "西暦":
                    assert future.isoformat() in check
                else:
                    assert wareki.to_wareki(future) in check

        run(go())


# -- 5 -------------------------------------------------------------------------


def test_checks_run_while_typing_and_never_contradict(make_app) -> None:
    app = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock_and_fetch(pilot)
            entry = rows(app)[0]
            await pilot.press("f3")
            await settle(pilot)
            future = date(date.today().year + 2, 1, 1)
            await pilot.press(*entry.card_number, "enter", *future.isoformat())
            await settle(pilot)  # no Enter: the check ran as it was typed
            assert "未来" in text_of(app, "#check")
            assert "よければ Enter" not in text_of(app, "#echo")
            before = entry.card_made_date.replace(day=1) if entry.card_made_date.day > 1 else None
            for _ in future.isoformat():
                await pilot.press("backspace")
            if before is not None and before < entry.card_made_date:
                await pilot.press(*before.isoformat())
                await settle(pilot)
                assert "発行年月日より前" in text_of(app, "#check")
                assert "よければ Enter" not in text_of(app, "#echo")
                for _ in before.isoformat():
                    await pilot.press("backspace")
            await pilot.press(*DAY.isoformat())
            await settle(pilot)
            assert text_of(app, "#check") == ""
            assert "よければ Enter" in text_of(app, "#echo")

    run(go())


# -- 6 -------------------------------------------------------------------------


def test_rejected_shown_with_reason_until_resent(make_app, demo) -> None:
    app = make_app()
    faults = demo.root / "server" / "faults.toml"

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock_and_fetch(pilot)
            number = rows(app)[0].card_number
            faults.write_text(
                tomli_w.dumps(
                    {
                        "fault": [
                            {
                                "match": "POST /v1/municipal-notices",
                                "action": "reject",
                                "card_numbers": [number],
                                "reason": "no such certificate at MOJ",
                            }
                        ]
                    }
                ),
                encoding="utf-8",
            )
            await enter_date(pilot, number, "R6.4.1")
            await send_yes(pilot)
            assert app.terminal.status().rejected == 1
            await pilot.press("f2")
            await settle(pilot)
            row = next(e for e in rows(app) if e.card_number == number)
            assert app.screen.query_one(VirtualTable).render_row(row)[1] == "却下"
            await pilot.press("f3")
            await settle(pilot)
            await pilot.press(*number)
            await settle(pilot)
            who = text_of(app, "#who")
            assert "却下" in who and "no such certificate at MOJ" in who
            faults.unlink()  # the clerk corrects the record; MOJ accepts it now
            await pilot.press("enter", *"R6.4.1", "enter")
            await settle(pilot)
            await send_yes(pilot)
            assert app.terminal.status().rejected == 0  # resolved by the resend
            await pilot.press("f4")
            await settle(pilot)
            listed = [i for i in rows(app, "#outbox-table") if i.card_number == number]
            assert [i.state for i in listed] == ["sent"]  # one row per certificate
            assert "却下 0件" in text_of(app, "#status")

    run(go())


# -- 7 -------------------------------------------------------------------------


def _fake_print_service(tmp: Path) -> tuple[Path, Path]:
    """``lp`` and ``lpstat`` as CUPS's command line answers them, writing what they
    were given to a file (no printer on the test machine)."""
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    log = tmp / "lp.log"
    (bin_dir / "lp").write_text(
        f'#!/bin/sh\nprintf "%s\\n" "$@" > {log}\necho "request id is office-1 (1 file(s))"\n',
        encoding="utf-8",
    )
    (bin_dir / "lpstat").write_text(
        '#!/bin/sh\necho "system default destination: office"\n', encoding="utf-8"
    )
    for tool in ("lp", "lpstat"):
        (bin_dir / tool).chmod(0o755)
    return bin_dir, log


def test_print_refuses_empty_asks_for_many_pages_and_hands_to_lp(
    make_app, tmp_path, monkeypatch
) -> None:
    from tui import printing

    bin_dir, log = _fake_print_service(tmp_path)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("LPDEST", raising=False)
    monkeypatch.delenv("PRINTER", raising=False)
    monkeypatch.setattr(printing, "ASK_PAGES", 1)  # 60 rows are 3 pages: asks
    app = make_app()
    said = record_toasts(app)

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock(pilot)  # not fetched: the list is empty
            await pilot.press("f7")
            await settle(pilot)
            assert any("印刷する行がありません" in s for s in said)
            assert not list((app.data_dir).rglob("*.pdf"))
            await pilot.press("f9")
            await settle(pilot)
            await pilot.press("f7")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmScreen)
            pages = printing.pages(WAITING)
            assert f"{WAITING}件" in text_of(app, "#confirm-question")
            assert f"{pages}ページ" in text_of(app, "#confirm-question")
            await pilot.press("enter")  # Enter alone: nothing printed
            await settle(pilot)
            assert not log.exists() and not list(app.data_dir.rglob("*.pdf"))
            await pilot.press("ctrl+o")  # the F-key-free twin of F7
            await settle(pilot)
            await pilot.press("y")
            for _ in range(40):
                await settle(pilot)
                if log.exists():
                    break
            given = log.read_text(encoding="utf-8").split("\n")
            assert given[:2] == ["-d", "office"] and given[3].endswith(".pdf")
            assert Path(given[3]).read_bytes().startswith(b"%PDF")
            assert any("office" in s and "印刷" in s for s in said)

    run(go())


def test_print_without_a_print_service_keeps_the_pdf(make_app, tmp_path, monkeypatch) -> None:
    pdftotext = shutil.which("pdftotext") or "pdftotext"  # poppler, to read the PDF back
    monkeypatch.setenv("PATH", str(tmp_path))  # no lp here
    app = make_app()
    said = record_toasts(app)

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock_and_fetch(pilot)
            await pilot.press(*rows(app)[0].card_number[:8])
            printed = rows(app)
            await pilot.press("f7")
            for _ in range(40):
                await settle(pilot)
                if any("プリンタが設定されていない" in s for s in said):
                    break
            message = next(s for s in said if "プリンタが設定されていない" in s)
            path = Path(message.split(": ", 1)[1])
            assert path.read_bytes().startswith(b"%PDF")
            # the PDF's rows keep the date display (両方: the era form in a column)
            text = subprocess.run(
                [pdftotext, "-layout", str(path), "-"], capture_output=True, text=True
            ).stdout
            assert all(wareki.to_short(e.birth_date) in text for e in printed)

    run(go())


# -- 8 -------------------------------------------------------------------------


def test_reentry_shows_the_stored_date_and_asks(make_app) -> None:
    app = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock_and_fetch(pilot)
            number = rows(app)[0].card_number
            await enter_date(pilot, number, "R6.4.1")
            await pilot.press(*number)
            await settle(pilot)
            stored = wareki.to_wareki(DAY)
            assert "入力済" in text_of(app, "#who") and stored in text_of(app, "#who")
            await pilot.press("enter", *"R6.3.29", "enter")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmScreen)
            question = text_of(app, "#confirm-question")
            assert stored in question and "令和6年3月29日" in question
            await pilot.press("n")
            await settle(pilot)
            assert [i.delivered for i in app.terminal.outbox()] == [DAY]
            await pilot.press("enter")  # still in the date field: ask again, yes
            await settle(pilot)
            await pilot.press("y")
            await settle(pilot)
            assert [i.delivered for i in app.terminal.outbox()] == [date(2024, 3, 29)]

    run(go())


# -- 9 -------------------------------------------------------------------------


def test_empty_list_says_f9_and_fetch_shows_progress(make_app) -> None:
    app = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock(pilot)
            assert "F9" in table_text(app)
            seen: list[str] = []
            text = app.screen.query_one("#progress-text", Static)
            original = text.update

            def update(content: Any = "", **kw: Any) -> None:
                seen.append(str(content))
                original(content, **kw)

            text.update = update  # type: ignore[method-assign]
            await pilot.press("f9")
            await settle(pilot)
            assert seen[0].startswith("受信中")  # said at once, on this screen
            assert any("受信中" in s and "spr-" in s for s in seen)  # each file named
            assert "受信が終わりました" in seen[-1]
            assert len(rows(app)) == WAITING
            assert "F9" not in table_text(app)

    run(go())


# -- 10 ------------------------------------------------------------------------

INTERNAL = {
    "ok",
    "new",
    "replaced",
    "receipt",
    "files",
    "records",
    "last_error",
    "card_delivered_date",
    "card_number",
    "birth_date",
    "auto",
    "invalid",
    "queued",
    "rejected",
    "failed",
    "Search",
    "matches",
    "YYYYMMDD",
}


def _ja_strings(name: str) -> dict[str, str]:
    out: dict[str, str] = {}

    def walk(prefix: str, table: dict[str, Any]) -> None:
        if isinstance(table.get("ja"), str):
            out[prefix] = table["ja"]
            return
        for key, value in table.items():
            if isinstance(value, dict):
                walk(f"{prefix}.{key}" if prefix else key, value)

    raw = tomllib.loads((ROOT / f"core/i18n/messages/{name}.toml").read_text("utf-8"))
    walk("", raw)
    return out


def test_no_internal_ids_in_the_japanese_ui_strings() -> None:
    import re

    bad = {}
    for name in ("ui", "common"):
        for key, text in _ja_strings(name).items():
            words = set(re.findall(r"[A-Za-z_]+", re.sub(r"\{\w+\}", "", text)))
            if words & INTERNAL:
                bad[key] = sorted(words & INTERNAL)
    assert bad == {}


def test_history_and_palette_speak_japanese(make_app) -> None:
    app = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock_and_fetch(pilot)
            number = rows(app)[0].card_number
            await enter_date(pilot, number, "R6.4.1")
            await send_yes(pilot)
            await pilot.press("f4")
            await settle(pilot)
            await pilot.press("h")
            await settle(pilot)
            table = app.screen.query_one("#history-table", VirtualTable)
            shown = [" ".join(table.render_row(e)) for e in table.source]
            words = {w for line in shown for w in line.replace("=", " ").split()}
            assert not words & {"ok", "new", "receipt", "files", "records", "accepted"}
            assert any(number in line for line in shown)  # the number, not a hash
            await pilot.press("escape")  # Esc leaves the history (trap 11)
            assert app.screen.query_one("#history-table").has_class("-hidden")
            await pilot.press("ctrl+p")
            await settle(pilot)
            from textual.command import CommandInput

            assert "Search" not in str(app.screen.query_one(CommandInput).placeholder)

    run(go())


# -- 11 ------------------------------------------------------------------------


def test_help_screen_lists_this_screens_keys_with_fkey_free_twins(make_app) -> None:
    app = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock_and_fetch(pilot)
            await pilot.press("question_mark")  # in the search field: help, not a '?'
            await settle(pilot)
            assert isinstance(app.screen, HelpScreen)
            text = text_of(app, "#help-text")
            for keys in ("F9 / Alt+9", "F10 / Alt+0", "F7 / ^O", "F8 / ^G", "F2 / Alt+2"):
                assert keys in text
            assert "印刷" in text and "今すぐ送信" in text
            await pilot.press("escape")
            await settle(pilot)
            assert not isinstance(app.screen, HelpScreen)
            assert field(app, "search").value == ""
            for key, mode in (("alt+3", "entry"), ("alt+4", "outbox"), ("alt+1", "inbox")):
                await pilot.press(key)
                await settle(pilot)
                assert app.current_mode == mode
            await pilot.press("alt+2")
            await settle(pilot)
            titles = [c.title for c in app.get_system_commands(app.screen)]
            assert {"印刷", "カード確認", "ヘルプ", "今すぐ受信"} <= set(titles)
            await pilot.press("ctrl+l")
            await settle(pilot)
            assert app.current_mode == "locked"
            await pilot.press("question_mark")  # the passphrase may hold a '?'
            assert field(app, "passphrase").value == "?"

    run(go())


# -- 12 ------------------------------------------------------------------------


def test_forgiving_number_matching(make_app) -> None:
    app = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock_and_fetch(pilot)
            entry = rows(app)[2]
            n = entry.card_number
            spaced = f"{n[:2].lower()} {n[2:6]} {n[6:10]} {n[10:].lower()}"
            hyphen = f"{n[:2]}-{n[2:6]}-{n[6:10]}-{n[10:]}"
            wide = "".join(chr(ord(c) + 0xFEE0) for c in n)  # full width
            await pilot.press("f3")
            await settle(pilot)
            for typed in (spaced, hyphen, wide, n[:10]):
                await pilot.press("ctrl+n", *typed)
                await settle(pilot)
                assert n in text_of(app, "#who"), typed
                assert entry.name_kanji in text_of(app, "#who"), typed
            await pilot.press("ctrl+n", *spaced, "enter", *"R6.4.1", "enter")
            await settle(pilot)
            assert [i.card_number for i in app.terminal.outbox()] == [n]
            await pilot.press("f2")
            await settle(pilot)
            await pilot.press(*hyphen)
            assert [e.card_number for e in rows(app)] == [n]

    run(go())


# -- 13 ------------------------------------------------------------------------


def test_kernel_console_gets_ascii_borders_and_is_told_about_kanji(make_app, monkeypatch) -> None:
    monkeypatch.setenv("TERM", "linux")
    monkeypatch.delenv("NO_COLOR", raising=False)
    app = make_app(theme="auto")

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            assert app.theme_name == "ansi16" and app.ascii_borders
            box = app.screen.query_one("#unlock-box")
            assert {edge[0] for edge in box.styles.border} == {"ascii"}
            notice = text_of(app, "#no-kanji")
            assert "cannot show kanji" in notice  # readable on the console itself
            await unlock(pilot)
            search = field(app, "search")
            card_border = {edge[0] for edge in search.styles.border}
            assert card_border == {"ascii"}
            await pilot.press("f3")
            await settle(pilot)
            blurred = field(app, "date")
            color = blurred.styles.border.top[1]
            # a palette colour the console draws on its black: the default
            # foreground (-1) or white, never black (0) or bright black (8)
            assert color.ansi is not None and color.ansi not in (0, 8)

    run(go())


def test_no_color_keeps_the_terminals_own_colours(make_app, monkeypatch) -> None:
    from textual.filter import Monochrome, NoColor

    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(theme="auto")

    async def go() -> None:
        async with app.run_test(size=SIZE):
            assert app.theme_name == "mono"
            filters = app._filters
            assert any(isinstance(f, NoColor) for f in filters)
            assert not any(isinstance(f, Monochrome) for f in filters)  # no greys

    run(go())


# -- 14 ------------------------------------------------------------------------


def test_layout_cut_names_end_in_an_ellipsis_and_wide_columns_stay_near(make_app) -> None:
    from rich.cells import cell_len
    from rich.style import Style

    from tui.widgets.vtable import ELLIPSIS

    wide, app = make_app(), make_app()

    async def go() -> None:
        async with wide.run_test(size=(200, 50)) as pilot:
            await unlock_and_fetch(pilot)
            table = wide.screen.query_one(VirtualTable)
            header = table.render_line(0).text
            gap = header.index("生年月日") - header.index("漢字氏名")
            assert gap < 70  # the name column does not push the dates 110 cells away
        async with app.run_test(size=SIZE) as pilot:
            await unlock_and_fetch(pilot)
            table = app.screen.query_one(VirtualTable)
            long_name = max(rows(app), key=lambda e: len(e.name_alpha))
            width = table._widths(table.scrollable_content_region.width)[3]
            assert len(long_name.name_alpha) > width
            full = table.scrollable_content_region.width
            line = table._line(table.render_row(long_name), full, Style()).text
            assert ELLIPSIS in line and long_name.name_alpha not in line
            assert cell_len(line) == full

    run(go())


# -- 16 ------------------------------------------------------------------------


def test_idle_lock_says_why_and_that_the_typed_date_was_not_entered(make_app) -> None:
    app = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock_and_fetch(pilot)
            number = rows(app)[0].card_number
            await pilot.press("f3")
            await settle(pilot)
            await pilot.press(*number, "enter", *"R6.4")  # half a date, then away
            app.config.ui.idle_lock_minutes = 1
            app.idle._last -= 61
            await app._tick()
            await settle(pilot)
            assert app.current_mode == "locked"
            message = text_of(app, "#unlock-message")
            assert "1分間" in message and "入力されていません" in message
            assert app.terminal is None
            await unlock(pilot)
            assert not app.terminal.outbox()  # nothing half-entered was kept

    run(go())


def test_toasts_stay_above_the_key_bar_and_the_palette_names_keys(make_app) -> None:
    from textual.widgets._toast import Toast

    from tui.widgets.keybar import KeyBar

    app = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await unlock_and_fetch(pilot)
            app.notify("受信: 4ファイル、300レコード、未入力に300件追加" * 2, markup=False)
            for _ in range(20):
                await pilot.pause(0.05)
                if app.screen.query(Toast):
                    break
            bar = app.screen.query_one(KeyBar).region
            toasts = [t.region for t in app.screen.query(Toast)]
            assert toasts and all(not t.overlaps(bar) for t in toasts)
            assert all(t.width >= 60 for t in toasts)  # wide: Japanese wraps at the edge
            helps = {c.title: c.help for c in app.get_system_commands(app.screen)}
            assert "F9 / Alt+9" in helps["今すぐ受信"] and "F7 / ^O" in helps["印刷"]

    run(go())


def test_quit_during_a_fetch_asks_at_once(make_app) -> None:
    app = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock(pilot)
            app.busy.add("fetch")  # as while a long fetch runs on the core thread
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            assert "受信中" in text_of(app, "#confirm-question")
            await pilot.press("escape")
            await pilot.pause()
            assert app.is_running
            app.busy.discard("fetch")

    run(go())


def test_a_mistyped_date_display_is_named_by_the_settings_check() -> None:
    from core.config_check import check

    config = Config()
    config.ui.date_display = "わ"
    found = check(config)
    assert [p.column for p in found] == ["ui.date_display"]
    assert "和暦" in found[0].reason("ja") and "わ" in found[0].reason("ja")
    assert check(Config()) == []  # the default, 両方, is clean


def test_esc_digit_from_a_terminal_is_alt_digit_except_in_a_passphrase(make_app) -> None:
    """Textual reads ESC 4 as ``¢`` (macOS Option+4): the App makes it Alt+4 again.
    The keys are sent as the driver sends what its parser made of the bytes
    (Pilot's ``press`` drops the character of such keys)."""
    from textual import events
    from textual.keys import _character_to_key

    from tui.altkeys import digits

    four = next(ch for ch, digit in digits().items() if digit == "4")
    three = next(ch for ch, digit in digits().items() if digit == "3")
    app = make_app()

    async def send(pilot: Any, character: str) -> None:
        key = events.Key(_character_to_key(character), character)
        key.set_sender(app)
        app._driver.send_message(key)
        await settle(pilot)

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await send(pilot, three)  # a passphrase may hold £
            assert field(app, "passphrase").value == three
            await pilot.press("backspace")
            await unlock(pilot)
            await send(pilot, four)  # ESC 4 on the 未入力 search field
            assert app.current_mode == "outbox"
            await send(pilot, "\u00a1")  # ESC 1
            assert app.current_mode == "inbox"

    run(go())
