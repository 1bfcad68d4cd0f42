"""Every pattern of both 別紙 tables: a valid record, and invalid ones derived
from the pattern's marks, each with the exact problem the check must report."""

from __future__ import annotations

import pytest

from core import formats
from core.formats import tables
from core.formats.check import column_label, item_label
from core.reference.synth import Generator
from core.report import WARNING, Problem

LINE = 7


def _valid(kind: str, code: str, seed: int = 1) -> dict[str, str]:
    """A record of ``code`` with every item the pattern carries (△ too, card too)."""
    return Generator(seed).pattern_record(kind, code, 1, complete=True)


def _required_items(kind: str, code: str) -> list[tables.Item]:
    pattern = tables.patterns(kind)[code]
    out = []
    for item in tables.items(kind):
        mark = pattern.mark(item.key)
        if mark in (tables.CHANGED, tables.CHANGED_NEW_ONLY, tables.CONTEXT):
            out.append(item)
    return out


def _cases(kind: str) -> list[str]:
    return list(tables.patterns(kind))


@pytest.mark.parametrize("kind", ["moj", "muni"])
def test_patterns_have_required_items(kind: str) -> None:
    for code in tables.patterns(kind):
        assert _required_items(kind, code), code


@pytest.mark.parametrize("code", _cases("moj"))
def test_moj_pattern_valid_record_passes(code: str) -> None:
    record = _valid("moj", code)
    assert formats.check_record("moj", record, LINE) == []


@pytest.mark.parametrize("code", _cases("muni"))
def test_muni_pattern_valid_record_passes(code: str) -> None:
    if code == "AF":
        cert = formats.read("spr", _spr_one()).records[0]
        from datetime import date

        record = formats.af_record(
            cert,
            date(2026, 11, 2),
            today=date(2026, 11, 20),
            notice_id="6f1c2a4e-9b7d-4c1e-8a2b-3c4d5e6f7a8b",
        )
    else:
        record = _valid("muni", code)
    assert formats.check_record("muni", record, LINE) == []


def _spr_one() -> bytes:
    from core.reference import synth

    return synth.spr_file(count=1, seed=3)


@pytest.mark.parametrize("kind", ["moj", "muni"])
def test_every_pattern_rejects_a_record_without_each_required_item(kind: str) -> None:
    """Drop each required item's first column in turn: exactly that problem appears."""
    for code in tables.patterns(kind):
        if kind == "muni" and code == "AF":
            continue  # covered below, from a certificate notice
        base = _valid(kind, code)
        pattern = tables.patterns(kind)[code]
        for item in _required_items(kind, code):
            group = item.columns[-1]  # name: the alpha|kanji group; card: card_kind_code
            if item.key == "card" and not base["card_number"]:
                continue
            record = dict(base)
            for column in group:
                record[column] = ""
            if item.key == "name":
                record["name_class_code"] = ""  # else the class check speaks too
                group_problem_cols = ["name_class_code", "/".join(group)]
            else:
                group_problem_cols = ["/".join(group)]
            problems = formats.check_record(kind, record, LINE)
            expected = [
                Problem(
                    LINE,
                    col,
                    "validate.record.pattern_required",
                    {**item_label(kind, item), "pattern": code},
                )
                for col in group_problem_cols
            ]
            assert problems == expected, (code, item.key, pattern.marks[item.key])


def test_moj_changed_items_need_old_values_when_fact_is_correction() -> None:
    seen = 0
    for code, pattern in tables.patterns("moj").items():
        if pattern.facts != ("3",):
            continue
        base = _valid("moj", code)
        for item in tables.items("moj"):
            if pattern.mark(item.key) != tables.CHANGED or not item.old:
                continue
            record = dict(base)
            group = item.old[0]
            for column in group:
                record[column] = ""
            problems = formats.check_record("moj", record, LINE)
            params = {**item_label("moj", item), "pattern": code}
            expected = [Problem(LINE, "/".join(group), "validate.record.old_required", params)]
            assert problems == expected, (code, item.key)
            seen += 1
    assert seen >= 59  # at least the card item of A…R, BB… and the changed items


@pytest.mark.parametrize("kind", ["moj", "muni"])
def test_an_item_the_pattern_does_not_carry_is_a_warning(kind: str) -> None:
    samples = {
        "event_date": "20261101",
        "status": "留学",
        "status_code": "23",
        "period": "1年",
        "period_code": "1",
        "period_expiry": "20271101",
        "last_departure": "20250101",
        "category_code": "1",
        "card_number": "AB12345678CD",
        "card_kind_code": "1",
        "report_date": "20261101",
        "process_date": "20261101",
        "prev_address": "本町1丁目",
        "prev_lasdec_code": "131016",
        "card_delivered_date": "20261101",
        "ref_notice_id": "S1",
        "address": "本町1丁目",
        "lasdec_code": "131016",
    }
    warned = 0
    for code, pattern in tables.patterns(kind).items():
        base = _valid(kind, code)
        for item in tables.items(kind):
            if pattern.mark(item.key) != "" or item.key in ("name",):
                continue
            column = item.columns[0][0]
            if column not in samples:
                continue
            record = dict(base)
            record[column] = samples[column]
            if column == "category_code" and record["card_kind_code"] == "2":
                record[column] = "2"
            problems = formats.check_record(kind, record, LINE)
            layout_column = formats.layout(kind)[formats.columns(kind).index(column)]
            params = {**column_label(kind, layout_column), "pattern": code}
            assert Problem(LINE, column, "validate.record.not_carried", params, WARNING) in (
                problems
            ), (code, column, problems)
            assert all(p.severity == WARNING for p in problems), (code, column, problems)
            warned += 1
    assert warned > 30


@pytest.mark.parametrize("kind", ["moj", "muni"])
def test_fact_code_must_fit_the_pattern(kind: str) -> None:
    for code, pattern in tables.patterns(kind).items():
        wrong = next(c for c in ("2", "1", "3", "4") if c not in pattern.facts)
        record = _valid(kind, code) if not (kind == "muni" and code == "AF") else None
        if record is None:
            continue
        record["fact_code"] = wrong
        problems = formats.check_record(kind, record, LINE)
        params = {"value": wrong, "pattern": code, "allowed": ", ".join(pattern.facts)}
        assert Problem(LINE, "fact_code", "validate.record.fact_mismatch", params) in problems


def test_cardless_holders_need_no_card() -> None:
    """※3: an 一時庇護許可者 (category 3) in pattern AU sends no card number."""
    record = _valid("moj", "AU")
    record.update(category_code="3", category_text="", card_number="", card_kind_code="")
    assert formats.check_record("moj", record, LINE) == []
    record.update(category_code="1")
    assert [p.column for p in formats.check_record("moj", record, LINE)] == [
        "card_number",
        "card_kind_code",
    ]


def test_af_record_without_its_delivery_date_or_reference_is_rejected() -> None:
    from datetime import date

    cert = formats.read("spr", _spr_one()).records[0]
    record = formats.af_record(cert, date(2026, 11, 2), today=date(2026, 11, 20), notice_id=_uuid())
    record["card_delivered_date"] = ""
    record["ref_notice_id"] = ""
    problems = formats.check_record("muni", record, LINE)
    assert [(p.column, p.params["item"]) for p in problems] == [
        ("card_delivered_date", "表4.2.1 の 10 特別永住者証明書の交付年月日"),
        ("ref_notice_id", "参照する法務省通知（本製品）"),
    ]


def _uuid() -> str:
    return "6f1c2a4e-9b7d-4c1e-8a2b-3c4d5e6f7a8b"
