"""Cold start (issue 19): ``renkei`` paints its unlock screen without importing
what only an unlocked terminal needs. Checked on the real command path
(``tui.cli.main``) in a fresh interpreter, up to the unlock screen's first
paint, through ``sys.modules`` — no timing: a module named here that comes back
into the start path fails the suite, not only the benchmark."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.vault import new_vault

# What the unlock screen does not need: the crypto, the database, HTTP, the PDF
# and its fonts, QR codes, images, the card reader, the workflows of core, the
# scripted commands and the data screens (loaded after unlock).
HEAVY = [
    "cryptography",
    "sqlite3",
    "httpx",
    "fpdf",
    "fontTools",
    "qrcode",
    "PIL",
    "smartcard",
    "core.session",
    "core.datadir",
    "core.vault.keys",
    "core.store",
    "core.exchange",
    "core.pdf",
    "core.card",
    "core.formats",
    "core.charset",
    "core.boundary",
    "core.bundle",
    "core.config_check",
    "tui.commands",
    "tui.screens.waiting",
    "tui.screens.inbox",
    "tui.screens.entry",
    "tui.screens.outbox",
    "tui.screens.settings",
]

CHILD = """
import asyncio, json, sys
from textual.app import App

import tui.cli

def run(app, *args, **kwargs):
    async def until_painted():
        async with app.run_test(size=(80, 24)) as pilot:
            while type(app.screen).__name__ != "UnlockScreen" or not app.screen.is_mounted:
                await pilot.pause()
            await pilot.pause()
            shown.append(type(app.screen).__name__)
    asyncio.run(until_painted())

shown = []
App.run = run
tui.cli.main(["--data", sys.argv[1]])
heavy = json.loads(sys.argv[2])
loaded = [m for m in heavy if m in sys.modules or any(k.startswith(m + ".") for k in sys.modules)]
print(json.dumps({"shown": shown, "loaded": loaded}))
"""


def test_the_unlock_screen_paints_without_the_heavy_modules(
    tmp_path: Path, cli_env: dict[str, str]
) -> None:
    data = tmp_path / "data"
    new_vault(data).close()
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(data), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        env=cli_env,
        check=True,
    )
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert found["shown"] == ["UnlockScreen"]  # the screen was painted
    assert found["loaded"] == []
