"""A residence card / SPR certificate chip, played in Python for the tests.

It answers APDUs as the public specification describes: public MF files,
GET CHALLENGE / MUTUAL AUTHENTICATE / VERIFY from the card number, secure
READ BINARY of DF1 (data object 86), plain reads of DF2/DF3 after VERIFY.
Scriptable faults make it misbehave the ways the product must survive.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from core.card import sm, tlv
from core.card.residence import layout


class Removed(Exception):
    """Raised to make the link drop as if the card left the reader."""


@dataclass
class Faults:
    remove_at_read: int | None = None  # the Nth READ BINARY (1-based) never answers
    sm_6982: bool = False  # secure reads answer 6982 (security status not satisfied)
    no_extended: bool = False  # extended-length APDUs answer 6700, as a short-only reader


@dataclass
class SimCard:
    generation: int
    card_type: str
    number: str
    files: dict[tuple[str, int], bytes]  # (df, p1) -> EF content
    faults: Faults = field(default_factory=Faults)
    atr: bytes = bytes.fromhex("3B8880010000000000000000")
    # what the product did, for the tests to assert on
    auth_attempts: int = 0
    commands: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.reset()
        self.reads = 0

    def reset(self) -> None:
        self.df = "mf"
        self.ef: int | None = None
        self.rnd_icc: bytes | None = None
        self.session: sm.Session | None = None
        self.verified = False

    # --- APDU parsing --------------------------------------------------------------
    @staticmethod
    def parse(raw: bytes) -> tuple[int, int, int, int, bytes, int | None, bool]:
        cla, ins, p1, p2 = raw[:4]
        body = raw[4:]
        if not body:
            return cla, ins, p1, p2, b"", None, False
        if len(body) == 1:
            return cla, ins, p1, p2, b"", body[0] or 256, False
        if body[0] == 0 and len(body) == 3:
            return cla, ins, p1, p2, b"", int.from_bytes(body[1:], "big") or 65536, True
        if body[0] == 0:
            lc = int.from_bytes(body[1:3], "big")
            data, rest = body[3 : 3 + lc], body[3 + lc :]
            le = (int.from_bytes(rest, "big") or 65536) if rest else None
            return cla, ins, p1, p2, data, le, True
        lc = body[0]
        data, rest = body[1 : 1 + lc], body[1 + lc :]
        return cla, ins, p1, p2, data, (rest[0] or 256) if rest else None, False

    def process(self, raw: bytes) -> bytes:
        self.commands.append(raw)
        cla, ins, p1, p2, data, le, extended = self.parse(raw)
        if extended and self.faults.no_extended:
            return b"\x67\x00"
        handler = {
            0xA4: self._select,
            0x84: self._challenge,
            0x82: self._authenticate,
            0x20: self._verify,
            0xB0: self._read,
        }.get(ins)
        if handler is None:
            return b"\x6d\x00"
        return handler(cla, p1, p2, data, le)

    # --- commands --------------------------------------------------------------------
    def _select(self, cla: int, p1: int, p2: int, data: bytes, le: int | None) -> bytes:
        if p1 != 0x04:
            return b"\x6a\x86"
        for name, aid in layout()["aid"].items():
            if data == bytes.fromhex(aid):
                self.df, self.ef = name, None
                return b"\x90\x00"
        return b"\x6a\x82"

    def _challenge(self, cla: int, p1: int, p2: int, data: bytes, le: int | None) -> bytes:
        self.rnd_icc = secrets.token_bytes(8)
        return self.rnd_icc + b"\x90\x00"

    def _authenticate(self, cla: int, p1: int, p2: int, data: bytes, le: int | None) -> bytes:
        self.auth_attempts += 1
        suite, key = sm.suite(self.generation), sm.base_key(self.number)
        rnd_icc, self.rnd_icc = self.rnd_icc, None
        self.session, self.verified = None, False
        if rnd_icc is None or len(data) != 40:
            return b"\x69\x85"
        e_ifd, m_ifd = data[:32], data[32:]
        if suite.mac(key, e_ifd) != m_ifd:
            return b"\x63\x00"
        plain = suite.decrypt(key, e_ifd)
        if plain[8:16] != rnd_icc:
            return b"\x63\x00"
        k_icc = secrets.token_bytes(16)
        e_icc = suite.encrypt(key, rnd_icc + plain[:8] + k_icc)
        self.session = sm.Session(suite, sm.session_key(plain[16:32], k_icc))
        return e_icc + suite.mac(key, e_icc) + b"\x90\x00"

    def _verify(self, cla: int, p1: int, p2: int, data: bytes, le: int | None) -> bytes:
        if self.session is None:
            return b"\x69\x82"
        if cla != 0x08 or p2 != 0x86:
            return b"\x69\x88"
        try:
            number = self.session.open(data)
        except Exception:
            return b"\x69\x88"
        if number != self.number.encode():
            return b"\x63\x00"
        self.verified = True
        return b"\x90\x00"

    def _read(self, cla: int, p1: int, p2: int, data: bytes, le: int | None) -> bytes:
        self.reads += 1
        if self.faults.remove_at_read == self.reads:
            raise Removed
        if p1 & 0x80:
            self.ef, offset = p1, p2
        elif self.ef is None:
            return b"\x69\x86"
        else:
            offset = (p1 << 8) | p2
        content = self.files.get((self.df, self.ef))
        if content is None:
            return b"\x6a\x82"
        if self.df != "mf" and not self.verified:
            return b"\x69\x82"
        if cla == 0x08:  # secure messaging: the whole EF in data object 86
            if self.df != "df1" or self.session is None:
                return b"\x69\x88"
            if self.faults.sm_6982:
                return b"\x69\x82"
            return self.session.seal(content) + b"\x90\x00"
        if self.df == "df1":
            return b"\x69\x82"  # DF1 is readable only under secure messaging
        if offset > len(content):
            return b"\x6b\x00"
        want = le or 256
        chunk = content[offset : offset + want]
        if len(chunk) < want and want != 65536:
            return chunk + b"\x62\x82"
        return chunk + b"\x90\x00"


def pad_to(content: bytes, size: int) -> bytes:
    if len(content) > size:
        raise ValueError(f"EF content {len(content)} > capacity {size}")
    return content + bytes(size - len(content))


def mynumber_card() -> SimCard:
    """A card of type 07 (combined with the My Number card): must be refused unread."""
    return SimCard(
        2,
        "07",
        "AB12345678CD",
        {
            ("mf", 0x8B): tlv.encode(0xC0, b"0002"),
            ("mf", 0x8A): tlv.encode(0xC1, b"07"),
        },
    )
