"""CSV in and out: RFC 4180 round trip, line ends, encodings, header rules."""

from __future__ import annotations

import csv

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import formats
from core.reference import synth
from core.report import WARNING, Problem

# Any text a field could hold on the wire: commas, quotes, CR/LF, non-BMP.
_field = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=30,
) | st.sampled_from(["a,b", '"q"', "x\r\ny", "line\nbreak", "cr\ronly", "𠮷髙﨑", "", " ", '""'])

_COLUMNS = formats.columns("spr")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.fixed_dictionaries({c: _field for c in _COLUMNS}), min_size=1, max_size=5),
    st.lists(_field, min_size=1, max_size=5),
)
def test_write_read_round_trip(records: list[dict[str, str]], extra: list[str]) -> None:
    extra_value = dict(zip(("x_extra", "x_note"), extra, strict=False))
    rows = [{**r, **extra_value} for r in records]
    data = formats.write("spr", rows)
    parsed = formats.read("spr", data, check=False)
    assert parsed.fatal is None
    expected_header = [*_COLUMNS, *extra_value]
    assert parsed.header == expected_header
    assert parsed.records == [{c: r.get(c, "") for c in expected_header} for r in rows]
    assert formats.write("spr", parsed.records) == data


def test_output_is_crlf_utf8_without_bom() -> None:
    data = synth.spr_file(count=3, seed=1)
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == 4 and data.count(b"\n") == 4
    assert data.split(b"\r\n")[0].decode() == ",".join(_COLUMNS)


def test_lf_input_is_accepted() -> None:
    crlf = synth.spr_file(count=3, seed=1)
    lf = crlf.replace(b"\r\n", b"\n")
    assert formats.read("spr", lf).records == formats.read("spr", crlf).records
    assert formats.read("spr", lf).ok


def test_line_numbers_count_physical_lines() -> None:
    rows = [c.record() for c in synth.certificates(count=3, seed=2)]
    rows[0]["application_text"] = "切替\r\n交付"  # a quoted field over two lines
    parsed = formats.read("spr", formats.write("spr", rows))
    assert parsed.lines == [2, 4, 5]
    assert [(p.line, p.column) for p in parsed.report] == [(2, "application_text")]


def test_every_bad_record_is_reported_not_only_the_first() -> None:
    rows = [c.record() for c in synth.certificates(count=5, seed=2)]
    rows[1]["sex_code"] = "9"
    rows[3]["birth_date"] = "20230229"
    rows[3]["card_number"] = "bad"
    parsed = formats.read("spr", formats.write("spr", rows))
    assert not parsed.ok and parsed.fatal is None
    assert [(p.line, p.column) for p in parsed.report] == [
        (3, "sex_code"),
        (5, "card_number"),
        (5, "birth_date"),
    ]
    assert parsed.report.records == 5


def test_extra_columns_are_kept_and_passed_through() -> None:
    rows = [{**c.record(), "municipal_memo": "窓口A"} for c in synth.certificates(count=2)]
    parsed = formats.read("spr", formats.write("spr", rows))
    assert parsed.ok
    assert parsed.extra_columns == ["municipal_memo"]
    assert parsed.records[0]["municipal_memo"] == "窓口A"


def test_field_count_mismatch_is_a_record_problem() -> None:
    data = synth.spr_file(count=2, seed=1).rstrip(b"\r\n") + b",surplus\r\n"
    parsed = formats.read("spr", data)
    assert Problem(3, "", "validate.record.field_count", {"expected": "14", "got": "15"}) in (
        list(parsed.report)
    )


def test_duplicate_notice_id_in_one_file() -> None:
    rows = [c.record() for c in synth.certificates(count=3, seed=2)]
    rows[2]["notice_id"] = rows[0]["notice_id"]
    parsed = formats.read("spr", formats.write("spr", rows))
    assert [(p.line, p.key) for p in parsed.report] == [(4, "validate.record.duplicate_notice")]


def _fatal(data: bytes, kind: str = "spr") -> tuple[str, dict[str, str]]:
    parsed = formats.read(kind, data)
    assert parsed.fatal is not None and parsed.records == [] and not parsed.ok
    assert list(parsed.report) == [parsed.fatal]
    return parsed.fatal.key, parsed.fatal.params


def test_file_level_errors_are_one_problem() -> None:
    good = synth.spr_file(count=2, seed=1)
    assert _fatal(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR") == ("validate.file.binary", {})
    sjis = good.decode().replace("𠮷", "吉").replace("髙", "高").replace("﨑", "崎")
    key, params = _fatal(sjis.encode("cp932", errors="replace"))
    assert key == "validate.file.not_utf8" and params["line"] == "2"
    assert _fatal(b"") == ("validate.file.empty", {})
    assert _fatal(b"\r\n \r\n") == ("validate.file.empty", {})
    assert _fatal(b"hello world\nthis is not a notice\n")[0] == "validate.file.no_header"
    header, _, _rest = good.partition(b"\r\n")
    no_sex = header.replace(b",sex_code", b"")
    assert _fatal(no_sex + b"\r\n") == ("validate.file.missing_columns", {"columns": "sex_code"})
    dup = header + b",sex_code\r\n"
    assert _fatal(dup) == ("validate.file.duplicate_column", {"column": "sex_code"})
    assert _fatal(header + b",\r\n") == ("validate.file.empty_column", {"position": "15"})
    # The csv module's errors become catalogue messages, with the line the record starts on.
    assert _fatal(good + b'"unterminated,field\r\nmore\r\n') == (
        "validate.file.unterminated_quote",
        {"line": "4"},
    )
    big = "x" * (csv.field_size_limit() + 1)
    assert _fatal(good + f'N9,"{big}"\r\n'.encode()) == (
        "validate.file.field_too_large",
        {"line": "4", "limit": str(csv.field_size_limit())},
    )
    assert _fatal(good + b'N9,"a"b"\r\n') == ("validate.file.quote_in_field", {"line": "4"})


def test_bad_utf8_byte_is_counted_within_its_line() -> None:
    """Line 3's 5th byte: the offset counts from the start of the line, 1-based."""
    data = b"notice_id,x\r\nN1,ok\r\nN2,a\xff\r\n"
    assert _fatal(data) == ("validate.file.not_utf8", {"line": "3", "offset": "5"})


def test_a_file_of_another_kind_says_which() -> None:
    assert _fatal(synth.spr_file(count=2), "moj") == (
        "validate.file.other_kind",
        {"kind": "moj", "other": "spr"},
    )
    assert _fatal(synth.moj_file(count=2), "muni") == (
        "validate.file.other_kind",
        {"kind": "muni", "other": "moj"},
    )


def test_bom_is_a_warning_and_the_file_is_read() -> None:
    parsed = formats.read("spr", b"\xef\xbb\xbf" + synth.spr_file(count=2, seed=1))
    assert parsed.ok and len(parsed.records) == 2
    assert list(parsed.report) == [Problem(0, "", "validate.file.bom", {}, WARNING)]


def test_fatal_raises_format_error_on_request() -> None:
    parsed = formats.read("moj", b"\x00")
    try:
        parsed.raise_if_fatal()
    except formats.FormatError as exc:
        assert exc.key == "validate.file.binary"
    else:
        raise AssertionError("no FormatError")


def test_records_of_another_municipality_when_lasdec_is_given() -> None:
    rows = [c.record() for c in synth.certificates("131016", count=3, seed=2)]
    rows[1]["lasdec_code"] = "011002"
    data = formats.write("spr", rows)
    assert formats.read("spr", data).ok
    parsed = formats.read("spr", data, lasdec="131016")
    assert list(parsed.report) == [
        Problem(
            3,
            "lasdec_code",
            "validate.record.other_lasdec",
            {"value": "011002", "expected": "131016"},
        )
    ]
