"""The data check of a whole file finds what checking each record finds.

``check_records`` asks every rule a column at a time and checks one by one only
the records that may have a problem (``RecordChecker.screen``). The reference
here is the record check itself (``RecordChecker.check``, whose messages the
seed tests pin) run on every record, plus the two file rules (a notice_id
again, another municipality's code) as FORMATS.md states them: whatever the
mutations, the two reports must be the same list, in the same order.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import formats
from core.formats import csvio
from core.formats.check import checker_for
from core.reference import synth
from core.report import Problem, Report

LASDEC = synth.DEFAULT_LASDEC

# Values that break (or nearly break) some rule: empty, control characters, a
# lone / a following variation selector, private use, spaces only, dates that do
# not exist or lie ahead, codes of the wrong table, an alien registration
# number, a card number, text forms of codes, a character outside 住基統一文字.
_ODD = [
    "",
    "a\x01b",
    "x\x85y",
    "line\u2028sep",
    "\u3000\u3000",
    " ",
    "\ufe00",
    "葛\U000e0100",
    "山\ue001",
    "\u200b",
    "20240230",
    "29991231",
    "2024-02-03",
    "18000101",
    "X",
    "99",
    "1",
    "2",
    "3",
    "4",
    "AB12345678CD",
    "12345678",
    "A123456789",
    "世帯主",
    "長男",
    "修正",
    "交付",
    "消除",
    "𠮷",
    "\u9fff\u9ffe",
    "131016",
    "131024",
    "M0000000001",
    "SMITH JOHN",
    "smith-o'neil, j.",
]


def _records(kind: str, seed: int) -> list[dict[str, str]]:
    if kind == "moj":
        return synth.moj_records(count=120, seed=seed)
    if kind == "muni":
        return synth.muni_records(count=80, seed=seed)
    return [c.record() for c in synth.certificates(count=60, seed=seed)]


def _reference(kind: str, parsed: formats.ParsedFile, lasdec: str | None) -> list[Problem]:
    """``check`` of every record, then a notice_id seen before, then another
    municipality's code (the order ``check_records`` appends them in)."""
    check = checker_for(kind, parsed.version).check
    first: dict[str, int] = {}
    out: list[Problem] = []
    for record, line in zip(parsed.records, parsed.lines, strict=True):
        problems = check(record, line)
        notice = record.get("notice_id")
        if notice:
            first.setdefault(notice, line)
            if first[notice] != line:
                params = {"value": notice, "first": str(first[notice])}
                problems.append(
                    Problem(line, "notice_id", "validate.record.duplicate_notice", params)
                )
        code = record.get("lasdec_code")
        if lasdec is not None and code and code != lasdec:
            params = {"value": code, "expected": lasdec}
            problems.append(Problem(line, "lasdec_code", "validate.record.other_lasdec", params))
        out.extend(problems)
    return out


_mutation = st.tuples(
    st.integers(min_value=0, max_value=10_000),  # which record (mod the count)
    st.integers(min_value=0, max_value=10_000),  # which column (mod the width)
    st.sampled_from(_ODD),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(formats.KINDS),
    seed=st.integers(min_value=0, max_value=3),
    mutations=st.lists(_mutation, max_size=40),
    copies=st.lists(st.integers(min_value=0, max_value=10_000), max_size=3),
    lasdec=st.sampled_from([None, LASDEC, "131024"]),
)
def test_file_check_is_every_record_checked(
    kind: str,
    seed: int,
    mutations: list[tuple[int, int, str]],
    copies: list[int],
    lasdec: str | None,
) -> None:
    records = _records(kind, seed)
    columns = list(records[0])
    for row, column, value in mutations:
        records[row % len(records)][columns[column % len(columns)]] = value
    for row in copies:  # a record again: the same notice_id twice
        records.append(dict(records[row % len(records)]))
    parsed = formats.read(kind, formats.write(kind, records), lasdec=lasdec)
    assert parsed.fatal is None
    assert parsed.report.problems == _reference(kind, parsed, lasdec)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(formats.KINDS),
    mutations=st.lists(_mutation, max_size=30),
    dropped=st.lists(st.integers(min_value=0, max_value=10_000), max_size=4),
)
def test_records_without_some_columns(
    kind: str, mutations: list[tuple[int, int, str]], dropped: list[int]
) -> None:
    """Records given as dicts (no file, some columns absent from some records):
    the screen reads them with ``columns_of`` and still agrees."""
    records = _records(kind, 1)
    columns = list(records[0])
    for row, column, value in mutations:
        records[row % len(records)][columns[column % len(columns)]] = value
    for n, column in enumerate(dropped):
        records[(n * 7) % len(records)].pop(columns[column % len(columns)], None)
    lines = list(range(2, len(records) + 2))
    report = formats.check_records(kind, records, lines, Report(), lasdec=LASDEC)
    parsed = formats.ParsedFile(kind, records=records, lines=lines)
    assert report.problems == _reference(kind, parsed, LASDEC)


def test_a_file_with_every_kind_of_problem_reports_each() -> None:
    """Not only agreement: a file with known problems reports them (the keys
    come from the catalogue, the rules from FORMATS.md)."""
    records = synth.moj_records(count=60, seed=0)
    records[3]["birth_date"] = "20240230"  # no such day
    records[5]["address"] = "中央1\x07丁目"  # a control character
    records[7]["name_kanji"] = "\u3000"  # spaces only
    records[9]["notice_id"] = records[2]["notice_id"]  # the same notice again
    records[11]["event_date"] = date(2999, 1, 1).strftime("%Y%m%d")  # ahead of today
    parsed = formats.read("moj", formats.write("moj", records))
    found = {(p.line, p.column, p.key) for p in parsed.report.problems}
    assert (5, "birth_date", "validate.field.date_day") in found
    assert (7, "address", "validate.field.control") in found
    assert (9, "name_kanji", "guard.name.spaces") in found
    assert (11, "notice_id", "validate.record.duplicate_notice") in found
    assert any(p[:2] == (13, "event_date") and "plausible" in p[2] for p in found)


def test_each_value_in_each_column() -> None:
    """Every odd value once in every column (one column per record, so no other
    change hides it), and every column emptied: the file check agrees."""
    for kind in formats.KINDS:
        base = _records(kind, 2)
        columns = list(base[0])
        for value in _ODD:
            records = [dict(r) for r in base]
            for n, record in enumerate(records):
                record[columns[n % len(columns)]] = value
            parsed = formats.read(kind, formats.write(kind, records), lasdec=LASDEC)
            assert parsed.report.problems == _reference(kind, parsed, LASDEC), (kind, value)


def test_parts_of_a_file_and_short_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """A file screened in parts (a notice_id again in a later part, another
    municipality's code) and a file with a row shorter than the header (read as
    records, without the file's rows): the same problems."""
    monkeypatch.setattr(csvio, "PART", 7)
    records = synth.moj_records(count=60, seed=3)
    records[40]["notice_id"] = records[1]["notice_id"]
    records[33]["lasdec_code"] = "131024"
    records[50]["birth_date"] = "20240230"
    data = formats.write("moj", records)
    for body in (data, data + b"M1,A\r\n"):
        parsed = formats.read("moj", body, lasdec=LASDEC)
        short = [p for p in parsed.report.problems if p.key == "validate.record.field_count"]
        assert len(short) == (body != data)  # (reported as the file is read, before the check)
        assert parsed.report.problems == short + _reference("moj", parsed, LASDEC)
        keys = {p.key for p in parsed.report.problems}
        assert {"validate.record.duplicate_notice", "validate.record.other_lasdec"} <= keys
