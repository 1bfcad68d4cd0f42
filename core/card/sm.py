"""Authentication and secure messaging of the chip, both generations.

All cipher work is ``cryptography``'s: two-key 3DES-CBC with the ISO 9797-1 MAC
algorithm 3 (retail MAC) for the first generation, AES-128-CBC with AES-CMAC
truncated to 8 bytes for the second. Keys come from the printed card number:
K = first 16 bytes of SHA-1(number); after MUTUAL AUTHENTICATE the session key is
the first 16 bytes of SHA-1((K.IFD xor K.ICC) || 00000001). Responses carry no
MAC in this specification, so only the encryption session key is derived.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from cryptography.hazmat.primitives import cmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from core.card import tlv
from core.card.errors import CardDataError, CardProofFailed

try:  # moved to "decrepit" in cryptography 43; the old name still works until 48
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
except ImportError:  # pragma: no cover - older cryptography
    from cryptography.hazmat.primitives.ciphers.algorithms import TripleDES

MAC_LEN = 8


def pad(data: bytes, block: int) -> bytes:
    """ISO/IEC 7816-4 padding (ISO 9797-1 method 2): 80 then 00 to the block size."""
    data = data + b"\x80"
    return data + bytes(-len(data) % block)


def unpad(data: bytes) -> bytes:
    end = data.rstrip(b"\x00")
    if not end or end[-1] != 0x80:
        raise CardDataError("padding")
    return end[:-1]


def _cbc(algorithm: algorithms.AES | TripleDES, iv: bytes, data: bytes, encrypt: bool) -> bytes:
    cipher = Cipher(algorithm, modes.CBC(iv))
    ctx = cipher.encryptor() if encrypt else cipher.decryptor()
    return ctx.update(data) + ctx.finalize()


def _tdes2(key: bytes) -> TripleDES:
    """Two-key 3DES (K1, K2, K1), spelled as the 24-byte key cryptography prefers."""
    return TripleDES(key + key[:8])


@dataclass(frozen=True)
class Suite:
    """The cipher suite of one generation: block size, CBC with IV 0, 8-byte MAC."""

    generation: int

    @property
    def block(self) -> int:
        return 8 if self.generation == 1 else 16

    def _algorithm(self, key: bytes) -> algorithms.AES | TripleDES:
        if len(key) != 16:
            raise ValueError("keys are 16 bytes")
        return _tdes2(key) if self.generation == 1 else algorithms.AES(key)

    def encrypt(self, key: bytes, data: bytes) -> bytes:
        return _cbc(self._algorithm(key), bytes(self.block), data, True)

    def decrypt(self, key: bytes, data: bytes) -> bytes:
        if len(data) % self.block:
            raise CardDataError("cipher text length")
        return _cbc(self._algorithm(key), bytes(self.block), data, False)

    def mac(self, key: bytes, data: bytes) -> bytes:
        if self.generation == 1:
            return retail_mac(key, data)
        return aes_cmac(key, data)[:MAC_LEN]


GEN1 = Suite(1)
GEN2 = Suite(2)


def suite(generation: int) -> Suite:
    return GEN1 if generation == 1 else GEN2


def retail_mac(key: bytes, data: bytes) -> bytes:
    """ISO 9797-1 MAC algorithm 3 with padding method 2, two-key 3DES (K1 || K2).

    CBC-MAC with single DES under K1 over all blocks but the last; the last block
    goes through DES-EDE under K1, K2, K1 — which is exactly 2-key TripleDES.
    (``TripleDES`` with K1 three times is single DES.)
    """
    if len(key) != 16:
        raise ValueError("retail MAC key is 16 bytes")
    blocks = pad(data, 8)
    head, last = blocks[:-8], blocks[-8:]
    chain = _cbc(TripleDES(key[:8] * 3), bytes(8), head, True)[-8:] if head else bytes(8)
    x = bytes(a ^ b for a, b in zip(last, chain, strict=True))
    enc = Cipher(_tdes2(key), modes.ECB()).encryptor()
    return enc.update(x) + enc.finalize()


def aes_cmac(key: bytes, data: bytes) -> bytes:
    c = cmac.CMAC(algorithms.AES(key))
    c.update(data)
    return c.finalize()


def base_key(card_number: str) -> bytes:
    """K = first 16 bytes of SHA-1(card number as ASCII), for encryption and MAC."""
    return hashlib.sha1(card_number.encode("ascii")).digest()[:16]


def session_key(k_ifd: bytes, k_icc: bytes) -> bytes:
    seed = bytes(a ^ b for a, b in zip(k_ifd, k_icc, strict=True))
    return hashlib.sha1(seed + b"\x00\x00\x00\x01").digest()[:16]


@dataclass(frozen=True)
class Challenge:
    """The terminal's half of MUTUAL AUTHENTICATE."""

    rnd_icc: bytes
    rnd_ifd: bytes
    k_ifd: bytes

    @classmethod
    def new(cls, rnd_icc: bytes) -> Challenge:
        return cls(rnd_icc, secrets.token_bytes(8), secrets.token_bytes(16))


def authenticate_payload(s: Suite, key: bytes, ch: Challenge) -> bytes:
    """E.IFD || M.IFD: CBC(RND.IFD || RND.ICC || K.IFD) and the MAC over it."""
    e_ifd = s.encrypt(key, ch.rnd_ifd + ch.rnd_icc + ch.k_ifd)
    return e_ifd + s.mac(key, e_ifd)


def check_authenticate_answer(s: Suite, key: bytes, ch: Challenge, answer: bytes) -> bytes:
    """Verify E.ICC || M.ICC and return the session key.

    The card must prove it holds K too: its MAC verifies and its plaintext echoes
    both random numbers. Anything else is a card that is not what it claims.
    """
    if len(answer) != 32 + MAC_LEN:
        raise CardProofFailed("MUTUAL AUTHENTICATE length")
    e_icc, m_icc = answer[:32], answer[32:]
    if not secrets.compare_digest(s.mac(key, e_icc), m_icc):
        raise CardProofFailed("M.ICC")
    plain = s.decrypt(key, e_icc)
    if plain[:8] != ch.rnd_icc or plain[8:16] != ch.rnd_ifd:
        raise CardProofFailed("RND")
    return session_key(ch.k_ifd, plain[16:32])


@dataclass(frozen=True)
class Session:
    """An authenticated session: what is sent to and read from the card under SM."""

    suite: Suite
    ks_enc: bytes

    def verify_object(self, card_number: str) -> bytes:
        """Data object 86 of VERIFY: padding indicator 01, the encrypted card number."""
        enc = self.suite.encrypt(self.ks_enc, pad(card_number.encode("ascii"), self.suite.block))
        return tlv.encode(0x86, b"\x01" + enc)

    def open(self, response_data: bytes) -> bytes:
        """The plaintext of a secure READ BINARY answer (data object 86, indicator 01)."""
        objects = tlv.parse(response_data)
        if not objects or objects[0][0] != 0x86 or not objects[0][1].startswith(b"\x01"):
            raise CardDataError("SM 86")
        return unpad(self.suite.decrypt(self.ks_enc, objects[0][1][1:]))

    def seal(self, plain: bytes) -> bytes:
        """The card's side of :meth:`open` (used by the card simulator)."""
        enc = self.suite.encrypt(self.ks_enc, pad(plain, self.suite.block))
        return tlv.encode(0x86, b"\x01" + enc)
