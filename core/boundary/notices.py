"""The received MOJ notices as the resident-record system gets them.

One implementation for both ways out of the terminal: the line connection's
export folder (``core.boundary.export``) and the USB bundle
(``core.bundle.pending_notices``). A notice file is decrypted in memory and
converted to the municipality's boundary encoding; a character without a
mapping raises ``CharsetError`` with the full report (file, record, column,
character, U+ code) and nothing is written.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.charset import Tables, encode_file
from core.exchange import intake
from core.exchange.fetch import read_inbox

if TYPE_CHECKING:
    from core.datadir.opened import Vault

# The file kinds carried to the resident-record system: MOJ notices (all
# patterns A…BG) and the certificate notices (特別永住者証明書交付年月日).
EXPORT_KINDS = ("moj", "spr")


@dataclass(frozen=True)
class ReceivedNotice:
    """A received notice file, stored encrypted and checked ``ok``."""

    file_id: str
    name: str
    path: str  # encrypted file, relative to the data directory


def received(vault: Vault) -> list[ReceivedNotice]:
    """Every received notice file the resident-record system should get, by name."""
    rows = vault.store.query(
        "SELECT file_id, name, path FROM exchange_inbox WHERE state IN ('stored', 'receipted')"
        f" AND status = 'ok' AND kind IN ({', '.join('?' * len(EXPORT_KINDS))}) ORDER BY name",
        EXPORT_KINDS,
    )
    return [ReceivedNotice(r["file_id"], r["name"], r["path"]) for r in rows]


def for_boundary(vault: Vault, tables: Tables, notice: ReceivedNotice) -> bytes | None:
    """The notice file's bytes in the boundary encoding (``CharsetError`` if a
    character has no mapping), without the records an earlier file already
    brought (``core.exchange.intake``); None when every record was such a copy.
    The plaintext exists only in memory here."""
    text = read_inbox(vault, notice.file_id).decode("utf-8")
    copies = intake.duplicate_records(vault.store, notice.file_id)
    if copies:
        kept = _without(text, copies)
        if kept is None:
            return None
        text = kept
    return encode_file(text, tables.codec, notice.name, tables.hints)


def _without(text: str, records: set[int]) -> str | None:
    """The CSV ``text`` without the records numbered in ``records`` (0-based);
    None when no record is left."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return None
    header, body = rows[0], rows[1:]
    kept = [r for n, r in enumerate(body) if n not in records]
    if not kept:
        return None
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(kept)
    return out.getvalue()
