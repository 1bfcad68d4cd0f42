"""The counter flow (F8, カード確認) in the real TUI machinery (``App.run_test``)
against the real PC/SC stack: the date is proposed only when the card on the
reader is the certificate selected on the list and is 真正 — or 検証不能 and the
clerk accepts it with C (audited); 署名不一致 and 読取不可 get none; the row and
the chip are compared field by field; a row already entered asks before replacing.
Cards are played by the old simulator and by the independent one (zairyu_sim)."""

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
from tests.support.zairyu_sim import issue
from tests.support.zairyu_sim.card import Chip
from tui.screens.card import CardCheckScreen, ModalKeys

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
        self.audited: list[Any] = []

    def on_mount(self) -> None:
        screen = CardCheckScreen(
            self.number,
            self.entry,
            data_dir=self.data,
            today=TODAY,
            wait_seconds=15,
            on_unverified=self.audited.append,
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
            assert "カード確認済み" in _text(screen, "#status")
            assert "本人確認済み" not in _text(screen, "#status")
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
            assert "署名の対象: 券面（表）の画像と顔写真のみ" in _text(screen, "#genuineness")
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
            assert "読取不可" in _text(screen, "#genuineness")
            await pilot.press("enter")  # nothing to confirm
            await pilot.pause(0.5)
            assert app.result is UNSET
            assert card.auth_attempts == 1  # never retried by itself
            await pilot.press("r")  # R asks for the number: nothing is sent yet
            await pilot.pause(0.5)
            assert "番号を入力" in _text(screen, "#status")
            assert card.auth_attempts == 1
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
            compare = _text(screen, "#compare")
            assert entry.birth_date.isoformat() in compare
            # the row and the chip side by side, each field marked
            assert f"生年月日: {entry.birth_date.isoformat()} ｜ {entry.birth_date} ｜ 一致" in (
                compare
            )
            assert "住居地: " in compare and "画像 — カード表面と照合" in compare
            await pilot.press("enter")
            await settle(pilot)
            assert results == [today]
            assert card.auth_attempts == 1
            assert [i.card_number for i in app.terminal.outbox()] == [entry.card_number]
            after = app.waiting_index.get(entry.card_number)
            assert after is not None and after.entered_date == today

    asyncio.run(go())


def _entry(person: Any, entered: date | None = None, **changes: Any) -> Any:
    """The 未入力 row of a synthetic person, as ``core.terminal.WaitingEntry``."""
    from datetime import datetime

    from core.terminal import WaitingEntry

    birth = date.fromisoformat(f"{person.birth[:4]}-{person.birth[4:6]}-{person.birth[6:]}")
    fields = {
        "card_number": person.number,
        "notice_id": "N1",
        "card_made_date": date(2026, 10, 1),
        "application_text": "",
        "name_alpha": "SYNTHETIC PERSON",
        "name_kanji": "",
        "name_class_code": "1",
        "birth_date": birth,
        "sex_code": person.sex,
        "nationality": "ベトナム",
        "nationality_code": "704",
        "address": "東京都千代田区霞が関一丁目諴番地",
        "lasdec_code": "131016",
        "received_at": datetime(2026, 10, 2, 9, 0),
        "entered_date": entered,
    }
    fields.update(changes)
    return WaitingEntry(**fields)


def _install(data: Path) -> Path:
    """The independent simulator's CA "A" of both generations, installed as an
    administrator would (into <data>/moj-ca)."""
    directory = data / "moj-ca"
    directory.mkdir(parents=True, exist_ok=True)
    for generation in (1, 2):
        (directory / f"zs-{generation}.pem").write_bytes(issue.authority(generation).ca_pem())
    return data


def _run_check(
    place_card: Callable[[Chip], Chip],
    chip: Chip,
    data: Path,
    entry: Any,
    keys: list[str],
    check: Callable[[CardCheckScreen, Host], None],
) -> Host:
    async def go() -> Host:
        place_card(chip)
        app = Host(entry.card_number, data, entry)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = app.screen
            assert isinstance(screen, CardCheckScreen)
            await _settled(pilot, screen)
            check(screen, app)
            for key in keys:
                await pilot.press(key)
                await pilot.pause(0.2)
        return app

    return asyncio.run(go())


def test_genuine_shows_each_field_equal_or_different_and_enter_confirms(
    pcsc: Any, place_card: Callable[[Chip], Chip], tmp_path: Path
) -> None:
    person, chip = issue.card("gen2_residence")
    entry = _entry(person, sex_code="2")  # the list says female, the chip male

    def check(screen: CardCheckScreen, app: Host) -> None:
        compare = _text(screen, "#compare")
        assert f"在留カード等番号: {person.number} ｜ {person.number} ｜ 一致" in compare
        assert "生年月日: 1992-07-30 ｜ 1992-07-30 ｜ 一致" in compare
        assert "性別: 2 ｜ 1 男 ｜ 相違" in compare
        assert "国籍・地域: ベトナム ｜ VNM ベトナム ｜ 一致" in compare
        assert "真正" in _text(screen, "#genuineness")
        assert "住居地の画像は署名されていません" in _text(screen, "#genuineness")
        assert "住所は画像として記録されています — カード表面と照合してください" in _text(
            screen, "#chip"
        )
        bar = str(screen.query_one(ModalKeys).render())
        assert bar == "Enter確定 / confirm Esc取消 / cancel", bar  # the modal's own keys

    app = _run_check(place_card, chip, _install(tmp_path / "d"), entry, ["enter"], check)
    assert app.result == TODAY and app.audited == []


def test_unverifiable_needs_c_then_enter_and_is_audited(
    pcsc: Any, place_card: Callable[[Chip], Chip], tmp_path: Path
) -> None:
    person, chip = issue.card("gen1_spr")

    def check(screen: CardCheckScreen, app: Host) -> None:
        assert "検証不能" in _text(screen, "#genuineness")
        assert "C を押して" in _text(screen, "#proposal")

    # Enter alone does nothing; C accepts, then Enter confirms
    app = _run_check(place_card, chip, tmp_path / "none", _entry(person), ["enter"], check)
    assert app.result is UNSET and app.audited == []
    person, chip = issue.card("gen1_spr")
    app = _run_check(place_card, chip, tmp_path / "none", _entry(person), ["c", "enter"], check)
    assert app.result == TODAY
    assert [h.chip.genuineness.status for h in app.audited] == ["unverifiable"]


def test_signature_mismatch_gets_no_date_and_c_does_nothing(
    pcsc: Any, place_card: Callable[[Chip], Chip], tmp_path: Path
) -> None:
    person, chip = issue.card("gen2_spr", issue.Options(tamper=True))

    def check(screen: CardCheckScreen, app: Host) -> None:
        assert "署名不一致" in _text(screen, "#genuineness")
        assert "交付年月日は提案しません" in _text(screen, "#proposal")

    app = _run_check(
        place_card, chip, _install(tmp_path / "d"), _entry(person), ["c", "enter"], check
    )
    assert app.result is UNSET and app.audited == []


def test_an_entered_row_shows_its_date_and_asks_before_replacing(
    pcsc: Any, place_card: Callable[[Chip], Chip], tmp_path: Path
) -> None:
    person, chip = issue.card("gen2_spr")
    before = date(2026, 11, 2)
    data = _install(tmp_path / "d")

    def check(screen: CardCheckScreen, app: Host) -> None:
        assert "交付年月日 2026-11-02 で入力済み" in _text(screen, "#proposal")

    # one Enter only asks; Esc keeps the stored date
    app = _run_check(place_card, chip, data, _entry(person, before), ["enter", "escape"], check)
    assert app.result is None
    person, chip = issue.card("gen2_spr")
    app = _run_check(place_card, chip, data, _entry(person, before), ["enter", "enter"], check)
    assert app.result == TODAY


def test_r_reads_only_with_the_number_typed_again(
    pcsc: Any, place_card: Callable[[Chip], Chip], tmp_path: Path
) -> None:
    """The row's number is refused; R asks for the number; the number typed from the
    card reads the chip, which is then not this row's certificate: no date."""
    person, chip = issue.card("gen2_residence")
    row = _entry(person, card_number="XY98765432ZZ")

    async def go() -> Host:
        place_card(chip)
        app = Host(row.card_number, _install(tmp_path / "d"), row)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = app.screen
            assert isinstance(screen, CardCheckScreen)
            await _settled(pilot, screen)
            assert screen.error is not None and chip.auth_attempts == 1
            await pilot.press("r")
            await pilot.pause(0.3)
            assert chip.auth_attempts == 1
            for key in person.number.lower():
                await pilot.press(key)
            await pilot.press("enter")
            await _settled(pilot, screen, read=False)
            assert chip.auth_attempts == 2
            assert screen.handover is not None and screen.handover.proposed is None
            assert screen.handover.reason == "card.mismatch"
            assert "在留カード等番号: XY98765432ZZ ｜ XY98765432ZW ｜ 相違" in _text(
                screen, "#compare"
            )
            await pilot.press("enter")
            await pilot.pause(0.2)
        return app

    assert asyncio.run(go()).result is UNSET


def test_f8_in_the_real_app_audits_an_accepted_unverifiable_card(
    make_app: Any, pcsc: Any, place_card: Callable[[Chip], Chip]
) -> None:
    """F8 on the 未入力 list's row: no MOJ CA installed in the app's data directory,
    so the card is 検証不能; C then Enter enters the date, and the audit log holds
    the acceptance (by reference, not by number)."""
    from dataclasses import replace

    from core.card.counter import AUDIT_UNVERIFIED
    from tests.tui.conftest import settle, unlock_and_fetch

    app = make_app()

    async def go() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await unlock_and_fetch(pilot)
            await pilot.press("f2")
            await settle(pilot)
            entry = app.screen.table.current
            person = replace(
                issue.PEOPLE["gen1_spr"],
                number=entry.card_number,
                birth=entry.birth_date.strftime("%Y%m%d"),
            )
            chip = await asyncio.to_thread(place_card, issue.first_generation(person, "spr"))
            await pilot.press("f8")
            screen = app.screen
            assert isinstance(screen, CardCheckScreen)
            await _settled(pilot, screen)
            assert "検証不能" in _text(screen, "#genuineness")
            # the modal's own keys, only those that act now: no Enter before C
            bar = str(screen.query_one(ModalKeys).render())
            assert bar == "Esc取消 / cancel C検証不能を承認 / accept unverifiable", bar
            await pilot.press("c", "enter")
            await settle(pilot)
            assert chip.auth_attempts == 1
            after = app.waiting_index.get(entry.card_number)
            assert after is not None and after.entered_date == app.clock().date()
            logged = [e for e in app.terminal.vault.audit.entries() if e.action == AUDIT_UNVERIFIED]
            assert len(logged) == 1 and logged[0].result == "confirmed"
            assert entry.card_number not in logged[0].record

    asyncio.run(go())


def test_a_clerk_cannot_accept_an_unverifiable_card(
    make_app: Any, demo: Any, pcsc: Any, place_card: Callable[[Chip], Chip]
) -> None:
    """Issue 16: 検証不能 is accepted only by an operator with the right role
    (roles.toml: supervisor). A clerk's C is refused, named and audited; no date
    is proposed, so Enter enters nothing."""
    from dataclasses import replace

    from tests.tui.conftest import settle
    from tests.tui.test_operators_tui import CLERK, CLERK_PW, _add_clerk, _unlock

    _add_clerk(demo.data_dir)
    app = make_app()

    async def go() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await _unlock(pilot, CLERK, CLERK_PW)
            await pilot.press("f9")
            await settle(pilot)
            await pilot.press("f2")
            await settle(pilot)
            entry = app.screen.table.current
            person = replace(
                issue.PEOPLE["gen1_spr"],
                number=entry.card_number,
                birth=entry.birth_date.strftime("%Y%m%d"),
            )
            await asyncio.to_thread(place_card, issue.first_generation(person, "spr"))
            await pilot.press("f8")
            screen = app.screen
            assert isinstance(screen, CardCheckScreen)
            await _settled(pilot, screen)
            assert "検証不能" in _text(screen, "#genuineness")
            await pilot.press("c", "enter")
            await settle(pilot)
            assert not screen.accepted
            assert "supervisor" in app.last_error
            after = app.waiting_index.get(entry.card_number)
            assert after is not None and after.entered_date is None
            refused = [e for e in app.terminal.vault.audit.entries() if e.result == "refused"]
            assert [(e.actor, e.record) for e in refused] == [(CLERK, "card.accept_unverified")]

    asyncio.run(go())
