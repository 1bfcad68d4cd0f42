"""The 住基統一文字 code table (``J+XXXX`` ⇄ Unicode), imported from MJ data.

The administrator imports it once with ``renkei charset import FILE`` from a
CSV or TSV export of IPA's / CITPC's MJ文字情報一覧表 (licence CC BY-SA 2.1 JP;
the attribution is written beside the table and kept with it). Columns read,
found by their header names anywhere in the first ten lines:

- ``住基ネット統一文字コード`` (required): ``J+XXXX``; rows without one are skipped;
- ``実装したMoji_JohoコレクションIVS``: ``845B_E0100`` (base and selector);
- ``実装したUCS``, else ``対応するUCS``: ``U+845B``;
- ``MJ文字図形名`` (kept for reference).

Every other column is ignored. A J+ code maps to its 実装したUCS when the row
has one, else to its Moji_Joho IVS (base + selector): in the MJ table this is
one-to-one. A row with both also accepts the IVS spelling on the way in. J+
numbers are never read as Unicode code points: J+AD00–D6FF would be Hangul.

Without any import, the table shipped in ``core/charset/data/`` (derived from
the same MJ table by ``python -m core.charset.derive``) is used; the non-kanji
repertoire (J+ = U+) is always added from ``data/nonkanji.tsv``.
"""

from __future__ import annotations

import csv
import datetime
import functools
import hashlib
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from core.charset.gaiji import JUKI_CODE, CharsetTableError, u_codes
from core.durable import DIR_MODE, write_atomic
from core.errors import RenkeiError
from core.paths import CHARSET_DIR, JUKI_ATTRIBUTION_NAME, JUKI_NAME

COL_JUKI = "住基ネット統一文字コード"
COL_IVS = "実装したMoji_JohoコレクションIVS"
COL_UCS = ("実装したUCS", "対応するUCS")
COL_MJ = "MJ文字図形名"

ATTRIBUTION = """\
住基統一文字コード表 / 住基統一文字 code table used by renkei

Derived from the MJ文字情報一覧表 (MJ Character Information List),
© Information-technology Promotion Agency, Japan (IPA) / Character Information
Technology Promotion Council (CITPC), https://moji.or.jp/mojikiban/mjlist/
Licensed under Creative Commons Attribution-ShareAlike 2.1 Japan
(CC BY-SA 2.1 JP), https://creativecommons.org/licenses/by-sa/2.1/jp/
The derived table ({table}) is shared under the same licence.
Changes: only the columns 住基ネット統一文字コード, 実装したMoji_JohoコレクションIVS,
実装したUCS / 対応するUCS and MJ文字図形名 were kept.

Imported from: {source}
SHA-256 of the imported file: {sha256}
Imported at: {when}
Rows: {rows}
"""


@dataclass
class JukiTable:
    """J+ code ⇄ Unicode text (one character, optionally with an IVS)."""

    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (J+, text, MJ name)
    to_unicode: dict[str, str] = field(default_factory=dict)
    from_unicode: dict[str, str] = field(default_factory=dict)  # every accepted spelling
    mj: dict[str, str] = field(default_factory=dict)  # J+ → MJ文字図形名
    suggestions: dict[str, list[str]] = field(default_factory=dict)  # text → J+ (縮退)
    # where ``suggestions`` comes from when first asked for: reading the 縮退 table
    # is half the cost of the table, and the data check of a file's names needs none
    suggestions_from: Callable[[], dict[str, list[str]]] | None = field(
        default=None, repr=False, compare=False
    )

    @classmethod
    def build(
        cls, rows: list[tuple[str, str, str]], also: Iterable[tuple[str, str]] = ()
    ) -> JukiTable:
        """``rows`` (J+, form, MJ); ``also`` (J+, second spelling) accepted on the way in."""
        table = cls(rows=rows)
        for code, text, mj in rows:
            table.to_unicode.setdefault(code, text)
            table.from_unicode.setdefault(text, code)
            if mj:
                table.mj.setdefault(code, mj)
        for code, text in also:
            table.from_unicode.setdefault(text, code)
        return table

    def __len__(self) -> int:
        return len(self.to_unicode)

    def suggest(self, text: str) -> list[str]:
        """J+ codes to offer for ``text`` that has none: its 縮退 forms from the
        MJ縮退マップ / 別表第四; for base + an unknown selector, the base's code first."""
        if self.suggestions_from is not None:
            self.suggestions, self.suggestions_from = self.suggestions_from(), None
        out: list[str] = []
        if len(text) == 2 and _is_selector(text[1]):
            base = text[0]
            if base in self.from_unicode:
                out.append(self.from_unicode[base])
            out.extend(self.suggestions.get(base, []))
        out.extend(self.suggestions.get(text, []))
        return list(dict.fromkeys(c for c in out if c != self.from_unicode.get(text)))


def _is_selector(char: str) -> bool:
    cp = ord(char)
    return 0xE0100 <= cp <= 0xE01EF or 0xFE00 <= cp <= 0xFE0F


def _data_lines(name: str) -> list[list[str]]:
    text = resources.files("core.charset").joinpath("data", name).read_text("utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


def _chars(hex_codes: str) -> str:
    if " " not in hex_codes:  # one character: most of the 48,000 forms of the table
        return chr(int(hex_codes, 16))
    return "".join(chr(int(h, 16)) for h in hex_codes.split())


def _j(hex_code: str) -> str:
    return f"J+{hex_code}"


@functools.lru_cache(maxsize=1)
def nonkanji() -> tuple[str, ...]:
    """The non-kanji repertoire: characters whose J+ code is their code point."""
    return tuple(chr(int(cells[0], 16)) for cells in _data_lines("nonkanji.tsv"))


@functools.lru_cache(maxsize=1)
def _suggestions() -> dict[str, list[str]]:
    return {
        _chars(form): [_j(c) for c in codes.split()] for form, codes in _data_lines("suggest.tsv")
    }


@functools.lru_cache(maxsize=1)
def shipped() -> JukiTable:
    """The table derived from the MJ文字情報一覧表 and shipped with renkei, with the
    non-kanji repertoire (read once)."""
    rows: list[tuple[str, str, str]] = []
    also: list[tuple[str, str]] = []
    for code, mj, form, second in _data_lines("juki.tsv"):
        rows.append((_j(code), _chars(form), f"MJ{mj}"))
        if second:
            also.append((_j(code), _chars(second)))
    return _with_nonkanji(rows, also)


def _with_nonkanji(rows: list[tuple[str, str, str]], also: list[tuple[str, str]]) -> JukiTable:
    kanji = {code for code, _text, _mj in rows} | {text for _code, text, _mj in rows}
    extra = [
        (f"J+{ord(c):04X}", c, "")
        for c in nonkanji()
        if f"J+{ord(c):04X}" not in kanji and c not in kanji
    ]
    table = JukiTable.build(extra + rows, also)
    table.suggestions_from = _suggestions
    return table


def _decode_source(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")  # Excel's "Unicode text" export
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RenkeiError("charset.mj.not_unicode") from None


def _hex_chars(value: str) -> str:
    tokens = [t for t in re.split(r"[\s_,;]+", value.strip()) if t]
    out = []
    for token in tokens:
        digits = token.upper().removeprefix("U+")
        if not re.fullmatch(r"[0-9A-F]{4,6}", digits):
            return ""
        out.append(chr(int(digits, 16)))
    return "".join(out)


def parse_mj(
    data: bytes, name: str, also: list[tuple[str, str]] | None = None
) -> list[tuple[str, str, str]]:
    """Rows (J+ code, Unicode text, MJ name) of an MJ文字情報一覧表 export; ``also``
    collects (J+ code, IVS) of rows that have both forms (accepted on the way in)."""
    lines = _decode_source(data).splitlines()
    index = next((i for i, line in enumerate(lines[:10]) if COL_JUKI in line), None)
    if index is None:
        raise CharsetTableError("charset.mj.no_header", file=name, column=COL_JUKI)
    delimiter = "\t" if "\t" in lines[index] else ","
    reader = csv.reader(io.StringIO("\n".join(lines[index:])), delimiter=delimiter)
    header = [re.sub(r"\s+", " ", h.strip()) for h in next(reader)]
    col = {h: i for i, h in enumerate(header)}
    # 実装したUCS only; 対応するUCS (the base of every variant) only when the
    # export has no 実装したUCS column.
    ucs_cols = [col[c] for c in COL_UCS if c in col][:1]
    if COL_IVS not in col and not ucs_cols:
        raise CharsetTableError("charset.mj.no_header", file=name, column=" / ".join(COL_UCS))
    rows: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for row in reader:
        line = index + reader.line_num

        def cell(i: int | None, row: list[str] = row) -> str:
            return row[i].strip() if i is not None and i < len(row) else ""

        code = cell(col[COL_JUKI]).upper()
        if not code:
            continue
        if not JUKI_CODE.fullmatch(code):
            raise CharsetTableError("charset.gaiji.bad_juki", file=name, line=line, value=code)
        ivs = _hex_chars(cell(col.get(COL_IVS)))
        ucs = next((c for c in (_hex_chars(cell(i)) for i in ucs_cols) if len(c) == 1), "")
        # The rule of the MJ table: 実装したUCS when present, else the Moji_Joho IVS.
        text = ucs or (ivs if len(ivs) == 2 else "")
        if not text or code in seen:
            continue  # no Unicode form: cannot be text; a second glyph: the first wins
        seen.add(code)
        rows.append((code, text, cell(col.get(COL_MJ))))
        if also is not None and ucs and len(ivs) == 2:
            also.append((code, ivs))
    return rows


def table_dir(data_dir: Path) -> Path:
    return data_dir / CHARSET_DIR


def import_mj(source: Path, data_dir: Path) -> JukiTable:
    """Read an MJ export and store the J+ table (with its attribution) in ``data_dir``."""
    try:
        data = source.read_bytes()
    except FileNotFoundError:
        raise RenkeiError("common.error.file_not_found", path=str(source)) from None
    also: list[tuple[str, str]] = []
    rows = parse_mj(data, str(source), also)
    if not rows:
        raise CharsetTableError("charset.mj.empty", file=str(source))
    folder = table_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["juki_code", "unicode", "mj", "also"])
    second = dict(also)
    for code, text, mj in rows:
        writer.writerow([code, u_codes(text), mj, u_codes(second.get(code, ""))])
    write_atomic(folder / JUKI_NAME, out.getvalue().encode("utf-8"))
    notice = ATTRIBUTION.format(
        table=JUKI_NAME,
        source=source.name,
        sha256=hashlib.sha256(data).hexdigest(),
        when=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        rows=len(rows),
    )
    write_atomic(folder / JUKI_ATTRIBUTION_NAME, notice.encode("utf-8"), mode=0o644)
    return JukiTable.build(rows, also)


def load_juki(data_dir: Path) -> JukiTable:
    """The imported J+ table when there is one, else the shipped one; both with
    the non-kanji repertoire."""
    path = table_dir(data_dir) / JUKI_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return shipped()
    rows = []
    also: list[tuple[str, str]] = []
    reader = csv.DictReader(io.StringIO(text, newline=""))
    for record in reader:
        chars = _hex_chars(record["unicode"])
        if not chars:
            raise CharsetTableError("charset.mj.corrupt", file=str(path), line=reader.line_num)
        rows.append((record["juki_code"], chars, record.get("mj", "")))
        second = _hex_chars(record.get("also") or "")
        if second:
            also.append((record["juki_code"], second))
    return _with_nonkanji(rows, also)
