"""Properties of the juki-sjis codec over generated text: whatever goes in either
comes back the same or is reported character by character — never changed,
never dropped (except the six JIS/Microsoft twins, which are documented)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from core.charset import JukiSjisCodec, make_codec, parse_gaiji
from core.charset import codec as codec_module

IVS0 = "\U000e0100"
GAIJI = f"sjis,juki_code,unicode\nF040,,𠀋\nF041,,葛{IVS0}\nF042,,𩸽{IVS0}\nF043,,𩸽\n"
CODEC = JukiSjisCodec(parse_gaiji(GAIJI, "g.csv"))
KNOWN = ["𠀋", f"葛{IVS0}", f"𩸽{IVS0}", "𩸽"]
# (A bare selector is no piece of its own: it joins the character before it,
# and is reported together with it — tested in test_codec.py.)
UNMAPPABLE = ["𠮷", "\u2603", "\ue000", "\x80", f"高{IVS0}", "山\U000e0101"]
# cp932 writes these with their JIS X 0208 codes and reads back Microsoft's forms.
TWINS = {"¢": "￠", "£": "￡", "¬": "￢", "‖": "∥", "−": "－", "〜": "～"}

plain = st.sampled_from(list('abcXYZ0189,"\r\n あいうアイウ山田太郎髙﨑東京都①㍻') + list(TWINS))
pieces = st.lists(
    st.one_of(plain, st.sampled_from(KNOWN), st.sampled_from(UNMAPPABLE)), max_size=40
)


@settings(max_examples=300, deadline=None)
@given(pieces)
def test_text_comes_back_or_every_bad_character_is_named(parts: list[str]) -> None:
    text = "".join(parts)
    data, bad = CODEC.encode(text)
    if not any(p in UNMAPPABLE for p in parts):
        assert bad == []
        back, problems = CODEC.decode(data)
        assert problems == []
        assert back == "".join(TWINS.get(c, c) for c in text)
    else:
        assert data == b""
        # Every character reported is one of the unmappable pieces, at its place.
        expected, offset = [], 0
        for part in parts:
            if part in UNMAPPABLE:
                expected.append((offset, part))
            offset += len(part)
        assert [(b.offset, b.text) for b in bad] == expected


def test_only_six_characters_do_not_round_trip_identically() -> None:
    changed = {}
    for cp in range(0x10000):
        if 0xD800 <= cp <= 0xDFFF or 0xE000 <= cp <= 0xF8FF or 0x80 <= cp <= 0x9F:
            continue
        data, bad = CODEC.encode(chr(cp))
        if not bad and CODEC.decode(data)[0] != chr(cp):
            changed[chr(cp)] = CODEC.decode(data)[0]
    assert changed == TWINS


# The juki codec: pieces from the shipped table (identity, J+ ≠ U+, IVS, non-BMP),
# a 外字, and characters outside the repertoire (Hangul, simplified, another IVS).
JUKI = make_codec("juki", parse_gaiji("sjis,juki_code,unicode\nF040,,鿰\n", "g.csv"))
JUKI_KNOWN = ["一", "葛", "葛\U000e0102", "葛\U000e0103", "㐄\U000e0101", "髙", "𠮷", "鿰",
              "A", ",", "\r\n", "ア", "々"]  # fmt: skip
JUKI_BAD = ["\uad01", "边", "葛\U000e0100", "\ue000", "㐄", "\x00"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(JUKI_KNOWN + JUKI_BAD), max_size=40))
def test_juki_text_comes_back_or_every_bad_character_is_named(parts: list[str]) -> None:
    text = "".join(parts)
    data, bad = JUKI.encode(text)
    if not any(p in JUKI_BAD for p in parts):
        assert bad == [] and len(data) == 2 * sum(2 if p == "\r\n" else 1 for p in parts)
        back, problems = JUKI.decode(data)
        assert problems == []
        # 葛 U+E0103 is the second spelling of J+B9D5: it comes back as 葛.
        assert back == text.replace("葛\U000e0103", "葛")
    else:
        assert data == b""
        expected, offset = [], 0
        for part in parts:
            if part in JUKI_BAD:
                expected.append((offset, part))
            offset += len(part)
        assert [(b.offset, b.text) for b in bad] == expected


# juki-sjis decoding, piece by piece: Shift_JIS characters (JIS X 0208, the NEC
# and IBM extensions, half-width katakana), the table's 外字 codes, codes of the
# user-defined area the table lacks, and the single bytes Python's cp932 reads as
# C1 or private use (0x80 U+0080; 0xA0, 0xFD-0xFF U+F8F0-F8F3).
SJIS_CHARS = {b"A": "A", b"\r\n": "\r\n", b"\x82\xa0": "あ", b"\xfb\xfc": "髙",
              b"\x87\x40": "①", b"\x8a\x8b": "葛", b"\xb1": "ｱ", b",": ","}  # fmt: skip
SJIS_GAIJI = {b"\xf0\x40": "𠀋", b"\xf0\x41": f"葛{IVS0}", b"\xf0\x42": f"𩸽{IVS0}",
              b"\xf0\x43": "𩸽"}  # fmt: skip
SJIS_UNKNOWN = [b"\xf0\x44", b"\xf9\xfc", b"\xf5\x80"]
SJIS_SUSPECT_BYTES = [b"\x80", b"\xa0", b"\xfd", b"\xfe", b"\xff"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from([*SJIS_CHARS, *SJIS_GAIJI, *SJIS_UNKNOWN, *SJIS_SUSPECT_BYTES]),
        max_size=40,
    )
)
def test_juki_sjis_decoding_agrees_piece_by_piece(parts: list[bytes]) -> None:
    text, bad, offset = [], [], 0
    for part in parts:
        if part in SJIS_UNKNOWN:
            bad.append((offset, part.hex(" ").upper(), "charset.gaiji_unknown"))
        elif part in SJIS_SUSPECT_BYTES:
            bad.append((offset, part.hex().upper(), "charset.bad_bytes"))
        text.append(SJIS_CHARS.get(part) or SJIS_GAIJI.get(part) or "?")
        offset += 2 if part == b"\r\n" else 1  # characters of cp932's reading
    back, problems = CODEC.decode(b"".join(parts))
    assert [(b.offset, b.text, b.key) for b in problems] == bad
    assert back == ("" if bad else "".join(text))


def test_the_scan_classes_are_exact_complements() -> None:
    """The encoder's and decoder's scans spell their runs as ranges (re is faster
    with those than with a negated class): they must leave out exactly the
    suspects (C1, private use) and, for encoding, the variation selectors."""
    suspect = re.compile("[\x80-\x9f\ue000-\uf8ff]")
    selector = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")
    runs = re.compile(f"[{codec_module._NOT_SUSPECTS}]")
    neither = re.compile(f"[{codec_module._NEITHER}]")
    for cp in range(0x110000):
        char = chr(cp)
        is_suspect = suspect.match(char) is not None
        assert (runs.match(char) is None) == is_suspect, hex(cp)
        assert (neither.match(char) is None) == (is_suspect or selector.match(char) is not None)
