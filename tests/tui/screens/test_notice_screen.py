"""The inbox record view on the real Textual app: a received file opened, a 修正
record selected, its items shown with table 4.1.1 names and old beside new."""

from __future__ import annotations

import asyncio
from datetime import datetime

from textual.app import App

from core.notice_view import describe
from core.reference import synth
from core.terminal import InboxFile
from tui.screens.inbox import InboxFileScreen
from tui.screens.notice import NoticeScreen
from tui.widgets.vtable import VirtualTable


class _Host(App[None]):
    def __init__(self, screen: InboxFileScreen) -> None:
        super().__init__()
        self.first = screen

    def on_mount(self) -> None:
        self.push_screen(self.first)


def test_enter_on_a_correction_record_shows_items_old_beside_new() -> None:
    records = synth.moj_records("131041", 59, 0)
    index = next(i for i, r in enumerate(records) if r["pattern"] == "H")
    records[index]["old_period_code"] = ""  # a 修正 without its old value: a problem
    item = InboxFile("f1", "moj", "moj-131041-20261121-0001.csv", len(records),
                     datetime(2026, 11, 21, 9, 0), "ok")  # fmt: skip
    app = _Host(InboxFileScreen(item, records, [], describe))

    async def go() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            table = app.screen.query_one("#records-table", VirtualTable)
            for _ in range(index):
                await pilot.press("down")
            assert table.cursor == index
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, NoticeScreen)
            items = app.screen.query_one("#notice-items", VirtualTable)
            rows = {r[1]: r for r in (items.render_row(x) for x in items.source)}
            period = rows["在留期間等"]
            # numbered as table 4.1.1 of seed 001 (No.7 在留期間等, No.8 在留期間の満了の日)
            assert period[0] == "7" and period[2] == "●" and period[3] == "!"
            expiry = rows["在留期間の満了の日"]
            assert expiry[0] == "8"
            assert expiry[3] == "*"
            assert expiry[4] == records[index]["period_expiry"]
            assert expiry[5] == records[index]["old_period_expiry"]
            report = str(app.screen.query_one("#notice-report").render())
            assert f"line {index + 2}: old_period_code" in report
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, InboxFileScreen)

    asyncio.run(go())
