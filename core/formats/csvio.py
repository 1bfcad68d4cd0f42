"""CSV in and out, per FORMATS.md: RFC 4180, a header row of column ids, CRLF
out (LF accepted in), UTF-8 without BOM.

Reading never raises on bad content: a file that is not CSV, not UTF-8 or
lacks a required column comes back with one file-level problem (``fatal``)
and no records, so a caller can keep the file and show the reason.
"""

from __future__ import annotations

import csv
import gc
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat

from core.formats import tables
from core.formats.check import Columns, checker_for
from core.report import WARNING, Problem, Report

BOM = "\ufeff"


@dataclass
class ParsedFile:
    """A read file: header, records (column id -> value, extra columns included),
    the 1-based file line where each record starts, and the data check's report."""

    kind: str
    header: list[str] = field(default_factory=list)
    version: int = tables.LATEST  # layout version of the file (declared or detected)
    records: list[dict[str, str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    report: Report = field(default_factory=Report)
    fatal: Problem | None = None  # the file as a whole could not be read

    @property
    def ok(self) -> bool:
        return self.fatal is None and self.report.ok

    @property
    def extra_columns(self) -> list[str]:
        known = {c.id for c in tables.layout(self.kind, self.version)}
        return [c for c in self.header if c not in known]

    def raise_if_fatal(self) -> None:
        """Raise ``FormatError`` when the file could not be read at all."""
        if self.fatal is not None:
            from core.formats.errors import FormatError

            raise FormatError(self.fatal.key, **self.fatal.params)


def _fatal(parsed: ParsedFile, key: str, **params: str) -> ParsedFile:
    problem = Problem(0, "", key, {k: str(v) for k, v in params.items()})
    parsed.fatal = problem
    parsed.report.add(problem)
    parsed.records, parsed.lines = [], []
    return parsed


def _decode(data: bytes, parsed: ParsedFile) -> str | None:
    if b"\x00" in data:
        _fatal(parsed, "validate.file.binary")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        offset = exc.start - line_start + 1  # the n-th byte of its line
        _fatal(parsed, "validate.file.not_utf8", line=str(line), offset=str(offset))
        return None
    if text.startswith(BOM):
        parsed.report.add(Problem(0, "", "validate.file.bom", {}, WARNING))
        text = text[1:]
    return text


class _CsvError(Exception):
    def __init__(self, line: int, key: str, params: dict[str, str]) -> None:
        self.line, self.key, self.params = line, key, params


def _csv_error(exc: csv.Error, start: int, line: int) -> _CsvError:
    """The catalogue's reason for a ``csv`` module error (never its raw text):
    ``start`` is the line the failing record began on, ``line`` where it failed."""
    detail = str(exc)
    if "field larger than field limit" in detail:
        limit = str(csv.field_size_limit())
        return _CsvError(line, "validate.file.field_too_large", {"limit": limit})
    if "unexpected end of data" in detail or "EOF" in detail:
        return _CsvError(start, "validate.file.unterminated_quote", {})
    if "expected after" in detail:
        return _CsvError(line, "validate.file.quote_in_field", {})
    return _CsvError(line, "validate.file.csv", {})


def _rows(text: str) -> tuple[list[list[str]], list[int]]:
    """The non-empty rows of ``text`` and the file line each starts on.

    Fast path: when every row is one line (the usual file), the line numbers
    are just 1…n; only a file with blank lines or line breaks inside fields (or
    one that is not CSV, to tell where) is read again while counting lines.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        rows = list(reader)
    except csv.Error:
        rows = []  # read again below, counting lines, to say where
    else:
        if reader.line_num == len(rows) and all(rows):
            return rows, list(range(1, len(rows) + 1))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows, starts, previous = [], [], 0
    try:
        for row in reader:
            if row:
                rows.append(row)
                starts.append(previous + 1)
            previous = reader.line_num
    except csv.Error as exc:
        raise _csv_error(exc, previous + 1, reader.line_num) from None
    return rows, starts


def _other_kind(kind: str, header: set[str]) -> str:
    """The other file kind whose (v1) columns this header has, if any: a
    certificate notice given as a MOJ notice file says so instead of listing
    columns."""
    for other in tables.KINDS:
        if other != kind and {c.id for c in tables.layout(other, 1)} <= header:
            return other
    return ""


def detect_version(kind: str, header: list[str]) -> int:
    """The layout version a header declares: the latest when it has a column only
    that version has, else v1 when it has every v1 column, else the latest (whose
    missing columns are then reported)."""
    names = set(header)
    v1 = {c.id for c in tables.layout(kind, 1)}
    newer = {c.id for c in tables.layout(kind)} - v1
    if newer and not newer & names and v1 <= names:
        return 1
    return tables.LATEST


def read(
    kind: str,
    data: bytes,
    *,
    check: bool = True,
    lasdec: str | None = None,
    version: int | None = None,
) -> ParsedFile:
    """Parse ``data`` as a file of ``kind`` and (unless ``check=False``) run the data
    check on every record. See ``ParsedFile``; ``report`` holds every problem.
    ``lasdec``: this municipality's code; a record with another is an error.
    ``version``: the layout version the caller declares; by default the header
    says (``detect_version``). A v1 file is read with a warning."""
    # A file makes 100,000s of small acyclic objects (rows, records, values): the
    # cyclic garbage collector would walk them again and again while they are
    # made, for nothing. It is paused for the read and runs again after.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _read(kind, data, check, lasdec, version)
    finally:
        if paused:
            gc.enable()


def _read(
    kind: str, data: bytes, check: bool, lasdec: str | None, version: int | None
) -> ParsedFile:
    parsed = ParsedFile(kind)
    text = _decode(data, parsed)
    if text is None:
        return parsed
    if not text.strip():
        return _fatal(parsed, "validate.file.empty")
    try:
        rows, starts = _rows(text)
    except _CsvError as exc:
        return _fatal(parsed, exc.key, line=str(exc.line), **exc.params)
    header, body = rows[0], rows[1:]
    parsed.header = header
    parsed.version = version or detect_version(kind, header)
    columns = tables.layout(kind, parsed.version)
    known = {c.id for c in tables.layout(kind)}
    if not known & set(header):
        return _fatal(parsed, "validate.file.no_header", kind=kind)
    seen: set[str] = set()
    for position, name in enumerate(header, 1):
        if not name:
            return _fatal(parsed, "validate.file.empty_column", position=str(position))
        if name in seen:
            return _fatal(parsed, "validate.file.duplicate_column", column=name)
        seen.add(name)
    missing = [c.id for c in columns if c.id not in seen]
    if missing:
        other = _other_kind(kind, seen)
        if other:
            return _fatal(parsed, "validate.file.other_kind", kind=kind, other=other)
        return _fatal(parsed, "validate.file.missing_columns", columns=", ".join(missing))
    if parsed.version < tables.LATEST:
        newer = [c.id for c in tables.layout(kind) if c.since > parsed.version]
        params = {"version": str(parsed.version), "columns": ", ".join(newer)}
        parsed.report.add(Problem(0, "", "validate.file.layout_v1", params, WARNING))
    width = len(header)
    report = parsed.report
    rows_as_read: list[list[str]] | None = None  # for the data check's screen
    if set(map(len, body)) <= {width}:  # the usual file: every row as wide as the header
        parsed.records = list(map(dict, map(zip, repeat(header), body)))
        rows_as_read = body
    else:
        append = parsed.records.append
        for row, start in zip(body, starts[1:]):  # noqa: B905 (same length by construction)
            if len(row) != width:
                params = {"expected": str(width), "got": str(len(row))}
                report.add(Problem(start, "", "validate.record.field_count", params))
                row = (row + [""] * width)[:width]
            append(dict(zip(header, row)))  # noqa: B905 (row padded to the header's width)
    records = parsed.records
    parsed.lines = starts[1:]
    report.records = len(records)
    if check:
        check_records(
            kind,
            records,
            parsed.lines,
            report,
            lasdec=lasdec,
            version=parsed.version,
            rows=rows_as_read,
            header=header,
        )
    return parsed


# Records screened together (``check_records``): the values of a part this size
# stay in the processor's cache from one rule to the next, where a column of a
# whole file, its strings spread over the heap, is fetched from memory each time.
PART = 2000


def check_records(
    kind: str,
    records: list[dict[str, str]],
    lines: list[int],
    report: Report,
    *,
    lasdec: str | None = None,
    version: int = tables.LATEST,
    rows: Sequence[Sequence[str]] | None = None,
    header: Sequence[str] = (),
) -> Report:
    """Run the data check over ``records`` (at file ``lines``, layout ``version``)
    into ``report``; with ``lasdec``, records of another municipality are errors too.

    The checker's ``screen`` finds, a column at a time, the records that may
    have a problem; only those are checked one by one (the report is the same
    as checking every record). ``rows`` and ``header``: the file's rows the
    records were made from, when each is as wide as the header (their columns
    are then had by transposing them)."""
    if len(records) != len(lines):
        raise ValueError("check_records: one line per record")
    checker = checker_for(kind, version)
    suspects: set[int] = set()
    memo: dict[tuple[object, ...], bool] = {}
    ids: list[str | None] = []
    for start in range(0, len(records), PART):
        part = records[start : start + PART]
        if rows is not None:
            columns: Columns = dict(zip(header, zip(*rows[start : start + PART])))  # noqa: B905
        else:
            columns = checker.columns_of(part)
        suspects.update(start + n for n in checker.screen(part, columns, memo))
        ids.extend(columns.get("notice_id") or repeat(None, len(part)))
        codes = columns.get("lasdec_code") or ()
        if lasdec is not None and not set(codes) <= {lasdec, "", None}:
            suspects.update(start + n for n, code in enumerate(codes) if code and code != lasdec)
    first_line: dict[str | None, int] = {}
    if len(set(ids)) < len(ids):  # a notice_id (or an empty one) comes again
        # the line of the first record with each notice_id (reversed: the earliest wins)
        first_line = dict(zip(reversed(ids), reversed(lines)))  # noqa: B905 (same length)
        again = zip(ids, lines)  # noqa: B905
        suspects.update(n for n, (nid, line) in enumerate(again) if nid and first_line[nid] != line)
    check = checker.check
    extend = report.extend
    for n in sorted(suspects):
        record, line = records[n], lines[n]
        problems = check(record, line)
        notice = record.get("notice_id")
        if notice and first_line and first_line[notice] != line:
            params = {"value": notice, "first": str(first_line[notice])}
            problems.append(Problem(line, "notice_id", "validate.record.duplicate_notice", params))
        if lasdec is not None:
            code = record.get("lasdec_code")
            if code and code != lasdec:
                params = {"value": code, "expected": lasdec}
                problems.append(
                    Problem(line, "lasdec_code", "validate.record.other_lasdec", params)
                )
        if problems:
            extend(problems)
    return report


def _write_version(kind: str, records: list[Mapping[str, str | None]]) -> int:
    newer = [c.id for c in tables.layout(kind) if c.since > 1]
    if records and newer and all(not any(c in r for c in newer) for r in records):
        return 1
    return tables.LATEST


def write(
    kind: str,
    records: Iterable[Mapping[str, str | None]],
    *,
    extra_columns: Iterable[str] = (),
    version: int | None = None,
) -> bytes:
    """The CSV bytes of ``records``: header of the layout's columns (then any extra
    columns, in ``extra_columns`` order, then as first met in the records), CRLF,
    UTF-8 without BOM. Missing values are written empty. No check is made here:
    call ``check_record`` (or ``read`` the result) for that.

    ``version``: the layout; by default the latest, but v1 when there are records
    and every one of them is a v1 record (read from a v1 file and without any
    column of v2): such records go on as the v1 file they came from instead of a
    v2 file in which they would lack the v2 items."""
    records = list(records)
    if version is None:
        version = _write_version(kind, records)
    header = [c.id for c in tables.layout(kind, version)]
    known = set(header)
    for name in extra_columns:
        if name not in known:
            header.append(name)
            known.add(name)
    for record in records:
        for name in record:
            if name not in known:
                header.append(name)
                known.add(name)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    for record in records:
        writer.writerow([record.get(name) or "" for name in header])
    return out.getvalue().encode("utf-8")
