"""The 住基統一文字 code table (``J+XXXX`` ⇄ Unicode), imported from MJ data.

The administrator imports it once with ``renkei charset import FILE`` from a
CSV or TSV export of IPA's / CITPC's MJ文字情報一覧表 (licence CC BY-SA 2.1 JP;
the attribution is written beside the table and kept with it). Columns read,
found by their header names anywhere in the first ten lines:

- ``住基ネット統一文字コード`` (required): ``J+XXXX``; rows without one are skipped;
- ``実装したMoji_JohoコレクションIVS``: ``845B_E0100`` (base and selector);
- ``実装したUCS``, else ``対応するUCS``: ``U+845B``;
- ``MJ文字図形名`` (kept for reference).

Every other column is ignored. A J+ code maps to its plain UCS character when
no other J+ code shares that character, else to the base character plus the
Moji_Joho IVS, so that variants stay apart. J+ numbers are never read as
Unicode code points: J+AD00–D6FF would be Hangul.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from core.charset.gaiji import JUKI_CODE, CharsetTableError, u_codes
from core.errors import RenkeiError
from core.vault.atomic import DIR_MODE, write_atomic

TABLE_NAME = "juki.csv"
ATTRIBUTION_NAME = "juki-ATTRIBUTION.txt"
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
    from_unicode: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, rows: list[tuple[str, str, str]]) -> JukiTable:
        table = cls(rows=rows)
        for code, text, _mj in rows:
            table.to_unicode.setdefault(code, text)
            table.from_unicode.setdefault(text, code)
        return table

    def __len__(self) -> int:
        return len(self.to_unicode)


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


def parse_mj(data: bytes, name: str) -> list[tuple[str, str, str]]:
    """Rows (J+ code, Unicode text, MJ name) of an MJ文字情報一覧表 export."""
    lines = _decode_source(data).splitlines()
    index = next((i for i, line in enumerate(lines[:10]) if COL_JUKI in line), None)
    if index is None:
        raise CharsetTableError("charset.mj.no_header", file=name, column=COL_JUKI)
    delimiter = "\t" if "\t" in lines[index] else ","
    reader = csv.reader(io.StringIO("\n".join(lines[index:])), delimiter=delimiter)
    header = [re.sub(r"\s+", " ", h.strip()) for h in next(reader)]
    col = {h: i for i, h in enumerate(header)}
    ucs_cols = [col[c] for c in COL_UCS if c in col]
    if COL_IVS not in col and not ucs_cols:
        raise CharsetTableError("charset.mj.no_header", file=name, column=" / ".join(COL_UCS))
    raw: list[tuple[str, str, str, str]] = []  # code, base, base+IVS, MJ name
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
        base = next((c for c in (_hex_chars(cell(i)) for i in ucs_cols) if len(c) == 1), "")
        if not base and len(ivs) == 2:
            base = ivs[0]
        if not base:
            continue  # an MJ glyph with no Unicode form cannot be exchanged as text
        raw.append((code, base, ivs, cell(col.get(COL_MJ))))
    first: dict[str, tuple[str, str, str, str]] = {}
    for entry in raw:  # one row per J+ code: the first MJ glyph that carries it
        first.setdefault(entry[0], entry)
    sharing = Counter(base for _code, base, _ivs, _mj in first.values())
    rows = []
    for code, base, ivs, mj in first.values():
        text = ivs if sharing[base] > 1 and len(ivs) == 2 else base
        rows.append((code, text, mj))
    return rows


def table_dir(data_dir: Path) -> Path:
    return data_dir / "charset"


def import_mj(source: Path, data_dir: Path) -> JukiTable:
    """Read an MJ export and store the J+ table (with its attribution) in ``data_dir``."""
    try:
        data = source.read_bytes()
    except FileNotFoundError:
        raise RenkeiError("common.error.file_not_found", path=str(source)) from None
    rows = parse_mj(data, str(source))
    if not rows:
        raise CharsetTableError("charset.mj.empty", file=str(source))
    folder = table_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["juki_code", "unicode", "mj"])
    for code, text, mj in rows:
        writer.writerow([code, u_codes(text), mj])
    write_atomic(folder / TABLE_NAME, out.getvalue().encode("utf-8"))
    notice = ATTRIBUTION.format(
        table=TABLE_NAME,
        source=source.name,
        sha256=hashlib.sha256(data).hexdigest(),
        when=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        rows=len(rows),
    )
    write_atomic(folder / ATTRIBUTION_NAME, notice.encode("utf-8"), mode=0o644)
    return JukiTable.build(rows)


def load_juki(data_dir: Path) -> JukiTable | None:
    """The imported J+ table, or None when none was imported."""
    path = table_dir(data_dir) / TABLE_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    rows = []
    reader = csv.DictReader(io.StringIO(text, newline=""))
    for record in reader:
        chars = _hex_chars(record["unicode"])
        if not chars:
            raise CharsetTableError("charset.mj.corrupt", file=str(path), line=reader.line_num)
        rows.append((record["juki_code"], chars, record.get("mj", "")))
    return JukiTable.build(rows)
