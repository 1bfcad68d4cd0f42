"""Records written as the seed's 別紙 tables print them are valid.

Each record here is written by hand from the seed text (the pattern's column
in ``seed_001_bessi.txt``), not from the pattern data: a ○ item is filled
with no old value, a ● item with its new and old values. The person is
synthetic.
"""

from __future__ import annotations

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
    "old_status_code": "37",
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
