"""縮退 folding for search: the variant a record holds meets the character an IME types.

``fold("髙橋")`` is ``"高橋"``, ``fold("𠮷田")`` is ``"吉田"``; an ideographic
variation selector (IVS, U+E0100–U+E01EF, and U+FE00–U+FE0F) is dropped so the
base character matches. Folding is for finding only: what is stored and sent
keeps its exact characters.

The table here (``fold_min.csv``) is a small stand-in; the table derived from
the MJ 縮退マップ (the 住基統一文字 issue) replaces it with the same ``fold``.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources

_SELECTORS = {cp: None for cp in (*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0))}


@cache
def _table() -> dict[int, str | None]:
    text = (resources.files("core.charset") / "fold_min.csv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    table: dict[int, str | None] = dict(_SELECTORS)
    for row in csv.DictReader(io.StringIO("\n".join(lines))):
        if row["variant"] != row["base"]:
            table[ord(row["variant"])] = row["base"]
    return table


def fold(text: str) -> str:
    """``text`` with every variant replaced by its base character, IVS dropped."""
    return text.translate(_table())
