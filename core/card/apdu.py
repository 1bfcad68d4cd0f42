"""ISO 7816-4 command and response APDUs, short and extended length.

Only bytes here: no reader, no crypto. The card commands of the residence card
specification are built by the small functions at the bottom so each byte of
the specification's examples can be checked in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.i18n import catalogue

SW_OK = 0x9000
SW_AUTH_FAILED = 0x6300
SW_WRONG_LENGTH = 0x6700
SW_SECURITY = 0x6982
SW_SM_DATA = 0x6988
SW_NOT_FOUND = 0x6A82
SW_WRONG_P1P2 = 0x6A86
SW_OFFSET = 0x6B00
SW_END_OF_FILE = 0x6282

SHORT_MAX_LC = 255
SHORT_MAX_LE = 256
EXTENDED_MAX_LE = 65536


@dataclass(frozen=True)
class Command:
    """A command APDU. ``le`` is the number of bytes expected (256 or 65536 = "all")."""

    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes = b""
    le: int | None = None
    extended: bool = False
    name: str = ""  # for messages: "READ BINARY", "VERIFY" …

    @property
    def is_extended(self) -> bool:
        return (
            self.extended
            or len(self.data) > SHORT_MAX_LC
            or (self.le is not None and self.le > SHORT_MAX_LE)
        )

    def to_bytes(self) -> bytes:
        head = bytes((self.cla, self.ins, self.p1, self.p2))
        lc, le = len(self.data), self.le
        if lc > 0xFFFF or (le is not None and not 0 < le <= EXTENDED_MAX_LE):
            raise ValueError("APDU length out of range")
        if not self.is_extended:
            body = bytes((lc,)) + self.data if lc else b""
            tail = bytes((le & 0xFF,)) if le is not None else b""
            return head + body + tail
        body = b"\x00" + lc.to_bytes(2, "big") + self.data if lc else b""
        if le is None:
            return head + body
        tail = (le & 0xFFFF).to_bytes(2, "big")
        return head + (body + tail if lc else b"\x00" + tail)


@dataclass(frozen=True)
class Response:
    data: bytes
    sw: int

    @classmethod
    def from_bytes(cls, raw: bytes) -> Response:
        if len(raw) < 2:
            raise ValueError("response shorter than a status word")
        return cls(bytes(raw[:-2]), int.from_bytes(raw[-2:], "big"))

    def to_bytes(self) -> bytes:
        return self.data + self.sw.to_bytes(2, "big")

    @property
    def ok(self) -> bool:
        return self.sw == SW_OK


def sw_key(sw: int) -> str:
    """The catalogue key that says what ``sw`` means (status words are data)."""
    key = f"card.sw.{sw:04X}"
    if key in catalogue():
        return key
    if sw >> 8 == 0x63:
        return "card.sw.6300"
    return "card.status"


# --- the commands of the specification -------------------------------------------

CLA_PLAIN = 0x00
CLA_SM = 0x08  # secure messaging, command header not authenticated


def select_df(aid: bytes) -> Command:
    """SELECT FILE by DF name, no response data (P2 0C)."""
    return Command(CLA_PLAIN, 0xA4, 0x04, 0x0C, aid, name="SELECT FILE")


def read_binary(p1: int, p2: int = 0, le: int = SHORT_MAX_LE, extended: bool = False) -> Command:
    """Plain READ BINARY: ``p1`` 0x80|SFI with ``p2`` offset, or a 15-bit offset in P1-P2."""
    return Command(CLA_PLAIN, 0xB0, p1, p2, le=le, extended=extended, name="READ BINARY")


def read_binary_ef(p1: int) -> Command:
    """Plain READ BINARY of a whole EF by short file identifier, extended Le 0000:
    ``00 B0 P1 00 00 00 00`` (001460711.pdf §4.2.5; appendix 2 reads DF3/EF01 with
    ``00 B0 82 00 00 00 00``)."""
    if not p1 & 0x80:
        raise ValueError("P1 must carry a short file identifier (0x80 | SFI)")
    return read_binary(p1, 0, EXTENDED_MAX_LE, extended=True)


def read_binary_sm(p1: int) -> Command:
    """Secure READ BINARY of a whole EF: data object 96 (expected length 0000 = all),
    extended Le 0000; the answer is data object 86 (padding indicator 01)."""
    return Command(
        CLA_SM,
        0xB0,
        p1,
        0x00,
        b"\x96\x02\x00\x00",
        le=EXTENDED_MAX_LE,
        extended=True,
        name="READ BINARY (SM)",
    )


def get_challenge() -> Command:
    return Command(CLA_PLAIN, 0x84, 0x00, 0x00, le=8, name="GET CHALLENGE")


def mutual_authenticate(payload: bytes) -> Command:
    return Command(
        CLA_PLAIN, 0x82, 0x00, 0x00, payload, le=SHORT_MAX_LE, name="MUTUAL AUTHENTICATE"
    )


def verify_sm(data_object: bytes) -> Command:
    """VERIFY of the card number, sent as secure-messaging data object 86 (P2 86)."""
    return Command(CLA_SM, 0x20, 0x00, 0x86, data_object, name="VERIFY")
