"""A file from one encoding to another (``renkei charset convert``), and what the
table says about a character (``renkei charset lookup``).

Conversion is all or nothing by default: any character or code without a place
in the target stops it, with the full report. ``partial`` writes the records
that convert and leaves out every record with a problem (the report names them).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from core.charset.codec import Codec
from core.charset.files import check_decode, check_encode
from core.charset.fold import fold
from core.charset.gaiji import u_codes
from core.charset.juki import JukiTable
from core.charset.juki_codec import JukiCodec
from core.report import Report


@dataclass
class Converted:
    data: bytes  # b"" when nothing may be written
    report: Report
    records: int = 0  # records written
    left_out: list[int] = field(default_factory=list)  # first lines of records left out


def _marked_text(data: bytes, codec: Codec) -> str:
    """The text with U+FFFD where the source has no meaning (for ``partial``)."""
    if isinstance(codec, JukiCodec):
        return codec.decode_marked(data)[0]
    encoding = "utf-8-sig" if codec.name == "utf-8" else "cp932"
    return data.decode(encoding, errors="replace")


def _records(text: str) -> list[tuple[int, int, str]]:
    """(first line, last line, raw text) of each CSV record, header included."""
    lines = text.splitlines(keepends=True)
    out = []
    reader = csv.reader(io.StringIO(text, newline=""))
    previous = 0
    try:
        for _row in reader:
            first, last = previous + 1, reader.line_num
            out.append((first, last, "".join(lines[first - 1 : last])))
            previous = last
    except csv.Error:
        return [(i, i, line) for i, line in enumerate(lines, start=1)]
    return out


def convert(data: bytes, source: Codec, target: Codec, hints: object = None, *,
            partial: bool = False) -> Converted:  # fmt: skip
    """``data`` (a CSV file in ``source``) in ``target``."""
    text, report = check_decode(data, source)
    if report.ok:
        out, report = check_encode(text, target, hints)  # type: ignore[arg-type]
        if report.ok:
            return Converted(out, report, max(len(_records(text)) - 1, 0))
    else:
        text = _marked_text(data, source)
    if not partial:
        return Converted(b"", report)
    bad_lines = {p.line for p in report.problems}
    kept: list[str] = []
    left_out: list[int] = []
    for first, last, raw in _records(text):
        if first > 1 and any(first <= n <= last for n in bad_lines):
            left_out.append(first)
        else:
            kept.append(raw)
    out, again = check_encode("".join(kept), target, hints)  # type: ignore[arg-type]
    if not again.ok:  # the header itself cannot be written
        return Converted(b"", report)
    return Converted(out, report, max(len(kept) - 1, 0), left_out)


_J = re.compile(r"J\+([0-9A-Fa-f]{4})")
_U = re.compile(r"(?:U\+[0-9A-Fa-f]{4,6}[\s_]*)+")


@dataclass(frozen=True)
class Lookup:
    """One character (or base + selector) as the table knows it."""

    text: str
    juki: str  # "J+B9D5", or "" when the text has no code
    mj: str
    also: tuple[str, ...]  # other spellings accepted on the way in
    suggestions: tuple[str, ...]  # J+ codes of the 縮退 forms (when it has no code)
    folded: str  # the search form


def lookup(query: str, table: JukiTable) -> list[Lookup]:
    """``query`` is ``J+XXXX``, ``U+XXXX [U+XXXX]`` or characters (each looked up)."""
    query = query.strip()
    match = _J.fullmatch(query)
    if match:
        code = f"J+{match.group(1).upper()}"
        text = table.to_unicode.get(code)
        return [_row(text, table)] if text else []
    if _U.fullmatch(query):
        chars = "".join(chr(int(t, 16)) for t in re.findall(r"U\+([0-9A-Fa-f]+)", query))
        return _split(chars, table)
    return _split(query, table)


def _split(text: str, table: JukiTable) -> list[Lookup]:
    out = []
    i = 0
    while i < len(text):
        step = 2 if i + 1 < len(text) and _is_selector(text[i + 1]) else 1
        out.append(_row(text[i : i + step], table))
        i += step
    return out


def _is_selector(char: str) -> bool:
    cp = ord(char)
    return 0xE0100 <= cp <= 0xE01EF or 0xFE00 <= cp <= 0xFE0F


def _row(text: str, table: JukiTable) -> Lookup:
    code = table.from_unicode.get(text, "")
    form = table.to_unicode.get(code, text) if code else text
    also = (
        tuple(t for t, c in table.from_unicode.items() if c == code and t != form) if code else ()
    )
    suggestions = () if code else tuple(table.suggest(text))
    return Lookup(form, code, table.mj.get(code, ""), also, suggestions, fold(text))


def describe(text: str) -> str:
    """``葛 (U+845B)``."""
    return f"{text} ({u_codes(text)})"
