"""Fixtures for the TUI tests: the real thing on loopback.

``demo`` is what ``renkei demo`` makes: the reference server (real HTTPS, its
own CA) with a synthetic day, and a real terminal data directory (vault,
SQLite) with the low-cost KDF. ``make_app`` opens the real App on it; the
passphrase is typed on the unlock screen like a clerk would.
"""

from __future__ import annotations

import shutil
import unicodedata
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from tui.commands.demo import PASSPHRASE, Demo, prepare

DAY = date(2024, 4, 1)  # the synthetic day: certificates made before it
WAITING = 60


def fixed_time(_moment: datetime | None) -> str:
    """Times on screen in snapshots: the data is real, the clock text is fixed."""
    return "04-01 09:00"


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo made once per test session (synthetic day, the server's CA,
    the terminal's vault), its server stopped: each test gets a copy."""
    root = tmp_path_factory.mktemp("demo-template") / "demo"
    prepare(root, waiting=WAITING, day=DAY).stop()
    return root


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Demo]:
    """A fresh copy of the prepared demo with its own server on a new port."""
    from core import config as core_config
    from core.reference.runner import Running

    monkeypatch.setenv("RENKEI_UNLOCK_DELAY", "0.01")  # wrong passphrases wait briefly
    root = tmp_path / "demo"
    shutil.copytree(demo_template, root)
    server = Running(root / "server").start()  # reuses the copied CA and certificate
    data_dir = root / "terminal"
    config = core_config.load(data_dir)
    config.server.url = server.url
    config.server.ca = str(root / "server" / "tls" / "ca.pem")
    core_config.save(data_dir, config)
    made = Demo(root, data_dir, server)
    try:
        yield made
    finally:
        made.stop()


@pytest.fixture
def make_app(demo: Demo) -> Callable[..., Any]:
    """``make_app(theme="default", **options)`` → the App on the demo terminal."""

    def make(theme: str = "default", **options: Any) -> Any:
        from core import config as core_config
        from tui.shell import RenkeiApp

        options.setdefault("schedule", False)
        options.setdefault("time_text", fixed_time)
        return RenkeiApp(
            demo.data_dir,
            options.pop("config", None) or core_config.load(demo.data_dir),
            theme=theme,
            **options,
        )

    return make


async def settle(pilot: Any) -> None:
    """Wait until the core thread and the UI are both idle."""
    app = pilot.app
    for _ in range(4):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def type_text(pilot: Any, text: str) -> None:
    """Type ``text`` into the focused field as one burst, the way a fast typist or a
    paste arrives over SSH: the key events the driver would make, all posted, then one
    wait. (``pilot.press`` waits for the app to go idle after every key, ≈40–70 ms
    each.) Only for plain text within one field: a key that moves the focus (Enter,
    Tab, F-keys) goes through ``pilot.press``, or through ``type_ahead``."""
    await type_ahead(pilot, *text)


NAMED_CHARACTERS = {"escape": "\x1b", "enter": "\r", "tab": "\t", "backspace": "\x7f"}


async def type_ahead(pilot: Any, *keys: str) -> None:
    """Post ``keys`` (single characters, or names such as ``ctrl+n``, ``f3``,
    ``escape``) as one burst, as the driver does when they arrive together: a key
    typed before the previous one was handled. Nothing waits between them."""
    from textual import events

    app = pilot.app
    for key in keys:
        if len(key) == 1:
            name = unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
            event = events.Key(key if key.isalnum() else name, key)
        elif key.startswith("ctrl+") and len(key) == 6:
            event = events.Key(key, chr(ord(key[-1]) - ord("a") + 1))
        else:
            event = events.Key(key, NAMED_CHARACTERS.get(key))
        event.set_sender(app)
        app.post_message(event)
    await pilot.pause()


async def unlock(pilot: Any) -> None:
    await type_text(pilot, PASSPHRASE)
    await pilot.press("enter")
    await settle(pilot)


async def unlock_and_fetch(pilot: Any) -> None:
    await unlock(pilot)
    await pilot.press("f9")
    await settle(pilot)
