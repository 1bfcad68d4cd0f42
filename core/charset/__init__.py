"""Character codes at the resident-record boundary: Unicode inside, the
municipality's encoding (``utf-8`` or ``juki-sjis``) outside.

Typical use by the exchange / boundary code::

    from core import charset
    tables = charset.load_tables(data_dir)          # 外字 + 住基統一文字, once
    data = charset.encode_file(text, tables.codec, name)   # CharsetError + report
    text = charset.decode_file(data, tables.codec, name)

Tables live in ``<data>/charset/``: ``gaiji.csv`` (the 外字 table, or the path
in ``[boundary] gaiji_table``) and ``juki.csv`` (the 住基統一文字 table imported
from MJ data, with ``juki-ATTRIBUTION.txt`` beside it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from core import config as config_mod
from core.charset.codec import ENCODINGS, JUKI_SJIS, UTF8, Bad, Codec, JukiSjisCodec, Utf8Codec
from core.charset.files import CharsetError, check_decode, check_encode, decode_file, encode_file
from core.charset.gaiji import CharsetTableError, Gaiji, load_gaiji, parse_gaiji, u_codes
from core.charset.juki import JukiTable, import_mj, load_juki, table_dir
from core.config import BoundarySettings
from core.errors import RenkeiError

GAIJI_NAME = "gaiji.csv"

__all__ = [
    "ENCODINGS",
    "JUKI_SJIS",
    "UTF8",
    "Bad",
    "CharsetError",
    "CharsetTableError",
    "Codec",
    "Gaiji",
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
    "u_codes",
]


@dataclass
class Tables:
    """The codec of a terminal and the tables it came from."""

    codec: Codec
    gaiji_path: Path | None = None
    juki: JukiTable | None = None
    hints: dict[str, str] = field(default_factory=dict)  # Unicode → J+ (for reports)


def make_codec(encoding: str, gaiji: list[Gaiji] | None = None) -> Codec:
    if encoding == UTF8:
        return Utf8Codec()
    if encoding == JUKI_SJIS:
        return JukiSjisCodec(gaiji or [])
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
    外字 table and the imported 住基統一文字 table; arguments override the config.

    An opened data directory passes its running ``settings``; without them
    (scripted commands) ``config.toml`` is read."""
    if settings is None:
        settings = config_mod.load(data_dir).boundary
    encoding = encoding or settings.encoding
    juki = load_juki(data_dir)
    path = gaiji or gaiji_path_for(data_dir, settings.gaiji_table)
    rows: list[Gaiji] = []
    if path is not None and encoding == JUKI_SJIS:
        rows = load_gaiji(path, juki.to_unicode if juki else None)
    hints = dict(juki.from_unicode) if juki else {}
    for row in rows:
        if row.juki_code:
            hints.setdefault(row.text, row.juki_code)
    return Tables(make_codec(encoding, rows), path, juki, hints)
