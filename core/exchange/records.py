"""Records of the exchanged files, as the workflows need them.

Reading a certificate notice, making the pattern-AF municipal record of an
entered date, and writing the municipal notice file. The column tables are
the formats part's (``core.formats``); until that lands this module reads and
writes the documented header-driven CSV itself, in this one place.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import date

from core.report import ERROR, Problem

CARD_RE = re.compile(r"^[A-Z]{2}[0-9]{8}[A-Z]{2}$")

SPR_REQUIRED = ("notice_id", "card_number", "card_made_date")

# FORMATS.md, municipal notice file, in file order.
MUNI_COLUMNS = (
    "notice_id", "pattern", "fact_code", "reason_text", "report_date", "process_date",
    "event_date", "name_alpha", "name_kanji", "name_class_code", "birth_date", "sex_code",
    "address", "lasdec_code", "prev_address", "prev_lasdec_code", "nationality",
    "nationality_code", "card_number", "card_kind_code", "card_delivered_date", "ref_notice_id",
)  # fmt: skip

# Pattern AF: the identity items (○ in column AF) copied from the certificate notice.
AF_COPIED = (
    "name_alpha", "name_kanji", "name_class_code", "birth_date", "sex_code", "address",
    "lasdec_code", "nationality", "nationality_code", "card_number",
)  # fmt: skip
AF_REASON = "特別永住者証明書の交付"
FACT_DELIVERED = "4"
FACT_CORRECTION = "3"
CARD_KIND_SPR = "2"


def ymd(day: date) -> str:
    return day.strftime("%Y%m%d")


def parse_ymd(text: str) -> date | None:
    if not re.fullmatch(r"\d{8}", text or ""):
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def read_csv(data: bytes) -> tuple[list[dict[str, str]], list[Problem]]:
    """Header-driven records of a notice file; problems name line and column."""
    problems: list[Problem] = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [], [Problem(0, "", "exchange.file.not_utf8", {"offset": str(exc.start)})]
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = next(reader, [])
        rows = []
        for record in reader:
            if record:
                rows.append((reader.line_num, record))
    except csv.Error as exc:
        return [], [Problem(reader.line_num, "", "exchange.file.malformed", {"detail": str(exc)})]
    out = []
    for line, record in rows:
        if len(record) != len(header):
            problems.append(
                Problem(
                    line,
                    "",
                    "exchange.file.fields",
                    {"count": str(len(record)), "expected": str(len(header))},
                )
            )
            continue
        out.append(dict(zip(header, record, strict=True)) | {"_line": str(line)})
    return out, problems


def check_spr(records: list[dict[str, str]]) -> list[Problem]:
    """The rules of a certificate notice the workflows rely on."""
    problems: list[Problem] = []
    for rec in records:
        line = int(rec.get("_line", "0"))
        for column in SPR_REQUIRED:
            if not rec.get(column):
                problems.append(Problem(line, column, "exchange.file.required"))
        card = rec.get("card_number", "")
        if card and not CARD_RE.match(card):
            problems.append(Problem(line, "card_number", "exchange.file.card", {"value": card}))
        for column in ("card_made_date", "birth_date", "card_delivered_date"):
            value = rec.get(column, "")
            if value and parse_ymd(value) is None:
                problems.append(Problem(line, column, "exchange.file.date", {"value": value}))
    return problems


def af_record(
    notice: dict[str, str], delivered: date, today: date, notice_id: str, correction: bool
) -> dict[str, str]:
    """The municipal notice record of a date entered for a certificate (FORMATS.md)."""
    record = dict.fromkeys(MUNI_COLUMNS, "")
    for column in AF_COPIED:
        record[column] = notice.get(column, "")
    record.update(
        notice_id=notice_id,
        pattern="AF",
        fact_code=FACT_CORRECTION if correction else FACT_DELIVERED,
        reason_text=AF_REASON,
        process_date=ymd(today),
        event_date=ymd(delivered),
        card_delivered_date=ymd(delivered),
        card_kind_code=CARD_KIND_SPR,
        ref_notice_id=notice.get("notice_id", ""),
    )
    return record


def write_muni(records: Iterable[dict[str, str]]) -> bytes:
    """The municipal notice file: header of column ids, CRLF, UTF-8 without BOM."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(MUNI_COLUMNS)
    for record in records:
        writer.writerow([record.get(column, "") for column in MUNI_COLUMNS])
    return out.getvalue().encode("utf-8")


def problem_is_error(problem: Problem) -> bool:
    return problem.severity == ERROR
