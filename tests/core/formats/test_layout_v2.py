"""Layout v2: a column for every item of tables 4.1.1 and 4.2.1 (seed 001), the
みなし外国人登録番号 where note ※2 allows it, and v1 files still readable."""

from __future__ import annotations

import csv
import io

import pytest

from core import formats
from core.formats import tables
from core.reference import synth

# Table 4.1.1 / 4.2.1 of seed 001 (lines 219–259 of 001_4ac838900a702b35.txt),
# written out here by hand: number -> item name.
TABLE_411 = {
    "1": "氏名", "2": "出生の年月日", "3": "男女の別", "4": "住居地/住所", "5": "国籍等",
    "6": "在留資格", "7": "在留期間等", "8": "在留期間の満了の日", "9": "最終出国年月日",
    "10": "中長期在留者である旨 等", "11": "在留カード等の番号", "12": "事由発生年月日",
    "13": "異動事由", "14": "備考 (異動事実)",
}  # fmt: skip
TABLE_421 = {
    "1": "届出年月日", "2": "処理年月日", "3": "氏名", "4": "出生の年月日", "5": "男女の別",
    "6": "住居地/住所", "7": "異動前の住居地/住所", "8": "国籍等", "9": "在留カード等の番号",
    "10": "特別永住者証明書の交付年月日", "11": "事由発生年月日", "12": "異動事由",
    "13": "異動事実",
}  # fmt: skip


def _flat(text: str) -> str:
    return "".join(text.split()).replace("／", "/").replace("（", "(").replace("）", ")")


@pytest.mark.parametrize(("kind", "table"), [("moj", TABLE_411), ("muni", TABLE_421)])
def test_every_item_of_the_table_has_a_column_with_its_number(
    kind: str, table: dict[str, str]
) -> None:
    numbered: dict[str, list[tables.Column]] = {}
    for column in formats.layout(kind):
        if column.no:
            numbered.setdefault(column.no, []).append(column)
    assert set(numbered) == set(table)
    for no, name in table.items():
        names = {_flat(c.item) for c in numbered[no]}
        assert any(n.startswith(_flat(name)) for n in names), (no, name, names)
    # the items the table says include a code ("…コード含む") have a code column too
    assert {c.id for c in numbered["13" if kind == "moj" else "12"]} == {
        "reason_code",
        "reason_text",
    }


def test_old_values_of_status_and_period_have_text_and_code() -> None:
    ids = formats.columns("moj")
    for column in ("old_status", "old_status_code", "old_period", "old_period_code"):
        assert column in ids


def _v1(data: bytes, kind: str) -> bytes:
    """The same file with the v1 columns only (as files received before v2 are)."""
    keep = [c.id for c in formats.layout(kind, 1)]
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, keep, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize("kind", ["moj", "muni"])
def test_a_v1_file_still_reads_with_one_warning(kind: str) -> None:
    data = synth.moj_file(count=120, seed=5) if kind == "moj" else synth.muni_file(count=80)
    assert formats.read(kind, data).version == 2
    parsed = formats.read(kind, _v1(data, kind))
    assert parsed.version == 1 and parsed.ok and len(parsed.records) > 50
    [warning] = parsed.report.problems
    assert (warning.line, warning.key, warning.severity) == (
        0,
        "validate.file.layout_v1",
        "warning",
    )
    assert "householder_relation" in warning.params["columns"] or kind == "moj"
    assert "fact_text" in warning.reason("en") and "v1" in warning.reason("en")


def test_a_header_with_some_v2_columns_is_v2_and_the_rest_are_missing() -> None:
    data = _v1(synth.muni_file(count=3), "muni").replace(b"notice_id,", b"notice_id,fact_text,", 1)
    lines = data.split(b"\r\n")
    lines[1:] = [line.replace(b",", b",,", 1) if line else line for line in lines[1:]]
    parsed = formats.read("muni", b"\r\n".join(lines))
    assert parsed.fatal is not None and parsed.fatal.key == "validate.file.missing_columns"
    assert "householder_relation" in parsed.fatal.params["columns"]


def test_the_caller_may_declare_the_version() -> None:
    data = _v1(synth.muni_file(count=3), "muni")
    assert formats.read("muni", data, version=2).fatal is not None
    assert formats.read("muni", data, version=1).ok


# --- みなし外国人登録番号 (note ※2) ------------------------------------------------


def _with_card(pattern: str, card: str, old: str = "") -> dict[str, str]:
    record = synth.Generator(7).pattern_record("moj", pattern, 1, complete=True)
    record["card_number"] = card
    if old:
        record["old_card_number"] = old
    return record


@pytest.mark.parametrize("pattern", ["BB", "BC", "BD", "BE", "BF", "BG"])
def test_alien_registration_number_accepted_in_bb_to_bg(pattern: str) -> None:
    """Note ※2: 在留カード番号又は同カードとみなされる外国人登録番号."""
    if pattern in ("BD", "BG"):  # 不所持者: no old number (R9)
        record = _with_card(pattern, "123456789")
    else:  # row 35 ●: the old value is the みなし外国人登録証明書's number
        record = _with_card(pattern, "AB12345678CD", old="A12345678")
        missing = _with_card(pattern, "AB12345678CD", old="")
        missing["old_card_number"] = ""
        assert [p.key for p in formats.check_record("moj", missing, 3)] == [
            "validate.record.old_required"
        ]
    assert formats.check_record("moj", record, 3) == []


@pytest.mark.parametrize("pattern", ["A", "E", "F", "K", "Q", "AN"])
def test_alien_registration_number_refused_elsewhere(pattern: str) -> None:
    problems = formats.check_record("moj", _with_card(pattern, "A12345678"), 3)
    assert [(p.column, p.key) for p in problems] == [
        ("card_number", "validate.record.alien_number_not_allowed")
    ]
    assert problems[0].reason("en").endswith("(only in BB, BC, BD, BE, BF, BG)")
    assert "みなし外国人登録番号 A12345678" in problems[0].reason("ja")


def test_neither_form_is_a_card_number_error_in_every_pattern() -> None:
    problems = formats.check_record("moj", _with_card("BB", "AB1234"), 3)
    assert [(p.column, p.key) for p in problems] == [("card_number", "validate.field.card_number")]


def test_certificate_notice_refuses_an_alien_number() -> None:
    rec = synth.certificates(count=1)[0].record()
    rec["card_number"] = "12345678"
    problems = formats.check_record("spr", rec, 2)
    assert [p.key for p in problems] == ["validate.record.alien_number_not_allowed"]


# --- 世帯主 and the text forms of codes --------------------------------------------


def _muni(pattern: str, **values: str) -> dict[str, str]:
    record = synth.Generator(9).pattern_record("muni", pattern, 1, complete=True)
    record.update(values)
    return record


def test_householder_is_required_where_the_table_marks_it() -> None:
    """別紙 市町村通知 row 9: ○ under W…AE (seed_001_bessi.txt line 344)."""
    record = _muni("W", householder_relation="", householder_name="")
    problems = formats.check_record("muni", record, 2)
    assert [(p.column, p.key) for p in problems] == [
        ("householder_relation", "validate.record.pattern_required")
    ]
    assert problems[0].params["item"] == "別紙 9 世帯主"
    assert formats.check_record("muni", _muni("W", householder_relation="世帯主"), 2) == []
    wife = _muni("W", householder_relation="妻", householder_name="")
    assert [p.key for p in formats.check_record("muni", wife, 2)] == [
        "validate.record.householder_name"
    ]
    wife["householder_name"] = "山田　花子"
    assert formats.check_record("muni", wife, 2) == []


def test_householder_not_carried_by_a_notification_pattern() -> None:
    problems = formats.check_record("muni", _muni("A", householder_relation="世帯主"), 2)
    assert [(p.key, p.severity) for p in problems] == [("validate.record.not_carried", "warning")]


def test_text_of_a_code_must_say_the_same() -> None:
    """Table 4.1.1 No.14: 「記載」「消除」「修正」 (異動事実コード含む)."""
    record = synth.Generator(2).pattern_record("moj", "A", 1, complete=True)
    assert record["fact_text"] == "修正"
    record["fact_text"] = "消除"
    problems = formats.check_record("moj", record, 2)
    assert [(p.column, p.key) for p in problems] == [("fact_text", "validate.record.text_mismatch")]
    assert problems[0].reason("ja") == (
        "表4.1.1 の 14 備考（異動事実） の 消除 がコード 3 と合いません（コード 3 の表記: 修正）"
    )
    record.update(fact_text="修正", category_code="2", category_text="中長期在留者")
    kinds = [p.column for p in formats.check_record("moj", record, 2)]
    assert "category_text" in kinds


def test_records_of_a_v1_file_are_written_as_v1() -> None:
    """Records taken from a v1 file (e.g. the resident-record system's, queued
    before it moved to v2) go on as v1, which every reader still takes."""
    parsed = formats.read("muni", _v1(synth.muni_file(count=30, seed=2), "muni"))
    data = formats.write("muni", parsed.records)
    again = formats.read("muni", data)
    assert again.version == 1 and again.ok and again.records == parsed.records
    # one v2 record among them: the file is v2 (the v1 records lack its items)
    mixed = [*parsed.records, synth.muni_records(count=1, seed=3)[0]]
    assert formats.read("muni", formats.write("muni", mixed), check=False).version == 2
    assert formats.read("muni", formats.write("muni", []), check=False).version == 2
