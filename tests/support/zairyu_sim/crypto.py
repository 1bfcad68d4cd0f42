"""The chip's side of authentication and secure messaging.

First generation: two-key 3DES-CBC, ISO 9797-1 MAC algorithm 3 with padding
method 2, 8-byte blocks. Second generation: AES-128-CBC and AES-CMAC cut to 8
bytes, 16-byte blocks ([RC2] "Key protocol differences", 001460711.pdf pp.34-35).
Keys: K = SHA-1(card number)[:16]; KSenc = SHA-1((K.IFD xor K.ICC) || 00000001)[:16]
([RC2] "Card-number base key derivation", "Session key derivation").
"""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives import cmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

try:
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
except ImportError:  # pragma: no cover - older cryptography
    from cryptography.hazmat.primitives.ciphers.algorithms import TripleDES  # type: ignore


def block_size(generation: int) -> int:
    return 8 if generation == 1 else 16


def _algo(generation: int, key: bytes):
    return TripleDES(key + key[:8]) if generation == 1 else algorithms.AES(key)


def encrypt(generation: int, key: bytes, data: bytes) -> bytes:
    e = Cipher(_algo(generation, key), modes.CBC(bytes(block_size(generation)))).encryptor()
    return e.update(data) + e.finalize()


def decrypt(generation: int, key: bytes, data: bytes) -> bytes:
    d = Cipher(_algo(generation, key), modes.CBC(bytes(block_size(generation)))).decryptor()
    return d.update(data) + d.finalize()


def iso_pad(data: bytes, block: int) -> bytes:
    out = data + b"\x80"
    while len(out) % block:
        out += b"\x00"
    return out


def iso_unpad(data: bytes) -> bytes | None:
    i = len(data) - 1
    while i >= 0 and data[i] == 0:
        i -= 1
    return data[:i] if i >= 0 and data[i] == 0x80 else None


def _des_ecb(key8: bytes, block: bytes, enc: bool) -> bytes:
    c = Cipher(TripleDES(key8 * 3), modes.ECB())
    ctx = c.encryptor() if enc else c.decryptor()
    return ctx.update(block) + ctx.finalize()


def mac(generation: int, key: bytes, data: bytes) -> bytes:
    if generation == 2:
        c = cmac.CMAC(algorithms.AES(key))
        c.update(data)
        return c.finalize()[:8]
    # ISO 9797-1 algorithm 3: single-DES CBC under K1, then decrypt K2, encrypt K1
    k1, k2 = key[:8], key[8:16]
    h = bytes(8)
    padded = iso_pad(data, 8)
    for i in range(0, len(padded), 8):
        h = _des_ecb(k1, bytes(a ^ b for a, b in zip(h, padded[i : i + 8], strict=True)), True)
    return _des_ecb(k1, _des_ecb(k2, h, False), True)


def base_key(number: str) -> bytes:
    return hashlib.sha1(number.encode("ascii")).digest()[:16]


def session_key(k_ifd: bytes, k_icc: bytes) -> bytes:
    x = bytes(a ^ b for a, b in zip(k_ifd, k_icc, strict=True))
    return hashlib.sha1(x + b"\x00\x00\x00\x01").digest()[:16]
