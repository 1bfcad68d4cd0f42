"""The line connection while the TUI is open: the 5-second tick runs
``core.boundary.sync`` on the real terminal (reference server over HTTPS,
juki-sjis folders of the test's own), and 受信 shows what is held back."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from core import charset, formats
from core.reference import synth
from tests.support.boundary import cp932_only, demo_with_held_notice, drop
from tests.tui.conftest import DAY, settle, unlock_and_fetch
from tests.tui.test_screens import SIZE, text_of


def muni_bytes(data: Path, lasdec: str, count: int, seed: int, name: str) -> bytes:
    recs = cp932_only(synth.muni_records(lasdec, count, seed, day=DAY))
    text = formats.write("muni", recs).decode("utf-8")
    return charset.encode_file(text, charset.load_tables(data).codec, name)


def test_tick_syncs_the_line_connection_and_inbox_shows_held_files(
    make_app, demo, tmp_path: Path
) -> None:
    data = demo.data_dir
    # A MOJ notice with 𠮷 (U+20BB7): no code in juki-sjis, so it is held back.
    held = demo_with_held_notice(demo.root, data, tmp_path, "𠮷", DAY)
    config, export_dir, import_dir = held.config, held.export_dir, held.import_dir
    lasdec, target, held_name = config.terminal.lasdec, held.target, held.name
    drop(import_dir, "juki-0001.csv", muni_bytes(data, lasdec, 4, 5, "juki-0001.csv"))
    app = make_app(config=config)
    errors: list[str] = []
    show_error = app.show_error
    app.show_error = lambda exc: (errors.append(app.error_text(exc)), show_error(exc))

    def core(fn: Any) -> Any:
        return app._core.submit(fn).result()

    async def tick(pilot: Any, *, wait: bool = True) -> None:
        if wait:
            app.boundary._at = None  # as if 30 seconds had passed
        await app._tick()
        await settle(pilot)

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await unlock_and_fetch(pilot)
            await tick(pilot)
            assert (import_dir / "done" / "juki-0001.csv").is_file()
            assert not (import_dir / "juki-0001.csv").exists()
            assert core(app.terminal.status).queued == 4
            items = core(app.terminal.outbox)
            assert len(items) == 4 and {i.state for i in items} == {"queued"}
            exported = {p.name for p in export_dir.iterdir()}
            assert held_name not in exported
            assert f"spr-{lasdec}-{DAY:%Y%m%d}-0002.csv.sha256" in exported

            # Not again within 30 seconds; after them, the next file is taken.
            drop(import_dir, "juki-0002.csv", muni_bytes(data, lasdec, 2, 6, "juki-0002.csv"))
            await tick(pilot, wait=False)
            assert (import_dir / "juki-0002.csv").exists()
            await tick(pilot)
            assert (import_dir / "done" / "juki-0002.csv").is_file()
            assert core(app.terminal.status).queued == 6

            await pilot.press("f1")
            await settle(pilot)
            shown = text_of(app, "#boundary-held")
            assert "住基へ出力できない通知ファイル" in shown
            assert f"{held_name}: line {target + 2}: name_kanji: 文字「𠮷」(U+20BB7)" in shown

            # A folder gone: the error is shown once, not on every sync.
            import_dir.rename(tmp_path / "gone")
            await tick(pilot)
            await tick(pilot)
            assert len(errors) == 1 and str(import_dir) in errors[0]
            assert errors == [app.last_error]

    asyncio.run(go())
