"""The ``juki`` encoding: 住基統一文字 as one 16-bit code unit per character.

Each character is written as its J+ value (big-endian by default; little-endian
and a byte-order mark by ``[boundary] juki_byte_order`` / ``juki_bom``), the
municipality's 外字 as private-use units E000–F8FF (the table's ``unit`` column,
else the private-use character Python's cp932 codec gives for the 外字's
Shift_JIS code, so one 外字 table serves ``juki`` and ``juki-sjis``), and line
ends as 000D 000A.

Most J+ codes equal their code point (一 is J+4E00 and U+4E00), so the work is
Python's own UTF-16 codec plus one regex scan (a possessive repeat of one
character class, re's tightest loop) that checks every character and cuts the
text around those whose J+ code differs (葛 J+B9D5, 𠮷 J+AEAC, base + IVS, 外字);
those are looked up with one ``map`` over a dict. No per-character Python code
runs unless a selector or a character outside the repertoire is present. A
character outside the repertoire is never dropped or replaced: it comes back as
a ``Bad``, from the reference walk ``_encode_slow`` (the fast path must agree
with it: tests/core/charset/test_juki_codec_oracle.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import chain

from core.charset.codec import Bad, Codec
from core.charset.gaiji import Gaiji
from core.charset.juki import JukiTable

JUKI = "juki"
BYTE_ORDERS = ("be", "le")
_SELECTORS = "\ufe00-\ufe0f\U000e0100-\U000e01ef"
_LINE_ENDS = "\r\n"
_SELECTOR_SET = frozenset(chr(c) for c in [*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)])


def _class(chars: Iterable[str]) -> str:
    """A regex character class body for ``chars``, as ranges."""
    codes = sorted({ord(c) for c in chars})
    parts: list[str] = []
    i = 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        first, last = re.escape(chr(codes[i])), re.escape(chr(codes[j]))
        parts.append(first if i == j else f"{first}-{last}")
        i = j + 1
    return "".join(parts)


class JukiCodec(Codec):
    """住基統一文字 (J+ code units) plus a 外字 table."""

    name = JUKI

    def __init__(
        self,
        table: JukiTable,
        gaiji: Iterable[Gaiji] = (),
        byte_order: str = "be",
        bom: bool = False,
    ) -> None:
        self.table = table
        self.gaiji = list(gaiji)
        self.codec = "utf-16-le" if byte_order == "le" else "utf-16-be"
        self.bom = ("\ufeff".encode(self.codec)) if bom else b""
        encode: dict[str, str] = {}  # text → the code unit as a character
        decode: dict[str, str] = {}  # code unit → text
        identity: set[str] = set(_LINE_ENDS)
        for text, code in table.from_unicode.items():
            unit = chr(int(code[2:], 16))
            if text == unit:
                identity.add(text)
            else:
                encode[text] = unit
        for code, text in table.to_unicode.items():
            unit = chr(int(code[2:], 16))
            if text != unit:
                decode[unit] = text
        identity -= set(decode)  # a unit that decodes to something else is not identity
        for row in self.gaiji:
            encode.setdefault(row.text, row.juki_unit)
            decode[row.juki_unit] = row.text
        self._encode = encode
        self._decode = decode
        body = _class(identity - _SELECTOR_SET)  # a selector is never written alone
        # Anything not written as itself: rewritten, or reported.
        self._odd = re.compile(f"[^{body}]")
        # The whole text as (run written as itself, the odd character after it)
        # pairs, in one pass of re's tightest loop (a possessive class repeat);
        # the last pair's odd character is "" (end of text).
        self._scan = re.compile(f"([{body}]*+)([^{body}]|\\Z)")
        self._units = {**encode, "": ""}
        self._texts = {**decode, "": ""}
        # The reference tokenizer (``_encode_slow``): base + selector, else one
        # character not written as itself.
        self._token = re.compile(f"[^{_SELECTORS}][{_SELECTORS}]|[^{body}]", re.DOTALL)

    def encode(self, text: str) -> tuple[bytes, list[Bad]]:
        """One scan splits the text around the characters not written as
        themselves; those are looked up all at once (``map``), and the result is
        one call of Python's UTF-16 codec. Only text with a selector, or with a
        character that has no unit, takes a slower path."""
        pairs = self._scan.findall(text)
        if not pairs[0][1]:  # every character is written as itself
            return self.bom + text.encode(self.codec), []
        flat = list(chain.from_iterable(pairs))  # run, odd, run, odd, …, run, ""
        odd = flat[1::2]
        units = list(map(self._units.get, odd))
        if None in units:
            runs = flat[0::2]
            if not self._join_selectors(odd, runs, units):
                return self._encode_slow(text)  # the report, character by character
            flat[0::2] = runs
        flat[1::2] = units
        return self.bom + "".join(flat).encode(self.codec), []

    def _join_selectors(self, odd: list[str], runs: list[str], units: list[str | None]) -> bool:
        """Fill the gaps of ``units`` left by selectors, as ``_token`` reads them: a
        selector is one piece with the character before it, whether that one
        stands at the end of ``runs[k]`` (written as itself) or is the odd
        character before, right next to it. False when a piece has no unit."""
        table = self._units
        k = -1
        while True:
            try:
                k = units.index(None, k + 1)
            except ValueError:
                return True
            piece = odd[k]
            if piece not in _SELECTOR_SET:
                # An odd character with no unit alone: only with its selector.
                if runs[k + 1] or odd[k + 1] not in _SELECTOR_SET:
                    return False
                continue
            before = runs[k]
            if before:  # base written as itself, then the selector
                unit = table.get(before[-1] + piece)
                if unit is None:
                    return False
                runs[k] = before[:-1]
                units[k] = unit
            elif k and odd[k - 1] not in _SELECTOR_SET:  # odd base, then the selector
                unit = table.get(odd[k - 1] + piece)
                if unit is None:
                    return False
                units[k - 1], units[k] = unit, ""
            else:  # a selector after a selector, or at the start
                return False

    def _encode_slow(self, text: str) -> tuple[bytes, list[Bad]]:
        """The reference, token by token (base + selector, else a character not
        written as itself): every ``Bad`` comes from here, and ``encode`` must
        give the same bytes."""
        pieces: list[str] = []
        bad: list[Bad] = []
        pos = 0
        for match in self._token.finditer(text):
            token = match.group()
            unit = self._encode.get(token)
            if unit is None:
                bad.append(Bad(match.start(), token, "charset.unmappable"))
                continue
            pieces.append(text[pos : match.start()])
            pieces.append(unit)
            pos = match.end()
        if bad:
            return b"", bad
        pieces.append(text[pos:])
        return self.bom + "".join(pieces).encode(self.codec), []

    def decode(self, data: bytes) -> tuple[str, list[Bad]]:
        text, bad = self.decode_marked(data)
        if bad:
            return "", bad
        return text, []

    def decode_marked(self, data: bytes) -> tuple[str, list[Bad]]:
        """The text with U+FFFD where a unit has no meaning, and a ``Bad`` for each
        (by byte offset; ``text`` holds the unit in hex)."""
        start = 0
        codec = self.codec
        if data[:2] in (b"\xfe\xff", b"\xff\xfe"):
            codec = "utf-16-be" if data[:2] == b"\xfe\xff" else "utf-16-le"
            start = 2
        bad: list[Bad] = []
        body = data[start:]
        if len(body) % 2:
            end = len(data) - 1
            bad.append(Bad(end, data[end:].hex(" ").upper(), "charset.bad_bytes", False))
            body = body[:-1]
        units = body.decode(codec, "surrogatepass")
        pairs = self._scan.findall(units)
        if not pairs[0][1]:  # every unit means itself
            return units, bad
        flat = list(chain.from_iterable(pairs))
        texts = list(map(self._texts.get, flat[1::2]))
        if None not in texts:
            flat[1::2] = texts
            return "".join(flat), bad
        # Some unit has no meaning: U+FFFD in its place, and its byte offset. A
        # surrogate pair in the data was read as one character (two units).
        pieces: list[str] = []
        pos = 0
        wide = 0  # characters read from two units so far
        for match in self._odd.finditer(units):
            unit = match.group()
            pieces.append(units[pos : match.start()])
            text = self._decode.get(unit)
            if text is None:
                offset = start + 2 * (match.start() + wide)
                gaiji = 0xE000 <= ord(unit) <= 0xF8FF
                key = "charset.gaiji_unknown" if gaiji else "charset.juki_unknown"
                bad.append(Bad(offset, f"{ord(unit):04X}", key, False))
                text = "\ufffd"
            wide += ord(unit) > 0xFFFF
            pieces.append(text)
            pos = match.end()
        pieces.append(units[pos:])
        return "".join(pieces), bad
