"""Character codes at the resident-record boundary: Unicode inside, the
municipality's encoding (``utf-8``, ``juki`` or ``juki-sjis``) outside.

Typical use by the exchange / boundary code::

    from core import charset
    tables = charset.load_tables(data_dir)          # 外字 + 住基統一文字, once
    data = charset.encode_file(text, tables.codec, name)   # CharsetError + report
    text = charset.decode_file(data, tables.codec, name)

The 住基統一文字 table ships in ``core/charset/data/`` (derived from the MJ
文字情報一覧表, see ``derive.py``). The municipality's tables live in
``<data>/charset/``: ``gaiji.csv`` (the 外字 table, or the path in ``[boundary]
gaiji_table``) and, when a newer MJ table was imported, ``juki.csv`` with
``juki-ATTRIBUTION.txt`` beside it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from core import config as config_mod
from core.charset.codec import (
    ENCODINGS,
    JUKI,
    JUKI_SJIS,
    UTF8,
    Bad,
    Codec,
    JukiSjisCodec,
    Utf8Codec,
)
from core.charset.files import CharsetError, check_decode, check_encode, decode_file, encode_file
from core.charset.gaiji import CharsetTableError, Gaiji, load_gaiji, parse_gaiji, u_codes
from core.charset.juki import JukiTable, import_mj, load_juki, shipped, table_dir
from core.charset.juki_codec import JukiCodec
from core.config import BoundarySettings
from core.errors import RenkeiError
from core.paths import GAIJI_NAME

__all__ = [
    "ENCODINGS",
    "JUKI",
    "JUKI_SJIS",
    "UTF8",
    "Bad",
    "CharsetError",
    "CharsetTableError",
    "Codec",
    "Gaiji",
    "Hints",
    "JukiCodec",
    "JukiSjisCodec",
    "JukiTable",
    "Tables",
    "Utf8Codec",
    "check_decode",
    "check_encode",
    "decode_file",
    "encode_file",
    "import_mj",
    "load_gaiji",
    "load_juki",
    "load_tables",
    "make_codec",
    "parse_gaiji",
    "shipped",
    "u_codes",
]


class Hints(Mapping[str, str]):
    """Text → the J+ code(s) to name in a report: its own code when it has one,
    else the 縮退 forms the MJ縮退マップ / 別表第四 suggest (``J+8FBA J+908A``)."""

    def __init__(self, table: JukiTable, gaiji: list[Gaiji] | None = None) -> None:
        self.table = table
        self.extra = {row.text: row.juki_code for row in gaiji or [] if row.juki_code}

    def __getitem__(self, text: str) -> str:
        code = self.table.from_unicode.get(text) or self.extra.get(text)
        if code:
            return code
        found = self.table.suggest(text)
        if not found:
            raise KeyError(text)
        return " ".join(found[:3])

    def __iter__(self) -> Iterator[str]:
        return iter(self.table.from_unicode)

    def __len__(self) -> int:
        return len(self.table.from_unicode)


@dataclass
class Tables:
    """The codec of a terminal and the tables it came from."""

    codec: Codec
    gaiji_path: Path | None = None
    juki: JukiTable | None = None
    hints: Mapping[str, str] = field(default_factory=dict)  # Unicode → J+ (for reports)


def make_codec(
    encoding: str,
    gaiji: list[Gaiji] | None = None,
    juki: JukiTable | None = None,
    byte_order: str = "be",
    bom: bool = False,
) -> Codec:
    if encoding == UTF8:
        return Utf8Codec()
    if encoding == JUKI_SJIS:
        return JukiSjisCodec(gaiji or [])
    if encoding == JUKI:
        return JukiCodec(juki or shipped(), gaiji or [], byte_order, bom)
    raise RenkeiError("charset.unknown_encoding", value=encoding, choices=", ".join(ENCODINGS))


def gaiji_path_for(data_dir: Path, configured: str = "") -> Path | None:
    """``[boundary] gaiji_table`` (relative to the data directory), else the
    imported ``<data>/charset/gaiji.csv`` when there is one."""
    if configured:
        path = Path(configured).expanduser()
        return path if path.is_absolute() else data_dir / path
    imported = table_dir(data_dir) / GAIJI_NAME
    return imported if imported.exists() else None


def load_tables(
    data_dir: Path,
    encoding: str | None = None,
    gaiji: Path | None = None,
    settings: BoundarySettings | None = None,
) -> Tables:
    """The codec configured for ``data_dir`` (``[boundary] encoding``), with its
    外字 table and the 住基統一文字 table; arguments override the config.

    An opened data directory passes its running ``settings``; without them
    (scripted commands) ``config.toml`` is read."""
    if settings is None:
        settings = config_mod.load(data_dir).boundary
    encoding = encoding or settings.encoding
    juki = load_juki(data_dir)
    path = gaiji or gaiji_path_for(data_dir, settings.gaiji_table)
    rows: list[Gaiji] = []
    if path is not None and encoding in (JUKI_SJIS, JUKI):
        rows = load_gaiji(path, juki.to_unicode, juki.from_unicode)
    codec = make_codec(encoding, rows, juki, settings.juki_byte_order, settings.juki_bom)
    if encoding != UTF8:
        from core.charset.review import substituting  # the operators' decisions

        codec = substituting(codec, data_dir)
    return Tables(codec, path, juki, Hints(juki, rows))
