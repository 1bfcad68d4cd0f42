"""The written rule every entry of the server's listing must meet before the
terminal uses any of it (README "What renkei refuses").

A listing entry names a file the terminal will download, store, receipt and
export; each value is checked here against PROTOCOL.md and FORMATS.md:

- ``file_id``: ``[A-Za-z0-9][A-Za-z0-9._-]{0,127}`` (one path component, no
  ``..``), unique within the listing;
- ``kind``: ``moj`` or ``spr``;
- ``name``: ``{kind}-{lasdec}-{YYYYMMDD}-{seq4}.csv`` (FORMATS.md), of this
  terminal's municipality when it is configured, a real date;
- ``size``: an integer, 1 … ``[limits] max_download_bytes``;
- ``sha256``: 64 hex digits;
- ``records``: an integer, 0 … ``MAX_RECORDS``; ``created``: a short string.

An entry that fails is refused alone (the others go on): it is never stored,
receipted or exported, and its refusal names the field and the reason, with
what arrived shown escaped (``core.textsafe``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from core.config import LimitsSettings
from core.exchange import protocol as p
from core.textsafe import shown

NAME_RE = re.compile(r"^(moj|spr)-([0-9]{6})-([0-9]{8})-([0-9]{4})\.csv$")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
MAX_RECORDS = 10_000_000
MAX_CREATED = 64


class Refused(p.ExchangeError):
    """Something from outside broke a written rule: refused, nothing applied."""


@dataclass(frozen=True)
class NameParts:
    kind: str
    lasdec: str
    day: str
    seq: str


def parse_name(name: str) -> NameParts | None:
    """The parts of a notice file name, or None when it breaks the rule."""
    match = NAME_RE.match(name) if isinstance(name, str) else None
    if not match:
        return None
    kind, lasdec, day, seq = match.groups()
    try:
        date(int(day[:4]), int(day[4:6]), int(day[6:]))
    except ValueError:
        return None
    return NameParts(kind, lasdec, day, seq)


def _int(value: Any) -> int | None:
    # bool is an int in Python; JSON true is not a size
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def check_entry(raw: Any, limits: LimitsSettings, lasdec: str = "") -> p.NoticeFile:
    """The entry as a ``NoticeFile``, or ``Refused`` naming the field and reason."""
    if not isinstance(raw, dict):
        raise _refuse("?", "entry", "not an object")
    label = raw.get("file_id", "?")
    file_id = raw.get("file_id")
    if not isinstance(file_id, str) or not p.FILE_ID_RE.match(file_id) or ".." in file_id:
        raise _refuse(label, "file_id", "not [A-Za-z0-9][A-Za-z0-9._-]{0,127}")
    kind = raw.get("kind")
    if kind not in p.KINDS:
        raise _refuse(label, "kind", "not moj or spr")
    name = raw.get("name")
    parts = parse_name(name) if isinstance(name, str) else None
    if parts is None:
        raise _refuse(label, "name", "not {kind}-{lasdec}-{YYYYMMDD}-{seq4}.csv", value=name)
    if parts.kind != kind:
        raise _refuse(label, "name", "prefix differs from kind", value=name)
    if lasdec and parts.lasdec != lasdec:
        raise _refuse(label, "name", f"not this municipality ({lasdec})", value=name)
    size = _int(raw.get("size"))
    if size is None or size < 1:
        raise _refuse(label, "size", "not a positive integer", value=raw.get("size"))
    if size > limits.max_download_bytes:
        raise Refused(
            "guard.download.too_big",
            file=shown(name),
            size=size,
            limit=limits.max_download_bytes,
        )
    digest = raw.get("sha256")
    if not isinstance(digest, str) or not SHA256_RE.match(digest.lower()):
        raise _refuse(label, "sha256", "not 64 hex digits", value=digest)
    records = _int(raw.get("records", 0))
    if records is None or not 0 <= records <= MAX_RECORDS:
        raise _refuse(label, "records", f"not an integer 0…{MAX_RECORDS}", value=raw.get("records"))
    created = raw.get("created", "")
    if not isinstance(created, str) or len(created) > MAX_CREATED:
        raise _refuse(label, "created", "not a short string")
    return p.NoticeFile(file_id, str(kind), str(name), size, digest.lower(), records, created)


def _refuse(file: Any, field: str, reason: str, value: Any = None) -> Refused:
    return Refused(
        "guard.listing.refused",
        file=shown(file, 80),
        field=field,
        reason=reason,
        value=shown(value, 80) if value is not None else "-",
    )
