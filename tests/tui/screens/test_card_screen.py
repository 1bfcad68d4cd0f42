"""The counter flow in the real TUI machinery (``App.run_test``) against the real
PC/SC stack: the date is proposed only when the card on the reader is the
certificate selected on the list, and only Enter confirms it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from textual.app import App
from textual.widgets import Static

from tests.support.cardsim import fixtures
from tests.support.cardsim.card import SimCard
from tests.support.cardsim.holders import HOLDERS, gen1_card, gen2_card
from tui.screens.card import CardCheckScreen

TODAY = date(2026, 11, 21)
UNSET = object()

# the simulator's fixtures, used here by name
pcsc = fixtures.pcsc
place_card = fixtures.place_card
card_data = fixtures.card_data


class Host(App[None]):
    """A minimal host: opens the hand-over check as the 未入力 screen would."""

    def __init__(self, number: str, data: Path, entry: Any = None) -> None:
        super().__init__()
        self.number, self.data, self.entry = number, data, entry
        self.result: Any = UNSET

    def on_mount(self) -> None:
        screen = CardCheckScreen(
            self.number, self.entry, data_dir=self.data, today=TODAY, wait_seconds=15
        )
        self.push_screen(screen, self._done)

    def _done(self, value: date | None) -> None:
        self.result = value


async def _settled(pilot: Any, screen: CardCheckScreen, read: bool = True) -> None:
    """Wait for the read to finish; a card already on the reader needs the clerk's R."""
    for _ in range(300):
        await pilot.pause(0.05)
        if screen.asking and read:
            assert "R" in _text(screen, "#status")
            await pilot.press("r")
            read = False
            continue
        if not screen.busy:
            return
    raise AssertionError("the card read did not finish")


def _text(screen: CardCheckScreen, wid: str) -> str:
    return str(screen.query_one(wid, Static).render())


def test_matching_card_placed_after_opening_proposes_today_and_enter_confirms(
    pcsc: Any, place_card: Callable[[SimCard], SimCard], card_data: Path
) -> None:
    async def go() -> None:
        holder = HOLDERS["gen2"]
        app = Host(holder.number, card_data)
        async with app.run_test(size=(100, 30)) as pilot:
            screen = app.screen
            assert isinstance(screen, CardCheckScreen)
            await pilot.pause(0.3)
            assert holder.number in _text(screen, "#status")  # "place card …"
            card = await asyncio.to_thread(place_card, gen2_card(holder))
            await _settled(pilot, screen, read=False)
            assert screen.handover is not None and screen.handover.proposed == TODAY
            assert "1992-07-30" in _text(screen, "#chip")
            assert "真正" in _text(screen, "#genuineness")
            assert TODAY.isoformat() in _text(screen, "#proposal")
            await pilot.press("enter")
            await pilot.pause()
        assert app.result == TODAY
        assert card.auth_attempts == 1

    asyncio.run(go())


def test_a_card_left_on_the_reader_is_read_only_on_r(
    pcsc: Any, place_card: Callable[[SimCard], SimCard], card_data: Path
) -> None:
    async def go() -> None:
        holder = HOLDERS["gen2"]
        card = place_card(gen2_card(holder))
        app = Host(holder.number, card_data)
        async with app.run_test(size=(100, 30)) as pilot:
            screen = app.screen
            assert isinstance(screen, CardCheckScreen)
            for _ in range(100):
                await pilot.pause(0.05)
                if screen.asking:
                    break
            assert screen.asking and card.commands == []  # nothing sent before R
            await pilot.press("r")
            await _settled(pilot, screen, read=False)
            assert screen.handover is not None and screen.handover.proposed == TODAY
            await pilot.press("enter")
            await pilot.pause()
        assert app.result == TODAY

    asyncio.run(go())


def test_first_generation_shows_the_address_record(
    pcsc: Any, place_card: Callable[[SimCard], SimCard], card_data: Path
) -> None:
    async def go() -> None:
        holder = HOLDERS["gen1"]
        place_card(gen1_card(holder))
        app = Host(holder.number, card_data)
        async with app.run_test(size=(100, 30)) as pilot:
            screen = app.screen
            assert isinstance(screen, CardCheckScreen)
            await _settled(pilot, screen)
            assert holder.address in _text(screen, "#chip")
            assert "券面画像" in _text(screen, "#chip")
            await pilot.press("enter")
            await pilot.pause()
        assert app.result == TODAY

    asyncio.run(go())


def test_another_certificate_gets_no_date_and_no_retry(
    pcsc: Any, place_card: Callable[[SimCard], SimCard], card_data: Path
) -> None:
    async def go() -> None:
        card = place_card(gen2_card(HOLDERS["gen2"]))
        app = Host("XY98765432ZZ", card_data)  # a different row of the list
        async with app.run_test(size=(100, 30)) as pilot:
            screen = app.screen
            assert isinstance(screen, CardCheckScreen)
            await _settled(pilot, screen)
            assert screen.handover is None and screen.error is not None
            assert screen.error.key == "card.wrong_number"
            assert "XY98765432ZZ" in _text(screen, "#status")
            await pilot.press("enter")  # nothing to confirm
            await pilot.pause(0.5)
            assert app.result is UNSET
            assert card.auth_attempts == 1  # never retried by itself
            await pilot.press("escape")
            await pilot.pause()
        assert app.result is None

    asyncio.run(go())


def test_not_genuine_chip_gets_no_date(
    pcsc: Any, place_card: Callable[[SimCard], SimCard], card_data: Path
) -> None:
    async def go() -> None:
        holder = HOLDERS["gen1"]
        place_card(gen1_card(holder, bad_signature=True))
        app = Host(holder.number, card_data)
        async with app.run_test(size=(100, 30)) as pilot:
            screen = app.screen
            assert isinstance(screen, CardCheckScreen)
            await _settled(pilot, screen)
            assert screen.handover is not None and screen.handover.proposed is None
            assert "署名不一致" in _text(screen, "#genuineness")
            await pilot.press("enter")
            await pilot.pause(0.3)
            assert app.result is UNSET
            await pilot.press("escape")
            await pilot.pause()
        assert app.result is None

    asyncio.run(go())


def test_in_the_real_app_the_confirmed_date_goes_through_terminal_enter(
    make_app: Any, pcsc: Any, place_card: Callable[[SimCard], SimCard], card_data: Path
) -> None:
    """The hand-over opened over the real app's 未入力 screen at 80x24, as its key
    will open it: the selected row's certificate, today by the app's clock, and
    the confirmed date passed to ``Terminal.enter``."""
    from tests.support.cardsim.holders import Holder
    from tests.tui.conftest import settle, unlock_and_fetch

    app = make_app()

    async def go() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await unlock_and_fetch(pilot)
            entry = app.waiting_index.search("")[0]
            holder = Holder(
                entry.card_number, entry.birth_date.strftime("%Y%m%d"), "2", "KOR", entry.address
            )
            card = await asyncio.to_thread(place_card, gen2_card(holder, "spr"))
            today = app.clock().date()
            results: list[date | None] = []

            def done(value: date | None) -> None:
                results.append(value)
                if value is not None:
                    app.enter_date(entry.card_number, value)  # Terminal.enter, core thread

            screen = CardCheckScreen(entry.card_number, entry, data_dir=card_data, today=today)
            app.push_screen(screen, done)
            await _settled(pilot, screen)
            assert entry.name_kanji in _text(screen, "#entry")
            assert entry.birth_date.isoformat() in _text(screen, "#chip")
            await pilot.press("enter")
            await settle(pilot)
            assert results == [today]
            assert card.auth_attempts == 1
            assert [i.card_number for i in app.terminal.outbox()] == [entry.card_number]
            after = app.waiting_index.get(entry.card_number)
            assert after is not None and after.entered_date == today

    asyncio.run(go())
