"""Is a name writable in 住基統一文字? The check ``renkei validate`` (and every
other caller of the data check) runs on name fields.

A character outside the repertoire (the shipped J+ table and its non-kanji) is a
warning, not an error: the record can still be exchanged with the MOJ side, but
it will need a decision (``renkei charset review``) or a 外字 before it can go to
the resident-record system. Each warning names the position, the character, its
U+ code and the J+ codes the MJ縮退マップ / 別表第四 suggest.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from core.charset.gaiji import u_codes
from core.charset.juki import shipped
from core.charset.juki_codec import JukiCodec
from core.report import WARNING, Problem

NAME_FIELDS = ("name_kanji", "old_name_kanji")
OUTSIDE = "charset.outside_repertoire"


@functools.lru_cache(maxsize=1)
def _codec() -> JukiCodec:
    return JukiCodec(shipped())


def name_repertoire_pattern() -> re.Pattern[str]:
    """The characters ``name_warnings`` looks at (a text none of which it finds
    has nothing to warn of)."""
    return _codec()._odd


def outside(text: str) -> list[tuple[int, str]]:
    """(offset, character or base + selector) of each part of ``text`` that has
    no 住基統一文字 code."""
    codec = _codec()
    if codec._odd.search(text) is None:  # every character written as itself
        return []
    _data, bad = codec.encode(text)
    return [(b.offset, b.text) for b in bad]


def suggestion(text: str) -> str:
    """``J+8FBA J+908A`` (best first, at most three) or ``-``."""
    return " ".join(shipped().suggest(text)[:3]) or "-"


def name_warnings(record: Mapping[str, str], line: int) -> list[Problem]:
    """A warning per character of a name field outside the repertoire (the data
    check calls this for every record: the common case is one regex search)."""
    odd = _codec()._odd.search
    out: list[Problem] = []
    for column in NAME_FIELDS:
        value = record.get(column)
        if not value or odd(value) is None:
            continue
        for offset, text in outside(value):
            params = {
                "position": str(offset + 1),
                "char": text,
                "code": u_codes(text),
                "juki": suggestion(text),
            }
            out.append(Problem(line, column, OUTSIDE, params, WARNING))
    return out
