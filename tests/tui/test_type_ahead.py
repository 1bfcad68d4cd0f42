"""Keys typed ahead: a key that changes the screen or the field is followed at once
by what the clerk types next (a fast typist, a paste, a barcode scanner, or keys
that arrive together over a slow SSH line). What comes after must land where the
first key sent it, in order, and nothing typed may be wiped.

Found in CI: Ctrl+N then a number at once, and the number field was empty. A
screen's own key binding ran only after the key had travelled through the field
and back up to the App, by which time the number typed after it was already in
the field, and Ctrl+N then cleared it. Every case posts the whole burst before the
App handles the first key (``type_ahead``), so the outcome depends on the code
only, never on how fast the machine is.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from textual.widgets import Input

from tests.tui.conftest import settle, type_ahead, unlock_and_fetch
from tui.screens.confirm import ConfirmScreen
from tui.widgets.vtable import VirtualTable

SIZE = (80, 24)


def field(app: Any, name: str) -> Input:
    return app.screen.query_one(f"#{name}", Input)


def numbers(app: Any) -> list[str]:
    return [e.card_number for e in app.screen.query_one(VirtualTable).source]


def on_the_list(make_app: Any, steps: Callable[[Any, Any], Awaitable[None]]) -> None:
    """Run ``steps(pilot, app)`` on the real App, unlocked, the list fetched."""
    app = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock_and_fetch(pilot)
            await steps(pilot, app)

    asyncio.run(go())


def test_ctrl_n_then_a_number_keeps_the_number(make_app) -> None:
    async def steps(pilot: Any, app: Any) -> None:
        first, second = numbers(app)[:2]
        await pilot.press("f3")
        await settle(pilot)
        await type_ahead(pilot, *first)  # something half typed
        await type_ahead(pilot, "ctrl+n", *second)
        await settle(pilot)
        assert app.current_mode == "entry"
        assert field(app, "card").value == second
        assert app.focused is field(app, "card")

    on_the_list(make_app, steps)


def test_ctrl_n_from_the_date_field_sends_the_number_to_the_number_field(make_app) -> None:
    async def steps(pilot: Any, app: Any) -> None:
        second = numbers(app)[1]
        await pilot.press("enter")  # a row: the date field is focused
        await settle(pilot)
        assert app.focused is field(app, "date")
        await type_ahead(pilot, "ctrl+n", *second)
        await settle(pilot)
        assert (field(app, "card").value, field(app, "date").value) == (second, "")

    on_the_list(make_app, steps)


def test_escape_then_a_new_search_keeps_the_new_search(make_app) -> None:
    async def steps(pilot: Any, app: Any) -> None:
        await type_ahead(pilot, *"ZZ")
        await settle(pilot)
        await type_ahead(pilot, "escape", *"AB")
        await settle(pilot)
        assert field(app, "search").value == "AB"
        await type_ahead(pilot, *"CD", "escape", *"EF", "backspace", "G")
        await settle(pilot)
        assert field(app, "search").value == "EG"  # in the order typed

    on_the_list(make_app, steps)


def test_f3_then_a_number_lands_in_the_number_field(make_app) -> None:
    async def steps(pilot: Any, app: Any) -> None:
        number = numbers(app)[0]
        await type_ahead(pilot, "f3", *number)
        await settle(pilot)
        assert app.current_mode == "entry"
        assert field(app, "card").value == number
        assert app.focused is field(app, "card")
        await pilot.press("f2")
        await settle(pilot)
        assert field(app, "search").value == ""  # nothing went into the list's search

    on_the_list(make_app, steps)


def test_escape_from_entry_then_typing_searches_the_list(make_app) -> None:
    async def steps(pilot: Any, app: Any) -> None:
        await pilot.press("f3")
        await settle(pilot)
        await type_ahead(pilot, "escape", *"AB")
        await settle(pilot)
        assert app.current_mode == "waiting"
        assert field(app, "search").value == "AB"

    on_the_list(make_app, steps)


def test_function_keys_do_not_reach_past_a_question(make_app) -> None:
    """While F10 asks (送信します？), F3 must not switch screens behind the question;
    once it is answered, the keys typed next are not held up."""

    async def steps(pilot: Any, app: Any) -> None:
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press(*"R6.4.1", "enter")
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await type_ahead(pilot, "f3", "alt+4")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert app.current_mode == "waiting"
        await type_ahead(pilot, "n", *"AB")  # いいえ, then a search at once
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert field(app, "search").value == "AB"

    on_the_list(make_app, steps)


def test_enter_on_a_row_then_a_date_at_once_makes_the_entry(make_app) -> None:
    async def steps(pilot: Any, app: Any) -> None:
        first = numbers(app)[0]
        await type_ahead(pilot, "enter", *"R6.4.1", "enter")
        await settle(pilot)
        entered = {i.card_number: i.delivered.isoformat() for i in app.terminal.outbox()}
        assert entered == {first: "2024-04-01"}  # R6.4.1: 令和6年 = 2024
        assert app.current_mode == "waiting"  # back to the list it came from

    on_the_list(make_app, steps)


def test_a_number_and_a_date_typed_at_once_in_the_entry_screen(make_app) -> None:
    """A paper list typed straight through: number, Enter, date, Enter, the next
    number — all before the screen has answered the first Enter."""

    async def steps(pilot: Any, app: Any) -> None:
        first, second = numbers(app)[:2]
        await pilot.press("f3")
        await settle(pilot)
        await type_ahead(pilot, *first, "enter", *"R6.4.1", "enter")
        await settle(pilot)
        await type_ahead(pilot, *second)
        await settle(pilot)
        entered = {i.card_number: i.delivered.isoformat() for i in app.terminal.outbox()}
        assert entered == {first: "2024-04-01"}
        assert (field(app, "card").value, field(app, "date").value) == (second, "")
        assert app.focused is field(app, "card")

    on_the_list(make_app, steps)
