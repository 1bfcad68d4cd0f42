"""The chip: answers command APDUs as the public specification describes.

READ BINARY is accepted in the form the specification gives ([APDU] "READ
BINARY"): P1 = 0x80 | short file identifier of an EF of the current DF, P2 the
offset, Le short or extended; extended Le 0000 asks for the whole EF. Plain form
``00 B0 P1 P2 00 XX XX``, secure form ``08 B0 P1 P2 00 00 04 96 02 XX XX 00 00``
answered with data object 86 (indicator 01). The specification defines no read
by offset of a "current EF" (P1 bit 8 clear): that answers 6A86 (P1/P2 incorrect).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from tests.support.zairyu_sim import ber, crypto, spec


@dataclass
class Apdu:
    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes
    le: int | None  # 0 never: 65536 / 256 stand for "all"
    extended: bool


def parse(raw: bytes) -> Apdu:
    cla, ins, p1, p2 = raw[:4]
    body = raw[4:]
    if not body:
        return Apdu(cla, ins, p1, p2, b"", None, False)
    if len(body) == 1:
        return Apdu(cla, ins, p1, p2, b"", body[0] or 256, False)
    if body[0] == 0 and len(body) == 3:
        return Apdu(cla, ins, p1, p2, b"", int.from_bytes(body[1:], "big") or 65536, True)
    if body[0] == 0 and len(body) > 3:
        lc = int.from_bytes(body[1:3], "big")
        rest = body[3 + lc :]
        le = (int.from_bytes(rest, "big") or 65536) if rest else None
        return Apdu(cla, ins, p1, p2, body[3 : 3 + lc], le, True)
    lc = body[0]
    rest = body[1 + lc :]
    return Apdu(cla, ins, p1, p2, body[1 : 1 + lc], (rest[0] or 256) if rest else None, False)


@dataclass
class Chip:
    """One card: ``files`` maps (df, P1) to the EF's bytes (already padded to capacity)."""

    generation: int
    card_type: str
    number: str
    files: dict[tuple[str, int], bytes]
    access: dict[tuple[str, int], str]
    atr: bytes = bytes.fromhex("3B8880010000000000000000")
    auth_attempts: int = 0
    verify_attempts: int = 0
    log: list[bytes] = field(default_factory=list)  # every command APDU, in order

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.df = "mf"
        self.rnd_icc: bytes | None = None
        self.ks_enc: bytes | None = None
        self.verified = False

    # the link calls process(raw) -> response bytes
    def process(self, raw: bytes) -> bytes:
        self.log.append(bytes(raw))
        a = parse(raw)
        handler = {
            0xA4: self._select,
            0x84: self._get_challenge,
            0x82: self._mutual_authenticate,
            0x20: self._verify,
            0xB0: self._read_binary,
        }.get(a.ins)
        return spec.SW_INS if handler is None else handler(a)

    def _select(self, a: Apdu) -> bytes:
        if a.p1 != 0x04:  # only SELECT by DF name is used ([APDU] "SELECT FILE")
            return spec.SW_WRONG_P1P2
        for name, aid in spec.AID.items():
            if a.data == aid:
                self.df = name
                return spec.SW_OK
        return spec.SW_NOT_FOUND

    def _get_challenge(self, a: Apdu) -> bytes:
        self.rnd_icc = secrets.token_bytes(8)
        return self.rnd_icc + spec.SW_OK

    def _mutual_authenticate(self, a: Apdu) -> bytes:
        self.auth_attempts += 1
        rnd_icc, self.rnd_icc = self.rnd_icc, None
        self.ks_enc, self.verified = None, False
        if rnd_icc is None:
            return spec.SW_CONDITIONS
        if len(a.data) != 40:
            return spec.SW_WRONG_LENGTH
        g, k = self.generation, crypto.base_key(self.number)
        e_ifd, m_ifd = a.data[:32], a.data[32:]
        if crypto.mac(g, k, e_ifd) != m_ifd:
            return spec.SW_AUTH_FAILED
        plain = crypto.decrypt(g, k, e_ifd)  # RND.IFD || RND.ICC || K.IFD
        if plain[8:16] != rnd_icc:
            return spec.SW_AUTH_FAILED
        k_icc = secrets.token_bytes(16)
        e_icc = crypto.encrypt(g, k, rnd_icc + plain[:8] + k_icc)
        self.ks_enc = crypto.session_key(plain[16:32], k_icc)
        return e_icc + crypto.mac(g, k, e_icc) + spec.SW_OK

    def _verify(self, a: Apdu) -> bytes:
        self.verify_attempts += 1
        if self.ks_enc is None:
            return spec.SW_SECURITY
        if a.cla != 0x08 or a.p2 != 0x86 or not a.data:
            return spec.SW_SM_DATA
        tag, value, _ = ber.first(a.data)
        if tag != 0x86 or not value.startswith(b"\x01"):
            return spec.SW_SM_DATA
        plain = crypto.iso_unpad(crypto.decrypt(self.generation, self.ks_enc, value[1:]))
        if plain is None:
            return spec.SW_SM_DATA
        if plain != self.number.encode("ascii"):
            return spec.SW_AUTH_FAILED
        self.verified = True
        return spec.SW_OK

    def _read_binary(self, a: Apdu) -> bytes:
        if not a.p1 & 0x80 or a.p1 & 0x60:
            return spec.SW_WRONG_P1P2
        key = (self.df, a.p1)
        content = self.files.get(key)
        if content is None:
            return spec.SW_NOT_FOUND
        access = self.access[key]
        if access != spec.FREE and not self.verified:
            return spec.SW_SECURITY
        if a.cla == 0x08:
            if access != spec.SM or self.ks_enc is None:
                return spec.SW_SECURITY
            tag, value, _ = ber.first(a.data) if a.data else (0, b"", 0)
            if tag != 0x96:
                return spec.SW_SM_DATA
            want = int.from_bytes(value, "big") or len(content)
            block = crypto.block_size(self.generation)
            enc = crypto.encrypt(
                self.generation, self.ks_enc, crypto.iso_pad(content[a.p2 : a.p2 + want], block)
            )
            return ber.tlv(0x86, b"\x01" + enc) + spec.SW_OK
        if a.cla != 0x00:
            return spec.SW_SM_DATA
        if access == spec.SM:
            return spec.SW_SECURITY
        if a.p2 >= len(content):
            return spec.SW_OFFSET
        rest = content[a.p2 :]
        if a.le is None:
            return spec.SW_WRONG_LENGTH
        if a.extended and a.le == 65536:
            return rest + spec.SW_OK
        if a.le > len(rest):
            return rest + spec.SW_END_OF_FILE
        return rest[: a.le] + spec.SW_OK
