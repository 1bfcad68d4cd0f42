"""The inbox's view of one notice record: items named as in table 4.1.1, new and
old side by side for 修正, the data check attached."""

from __future__ import annotations

from core import notice_view
from core.formats import tables
from core.i18n import set_language
from core.reference import synth

LASDEC = "131041"


def correction_record() -> dict[str, str]:
    return next(r for r in synth.moj_records(LASDEC, 59, 0) if r["pattern"] == "H")


def test_correction_shows_new_and_old_side_by_side() -> None:
    record = correction_record()
    assert record["fact_code"] == "3"
    view = notice_view.describe("moj", record, 7)
    assert view.ok and view.correction and view.pattern == "H"
    assert view.fact == "3 修正"
    assert view.pattern_text.startswith("中長期在留者")
    by_name = {row.name: row for row in view.items}
    # Named and numbered as table 4.1.1 (seed 001): No.14 備考（異動事実）, No.13 異動事由.
    assert [(r.no, r.name) for r in view.items[:4]] == [
        ("", "通知番号"),
        ("", "連携パターン"),
        ("14", "備考（異動事実）"),
        ("13", "異動事由"),
    ]
    assert view.items[2].new == "3 修正 / 修正"
    period = by_name["在留期間等"]
    assert (period.no, period.mark, period.changed) == ("7", "●", True)
    assert period.new == f"{record['period']} / {record['period_code']}"
    assert period.old == f"{record['old_period']} / {record['old_period_code']}"
    assert by_name["在留期間の満了の日"].no == "8"
    card = by_name["在留カード等の番号"]
    assert card.old == record["old_card_number"] and card.new.startswith(record["card_number"])
    assert by_name["男女の別"].new in ("1 男", "2 女") and not by_name["男女の別"].changed


def test_check_result_is_attached_to_its_item() -> None:
    record = correction_record()
    record["old_period_code"] = ""
    record["birth_date"] = "20261399"
    set_language("en")
    try:
        view = notice_view.describe("moj", record, 4)
        assert not view.ok
        by_name = {row.name: row for row in view.items}
        # --lang en: item names in English too
        assert [p.column for p in by_name["period of stay"].problems] == ["old_period_code"]
        assert [p.column for p in by_name["date of birth"].problems] == ["birth_date"]
        assert {p.line for p in view.problems} == {4}
        assert by_name["sex"].new.split()[1] in ("male", "female")
    finally:
        set_language("ja")


def test_every_pattern_names_its_marked_items() -> None:
    records = synth.moj_records(LASDEC, 59, 1)
    patterns = tables.patterns("moj")
    assert {r["pattern"] for r in records} == set(patterns)
    names = {i.key: i.table_name for i in tables.items("moj")}
    for record in records:
        view = notice_view.describe("moj", record)
        pattern = patterns[record["pattern"]]
        shown = {row.name for row in view.items if row.mark}
        marked = {names[k] for k, mark in pattern.marks.items() if mark}
        assert marked <= shown, record["pattern"]
        assert view.ok, (record["pattern"], [p.render() for p in view.problems])
        if record["fact_code"] != "3":
            assert not any(row.changed or row.old for row in view.items)


def test_certificate_notice_uses_its_layout_names() -> None:
    record = synth.certificates(LASDEC, 1, 0)[0].record()
    view = notice_view.describe("spr", record, 2)
    assert [r.name for r in view.items][:3] == ["通知番号", "特別永住者証明書番号", "発行年月日"]
    assert view.pattern == "" and not view.correction
