"""File layouts as data, CSV in/out and the data check (FORMATS.md).

The stable API teammates call (everything else in this package is internal):

``KINDS``
    ``("moj", "spr", "muni")``: MOJ notice file, MOJ certificate notice
    (特別永住者証明書交付年月日), municipal notice file.
``read(kind, data: bytes, *, check=True, version=None) -> ParsedFile``
    Parse a whole file and check every record. Never raises on bad content:
    ``parsed.fatal`` is the one file-level problem (not CSV / not UTF-8 /
    missing column) or ``None``; ``parsed.records`` are ``dict[column id, str]``
    (extra columns kept), ``parsed.lines`` the 1-based file line of each record,
    ``parsed.report`` a ``core.report.Report`` with every problem, ``parsed.ok``
    true when there is no error (warnings allowed). ``parsed.raise_if_fatal()``
    raises ``FormatError`` (a ``RenkeiError``) for the fatal case.
    ``parsed.version`` is the file's layout version (``LATEST`` = 2: every item
    of tables 4.1.1 / 4.2.1; 1: the columns before, read with a warning).
``write(kind, records, *, extra_columns=()) -> bytes``
    CSV bytes: header of the layout columns (+ extra columns), CRLF, UTF-8
    without BOM. Round-trips with ``read``.
``check_record(kind, record, line=0) -> list[Problem]``
    The data check of one record (e.g. a municipal notice before it is queued).
``columns(kind) -> tuple[str, ...]``, ``layout(kind)``, ``patterns(kind)``
    The tables as data (``core/formats/layouts/*.csv``, ``patterns/*.csv``).
``af_record(certificate, delivered, *, today, notice_id, correction=False)``
    The municipal notice record (pattern AF, fact 4, or 3 for a correction
    after sending) for a 交付年月日 entered for a certificate notice record.
``read(..., lasdec="131016")``
    Also report records whose ``lasdec_code`` is another municipality's.
``lasdec_check_digit(first5)``, ``is_real_date(yyyymmdd)``
    The two arithmetic checks, for callers that take such values from a person.
``use_readings(names)``, ``readings_in_use()``, ``optional_readings()``
    The optional readings of the seed tables a deployment chooses
    (``[formats] readings``; ``patterns/readings.csv``), process-wide.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from core.formats.check import checker_for
from core.formats.csvio import ParsedFile, check_records, read, write
from core.formats.errors import FormatError
from core.formats.fields import is_real_date, lasdec_check_digit
from core.formats.tables import (
    KINDS,
    LATEST,
    VERSIONS,
    Column,
    Pattern,
    Reading,
    layout,
    optional_readings,
    patterns,
    readings_in_use,
    use_readings,
)
from core.report import Problem

__all__ = [
    "AF_REASON",
    "KINDS",
    "LATEST",
    "VERSIONS",
    "Column",
    "FormatError",
    "ParsedFile",
    "Pattern",
    "Reading",
    "af_record",
    "check_record",
    "check_records",
    "columns",
    "is_real_date",
    "lasdec_check_digit",
    "layout",
    "optional_readings",
    "patterns",
    "read",
    "readings_in_use",
    "record_version",
    "use_readings",
    "write",
]

AF_REASON = "特別永住者証明書の交付"
# Identity items of pattern AF (○ in its column), copied from the certificate notice.
_AF_COPIED = (
    "name_alpha",
    "name_kanji",
    "name_class_code",
    "birth_date",
    "sex_code",
    "nationality",
    "nationality_code",
    "card_number",
)


def columns(kind: str) -> tuple[str, ...]:
    """The column ids of ``kind`` in file order."""
    return tuple(c.id for c in layout(kind))


def record_version(kind: str, record: Mapping[str, str]) -> int:
    """The layout version of one record: the latest when it has every column of
    it (as ``write`` and ``af_record`` make them), else v1 (a record of a file
    received before layout v2)."""
    if all(c.id in record for c in layout(kind)):
        return LATEST
    return 1


def check_record(kind: str, record: Mapping[str, str], line: int = 0) -> list[Problem]:
    """Every problem of one record of ``kind`` (``line`` goes into the problems),
    in the layout version the record has (``record_version``)."""
    return checker_for(kind, record_version(kind, record)).check(record, line)


def af_record(
    certificate: Mapping[str, str],
    delivered: date,
    *,
    today: date,
    notice_id: str,
    correction: bool = False,
) -> dict[str, str]:
    """The municipal notice record for a 交付年月日 entered at this terminal.

    ``certificate`` is a record of a certificate notice (kind ``spr``); the
    result is pattern AF, fact 4, ``process_date`` = ``today``, ``event_date`` =
    ``card_delivered_date`` = ``delivered``, ``ref_notice_id`` = the
    certificate notice's ``notice_id``. ``correction=True`` (a date changed
    after its notice was sent) makes it fact 3 (修正). Whether the date is
    acceptable (not in the future, not before ``card_made_date``) is the
    caller's check.
    """
    record = dict.fromkeys(columns("muni"), "")
    record.update({c: certificate.get(c) or "" for c in _AF_COPIED})
    record.update(
        notice_id=notice_id,
        pattern="AF",
        fact_code="3" if correction else "4",
        reason_text=AF_REASON,
        process_date=today.strftime("%Y%m%d"),
        event_date=delivered.strftime("%Y%m%d"),
        card_delivered_date=delivered.strftime("%Y%m%d"),
        card_kind_code="2",
        ref_notice_id=certificate.get("notice_id") or "",
        fact_text="修正" if correction else "交付",
    )
    return record
