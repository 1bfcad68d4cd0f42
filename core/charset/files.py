"""Whole CSV files through a codec, with a full report when anything has no mapping.

The exchange and the boundary folders call ``encode_file`` / ``decode_file``;
``renkei charset check`` calls ``check_encode`` / ``check_decode``. The fast
path converts the whole file in one call; only when that fails is the file
parsed as CSV to say, for every character without a mapping, its record
(line, the header is line 1), column, character and U+ code.
"""

from __future__ import annotations

import bisect
import csv
import io
import re
from collections.abc import Callable, Mapping

from core.charset.codec import _SUSPECT, Bad, Codec, JukiSjisCodec
from core.charset.gaiji import u_codes
from core.charset.juki_codec import JukiCodec
from core.errors import RenkeiError
from core.report import Problem, Report

FieldCheck = Callable[[str], list[tuple[str, str, dict[str, str]]]]


class CharsetError(RenkeiError):
    """A file that cannot be converted; ``report`` holds every problem."""

    def __init__(self, key: str, /, report: Report, **params: object) -> None:
        self.report = report
        super().__init__(key, **params)


def _line_of(newlines: list[int], offset: int) -> int:
    return bisect.bisect_left(newlines, offset) + 1


def _locate(text: str, bad: list[Bad], field_check: FieldCheck, fallback: FieldCheck) -> Report:
    """Problems by record and column: the CSV is parsed and only records on a
    line with a problem are looked at field by field."""
    newlines = [m.start() for m in re.finditer("\n", text)]
    lines = sorted({_line_of(newlines, b.offset) for b in bad if b.in_text})
    report = Report()
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    previous = 0
    try:
        for row in reader:
            first, last = previous + 1, reader.line_num
            previous = last
            report.records += header is not None
            if header is None:
                header = row
            i = bisect.bisect_left(lines, first)
            if i == len(lines) or lines[i] > last:
                continue
            for index, value in enumerate(row):
                column = header[index] if index < len(header) else f"#{index + 1}"
                for _char, key, params in field_check(value):
                    report.add(Problem(first, column, key, params))
    except csv.Error:
        report.problems.clear()
    if not report.problems:  # not CSV after all: say the line, at least
        for line_no, line in enumerate(text.split("\n"), start=1):
            for _char, key, params in fallback(line):
                report.add(Problem(line_no, "", key, params))
    return report


def _unmappable_params(
    char: str, encoding: str, juki: Mapping[str, str], position: int = 0
) -> dict[str, str]:
    hint = juki.get(char, "") or juki.get(char[:1], "")
    return {
        "char": char,
        "code": u_codes(char),
        "encoding": encoding,
        "juki": hint or "-",
        "position": str(position),
    }


def check_encode(
    text: str, codec: Codec, juki: Mapping[str, str] | None = None
) -> tuple[bytes, Report]:
    """Encode ``text`` (a CSV file); the bytes, or b"" and a report of every problem."""
    data, bad = codec.encode(text)
    if not bad:
        report = Report()
        return data, report
    hints = juki or {}

    def field_check(value: str) -> list[tuple[str, str, dict[str, str]]]:
        _out, found = codec.encode(value)
        return [
            (b.text, b.key, _unmappable_params(b.text, codec.name, hints, b.offset + 1))
            for b in found
        ]

    return b"", _locate(text, bad, field_check, field_check)


def check_decode(data: bytes, codec: Codec) -> tuple[str, Report]:
    """Decode ``data`` (a CSV file); the text, or "" and a report of every problem."""
    text, bad = codec.decode(data)
    if not bad:
        return text, Report()
    if isinstance(codec, JukiCodec):
        return "", _locate_juki(data, codec)
    byte_errors = [b for b in bad if not b.in_text]
    # Replace undecodable bytes by U+FFFD (which no valid byte sequence decodes to)
    # so the CSV can still be parsed to find record and column; hand the byte
    # values back in file order.
    encoding = "cp932" if isinstance(codec, JukiSjisCodec) else "utf-8-sig"
    raw = data.decode(encoding, errors="replace")
    pending = iter(byte_errors)
    known = getattr(codec, "_from_pua", {})

    def field_check(value: str) -> list[tuple[str, str, dict[str, str]]]:
        out = []
        for char in value:
            if char == "\ufffd":
                item = next(pending, None)
                code = item.text if item else "?"
                out.append((char, "charset.bad_bytes", {"code": code, "encoding": codec.name}))
            elif _SUSPECT.match(char) and char not in known and isinstance(codec, JukiSjisCodec):
                raw_bytes = char.encode("cp932")
                key = "charset.gaiji_unknown" if len(raw_bytes) == 2 else "charset.bad_bytes"
                code = raw_bytes.hex(" ").upper()
                out.append((char, key, {"code": code, "encoding": codec.name}))
        return out

    text_bad = [Bad(i, c, "") for i, c in enumerate(raw) if c == "\ufffd" or _SUSPECT.match(c)]
    return "", _locate(raw, text_bad, field_check, field_check)


def _locate_juki(data: bytes, codec: JukiCodec) -> Report:
    """Record and column of every unit without a meaning in a ``juki`` file."""
    raw, bad = codec.decode_marked(data)
    pending = iter(bad)

    def field_check(value: str) -> list[tuple[str, str, dict[str, str]]]:
        out = []
        for char in value:
            if char == "\ufffd":
                item = next(pending, None)
                key = item.key if item else "charset.bad_bytes"
                code = item.text if item else "?"
                out.append((char, key, {"code": code, "encoding": codec.name}))
        return out

    text_bad = [Bad(i, c, "") for i, c in enumerate(raw) if c == "\ufffd"]
    return _locate(raw, text_bad, field_check, field_check)


def encode_file(text: str, codec: Codec, name: str, juki: Mapping[str, str] | None = None) -> bytes:
    """The bytes of ``text`` in the codec's encoding; ``CharsetError`` (with the
    full report) when any character has no mapping: the file is not written."""
    data, report = check_encode(text, codec, juki)
    if not report.ok:
        raise _rejected(name, report, "charset.file_not_encoded")
    return data


def decode_file(data: bytes, codec: Codec, name: str) -> str:
    """The text of ``data``; ``CharsetError`` with the full report when it cannot be read."""
    text, report = check_decode(data, codec)
    if not report.ok:
        raise _rejected(name, report, "charset.file_not_decoded")
    return text


def _rejected(name: str, report: Report, key: str) -> CharsetError:
    first = report.problems[0]
    return CharsetError(
        key, report=report, file=name, count=len(report.problems), first=first.render()
    )


__all__ = ["CharsetError", "check_decode", "check_encode", "decode_file", "encode_file"]
