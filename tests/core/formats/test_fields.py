"""Field checks, each with passing and failing values, through the public check."""

from __future__ import annotations

import pytest

from core import formats
from core.formats.fields import is_real_date, lasdec_check_digit
from core.reference import synth
from core.report import Problem

LINE = 3


def _spr(**changes: str) -> dict[str, str]:
    record = synth.certificates(count=1, seed=5)[0].record()
    record.update(changes)
    return record


def _problems(kind: str, record: dict[str, str]) -> list[tuple[str, str]]:
    return [(p.column, p.key) for p in formats.check_record(kind, record, LINE)]


def test_synthetic_base_record_is_valid() -> None:
    assert formats.check_record("spr", _spr(), LINE) == []


@pytest.mark.parametrize("value", ["20240229", "20000229", "19000101", "20241231"])
def test_real_dates_pass(value: str) -> None:
    assert is_real_date(value)
    assert _problems("spr", _spr(birth_date=value)) == []


# The reason told apart (issue 15): wrong form, no such month / day, year out of range.
@pytest.mark.parametrize(
    ("value", "key", "params"),
    [
        ("20230229", "date_day", {"month": "2", "day": "29"}),  # 2023 is not a leap year
        ("19000229", "date_day", {"month": "2", "day": "29"}),  # nor is 1900
        ("20241301", "date_month", {"month": "13"}),
        ("20240431", "date_day", {"month": "4", "day": "31"}),
        ("20240100", "date_day", {"month": "1", "day": "0"}),
        ("2024-01-01", "date_form", {}),
        ("2024-2-3", "date_form", {}),
        ("２０２４０１０１", "date_form", {}),
        ("2024011", "date_form", {}),
        ("00240101", "date_range", {"low": "1800", "high": "2999"}),
        ("abcdefgh", "date_form", {}),
    ],
)
def test_unreal_dates_fail(value: str, key: str, params: dict[str, str]) -> None:
    assert not is_real_date(value)
    assert formats.check_record("spr", _spr(birth_date=value), LINE) == [
        Problem(LINE, "birth_date", f"validate.field.{key}", {"value": value, **params})
    ]


def test_lasdec_check_digit() -> None:
    assert lasdec_check_digit("13101") == "6"  # (11 - 27 mod 11) mod 10
    assert lasdec_check_digit("01100") == "2"  # 0+5+4+0+0 = 9; 11-9 = 2
    assert lasdec_check_digit("47201") == "8"  # 24+35+8+0+2 = 69; 69 mod 11 = 3; 11-3 = 8
    assert _problems("spr", _spr(lasdec_code="131016")) == []
    assert formats.check_record("spr", _spr(lasdec_code="131017"), LINE) == [
        Problem(
            LINE, "lasdec_code", "validate.field.lasdec_check", {"value": "131017", "expected": "6"}
        )
    ]
    for bad in ("13101", "1310166", "13101A", "１３１０１６"):
        assert _problems("spr", _spr(lasdec_code=bad)) == [
            ("lasdec_code", "validate.field.lasdec_form")
        ]


@pytest.mark.parametrize("value", ["AB12345678CD", "ZZ00000000ZZ"])
def test_card_number_form_passes(value: str) -> None:
    assert _problems("spr", _spr(card_number=value)) == []


@pytest.mark.parametrize(
    "value",
    [
        "ab12345678cd",
        "AB1234567CD",
        "AB123456789CD",
        "A112345678CD",
        "ＡＢ12345678CD",
        "AB12345678C",
    ],
)
def test_card_number_form_fails(value: str) -> None:
    assert _problems("spr", _spr(card_number=value)) == [
        ("card_number", "validate.field.card_number")
    ]


def test_code_fields_against_their_tables() -> None:
    assert formats.check_record("spr", _spr(sex_code="3"), LINE) == [
        Problem(LINE, "sex_code", "validate.field.code", {"value": "3", "allowed": "1, 2"})
    ]
    assert _problems("spr", _spr(nationality_code="41")) == [
        ("nationality_code", "validate.field.digits")
    ]
    assert _problems("spr", _spr(notice_id="x" * 33)) == [("notice_id", "validate.field.notice_id")]
    assert _problems("spr", _spr(notice_id="has space")) == [
        ("notice_id", "validate.field.notice_id")
    ]


def test_text_fields_refuse_control_characters() -> None:
    assert _problems("spr", _spr(address="本町\n1丁目")) == [("address", "validate.field.control")]
    assert _problems("spr", _spr(address="本町\t1丁目")) == [("address", "validate.field.control")]


@pytest.mark.parametrize(
    ("klass", "alpha", "kanji", "expected"),
    [
        ("1", "KIM MINA", "", []),
        ("2", "KIM MINA", "金　美娜", []),
        ("3", "", "髙𠮷﨑", []),
        (
            "1",
            "",
            "",
            [
                ("name_alpha/name_kanji", "validate.record.required"),
                ("name_alpha", "validate.name_class.alpha_missing"),
            ],
        ),
        ("1", "KIM", "金", [("name_kanji", "validate.name_class.kanji_unexpected")]),
        ("2", "KIM", "", [("name_kanji", "validate.name_class.kanji_missing")]),
        ("2", "", "金", [("name_alpha", "validate.name_class.alpha_missing")]),
        ("3", "KIM", "金", [("name_alpha", "validate.name_class.alpha_unexpected")]),
        (
            "3",
            "KIM",
            "",
            [
                ("name_kanji", "validate.name_class.kanji_missing"),
                ("name_alpha", "validate.name_class.alpha_unexpected"),
            ],
        ),
    ],
)
def test_name_class_code_against_present_names(
    klass: str, alpha: str, kanji: str, expected: list[tuple[str, str]]
) -> None:
    record = _spr(name_class_code=klass, name_alpha=alpha, name_kanji=kanji)
    assert _problems("spr", record) == expected


def test_latin_name_refuses_kanji() -> None:
    record = _spr(name_class_code="2", name_alpha="金 MINA", name_kanji="金")
    assert _problems("spr", record) == [("name_alpha", "validate.field.name_alpha")]


def test_required_spr_fields_each_reported() -> None:
    record = _spr(card_number="", birth_date="", lasdec_code="")
    problems = formats.check_record("spr", record, LINE)
    assert [(p.column, p.key, p.params["item"], p.params["item_en"]) for p in problems] == [
        ("card_number", "validate.record.required", "表4.1.1 の 11 特別永住者証明書番号",
         "table 4.1.1 No. 11 certificate number"),
        ("birth_date", "validate.record.required", "表4.1.1 の 2 出生の年月日",
         "table 4.1.1 No. 2 date of birth"),
        ("lasdec_code", "validate.record.required", "表4.1.1 の 4 LASDEC コード",
         "table 4.1.1 No. 4 LASDEC code"),
    ]  # fmt: skip


def test_muni_notice_id_is_a_uuid() -> None:
    record = synth.muni_records(count=1, seed=2)[0]
    assert formats.check_record("muni", record, LINE) == []
    record["notice_id"] = "not-a-uuid"
    assert _problems("muni", record) == [("notice_id", "validate.field.uuid")]


def test_unknown_pattern_and_card_kind_mismatch() -> None:
    record = synth.moj_records(count=1, seed=2)[0]
    record["pattern"] = "BH"
    assert ("pattern", "validate.field.pattern") in _problems("moj", record)
    record = synth.Generator(4).pattern_record("moj", "K", 1, complete=True)
    assert record["category_code"] == "2" and record["card_kind_code"] == "2"
    record["card_kind_code"] = "1"
    assert _problems("moj", record) == [("card_kind_code", "validate.record.card_kind_mismatch")]


def test_messages_render_in_both_languages() -> None:
    problem = formats.check_record("spr", _spr(sex_code="9"), 12)[0]
    ja = "line 12: sex_code: コードが正しくありません: 9（使えるコード: 1, 2）"
    assert problem.render("ja") == ja
    assert problem.render("en") == "line 12: sex_code: invalid code: 9 (allowed: 1, 2)"


def test_delivered_date_not_before_made_date() -> None:
    ok = _spr(card_made_date="20261001", card_delivered_date="20261001")
    assert formats.check_record("spr", ok, LINE) == []
    early = _spr(card_made_date="20261001", card_delivered_date="20260930")
    assert formats.check_record("spr", early, LINE) == [
        Problem(
            LINE,
            "card_delivered_date",
            "validate.record.delivered_early",
            {"value": "20260930", "made": "20261001"},
        )
    ]
