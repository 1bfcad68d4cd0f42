"""Two TUI sessions by two operators on one data directory (as over two SSH
logins): both enter a date for the same certificate; the second is shown who
entered what and when, and chooses. The idle lock offers the same operator
again; a clerk is refused the settings (admin) with the role named.

The real App on the demo terminal (real vault, real SQLite, real HTTPS server).
"""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path
from typing import Any

from textual.widgets import Input, Static

from core.datadir import operators
from core.datadir.unlock import change_passphrase, default_operator, open_vault
from tests.tui.conftest import settle
from tui.commands.demo import PASSPHRASE
from tui.widgets.vtable import VirtualTable

CLERK, CLERK_PW = "hanako", "clerk passphrase 1"
SIZE = (120, 40)


def _add_clerk(data: Path) -> None:
    with open_vault(data, PASSPHRASE, delay_base=0.0) as vault:
        operators.add(vault, CLERK, "clerk", "clerk initial 1")
    change_passphrase(data, "clerk initial 1", CLERK_PW, operator=CLERK)


async def _unlock(pilot: Any, who: str | None, phrase: str) -> None:
    if who is not None:
        pilot.app.screen.query_one("#operator", Input).value = who
    await pilot.press(*phrase, "enter")
    await settle(pilot)


def _queued(data: Path) -> list[tuple[str, str]]:
    with open_vault(data, PASSPHRASE, delay_base=0.0) as vault:
        rows = vault.store.query(
            "SELECT operator, state FROM exchange_outbox WHERE state = 'queued' ORDER BY rowid"
        )
        return [(r[0], r[1]) for r in rows]


def test_two_operators_same_certificate(make_app, demo) -> None:  # type: ignore[no-untyped-def]
    _add_clerk(demo.data_dir)
    admin_app, clerk_app = make_app(), make_app()
    admin = default_operator()

    async def go() -> None:
        async with admin_app.run_test(size=SIZE) as a, clerk_app.run_test(size=SIZE) as b:
            await _unlock(a, None, PASSPHRASE)  # the offered name: $RENKEI_USER / login
            assert admin_app.terminal.vault.operator == admin
            await a.press("f9")  # fetch the day's notices
            await settle(a)
            await _unlock(b, CLERK, CLERK_PW)
            assert clerk_app.terminal.vault.role == "clerk"
            listed = admin_app.screen.query_one(VirtualTable).source
            card = next(iter(listed)).card_number

            clerk_app.watch_others()  # what the 5-second tick does
            await settle(b)
            admin_app.enter_date(card, date(2024, 3, 1))
            await settle(a)
            # the clerk's session sees the admin's entry at its next tick
            assert clerk_app.waiting_index.get(card).entered_date is None
            clerk_app.watch_others()
            await settle(b)
            assert clerk_app.waiting_index.get(card).entered_date == date(2024, 3, 1)
            clerk_app.enter_date(card, date(2024, 3, 2))
            await settle(b)
            # the clerk is told who entered what, and when
            shown = str(clerk_app.screen.query_one("#conflict-message", Static).render())
            assert admin in shown and "2024-03-01" in shown
            await b.press("n")  # keep theirs: nothing changed
            await settle(b)
            assert _queued(demo.data_dir) == [(admin, "queued")]

            clerk_app.enter_date(card, date(2024, 3, 2))
            await settle(b)
            await b.press("y")  # replace, knowingly
            await settle(b)
            assert _queued(demo.data_dir) == [(CLERK, "queued")]
            with open_vault(demo.data_dir, PASSPHRASE, delay_base=0.0) as vault:
                conflicts = [e for e in vault.audit.entries() if e.action == "exchange.conflict"]
                assert [(e.actor, e.detail) for e in conflicts] == [
                    (CLERK, f"replaced entry of {admin}")
                ]

            # a clerk may not open the settings: refused, the role named
            await b.press("f5")
            await settle(b)
            assert clerk_app.current_mode != "settings"
            assert "admin" in clerk_app.last_error

            # the idle lock offers the same operator again
            await b.press("f12")
            await settle(b)
            assert clerk_app.current_mode == "locked"
            assert clerk_app.screen.query_one("#operator", Input).value == CLERK
        # (leaving the apps waits for their core threads: the lock's entry is written)
        with open_vault(demo.data_dir, PASSPHRASE, delay_base=0.0) as vault:
            locks = [e for e in vault.audit.entries() if e.action == "vault.lock"]
            assert [(e.actor, e.kind) for e in locks] == [(CLERK, "ログイン")]

    asyncio.run(go())


def test_unlock_with_a_second_factor(make_app, demo) -> None:  # type: ignore[no-untyped-def]
    import time

    from core.vault import totp

    enrolment = operators.begin_enrol()
    with open_vault(demo.data_dir, PASSPHRASE, delay_base=0.0) as vault:
        operators.finish_enrol(
            vault, PASSPHRASE, enrolment, totp.code_at(enrolment.secret, time.time())
        )
    app = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await _unlock(pilot, None, PASSPHRASE)  # no code: refused, the reason shown
            assert app.current_mode == "locked"
            assert "second factor" in str(
                app.screen.query_one("#unlock-message", Static).render()
            ) or ("二要素" in str(app.screen.query_one("#unlock-message", Static).render()))
            app.screen.query_one("#code", Input).value = totp.code_at(enrolment.secret, time.time())
            await _unlock(pilot, None, PASSPHRASE)
            assert app.current_mode == "waiting" and app.terminal is not None

    asyncio.run(go())


def test_own_history_from_the_palette(make_app, demo) -> None:  # type: ignore[no-untyped-def]
    _add_clerk(demo.data_dir)
    app = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await _unlock(pilot, CLERK, CLERK_PW)
            app.show_own_history()  # what the palette's 操作履歴 runs
            await settle(pilot)
            shown = str(app.screen.query_one("#own-history", Static).render())
            assert "vault.unlock" in shown and "vault.passwd" in shown  # the clerk's own
            assert "operator.add" not in shown  # the admin's, not theirs
            await pilot.press("escape")
            await settle(pilot)
            assert app.current_mode == "waiting"

    asyncio.run(go())


def test_clerk_refused_each_tui_action_above_clerk(make_app, demo) -> None:  # type: ignore[no-untyped-def]
    """Table-driven: every TUI action roles.toml gives to a supervisor or admin is
    refused to a clerk (where it is reached: F5, V in the inbox; the settings and
    review screens' own keys are only reachable through those), the role named."""
    from core.datadir import roles

    above = {a for a, need in roles.table("tui").items() if need in ("supervisor", "admin")}
    gates = {"go.settings": ("f5",), "inbox.review": ("f1", "v")}
    gates["inbox.recheck"] = ("f1", "c")
    behind = {"settings.save": "go.settings", "settings.revert": "go.settings",
              "review.use": "inbox.review",
              # inside the card dialog (needs a card): tests/tui/screens/test_card_screen.py
              "card.accept_unverified": "waiting.card"}  # fmt: skip
    assert above == set(gates) | set(behind)
    _add_clerk(demo.data_dir)
    app = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await _unlock(pilot, CLERK, CLERK_PW)
            for action, keys in gates.items():
                app.last_error = ""
                await pilot.press(*keys)
                await settle(pilot)
                assert roles.needs(action, "tui") in app.last_error, action
                assert app.current_mode != "settings"
                assert type(app.screen).__name__ != "ReviewScreen"

    asyncio.run(go())
    with open_vault(demo.data_dir, PASSPHRASE, delay_base=0.0) as vault:
        refused = [(e.actor, e.record) for e in vault.audit.entries() if e.result == "refused"]
    assert refused == [(CLERK, "go.settings"), (CLERK, "inbox.review"), (CLERK, "inbox.recheck")]


def test_first_login_changes_the_initial_passphrase(make_app, demo) -> None:  # type: ignore[no-untyped-def]
    with open_vault(demo.data_dir, PASSPHRASE, delay_base=0.0) as vault:
        operators.add(vault, CLERK, "clerk", "clerk initial 1")
    app = make_app()

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await _unlock(pilot, CLERK, "clerk initial 1")
            assert app.current_mode == "locked"  # not opened with an initial passphrase
            screen = app.screen
            assert screen.has_class("-first-login")
            assert screen.query_one("#new-passphrase", Input).has_focus
            await pilot.press(*"my own passphrase", "enter", *"my own passphrase", "enter")
            await settle(pilot)
            assert app.current_mode == "waiting"
            assert app.terminal.vault.operator == CLERK and not app.terminal.vault.must_change

    asyncio.run(go())
    open_vault(demo.data_dir, "my own passphrase", operator=CLERK, delay_base=0.0).close()
