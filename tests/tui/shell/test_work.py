"""The shell's jobs and the 未入力 list: a job that changed nothing reads nothing.

A send with nothing queued (the schedule's catch-up send at start, on a terminal
closed before the send time) left the list as it was, yet read all of it again
while the screen still held the old one: with 100,000 waiting certificates
that second copy was the terminal's peak memory (benchmarks/tui.py). The
expected behaviour is the fetch's own rule (``start_fetch``: no file taken, no
reload), applied to the send.
"""

from __future__ import annotations

import asyncio
from typing import Any

from tests.tui.conftest import settle, unlock_and_fetch
from tests.tui.test_traps import enter_date, send_yes


def test_a_send_of_nothing_keeps_the_list_a_real_send_reloads_it(make_app: Any) -> None:
    app = make_app()

    async def go() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await unlock_and_fetch(pilot)
            held = app.waiting_index
            assert held is not None and len(held) > 0
            app.start_send()  # what the schedule does: nothing is queued
            await settle(pilot)
            assert app.terminal.outbox() == []
            assert app.waiting_index is held  # not read again
            number = next(iter(held)).card_number
            await enter_date(pilot, number, "R6.4.1")
            await send_yes(pilot)
            assert [i.state for i in app.terminal.outbox()] == ["sent"]
            assert app.waiting_index is not held  # a file went: read again

    asyncio.run(go())
