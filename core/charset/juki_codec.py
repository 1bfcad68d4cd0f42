"""The ``juki`` encoding: 住基統一文字 as one 16-bit code unit per character.

Each character is written as its J+ value (big-endian by default; little-endian
and a byte-order mark by ``[boundary] juki_byte_order`` / ``juki_bom``), the
municipality's 外字 as private-use units E000–F8FF (the table's ``unit`` column,
else the private-use character Python's cp932 codec gives for the 外字's
Shift_JIS code, so one 外字 table serves ``juki`` and ``juki-sjis``), and line
ends as 000D 000A.

Most J+ codes equal their code point (一 is J+4E00 and U+4E00), so the fast path
is Python's own UTF-16 codec; only characters whose J+ code differs (葛 J+B9D5,
𠮷 J+AEAC, base + IVS) are rewritten first. A character outside the repertoire
is never dropped or replaced: it comes back as a ``Bad``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

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
        body = _class(identity)
        # Anything not written as itself: rewritten, or reported.
        self._odd = re.compile(f"[^{body}]")
        self._split = re.compile(f"([^{body}])")
        self._token = re.compile(f"[^{_SELECTORS}][{_SELECTORS}]|[^{body}]", re.DOTALL)

    def encode(self, text: str) -> tuple[bytes, list[Bad]]:
        if self._odd.search(text) is None:
            return self.bom + text.encode(self.codec), []
        # One scan: the text split around each character not written as itself;
        # those are looked up. A selector or an unmappable character takes the
        # careful path (pairs, and the report).
        pieces = self._split.split(text)
        encode = self._encode
        last = ""  # the previous odd character, as written in the text
        for i in range(1, len(pieces), 2):
            piece = pieces[i]
            unit = encode.get(piece)
            if unit is None and piece in _SELECTOR_SET and i > 1:
                before = pieces[i - 1]
                if before:  # base written as itself, then the selector
                    unit = encode.get(before[-1] + piece)
                    if unit is not None:
                        pieces[i - 1] = before[:-1]
                else:  # base that was itself odd
                    unit = encode.get(last + piece)
                    if unit is not None:
                        pieces[i - 2] = ""
            if unit is None:
                if i + 2 < len(pieces) and not pieces[i + 1] and pieces[i + 2] in _SELECTOR_SET:
                    last = piece  # a base only with its selector (㐄 U+E0101): next round
                    continue
                return self._encode_slow(text)
            last = piece
            pieces[i] = unit
        return self.bom + "".join(pieces).encode(self.codec), []

    def _encode_slow(self, text: str) -> tuple[bytes, list[Bad]]:
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
        if self._odd.search(units) is None:
            return units, bad
        if not bad:
            split = self._split.split(units)
            decode = self._decode
            for i in range(1, len(split), 2):
                text = decode.get(split[i])
                if text is None:
                    break
                split[i] = text
            else:
                return "".join(split), bad
        pieces: list[str] = []
        pos = 0
        for match in self._odd.finditer(units):
            unit = match.group()
            pieces.append(units[pos : match.start()])
            text = self._decode.get(unit)
            if text is None:
                offset = start + 2 * match.start()
                gaiji = 0xE000 <= ord(unit) <= 0xF8FF
                key = "charset.gaiji_unknown" if gaiji else "charset.juki_unknown"
                bad.append(Bad(offset, f"{ord(unit):04X}", key, False))
                text = "\ufffd"
            pieces.append(text)
            pos = match.end()
        pieces.append(units[pos:])
        return "".join(pieces), bad
