"""The hand-over decision and the row/chip comparison, on cards of the independent
simulator read without PC/SC. Expected values: the synthetic person the simulator
wrote, and ISO 3166-1 (VNM = 704, KOR = 410)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from core.card import counter, genuine, residence
from core.model import WaitingEntry
from tests.support.cardsim.direct import Direct
from tests.support.zairyu_sim import issue

TODAY = date(2026, 11, 27)


def _anchors(tmp_path: Path) -> list:
    for generation in (1, 2):
        (tmp_path / f"{generation}.pem").write_bytes(issue.authority(generation).ca_pem())
    return genuine.load_anchors(tmp_path)


def _read(name: str, anchors: list, opt: issue.Options | None = None) -> Any:
    person, chip = issue.card(name, opt or issue.Options())
    return person, residence.read_card(Direct(chip), person.number, anchors)  # type: ignore[arg-type]


def _row(person: Any, **changes: Any) -> WaitingEntry:
    birth = person.birth
    fields: dict[str, Any] = {
        "card_number": person.number,
        "notice_id": "N",
        "card_made_date": date(2026, 1, 1),
        "application_text": "",
        "name_alpha": "SYNTHETIC",
        "name_kanji": "",
        "name_class_code": "1",
        "birth_date": date(int(birth[:4]), int(birth[4:6]), int(birth[6:])),
        "sex_code": person.sex,
        "nationality": "ベトナム",
        "nationality_code": "704",
        "address": person.address,
        "lasdec_code": "131016",
        "received_at": datetime(2026, 1, 2),
    }
    fields.update(changes)
    return WaitingEntry(**fields)


@pytest.mark.parametrize(
    ("anchored", "opt", "proposed", "confirm"),
    [
        (True, issue.Options(), TODAY, False),  # 真正
        (False, issue.Options(), TODAY, True),  # 検証不能: only with the clerk's C
        (True, issue.Options(tamper=True), None, False),  # 署名不一致
        (True, issue.Options(ca="B"), TODAY, True),  # another CA: 検証不能, not 署名不一致
    ],
)
def test_the_date_is_proposed_per_outcome(
    tmp_path: Path, anchored: bool, opt: issue.Options, proposed: date | None, confirm: bool
) -> None:
    anchors = _anchors(tmp_path) if anchored else []
    person, chip = _read("gen2_residence", anchors, opt)
    handover = counter.proposal(person.number, chip, TODAY)
    assert (handover.proposed, handover.confirm) == (proposed, confirm)


def test_unreadable_signature_data_gets_no_date(tmp_path: Path) -> None:
    person, chip = issue.card("gen1_spr")
    chip.files[("df3", 0x82)] = bytes(1464)  # no DA/DB objects at all
    data = residence.read_card(Direct(chip), person.number, _anchors(tmp_path))  # type: ignore[arg-type]
    assert data.genuineness.status == genuine.UNREADABLE
    assert counter.proposal(person.number, data, TODAY).proposed is None


def test_the_row_and_the_chip_are_compared_field_by_field(tmp_path: Path) -> None:
    person, chip = _read("gen2_residence", _anchors(tmp_path))
    marks = {c.field: c.mark for c in counter.compare(_row(person, sex_code="2"), chip)}
    assert marks == {
        "card_number": counter.EQUAL,
        "birth_date": counter.EQUAL,
        "sex": counter.DIFFERENT,
        "nationality": counter.EQUAL,  # VNM is ISO 3166-1 numeric 704
        "address": counter.ON_FACE,
        "name": counter.ON_FACE,
    }
    person, chip = _read("gen1_residence", _anchors(tmp_path))
    marks = {c.field: c.mark for c in counter.compare(_row(person), chip)}
    assert marks["address"] == counter.EQUAL  # JIS X 0213 text, 諴 included
    assert marks["birth_date"] == counter.NOT_ON_CHIP  # gen-1 chips hold no birth date
    moved = _row(person, address="大阪府大阪市北区中之島一丁目")
    assert {c.field: c.mark for c in counter.compare(moved, chip)}["address"] == (counter.DIFFERENT)
