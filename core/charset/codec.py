"""Unicode ⇄ the municipality's encoding: ``utf-8``, ``juki-sjis`` (here) or
``juki`` (``juki_codec.py``).

``juki-sjis`` is the cp932 byte structure plus the municipality's 外字 in the
user-defined area 0xF040–0xF9FC. Python's cp932 codec already maps that area to
private-use characters U+E000–U+E757, so the codec rewrites each 外字 to its
private-use character and lets the C codec do the work: the common case (no
外字, everything in cp932) is one ``str.encode('cp932')`` call.

Nothing is ever replaced by ``?`` or dropped: every character that has no
place in the target is returned as a ``Bad`` (offset and text) so the caller
can report record, column, character and U+ code.
"""

from __future__ import annotations

import codecs
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain

from core.charset.gaiji import Gaiji, is_variation_selector

UTF8 = "utf-8"
JUKI = "juki"  # 住基統一文字, one 16-bit unit per character (core/charset/juki_codec.py)
JUKI_SJIS = "juki-sjis"
ENCODINGS = (UTF8, JUKI, JUKI_SJIS)

# Characters that must never pass silently: private use (cp932 would write them
# into the 外字 area with no meaning, or read 0xA0/0xFD–0xFF as U+F8F0–F8F3) and
# C1 controls (cp932 passes 0x80 through as U+0080).
_SUSPECTS = "\x80-\x9f\ue000-\uf8ff"
_SUSPECT = re.compile(f"[{_SUSPECTS}]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SELECTORS = "\U000e0100-\U000e01ef\ufe00-\ufe0f"
# Whole-text scans in re's tightest loop (a possessive repeat of one class, about
# three times as fast a character as ``search``): the text as (run, the character
# after it) pairs, the last one ending with "" at the end of the text; the runs
# hold no suspect (decoding), or neither a suspect nor a selector (encoding).
# Linear: every position matches. The runs are written as the complement's
# ranges, not as a negated class: re checks a negated class several times slower.
_NOT_SUSPECTS = "\x00-\x7f\xa0-\udfff\uf900-\U0010ffff"
_NEITHER = "\x00-\x7f\xa0-\udfff\uf900-\ufdff\ufe10-\U000e00ff\U000e01f0-\U0010ffff"
_SUSPECT_RUNS = re.compile(f"([{_NOT_SUSPECTS}]*+)([{_SUSPECTS}]|\\Z)")
_ODD_RUNS = re.compile(f"([{_NEITHER}]*+)([{_SUSPECTS}{_SELECTORS}]|\\Z)")
_HANDLERS = itertools.count()


@dataclass(frozen=True)
class Bad:
    """One character (or base + selector, or undecodable bytes) with no mapping."""

    offset: int  # in the text; in the bytes for undecodable bytes (``in_text`` False)
    text: str  # the character(s); for bytes, their hex
    key: str  # catalogue key of the reason
    in_text: bool = True


class _Unmapped(Exception):
    """Raised by the juki-sjis error handler to stop the C encoder at the first
    character it cannot place."""


class Codec:
    """Base: ``encode``/``decode`` return the result and every ``Bad`` found."""

    name = ""

    def encode(self, text: str) -> tuple[bytes, list[Bad]]:
        raise NotImplementedError

    def decode(self, data: bytes) -> tuple[str, list[Bad]]:
        raise NotImplementedError


class Utf8Codec(Codec):
    name = UTF8

    def encode(self, text: str) -> tuple[bytes, list[Bad]]:
        try:
            return text.encode("utf-8"), []
        except UnicodeEncodeError:
            bad = [
                Bad(m.start(), m.group(), "charset.unmappable") for m in _SURROGATE.finditer(text)
            ]
            return b"", bad

    def decode(self, data: bytes) -> tuple[str, list[Bad]]:
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        try:
            return data.decode("utf-8"), []
        except UnicodeDecodeError:
            return "", _bad_bytes(data, "utf-8")


class JukiSjisCodec(Codec):
    """cp932 plus a 外字 table."""

    name = JUKI_SJIS

    def __init__(self, gaiji: Iterable[Gaiji] = ()) -> None:
        self.gaiji = [g for g in gaiji if g.sjis]  # (a juki-only 外字 has no code here)
        self._to_pua = {g.text: g.pua for g in self.gaiji}
        self._from_pua = {g.pua: g.text for g in self.gaiji}
        self._texts = {**self._from_pua, "": ""}  # "" ends the scan
        self._bytes = {g.text: g.sjis.to_bytes(2, "big") for g in self.gaiji}
        keys = sorted(self._to_pua, key=len, reverse=True)  # base+IVS before base
        self._gaiji_re = re.compile("|".join(map(re.escape, keys))) if keys else None
        # The C encoder calls this handler for each character cp932 lacks; it
        # writes the 外字 code in place, so a file with 外字 stays one encode call.
        self._errors = f"renkei-juki-sjis-{next(_HANDLERS)}"
        codecs.register_error(self._errors, self._on_error)

    def encode(self, text: str) -> tuple[bytes, list[Bad]]:
        """One scan for suspects and selectors, then one call of the C encoder
        (its error handler writes the 外字 cp932 lacks)."""
        pairs = _ODD_RUNS.findall(text)
        joined = text
        if pairs[0][1]:  # a suspect or a selector somewhere
            flat = list(chain.from_iterable(pairs))  # run, odd, …, run, ""
            if _SUSPECT.search("".join(flat[1::2])):
                return b"", self._find_bad(text)
            joined = self._join_ivs(flat)
        try:
            return joined.encode("cp932", self._errors), []
        except (_Unmapped, UnicodeEncodeError):
            return b"", self._find_bad(text)

    def _on_error(self, exc: UnicodeError) -> tuple[bytes, int]:
        if not isinstance(exc, UnicodeEncodeError):
            raise exc
        text, i = exc.object, exc.start
        pair = text[i : i + 2]
        if len(pair) == 2 and is_variation_selector(pair[1]):
            code = self._bytes.get(pair)
            if code is not None:
                return code, i + 2
        elif not is_variation_selector(text[i]):
            code = self._bytes.get(text[i])
            if code is not None:
                return code, i + 1
        raise _Unmapped  # stop here: the slow path reports every such character

    def _join_ivs(self, flat: list[str]) -> str:
        """The text of ``flat`` (runs and the selectors after them) with each
        known base+selector 外字 as its private-use character: cp932 writes that
        as the 外字 code, where the base alone would already be written when
        the selector failed (the input was checked to hold no private use)."""
        for i in range(1, len(flat) - 1, 2):
            before = flat[i - 1]
            pua = self._to_pua.get(before[-1] + flat[i]) if before else None
            if pua is not None:
                flat[i - 1] = before[:-1]
                flat[i] = pua
        return "".join(flat)

    def _rewrite(self, text: str) -> str:
        """外字 (base+IVS sequences first) → the private-use characters cp932 writes."""
        if self._gaiji_re is None:
            return text
        return self._gaiji_re.sub(lambda m: self._to_pua[m.group()], text)

    def _find_bad(self, text: str) -> list[Bad]:
        """Every character without a place, with its offset (the slow path: only
        lines that fail are walked character by character)."""
        bad: list[Bad] = []
        offset = 0
        for line in text.splitlines(keepends=True):
            if _SUSPECT.search(line) or not self._encodes(line):
                bad.extend(self._walk(line, offset))
            offset += len(line)
        return bad

    def _encodes(self, line: str) -> bool:
        try:
            self._rewrite(line).encode("cp932")
        except UnicodeEncodeError:
            return False
        return True

    def _walk(self, line: str, offset: int) -> list[Bad]:
        bad: list[Bad] = []
        i = 0
        while i < len(line):
            pair = line[i : i + 2]
            if len(pair) == 2 and is_variation_selector(pair[1]):
                if pair not in self._to_pua:
                    bad.append(Bad(offset + i, pair, "charset.unmappable"))
                i += 2
                continue
            char = line[i]
            if char not in self._to_pua and (_SUSPECT.match(char) or not _cp932(char)):
                bad.append(Bad(offset + i, char, "charset.unmappable"))
            i += 1
        return bad

    def decode(self, data: bytes) -> tuple[str, list[Bad]]:
        bad: list[Bad] = []
        try:
            text = data.decode("cp932")
        except UnicodeDecodeError:
            return "", _bad_bytes(data, "cp932")
        pairs = _SUSPECT_RUNS.findall(text)
        if not pairs[0][1]:
            return text, []
        flat = list(chain.from_iterable(pairs))
        texts = list(map(self._texts.get, flat[1::2]))
        if None not in texts:  # every suspect is a 外字 of the table
            flat[1::2] = texts
            return "".join(flat), []
        out: list[str] = []
        pos = 0
        for match in _SUSPECT.finditer(text):
            out.append(text[pos : match.start()])
            mapped = self._from_pua.get(match.group())
            if mapped is None:
                raw = match.group().encode("cp932")
                key = "charset.gaiji_unknown" if len(raw) == 2 else "charset.bad_bytes"
                bad.append(Bad(match.start(), raw.hex(" ").upper(), key, in_text=True))
            else:
                out.append(mapped)
            pos = match.end()
        out.append(text[pos:])
        if bad:
            return "", bad
        return "".join(out), []


def _cp932(char: str) -> bool:
    try:
        char.encode("cp932")
    except UnicodeEncodeError:
        return False
    return True


def _bad_bytes(data: bytes, encoding: str) -> list[Bad]:
    """Every undecodable byte sequence, by byte offset."""
    bad: list[Bad] = []
    pos = 0
    while pos < len(data):
        try:
            data[pos:].decode(encoding)
            break
        except UnicodeDecodeError as exc:
            start, end = pos + exc.start, pos + exc.end
            bad.append(Bad(start, data[start:end].hex(" ").upper(), "charset.bad_bytes", False))
            pos = end
    return bad
