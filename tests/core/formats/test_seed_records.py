"""Records written as the seed's 別紙 tables print them are valid.

Each record here is written by hand from the seed text (the pattern's column
in ``seed_001_bessi.txt``), not from the pattern data: a ○ item is filled
with no old value, a ● item with its new and old values. The person is
synthetic.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core import formats

# A synthetic 特別永住者 (no real person).
PERSON = {
    "name_alpha": "KIM MINJUN",
    "name_kanji": "金　民俊",
    "name_class_code": "2",
    "birth_date": "19700405",
    "sex_code": "1",
    "address": "千代田区霞が関1丁目1番1号",
    "lasdec_code": "131016",
    "nationality": "韓国",
    "nationality_code": "410",
}


def _moj(pattern: str, **values: str) -> dict[str, str]:
    record = dict.fromkeys(formats.columns("moj"), "")
    record.update(PERSON)
    record.update(notice_id=f"M-SEED-{pattern}", pattern=pattern, fact_code="3")
    record.update(values)
    return record


# seed_001_bessi.txt table 1, columns L…O: rows 6/7/8/25 all ○ (18 cells for 18
# columns), 27/28/29 ●, 35 ●, 34 empty, 5 (調整中).
SPR_CHANGE = {
    "reason_text": "氏名の変更・訂正",
    "status": "特別永住者",
    "status_code": "37",
    "period": "永住",
    "period_code": "99",
    "period_expiry": "29991231",
    "old_status": "特別永住者",
    "old_status_code": "37",
    "old_period": "永住",
    "old_period_code": "99",
    "old_period_expiry": "29991231",
    "card_number": "AB12345678CD",
    "card_kind_code": "2",
    "old_card_number": "AB87654321CD",
}


@pytest.mark.parametrize("pattern", ["L", "M", "N", "O"])
def test_special_permanent_resident_correction_as_printed_is_valid(pattern: str) -> None:
    """The context items 6/7/8/25 carry no old value (issue 15 item 1)."""
    record = _moj(pattern, **SPR_CHANGE)
    assert formats.check_record("moj", record, 2) == []


@pytest.fixture
def readings() -> Iterator[None]:
    yield
    formats.use_readings(())


# A synthetic 仮滞在許可者, for table 2 columns AA/AB (row 34, 35 empty there).
def _provisional(pattern: str, **values: str) -> dict[str, str]:
    return _moj(
        pattern,
        reason_text="生年月日の変更・訂正" if pattern == "AA" else "性別の変更・訂正",
        event_date="20261102",
        name_class_code="1",
        name_alpha="NGUYEN VAN AN",
        name_kanji="",
        nationality="ベトナム",
        nationality_code="704",
        **values,
    )


def test_aa_ab_as_printed_by_default() -> None:
    """Seed line 75 (row 8): ● under AA, ○ under AB; line 74 (row 7): ● under AA."""
    assert formats.readings_in_use() == frozenset()
    aa = _provisional("AA", old_birth_date="19800101", old_sex_code="2")
    assert formats.check_record("moj", aa, 2) == []
    aa_no_old_sex = _provisional("AA", old_birth_date="19800101")
    assert [(p.column, p.key) for p in formats.check_record("moj", aa_no_old_sex, 2)] == [
        ("old_sex_code", "validate.record.old_required")
    ]
    ab = _provisional("AB")  # item 8 is context: no old value
    assert formats.check_record("moj", ab, 2) == []


def test_aa_ab_under_reading_r4(readings: None) -> None:
    formats.use_readings(["R4"])
    aa = _provisional("AA", old_birth_date="19800101")
    assert formats.check_record("moj", aa, 2) == []
    ab = _provisional("AB")
    assert [(p.column, p.key) for p in formats.check_record("moj", ab, 2)] == [
        ("old_sex_code", "validate.record.old_required")
    ]
    assert formats.check_record("moj", _provisional("AB", old_sex_code="2"), 2) == []


def test_unknown_reading_is_refused_and_changes_nothing(readings: None) -> None:
    with pytest.raises(formats.FormatError) as caught:
        formats.use_readings(["R99"])
    assert "R99" in caught.value.message() and "R4" in caught.value.message()
    assert formats.readings_in_use() == frozenset()
