"""Reading cards played by the independent simulator (``tests/support/zairyu_sim``,
written from the public specification, no ``core`` import) through the real
pcscd + vpcd and pyscard.

Expected values are what the simulator wrote on the synthetic card (its
``Person``), as the specification lays them out — never the product's own output.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from core.card import residence
from tests.support.cardsim import fixtures
from tests.support.zairyu_sim import issue
from tests.support.zairyu_sim.card import Chip

pcsc = fixtures.pcsc
place_card = fixtures.place_card


@pytest.fixture
def trust(tmp_path: Path) -> Path:
    """A trust directory holding the simulator's CA "A" of both generations."""
    directory = tmp_path / "moj-ca"
    directory.mkdir()
    for generation in (1, 2):
        (directory / f"sim-{generation}-a.pem").write_bytes(issue.authority(generation).ca_pem())
    return directory


def _raw(chip: residence.ChipData) -> dict[str, str]:
    return {f.name: f.raw for f in chip.fields}


def _date(text: str) -> str:
    return text


@pytest.mark.parametrize("name", ["gen1_residence", "gen1_spr"])
def test_first_generation_every_field(
    name: str, place_card: Callable[[Chip], Chip], trust: Path
) -> None:
    person, chip = issue.card(name)
    place_card(chip)
    data = residence.read_with_reader(person.number, trust=trust)
    raw = _raw(data)
    assert data.card.generation == 1
    assert data.card.kind == ("residence" if name.endswith("residence") else "spr")
    assert raw["address_date"] == person.address_date
    assert raw["municipality_code"] == person.municipality
    assert raw["address"] == person.address  # 諴 read as 諴 (JIS X 0213), not 鈼
    if name.endswith("residence"):
        assert raw["comprehensive_permission"] == person.comprehensive
        assert raw["renewal"] == person.renewal
    assert data.genuineness.genuine
    assert chip.auth_attempts == 1


@pytest.mark.parametrize("name", ["gen2_residence", "gen2_spr"])
def test_second_generation_every_field(
    name: str, place_card: Callable[[Chip], Chip], trust: Path
) -> None:
    person, chip = issue.card(name)
    place_card(chip)
    data = residence.read_with_reader(person.number, trust=trust)
    raw = _raw(data)
    assert data.card.generation == 2
    expected = {
        "card_number": person.number,
        "card_expiry": person.card_expiry,
        "birth_date": person.birth,
        "sex": person.sex,
        "nationality": person.nationality,
        "status": person.status,
        "period": person.period,
        "note_flag": person.note_flag,
    }
    if name.endswith("residence"):
        expected |= {
            "permission_type": person.permission_type,
            "permission_date": person.permission_date,
            "work": person.work,
            "stay_expiry": person.stay_expiry,
            "comprehensive_permission": person.comprehensive_code,
            "comprehensive_permission_expiry": person.comprehensive_expiry,
            "individual_permission": person.individual_code,
            "renewal": person.renewal,
        }
    assert {k: raw.get(k) for k in expected} == expected
    assert data.genuineness.genuine
    assert chip.auth_attempts == 1


def test_reads_are_one_extended_sfi_command_per_file(
    place_card: Callable[[Chip], Chip], trust: Path
) -> None:
    """The plain reads are ``00 B0 P1 00 00 00 00`` as the appendix shows, nothing else."""
    person, chip = issue.card("gen1_residence")
    place_card(chip)
    residence.read_with_reader(person.number, trust=trust)
    plain = [c for c in chip.log if c[:2] == b"\x00\xb0"]
    assert plain and all(len(c) == 7 and c[3:] == b"\x00\x00\x00\x00" for c in plain), [
        c.hex() for c in plain
    ]
    assert sorted(c[2] for c in plain) == [0x81, 0x82, 0x82, 0x83, 0x84, 0x8A, 0x8B]


def test_wrong_number_is_one_authentication_and_nothing_more(
    place_card: Callable[[Chip], Chip], trust: Path
) -> None:
    from core.card.errors import WrongCardNumber

    _person, chip = issue.card("gen2_spr")
    place_card(chip)
    with pytest.raises(WrongCardNumber):
        residence.read_with_reader("SP00001111TX", trust=trust)
    assert chip.auth_attempts == 1 and chip.verify_attempts == 0


def test_malformed_number_sends_no_apdu(place_card: Callable[[Chip], Chip], trust: Path) -> None:
    from core.card.errors import CardNumberForm

    _person, chip = issue.card("gen1_spr")
    place_card(chip)
    with pytest.raises(CardNumberForm):
        residence.read_with_reader("SP0000111", trust=trust)
    assert chip.log == []


# --- genuineness: four outcomes through the real stack ------------------------------


@pytest.mark.parametrize("name", ["gen1_residence", "gen2_spr"])
def test_no_ca_installed_is_unverifiable_and_names_what_is_missing(
    name: str, place_card: Callable[[Chip], Chip], tmp_path: Path
) -> None:
    from core.card import genuine

    person, chip = issue.card(name)
    place_card(chip)
    data = residence.read_with_reader(person.number, trust=tmp_path / "empty")
    assert data.genuineness.status == genuine.UNVERIFIABLE
    assert data.genuineness.label("ja") == "検証不能"
    # the issuer the card names, so the administrator knows which CA to install
    assert "SIM ZairyuCard CA" in data.genuineness.message("en")


@pytest.mark.parametrize(
    ("name", "ca"),
    [("gen1_spr", "B"), ("gen2_residence", "B"), ("gen1_residence", "A-2021")],
)
def test_a_wrong_ca_is_unverifiable_not_a_mismatch(
    name: str, ca: str, place_card: Callable[[Chip], Chip], tmp_path: Path
) -> None:
    """The card is signed under another CA than the one installed — also one with
    the same name and another key, as MOJ's successive first-generation CAs are."""
    from core.card import genuine

    person, chip = issue.card(name, issue.Options(ca=ca))
    place_card(chip)
    directory = tmp_path / "moj-ca"
    directory.mkdir()
    generation = 1 if name.startswith("gen1") else 2
    (directory / "a.pem").write_bytes(issue.authority(generation, "A").ca_pem())
    data = residence.read_with_reader(person.number, trust=directory)
    assert data.genuineness.status == genuine.UNVERIFIABLE
    assert f" {ca.split('-')[0]},OU=zairyu_sim" in data.genuineness.message("en")


@pytest.mark.parametrize("name", ["gen1_residence", "gen2_spr"])
def test_a_tampered_image_is_a_signature_mismatch(
    name: str, place_card: Callable[[Chip], Chip], trust: Path
) -> None:
    from core.card import genuine

    person, chip = issue.card(name, issue.Options(tamper=True))
    place_card(chip)
    data = residence.read_with_reader(person.number, trust=trust)
    assert data.genuineness.status == genuine.MISMATCH
    assert data.genuineness.label("ja") == "署名不一致"


def test_what_each_signature_covers_is_said(
    place_card: Callable[[Chip], Chip], trust: Path
) -> None:
    person, chip = issue.card("gen2_residence")
    place_card(chip)
    data = residence.read_with_reader(person.number, trust=trust)
    assert data.genuineness.covers("en") == (
        "signed: the printed entries, the face photo and the name image;"
        " the address image is not signed"
    )
    assert data.address_image  # acknowledged: present on the chip, the bytes dropped


@pytest.mark.parametrize("card_type", ["07", "08"])
def test_specified_cards_are_refused_unread_and_named(
    card_type: str, place_card: Callable[[Chip], Chip], trust: Path
) -> None:
    from core.card.errors import MyNumberCombined

    chip = place_card(issue.specified(card_type))
    with pytest.raises(MyNumberCombined) as err:
        residence.read_with_reader("ZZ00000000ZZ", trust=trust)
    assert chip.auth_attempts == 0
    name = "特定在留カード" if card_type == "07" else "特定特別永住者証明書"
    assert name in err.value.message("ja")
    assert "手入力" in err.value.message("ja")


def test_fields_are_named_and_decoded(place_card: Callable[[Chip], Chip], trust: Path) -> None:
    """Nationality by ISO 3166-1 alpha-3 (VNM = Viet Nam), the period YYMM rule (0300 =
    3 years), dates as dates; the C9 status code is shown as held, marked as a code."""
    from core.i18n import set_language

    person, chip = issue.card("gen2_residence")
    place_card(chip)
    set_language("ja")
    data = residence.read_with_reader(person.number, trust=trust)
    assert data.get("nationality") == "VNM ベトナム"
    assert data.get("period") == "0300 3年"
    assert data.get("birth_date") == "1992-07-30"
    assert data.get("stay_expiry") == "2028-03-31"
    assert data.get("work") == "2 在留資格に基づく就労活動のみ可"
    assert data.get("status").startswith(person.status + " （在留資格コード")
