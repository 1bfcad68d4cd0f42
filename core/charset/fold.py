"""Fold text to its 縮退 (fallback) form for search: 髙→高, 𠮷→吉, 﨑→崎, and
every variation selector dropped, so what an IME types finds every variant.

Width and case folding are not done here (the search does them). The map is
data (``data/fold.tsv``: one ``code point<TAB>folded code point(s)`` in hex a
line, derived from the MJ縮退マップ by ``python -m core.charset.derive``),
read once.
"""

from __future__ import annotations

import functools
from importlib import resources

# Variation selectors (IVS, standardized, Mongolian free): never part of the key.
_SELECTORS = (
    list(range(0xFE00, 0xFE10)) + list(range(0xE0100, 0xE01F0)) + list(range(0x180B, 0x180E))
)
FOLD_DATA = "fold.tsv"


@functools.lru_cache(maxsize=1)
def _table() -> dict[int, str | None]:
    """``str.translate`` table: selectors removed, variants to their 縮退 form."""
    table: dict[int, str | None] = dict.fromkeys(_SELECTORS)
    text = resources.files("core.charset").joinpath("data", FOLD_DATA).read_text("utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        source, target = line.split("\t")
        table[int(source, 16)] = "".join(chr(int(t, 16)) for t in target.split())
    return table


def fold(text: str) -> str:
    """``text`` with each character replaced by its 縮退 form and variation
    selectors removed (髙橋 → 高橋, 𠮷田 → 吉田, 葛󠄀 → 葛)."""
    return text.translate(_table())
