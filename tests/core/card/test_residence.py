"""The read flow against the simulated chip, without PC/SC (APDUs handed over directly)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.card import genuine, residence
from core.card.errors import (
    CardNumberForm,
    CardProofFailed,
    CardStatus,
    MyNumberCombined,
    UnsupportedCard,
    WrongCardNumber,
)
from tests.support.cardsim.card import Faults, SimCard, mynumber_card
from tests.support.cardsim.direct import Direct
from tests.support.cardsim.holders import HOLDERS, gen1_card, gen2_card, sim_ca


@pytest.fixture
def anchors(tmp_path: Path) -> list:
    sim_ca().install(tmp_path / "moj-ca")
    return genuine.load_anchors(tmp_path / "moj-ca")


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("AB12345678CD", "AB12345678CD"),
        ("ab 1234-5678 cd", "AB12345678CD"),
        ("ＡＢ１２３４５６７８ＣＤ", "AB12345678CD"),
    ],
)
def test_number_form_is_forgiving_about_width_case_and_spaces(raw: str, number: str) -> None:
    assert residence.normalize_number(raw) == number


@pytest.mark.parametrize(
    "raw", ["", "AB1234567CD", "1B12345678CD", "AB12345678C1", "AB12345678CDE"]
)
def test_malformed_numbers_are_refused(raw: str) -> None:
    with pytest.raises(CardNumberForm):
        residence.normalize_number(raw)


def test_first_generation_read(anchors: list) -> None:
    holder = HOLDERS["gen1"]
    card = gen1_card(holder)
    chip = residence.read_card(Direct(card), holder.number, anchors)
    assert (chip.card.generation, chip.card.kind, chip.card.card_type) == (1, "residence", "1")
    assert chip.get("address") == holder.address
    assert chip.get("municipality_code") == "131016"
    assert chip.genuineness.genuine
    assert chip.front_image.startswith(b"II*\x00")
    assert "photo" not in repr(chip) and chip.name_image == b""
    assert card.auth_attempts == 1


def test_second_generation_read_spr(anchors: list) -> None:
    holder = HOLDERS["spr2"]
    chip = residence.read_card(Direct(gen2_card(holder, "spr")), holder.number, anchors)
    assert (chip.card.generation, chip.card.kind) == (2, "spr")
    assert chip.get("birth_date") == "1960-11-05"
    assert chip.get("sex") == "1 男"
    assert chip.get("period") == "0000 無期限"
    assert chip.genuineness.genuine
    doc = chip.as_dict("en")
    assert doc["genuineness"]["status"] == "genuine"
    assert doc["images"] == {"front_image": False, "name_image": True, "address_image": True}


def test_wrong_number_fails_at_mutual_authenticate_once(anchors: list) -> None:
    card = gen2_card(HOLDERS["gen2"])
    with pytest.raises(WrongCardNumber) as err:
        residence.read_card(Direct(card), "XY98765432ZX", anchors)
    assert err.value.params["step"] == "MUTUAL AUTHENTICATE"
    assert card.auth_attempts == 1
    assert not any(cmd[1] == 0x20 for cmd in card.commands)  # VERIFY never sent


class _Impostor(SimCard):
    """A chip that passes authentication without knowing the key (answers garbage)."""

    def _authenticate(self, cla: int, p1: int, p2: int, data: bytes, le: int | None) -> bytes:
        self.auth_attempts += 1
        return bytes(40) + b"\x90\x00"


def test_a_chip_that_cannot_prove_the_key_is_refused(anchors: list) -> None:
    real = gen1_card(HOLDERS["gen1"])
    fake = _Impostor(real.generation, real.card_type, real.number, real.files)
    with pytest.raises(CardProofFailed):
        residence.read_card(Direct(fake), real.number, anchors)


def test_my_number_and_unknown_types_are_refused_before_authentication() -> None:
    card = mynumber_card()
    with pytest.raises(MyNumberCombined):
        residence.read_card(Direct(card), card.number)
    assert card.auth_attempts == 0
    odd = gen2_card(HOLDERS["gen2"])
    from core.card import tlv

    odd.files[("mf", 0x8A)] = tlv.encode(0xC1, b"09")
    with pytest.raises(UnsupportedCard):
        residence.read_card(Direct(odd), odd.number)


def test_6982_is_its_own_message(anchors: list) -> None:
    card = gen1_card(HOLDERS["gen1"])
    card.faults = Faults(sm_6982=True)
    with pytest.raises(CardStatus) as err:
        residence.read_card(Direct(card), card.number, anchors)
    assert err.value.key == "card.sw.6982"


def test_plain_reads_are_one_extended_sfi_read_per_file() -> None:
    card = gen1_card(HOLDERS["gen1"])
    residence.read_card(Direct(card), card.number)
    plain = [c for c in card.commands if c[:2] == b"\x00\xb0"]
    # 001460711.pdf appendix 2: "00 B0 82 00 00 00 00" — P1 0x80|SFI, P2 00, Le 0000
    assert {c[3:] for c in plain} == {b"\x00\x00\x00\x00"}
    assert [c[2] for c in plain] == [0x8B, 0x8A, 0x81, 0x82, 0x83, 0x84, 0x82]


def test_an_absent_optional_record_is_reported_and_the_read_goes_on() -> None:
    from tests.support.zairyu_sim import issue

    person, chip = issue.card("gen1_residence")
    del chip.files[("df2", 0x83)]  # no individual-permission record: 6A82
    data = residence.read_card(Direct(chip), person.number)  # type: ignore[arg-type]
    assert [(a.file, a.sw) for a in data.absent] == [("individual_permission", "6A82")]
    assert data.absent[0].label("en") == (
        "not recorded: individual permission record (the card answered 6A82)"
    )
    assert data.get("address") == person.address


def test_a_missing_required_file_stops_the_read() -> None:
    from tests.support.zairyu_sim import issue

    person, chip = issue.card("gen2_spr")
    del chip.files[("df3", 0x82)]
    with pytest.raises(CardStatus) as err:
        residence.read_card(Direct(chip), person.number)  # type: ignore[arg-type]
    assert err.value.sw == 0x6A82


def test_first_generation_text_is_jis_x0213_not_cp932_first() -> None:
    """諴 is EE AA in Shift_JIS X 0213 (Python's shift_jisx0213 codec, from the
    JIS X 0213:2004 mapping); cp932 reads those bytes as its IBM extension 鈼."""
    raw = "霞が関諴".encode("shift_jisx0213")
    assert raw[-2:] == bytes.fromhex("EEAA")
    assert raw.decode("cp932")[-1] == "鈼"  # what cp932-first guessing showed
    assert residence._decode_text(1, raw + b"\x00\x00") == "霞が関諴"
