"""受信: a file that failed its data check is shown as 要確認 and, once the
municipality registers the 外字 it was missing, C checks it again and takes it
in (issue 12, finding 3), through the real App on the demo terminal."""

from __future__ import annotations

import asyncio
from typing import Any

from core.reference import synth
from tests.support.linkage import spr_file, spr_records
from tests.tui.conftest import WAITING, settle, unlock
from tui.widgets.vtable import VirtualTable

SIZE = (80, 24)
PUA = "\ue000"  # what cp932 reads for the 外字 slot F040


def test_a_file_needing_attention_is_taken_in_after_a_recheck(make_app, demo) -> None:
    lasdec = synth.DEFAULT_LASDEC
    recs = spr_records(3, start=900, lasdec=lasdec)
    recs[1]["name_kanji"] = f"山{PUA} 花子"  # a 外字 slot nobody registered yet
    name = f"spr-{lasdec}-20240401-0009.csv"
    (demo.root / "server" / lasdec / "moj" / name).write_bytes(spr_file(recs))
    app = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock(pilot)
            await pilot.press("f1")
            await settle(pilot)
            await pilot.press("f9")
            await settle(pilot)
            table = app.screen.query_one("#inbox-table", VirtualTable)
            items: list[Any] = list(table.source)
            bad = next(i for i, f in enumerate(items) if f.name == name)
            assert items[bad].status == "invalid"
            assert "要確認" in table.render_row(items[bad])
            waiting_before = len(app.terminal.waiting())
            assert waiting_before == WAITING
            # the municipality registers F040 in its 外字 table
            folder = demo.data_dir / "charset"
            folder.mkdir(mode=0o700, exist_ok=True)
            (folder / "gaiji.csv").write_text("sjis,juki_code,unicode\nF040,,𩸽\n", "utf-8")
            (folder / "gaiji.csv").chmod(0o600)
            table.cursor = bad
            await pilot.press("c")
            await settle(pilot)
            items = list(app.screen.query_one("#inbox-table", VirtualTable).source)
            assert next(f for f in items if f.name == name).status == "ok"
            assert len(app.terminal.waiting()) == waiting_before + 3

    asyncio.run(go())
