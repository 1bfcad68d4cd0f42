"""確認待ちの文字 in the real TUI (pilot): a MOJ notice whose name has 边 (U+8FB9,
no 住基統一文字 code) is held back by the line connection; 受信 → v lists it with
the first suggestion 辺 J+8FBA (法務省告示582号 別表第四 in the MJ縮退マップ);
Enter decides it (audited) and the next sync exports the file with 辺."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from core.charset.review import load_decisions
from tests.support.boundary import demo_with_held_notice
from tests.tui.conftest import DAY, settle, unlock_and_fetch
from tests.tui.test_screens import SIZE, rows
from tui.widgets.vtable import VirtualTable


def test_review_screen_decides_a_held_character(make_app, demo, tmp_path: Path) -> None:
    data = demo.data_dir
    held = demo_with_held_notice(demo.root, data, tmp_path, "边", DAY)
    config, export_dir, recs, target = held.config, held.export_dir, held.records, held.target
    held_name = held.name
    app = make_app(config=config)

    def core(fn: Any) -> Any:
        return app._core.submit(fn).result()

    async def tick(pilot: Any) -> None:
        app.boundary._at = None  # as if 30 seconds had passed
        await app._tick()
        await settle(pilot)

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock_and_fetch(pilot)
            await tick(pilot)
            assert not (export_dir / held_name).exists()
            held = {r.name: r for r in app.boundary_held}  # (the demo's own 𠮷 etc. too)
            assert [p.params.get("char") for p in held[held_name].problems] == ["边"]
            await pilot.press("f1")
            await settle(pilot)
            await pilot.press("v")
            await settle(pilot)
            items = rows(app, "#review-table")
            index = next(i for i, item in enumerate(items) if item.text == "边")
            assert items[index].suggestions[0] == "J+8FBA"
            assert items[index].places == [(held_name, target + 2, "name_kanji")]
            app.screen.query_one("#review-table", VirtualTable).cursor = index
            await pilot.press("enter")
            await settle(pilot)
            assert load_decisions(data)["边"].form == "辺"
            entries = core(lambda: app.terminal.vault.audit.entries())
            assert any(
                e.action == "charset.review.decide" and e.record == "U+8FB9" for e in entries
            )
            assert "边" not in [item.text for item in rows(app, "#review-table")]
            await pilot.press("escape")
            await tick(pilot)
            out = (export_dir / held_name).read_bytes().decode("cp932")
            assert "辺" + recs[target]["name_kanji"][1:] in out

    asyncio.run(go())
