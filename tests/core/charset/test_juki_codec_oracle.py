"""The ``juki`` codec's fast paths against an oracle built straight from the data
tables, on generated text: the fast path (one regex scan, ``map`` over the odd
characters, one UTF-16 call) must give the same bytes, the same text and the
same reports as a per-character walk, whatever the mix.

The oracle reads ``core/charset/data/juki.tsv`` and ``nonkanji.tsv`` itself (not
through ``core``) and applies the rules of the README section "Character codes
at the resident-record boundary": each J+ code is one 16-bit unit holding its
form (実装したUCS, else the Moji_Joho IVS), a row's second spelling is accepted
on the way in, the non-kanji are their own code point unless the MJ table codes
them, line ends are 000D 000A, a 外字 is its private-use unit, and a character
followed by a selector is one piece. Anything else is reported where it stands.
"""

from __future__ import annotations

from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.charset import JukiCodec, make_codec
from core.charset.codec import Bad
from core.charset.gaiji import parse_gaiji

Report = tuple[int, str, str]  # offset, text, catalogue key
SELECTORS = frozenset(chr(c) for c in [*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)])


def _lines(name: str) -> list[list[str]]:
    text = resources.files("core.charset").joinpath("data", name).read_text("utf-8")
    return [line.split("\t") for line in text.splitlines() if line and line[0] != "#"]


def _chars(hex_codes: str) -> str:
    return "".join(chr(int(h, 16)) for h in hex_codes.split())


ROWS = _lines("juki.tsv")
KANJI_CODES = {int(code, 16) for code, *_ in ROWS}
KANJI_FORMS = {_chars(form) for _code, _mj, form, _also in ROWS}
NONKANJI = [
    chr(int(cells[0], 16))
    for cells in _lines("nonkanji.tsv")
    if int(cells[0], 16) not in KANJI_CODES and chr(int(cells[0], 16)) not in KANJI_FORMS
]
# 外字 (chosen outside the table): two of extension B, an identity kanji with a
# selector no MJ row has, an odd base (葛, J+B9D5) with one, a juki-only row.
GAIJI_TEXT = (
    "sjis,juki_code,unicode,unit\n"
    "F040,,U+20001,\nF041,,U+20003,\nF042,,U+4E00 U+E010F,\n"
    "F043,,U+845B U+E0100,\n,,U+9FF1,F8FF\n"
)
GAIJI = parse_gaiji(GAIJI_TEXT, "g.csv")


def _tables() -> tuple[dict[str, int], dict[int, str]]:
    """Text → unit and unit → text, with no entry written twice."""
    to_unit: dict[str, int] = {"\r": 0x0D, "\n": 0x0A}
    to_text: dict[int, str] = {0x0D: "\r", 0x0A: "\n"}

    def add(text: str, unit: int, back: bool = True) -> None:
        assert to_unit.setdefault(text, unit) == unit, text
        if back:
            assert to_text.setdefault(unit, text) == text, hex(unit)

    for char in NONKANJI:
        add(char, ord(char))
    for code, _mj, form, also in ROWS:
        add(_chars(form), int(code, 16))
        if also:
            add(_chars(also), int(code, 16), back=False)
    for row in GAIJI:
        add(row.text, row.unit or _pua(row.sjis))
    return to_unit, to_text


def _pua(sjis: int) -> int:
    """Microsoft's cp932 user-defined area: 188 codes a lead byte F0–F9, in order,
    from U+E000 (F040 → E000, F07E → E03E, F080 → E03F, F140 → E0BC)."""
    lead, trail = sjis >> 8, sjis & 0xFF
    return 0xE000 + (lead - 0xF0) * 188 + trail - 0x40 - (trail >= 0x80)


TO_UNIT, TO_TEXT = _tables()


def oracle_encode(text: str, order: str = "big", bom: bool = False) -> tuple[bytes, list[Report]]:
    """Piece by piece: a character (with the selector after it), its unit or a report."""
    out = [0xFEFF] if bom else []
    bad = []
    i = 0
    while i < len(text):
        size = 2 if text[i + 1 : i + 2] in SELECTORS and text[i] not in SELECTORS else 1
        piece = text[i : i + size]
        if piece in TO_UNIT:
            out.append(TO_UNIT[piece])
        else:
            bad.append((i, piece, "charset.unmappable"))
        i += size
    if bad:
        return b"", bad
    return b"".join(u.to_bytes(2, order) for u in out), []  # type: ignore[arg-type]


def oracle_decode(data: bytes, order: str = "big") -> tuple[str, list[Report]]:
    """Unit by unit (a BOM says the order); U+FFFD and a report for a unit with no
    meaning, by byte offset. Two units that form a UTF-16 surrogate pair are read
    as one character, as Python's codec reads them."""
    start = 0
    if data[:2] in (b"\xfe\xff", b"\xff\xfe"):
        order, start = ("big" if data[:2] == b"\xfe\xff" else "little"), 2
    bad: list[Report] = []
    if (len(data) - start) % 2:
        bad.append((len(data) - 1, data[-1:].hex().upper(), "charset.bad_bytes"))
    units = [
        int.from_bytes(data[i : i + 2], order)  # type: ignore[arg-type]
        for i in range(start, len(data) - 1, 2)
    ]
    out: list[str] = []
    k = 0
    while k < len(units):
        unit, offset = units[k], start + 2 * k
        k += 1
        if 0xD800 <= unit < 0xDC00 and k < len(units) and 0xDC00 <= units[k] < 0xE000:
            unit = 0x10000 + ((unit - 0xD800) << 10) + units[k] - 0xDC00
            k += 1
        if unit in TO_TEXT:
            out.append(TO_TEXT[unit])
            continue
        key = "charset.gaiji_unknown" if 0xE000 <= unit <= 0xF8FF else "charset.juki_unknown"
        bad.append((offset, f"{unit:04X}", key))
        out.append("\ufffd")
    return "".join(out), bad


def _reports(bad: list[Bad]) -> list[Report]:
    return [(b.offset, b.text, b.key) for b in bad]


CODECS = {
    ("big", False): make_codec("juki", GAIJI),
    ("little", True): make_codec("juki", GAIJI, byte_order="le", bom=True),
}

IDENTITY = sorted(c for c in TO_UNIT if len(c) == 1 and TO_UNIT[c] == ord(c))
REWRITTEN = sorted(t for t in TO_UNIT if t not in IDENTITY)  # 葛, 𠮷, IVS forms, 外字
OUTSIDE = ["\uad01", "边", "㐄", "\x00", "\t", "\ue000", "\ud800", "\U0002a6d6", "\u9fff",
           "葛\U000e0100", "一\U000e01ef", "\ufeff", "\uffff"]  # fmt: skip
pieces = st.one_of(
    st.sampled_from(IDENTITY),
    st.sampled_from(REWRITTEN),
    st.sampled_from(["\r\n", "A", ",", "一", "葛", "髙", "𠮷"]),
    st.sampled_from(OUTSIDE),
    st.sampled_from(sorted(SELECTORS)),  # stray: pairs with whatever stands before it
)


def test_the_oracle_sees_the_repertoire_the_readme_states() -> None:
    assert len(ROWS) == 19563 and len(REWRITTEN) > 5000  # 5,791 J+ ≠ U+, and spellings
    assert "葛" in REWRITTEN and "一" in IDENTITY and "㐄" not in TO_UNIT
    assert not any(c in SELECTORS for c in IDENTITY)


@settings(max_examples=400, deadline=None)
@given(st.lists(pieces, max_size=60), st.sampled_from(sorted(CODECS)))
def test_encode_agrees_with_the_oracle_and_the_slow_path(
    parts: list[str], variant: tuple[str, bool]
) -> None:
    codec = CODECS[variant]
    assert isinstance(codec, JukiCodec)
    text = "".join(parts)
    data, bad = codec.encode(text)
    expected, expected_bad = oracle_encode(text, *variant)
    assert (data, _reports(bad)) == (expected, expected_bad)
    assert codec._encode_slow(text) == (data, bad)
    if not bad:  # and back: every piece as its table form (second spellings as the first)
        back = "".join(TO_TEXT[u] for u in _units(data, *variant))
        assert codec.decode(data) == (back, [])


def _units(data: bytes, order: str, bom: bool) -> list[int]:
    data = data[2:] if bom else data
    return [int.from_bytes(data[i : i + 2], order) for i in range(0, len(data), 2)]  # type: ignore[arg-type]


KNOWN_UNITS = sorted(TO_TEXT)
units = st.one_of(
    st.sampled_from(KNOWN_UNITS).map(lambda u: [u]),
    st.sampled_from([0x000D, 0x000A, 0x0041, 0x4E00, 0xB9D5, 0xAEAC, 0xE000, 0xE003, 0xF8FF]).map(
        lambda u: [u]
    ),
    st.integers(0, 0xFFFF).map(lambda u: [u]),  # anything: surrogates, unknown private use
    st.sampled_from([[0xD842, 0xDFB7], [0xDBFF], [0xDC00], [0xE123], [0xFFFF], [0x0000]]),
)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(units, max_size=60).map(lambda runs: [u for run in runs for u in run]),
    st.sampled_from(sorted(CODECS)),
    st.sampled_from([b"", b"\xfe\xff", b"\xff\xfe"]),
    st.booleans(),
)
def test_decode_agrees_with_the_oracle(
    values: list[int], variant: tuple[str, bool], bom: bytes, odd_byte: bool
) -> None:
    codec = CODECS[variant]
    assert isinstance(codec, JukiCodec)
    order = {b"\xfe\xff": "big", b"\xff\xfe": "little"}.get(bom, variant[0])
    data = bom + b"".join(v.to_bytes(2, order) for v in values)  # type: ignore[arg-type]
    data += b"\x41" if odd_byte else b""
    marked, bad = codec.decode_marked(data)
    expected, expected_bad = oracle_decode(data, variant[0])
    assert (marked, _reports(bad)) == (expected, expected_bad)
    assert codec.decode(data) == ((marked, []) if not bad else ("", bad))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # A surrogate pair is read as one character; what follows keeps its offset.
        ("D842 DFB7 E123 4E00", [(0, "20BB7"), (4, "E123")]),
        ("4E00 D800 0041 FFFF", [(2, "D800"), (6, "FFFF")]),
    ],
)
def test_unknown_units_are_named_at_their_byte_offset(
    data: str, expected: list[tuple[int, str]]
) -> None:
    codec = CODECS["big", False]
    text, bad = codec.decode(bytes.fromhex(data))
    assert text == "" and [(b.offset, b.text) for b in bad] == expected
