"""The layout and pattern tables as data: complete, consistent, and read as decided.

The readings asserted here are the ones recorded beside the data
(core/formats/patterns/*.csv, R… and M… notes), checked against the seed's
printed tables by hand.
"""

from __future__ import annotations

import string
from pathlib import Path

import pytest

from core.formats import tables
from core.formats.fields import TYPES

SEED = Path(__file__).with_name("seed_001_bessi.txt")


def _letters(first: str, last: str) -> list[str]:
    """Column letters as the 別紙 tables count them: A…Z, AA…AZ, BA…"""
    out = list(string.ascii_uppercase) + [
        a + b for a in string.ascii_uppercase[:2] for b in string.ascii_uppercase
    ]
    return out[out.index(first) : out.index(last) + 1]


def test_moj_has_the_59_patterns_a_to_bg_in_order() -> None:
    assert list(tables.patterns("moj")) == _letters("A", "BG")
    assert len(tables.patterns("moj")) == 59


def test_muni_has_a_to_ae_a_to_f_and_af() -> None:
    expected = [*_letters("A", "AE"), "AF", *"abcdef"]
    assert list(tables.patterns("muni")) == expected
    assert len(expected) == 31 + 1 + 6  # 37 lettered patterns plus AF


@pytest.mark.parametrize("kind", ["moj", "muni"])
def test_every_mark_and_fact_is_known(kind: str) -> None:
    marks = {"", tables.CHANGED, tables.CHANGED_NEW_ONLY, tables.CONTEXT, tables.OPEN}
    fact_codes = set(tables.codes()[f"{kind}_fact"])
    for pattern in tables.patterns(kind).values():
        assert set(pattern.facts) <= fact_codes, pattern.code
        for item, mark in pattern.marks.items():
            assert mark.removesuffix(tables.NOTE3) in marks, (pattern.code, item, mark)
        assert pattern.reason or pattern.law, pattern.code


@pytest.mark.parametrize("kind", ["moj", "spr", "muni"])
def test_layout_types_codes_and_item_columns_exist(kind: str) -> None:
    layout = tables.layout(kind)
    ids = [c.id for c in layout]
    assert len(ids) == len(set(ids))
    for column in layout:
        assert column.type in TYPES, column
        assert column.required in {"always", "pattern", "name", "optional"}, column
        if column.type == "code":
            assert column.arg in tables.codes(), column
    for item in tables.items(kind):
        assert set(item.all_columns) | set(item.old_columns) <= set(ids), item


def _marks(kind: str, code: str) -> dict[str, str]:
    return tables.patterns(kind)[code].marks


def test_moj_changed_item_per_change_pattern() -> None:
    """Each 'X の変更・訂正' pattern marks X ●, except the 特別永住者 columns
    L…O, which the seed prints ○ in clean rows, and AB (● printed under AA)."""
    changed = {"name": "ASZ", "birth": "BT", "sex": "CU", "nationality": "DV"}
    for item, codes in changed.items():
        for code in codes:
            assert _marks("moj", code)[item] == "●", (code, item)
    for item, code in zip(changed, "LMNO", strict=True):
        assert _marks("moj", code)[item] == "○", (code, item)
    assert _marks("moj", "Z")["name"] == "●"
    assert _marks("moj", "AA")["birth"] == "●"
    assert _marks("moj", "AA")["sex"] == "●"  # as printed; R4 (optional) reads it as AB's
    assert _marks("moj", "AB")["sex"] == "○"
    assert _marks("moj", "AC")["nationality"] == "●"


def test_moj_readings_of_lost_cells() -> None:
    ah, bf, bg = _marks("moj", "AH"), _marks("moj", "BF"), _marks("moj", "BG")
    # R3: AH lost its cells in rows 6, 7, 8, 12, 25; filled as ○ like its neighbours.
    assert [ah[k] for k in ("name", "birth", "sex", "address", "nationality")] == ["○"] * 5
    assert ah["category"] == "○" and ah["status"] == ""
    # R8: BG lost every cell; read as BF, but a 不所持者 has no old number (R9).
    assert {**bg, "card": "●"} == bf and bg["card"] == "●新"
    # Rows 27–29 as printed: H changes period but not status (R2).
    assert (_marks("moj", "H")["status"], _marks("moj", "H")["period"]) == ("", "●")
    # Table 3: only AQ changes status; AK/AM restore the record (fact 1).
    assert [
        c
        for c, p in tables.patterns("moj").items()
        if p.marks["status"] == "●" and c in _letters("AI", "BA")
    ] == ["AQ"]
    assert tables.patterns("moj")["AK"].facts == ("1",)
    assert tables.patterns("moj")["AM"].facts == ("1",)
    assert _marks("moj", "AJ")["last_departure"] == "△"  # R7


def test_muni_readings() -> None:
    # M1: previous address for 別市町村からの転入 and 転居 only.
    assert [c for c in "ABCDEFGHI" if _marks("muni", c)["prev_address"]] == list("BDGH")
    # M7: AF as FORMATS.md fixes it; item 34 moved from AE to AF.
    af, ae = _marks("muni", "AF"), _marks("muni", "AE")
    assert tables.patterns("muni")["AF"].facts == ("4", "3")
    assert af["card_delivered"] == "○" and ae["card_delivered"] == ""
    assert af["address"] == "" and af["report_date"] == ""
    assert {af[k] for k in ("name", "birth", "sex", "nationality", "card", "ref_notice")} == {"○"}
    # a…f row 4 as printed.
    assert [c for c in "abcdef" if _marks("muni", c)["process_date"]] == ["a", "f"]


def test_holders_of_au_and_av_as_printed() -> None:
    """Seed line 115 (対象者): the two cells after the nine 中長期在留者 特別永住者 cells
    read "一時庇護許可者 経過滞者在者" (the extraction's 経過滞在者)."""
    line = SEED.read_text(encoding="utf-8").split("\n")[114].split("\t")
    assert line[2 + 3 + 9] == line[2 + 3 + 10] == "一時庇護許可者 経過滞者在者"
    for code in ("AU", "AV"):
        assert tables.patterns("moj")[code].holder.split() == ["一時庇護許可者", "経過滞在者"]


def test_synth_categories_of_transitional_stay_follow_codes_csv() -> None:
    """経過滞在者 is 出生による… or 国籍喪失による… (codes.csv 5 and 6), never another code."""
    from core.reference import synth

    seen = {
        r["category_code"]
        for r in synth.moj_records(count=400, seed=3)
        if r["pattern"] in ("AZ", "BA") and r["category_code"]
    }
    assert seen == {"5", "6"}
    assert {tables.codes()["category"][c][0] for c in seen} == {
        "出生による経過滞在者",
        "国籍喪失による経過滞在者",
    }
