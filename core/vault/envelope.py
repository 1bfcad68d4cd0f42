"""The encrypted file format: AES-256-GCM over fixed-size chunks (STREAM).

Design after age's STREAM and Tink's AES-GCM-HKDF streaming AEAD, built only
from ``cryptography`` primitives::

    header (52 bytes)
      magic      6  b"RNKENV"
      version    1  1
      flags      1  0 (reserved)
      chunk size 4  big-endian plaintext bytes per chunk
      key id     8  which data key of the keyring (see core.vault.keys)
      salt      16  random per file: HKDF(data key, salt) -> this file's key
      prefix     8  bytes 0-6 random nonce prefix, byte 7 zero (reserved)
      length     8  plaintext length (written when the file is complete)
    chunks
      AES-GCM(file key, nonce = prefix[:7] || counter (4, BE) || last (1),
              plaintext chunk, aad = header[:44] (+ length for the last chunk))
      || 16-byte tag

Every chunk but the last holds exactly ``chunk size`` plaintext bytes; the
last holds fewer (possibly none) and is sealed with the last flag, so a file
cut at a chunk boundary is detected (no last chunk), as is anything after the
last chunk. The counter in the nonce catches reordered or duplicated chunks,
the per-file key catches chunks spliced from another file, the header as
associated data catches any header edit, the key id names a key this
terminal does not hold. The length, filled in at the end (the writer seeks
back before the atomic rename) and authenticated by the last chunk, lets the
reader say precisely "truncated" or "extended" instead of only "altered".
A chunk is released only after its tag verified.
"""

from __future__ import annotations

import io
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from core.durable import AtomicFile
from core.vault import errors

MAGIC = b"RNKENV"
VERSION = 1
HEADER = struct.Struct(">6sBBI8s16s8sQ")
HEADER_SIZE = HEADER.size  # 52
AAD_SIZE = HEADER_SIZE - 8  # the header without the length
UNKNOWN_LENGTH = 2**64 - 1
TAG_SIZE = 16
DEFAULT_CHUNK = 256 * 1024
MIN_CHUNK = 16
MAX_CHUNK = 16 * 1024 * 1024
MAX_CHUNKS = 2**32 - 1
_HKDF_INFO = b"renkei envelope v1 file key"
_DIAGNOSE_WINDOW = 64  # how far a failing chunk is tried at other positions


class DataKey(Protocol):
    """What the envelope needs of a key: its id and its 32 secret bytes.

    Read-only members, so frozen dataclasses (``keys.DataKey``, the bundle's
    ``TransferKey``) satisfy it.
    """

    @property
    def key_id(self) -> bytes: ...

    @property
    def secret(self) -> bytes: ...


class KeyLookup(Protocol):
    def key_for(self, key_id: bytes) -> DataKey | None: ...


@dataclass(frozen=True)
class Header:
    chunk_size: int
    key_id: bytes
    salt: bytes
    prefix: bytes
    length: int  # UNKNOWN_LENGTH until the writer fills it in
    raw: bytes

    @property
    def aad(self) -> bytes:
        return self.raw[:AAD_SIZE]

    def last_aad(self, length: int) -> bytes:
        return self.aad + length.to_bytes(8, "big")

    @classmethod
    def new(cls, key_id: bytes, chunk_size: int) -> Header:
        if not MIN_CHUNK <= chunk_size <= MAX_CHUNK:
            raise ValueError(f"chunk size {chunk_size} out of range")
        salt, prefix = os.urandom(16), os.urandom(7) + bytes(1)
        raw = HEADER.pack(MAGIC, VERSION, 0, chunk_size, key_id, salt, prefix, UNKNOWN_LENGTH)
        return cls(chunk_size, key_id, salt, prefix, UNKNOWN_LENGTH, raw)

    @classmethod
    def parse(cls, raw: bytes, name: str) -> Header:
        if len(raw) < HEADER_SIZE or raw[:6] != MAGIC:
            raise errors.NotAnEnvelope(name)
        _magic, version, flags, chunk_size, key_id, salt, prefix, length = HEADER.unpack(raw)
        if version != VERSION:
            raise errors.UnsupportedVersion(name, version)
        if flags != 0 or not MIN_CHUNK <= chunk_size <= MAX_CHUNK or prefix[7] != 0:
            raise errors.NotAnEnvelope(name)
        return cls(chunk_size, key_id, salt, prefix, length, raw)


def _file_cipher(secret: bytes, header: Header) -> AESGCM:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=header.salt, info=_HKDF_INFO)
    return AESGCM(hkdf.derive(secret))


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    if counter > MAX_CHUNKS:
        raise ValueError("file too large for one envelope")
    return prefix[:7] + counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


LENGTH_OFFSET = AAD_SIZE


def is_envelope(path: Path | str) -> bool:
    """Whether ``path`` starts like an envelope (cheap; says nothing of integrity)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(len(MAGIC)) == MAGIC
    except (IsADirectoryError, FileNotFoundError, PermissionError):
        return False


def read_key_id(path: Path | str) -> bytes:
    """The key id an envelope names in its header."""
    with open(path, "rb") as handle:
        return Header.parse(handle.read(HEADER_SIZE), str(path)).key_id


class EnvelopeEncryptor:
    """Turns plaintext pieces into envelope bytes (no I/O of its own)."""

    def __init__(self, key: DataKey, chunk_size: int = DEFAULT_CHUNK) -> None:
        self.header = Header.new(key.key_id, chunk_size)
        self._aead = _file_cipher(key.secret, self.header)
        self._buffer = bytearray()
        self._counter = 0
        self._finished = False

    def start(self) -> bytes:
        return self.header.raw

    def update(self, data: bytes | bytearray | memoryview) -> Iterator[bytes]:
        """Sealed chunks made full by ``data`` (the rest waits in the buffer)."""
        if self._finished:
            raise ValueError("envelope already finished")
        size = self.header.chunk_size
        view = memoryview(data)
        if self._buffer:
            take = size - len(self._buffer)
            self._buffer += view[:take]
            view = view[take:]
            if len(self._buffer) < size:
                return
            yield self._seal(self._buffer, last=False)
            self._buffer = bytearray()
        while len(view) >= size:
            yield self._seal(view[:size], last=False)
            view = view[size:]
        self._buffer += view

    def finish(self) -> tuple[bytes, bytes]:
        """The last chunk (shorter than a full one, maybe empty) and the length
        field to write at ``LENGTH_OFFSET`` of the header."""
        self._finished = True
        length = self._counter * self.header.chunk_size + len(self._buffer)
        out = self._seal(self._buffer, last=True, length=length)
        self._buffer = bytearray()
        return out, length.to_bytes(8, "big")

    def _seal(self, chunk: bytes | bytearray | memoryview, last: bool, length: int = 0) -> bytes:
        nonce = _nonce(self.header.prefix, self._counter, last)
        self._counter += 1
        aad = self.header.last_aad(length) if last else self.header.aad
        return self._aead.encrypt(nonce, chunk, aad)


class EnvelopeWriter:
    """Encrypt bytes as they arrive into ``path``; ``close`` publishes it atomically.

    Memory stays at one chunk whatever the file size. Until ``close`` the
    target is untouched (a crash leaves only a ``.tmp-`` file that
    ``sweep_temp_files`` removes); ``abort`` or an exception in a ``with``
    block discards everything.
    """

    def __init__(self, path: Path | str, key: DataKey, chunk_size: int = DEFAULT_CHUNK) -> None:
        self.path = Path(path)
        self._enc = EnvelopeEncryptor(key, chunk_size)
        self._out = AtomicFile(self.path)
        self.bytes_in = 0
        try:
            self._out.write(self._enc.start())
        except BaseException:
            self._out.abort()
            raise

    def write(self, data: bytes | bytearray | memoryview) -> int:
        try:
            for sealed in self._enc.update(data):
                self._out.write(sealed)
        except BaseException:
            self._out.abort()
            raise
        self.bytes_in += len(data)
        return len(data)

    def close(self) -> None:
        try:
            last, length = self._enc.finish()
            self._out.write(last)
            self._out.write_at(LENGTH_OFFSET, length)
            self._out.commit()
        except BaseException:
            self._out.abort()
            raise

    def abort(self) -> None:
        self._out.abort()

    def __enter__(self) -> EnvelopeWriter:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def decrypt_stream(source: io.BufferedIOBase, keys: KeyLookup, name: str = "") -> Iterator[bytes]:
    """Yield the verified plaintext chunks of the envelope read from ``source``.

    Each chunk is yielded only after its tag verified; the first problem
    raises an ``EnvelopeError`` saying what it is and at which chunk.
    """
    header = Header.parse(source.read(HEADER_SIZE), name)
    key = keys.key_for(header.key_id)
    if key is None:
        raise errors.WrongKey(name, header.key_id.hex())
    aead = _file_cipher(key.secret, header)
    size = header.chunk_size
    full = size + TAG_SIZE
    known = header.length != UNKNOWN_LENGTH
    chunks = header.length // size if known else MAX_CHUNKS
    counter = 0
    buffer = bytearray(full)  # one read buffer for the whole file: no per-chunk churn
    while True:
        want = (header.length % size + TAG_SIZE) if counter == chunks else full
        block = _read_into(source, buffer, want)
        if len(block) < (want if known else TAG_SIZE):
            raise errors.Truncated(name, counter)
        last = counter == chunks if known else len(block) < full
        length = header.length if known else counter * size + len(block) - TAG_SIZE
        aad = header.last_aad(length) if last else header.aad
        try:
            plain = aead.decrypt(_nonce(header.prefix, counter, last), block, aad)
        except InvalidTag:
            raise _diagnose(aead, header, block, counter, last, name) from None
        if last:
            if source.read(1):
                raise errors.Extended(name, counter)
            yield plain
            return
        yield plain
        counter += 1


def _read_into(source: io.BufferedIOBase, buffer: bytearray, want: int) -> memoryview:
    """Up to ``want`` bytes into ``buffer`` (fewer only at the end of the file)."""
    view = memoryview(buffer)[:want]
    got = 0
    while got < want:
        n = source.readinto(view[got:])
        if not n:
            break
        got += n
    return view[:got]


def _diagnose(
    aead: AESGCM, header: Header, block: bytes | memoryview, counter: int, last: bool, name: str
) -> errors.EnvelopeError:
    """Say why chunk ``counter`` failed: out of place, or altered."""
    size = header.chunk_size

    def opens(position: int) -> bool:
        for as_last in (False, True):
            length = position * size + len(block) - TAG_SIZE
            aad = header.last_aad(length) if as_last else header.aad
            try:
                aead.decrypt(_nonce(header.prefix, position, as_last), block, aad)
            except InvalidTag:
                continue
            return True
        return False

    for position in range(max(0, counter - _DIAGNOSE_WINDOW), counter + _DIAGNOSE_WINDOW):
        if position != counter and opens(position):
            return errors.ChunkOutOfOrder(name, counter, position)
    # Anything else (a flipped bit, a chunk of another file, a forged header)
    # is indistinguishable to GCM, and the message names all of them.
    return errors.ChunkTampered(name, counter)


def iter_decrypt(path: Path | str, keys: KeyLookup) -> Iterator[bytes]:
    """Verified plaintext chunks of the envelope at ``path``."""
    with open(path, "rb") as source:
        yield from decrypt_stream(source, keys, str(path))


def read_all(path: Path | str, keys: KeyLookup) -> bytes:
    """The whole plaintext of ``path``, or an error and nothing."""
    return b"".join(iter_decrypt(path, keys))


def encrypt_bytes_to(
    path: Path | str, data: bytes, key: DataKey, chunk_size: int = DEFAULT_CHUNK
) -> None:
    """Write ``data`` encrypted to ``path`` atomically."""
    with EnvelopeWriter(path, key, chunk_size) as writer:
        writer.write(data)


def encrypt_file(
    src: Path | str, dst: Path | str, key: DataKey, chunk_size: int = DEFAULT_CHUNK
) -> int:
    """Encrypt the file ``src`` into ``dst`` (atomic); returns plaintext bytes."""
    buffer = bytearray(chunk_size)  # reused: the writer never keeps a view of it
    view = memoryview(buffer)
    with open(src, "rb") as source, EnvelopeWriter(dst, key, chunk_size) as writer:
        while n := source.readinto(buffer):
            writer.write(view[:n])
    return writer.bytes_in


def decrypt_file(src: Path | str, dst: Path | str, keys: KeyLookup) -> int:
    """Decrypt ``src`` into ``dst`` (atomic): all of it, or nothing at ``dst``."""
    total = 0
    with AtomicFile(dst) as out:
        for plain in iter_decrypt(src, keys):
            out.write(plain)
            total += len(plain)
    return total


def reencrypt_file(path: Path | str, keys: KeyLookup, key: DataKey) -> None:
    """Replace ``path`` by the same plaintext under ``key``, atomically.

    The old file stays readable until the rename; the new one is complete
    before it; so the file is always readable by one key of the keyring.
    """
    with open(path, "rb") as source:
        chunk_size = Header.parse(source.read(HEADER_SIZE), str(path)).chunk_size
        source.seek(0)
        with EnvelopeWriter(path, key, chunk_size) as writer:
            for plain in decrypt_stream(source, keys, str(path)):
                writer.write(plain)
