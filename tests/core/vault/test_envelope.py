"""The envelope: round trips, and every tamper case refused with nothing released."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.vault import envelope, errors
from core.vault.envelope import HEADER_SIZE, TAG_SIZE
from core.vault.keys import DataKey, Keyring

CHUNK = 64


@pytest.fixture
def key() -> DataKey:
    return DataKey.generate()


@pytest.fixture
def ring(key: DataKey) -> Keyring:
    return Keyring([key], key.key_id)


def _make(path: Path, key: DataKey, data: bytes, chunk: int = CHUNK) -> bytes:
    envelope.encrypt_bytes_to(path, data, key, chunk)
    return path.read_bytes()


def _chunk_at(i: int, chunk: int = CHUNK) -> slice:
    start = HEADER_SIZE + i * (chunk + TAG_SIZE)
    return slice(start, start + chunk + TAG_SIZE)


@given(data=st.binary(max_size=CHUNK * 5), pieces=st.integers(min_value=1, max_value=7))
@settings(max_examples=60, deadline=None)
def test_round_trip_any_length_any_write_sizes(tmp_path_factory, data: bytes, pieces: int) -> None:
    key = DataKey.generate()
    path = tmp_path_factory.mktemp("rt") / "f.enc"
    with envelope.EnvelopeWriter(path, key, CHUNK) as writer:
        step = max(1, len(data) // pieces)
        for i in range(0, len(data), step):
            writer.write(data[i : i + step])
    ring = Keyring([key], key.key_id)
    assert envelope.read_all(path, ring) == data
    full, _rest = divmod(len(data), CHUNK)
    assert path.stat().st_size == HEADER_SIZE + (full + 1) * TAG_SIZE + len(data)


def test_chunks_are_bounded_and_verified_one_by_one(
    tmp_path: Path, key: DataKey, ring: Keyring
) -> None:
    data = os.urandom(CHUNK * 10 + 3)
    _make(tmp_path / "f", key, data)
    chunks = list(envelope.iter_decrypt(tmp_path / "f", ring))
    assert all(len(c) <= CHUNK for c in chunks)
    assert b"".join(chunks) == data


def test_file_round_trip_and_no_plaintext_on_disk(
    tmp_path: Path, key: DataKey, ring: Keyring
) -> None:
    secret = ("山田 太郎 1990-04-01 AB12345678CD " * 100).encode()
    (tmp_path / "plain").write_bytes(secret)
    envelope.encrypt_file(tmp_path / "plain", tmp_path / "enc", key, 128)
    raw = (tmp_path / "enc").read_bytes()
    assert "山田".encode() not in raw and b"AB12345678CD" not in raw
    envelope.decrypt_file(tmp_path / "enc", tmp_path / "out", ring)
    assert (tmp_path / "out").read_bytes() == secret
    assert oct((tmp_path / "enc").stat().st_mode & 0o777) == "0o600"


def _refused(
    tmp_path: Path, raw: bytes, ring: Keyring, cls: type[errors.EnvelopeError]
) -> errors.EnvelopeError:
    """Tampered bytes: the given error, no output file, no plaintext from the iterator."""
    bad = tmp_path / "bad.enc"
    bad.write_bytes(raw)
    out = tmp_path / "out.plain"
    with pytest.raises(cls) as caught:
        envelope.decrypt_file(bad, out, ring)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".tmp-")] == []
    with pytest.raises(cls):
        envelope.read_all(bad, ring)
    message = caught.value.message("en")
    assert str(bad) in message
    assert "nothing" in message or "key" in message or "header" in message
    assert caught.value.message("ja") != message
    return caught.value


DATA = bytes(range(256)) * 2 + b"tail"  # 8 full chunks of 64 and a short last one


def test_flipped_bit_in_each_part_is_refused(tmp_path: Path, key: DataKey, ring: Keyring) -> None:
    good = _make(tmp_path / "f", key, DATA)
    for position in (HEADER_SIZE + 5, HEADER_SIZE + 3 * (CHUNK + TAG_SIZE) + 70, len(good) - 1):
        raw = bytearray(good)
        raw[position] ^= 0x01
        err = _refused(tmp_path, bytes(raw), ring, errors.ChunkTampered)
        assert err.params["chunk"] == (position - HEADER_SIZE) // (CHUNK + TAG_SIZE)


def test_flipped_bit_in_header_is_refused(tmp_path: Path, key: DataKey, ring: Keyring) -> None:
    good = _make(tmp_path / "f", key, DATA)
    for position, cls in (
        (0, errors.NotAnEnvelope),
        (6, errors.UnsupportedVersion),
        (14, errors.WrongKey),
        (25, errors.ChunkTampered),
        (10, errors.ChunkTampered),
        (40, errors.ChunkTampered),
        (43, errors.NotAnEnvelope),
        (51, errors.EnvelopeError),
        (45, errors.EnvelopeError),
    ):
        raw = bytearray(good)
        raw[position] ^= 0x01
        _refused(tmp_path, bytes(raw), ring, cls)


def test_truncation_at_a_chunk_boundary(tmp_path: Path, key: DataKey, ring: Keyring) -> None:
    good = _make(tmp_path / "f", key, DATA)
    for cut in (HEADER_SIZE, _chunk_at(3).start, _chunk_at(8).start):
        err = _refused(tmp_path, good[:cut], ring, errors.Truncated)
        assert err.params["chunk"] == (cut - HEADER_SIZE) // (CHUNK + TAG_SIZE)


def test_truncation_inside_a_chunk(tmp_path: Path, key: DataKey, ring: Keyring) -> None:
    good = _make(tmp_path / "f", key, DATA)
    err = _refused(tmp_path, good[: _chunk_at(2).start + 30], ring, errors.Truncated)
    assert err.params["chunk"] == 2
    err = _refused(tmp_path, good[:-1], ring, errors.Truncated)
    assert err.params["chunk"] == 8
    _refused(tmp_path, good[:20], ring, errors.NotAnEnvelope)


def test_extension_is_refused(tmp_path: Path, key: DataKey, ring: Keyring) -> None:
    good = _make(tmp_path / "f", key, DATA)
    assert _refused(tmp_path, good + b"x", ring, errors.Extended).params["chunk"] == 8
    _refused(tmp_path, good + good[_chunk_at(1)], ring, errors.Extended)
    exact = _make(tmp_path / "g", key, bytes(CHUNK * 3))  # empty last chunk
    _refused(tmp_path, exact + exact[_chunk_at(0)], ring, errors.Extended)


def test_reordered_and_duplicated_chunks(tmp_path: Path, key: DataKey, ring: Keyring) -> None:
    good = _make(tmp_path / "f", key, DATA)
    c2, c3 = good[_chunk_at(2)], good[_chunk_at(3)]
    swapped = good[: _chunk_at(2).start] + c3 + c2 + good[_chunk_at(4).start :]
    err = _refused(tmp_path, swapped, ring, errors.ChunkOutOfOrder)
    assert (err.params["chunk"], err.params["belongs"]) == (2, 3)
    duplicated = good[: _chunk_at(3).start] + c2 + good[_chunk_at(3).start :]
    err = _refused(tmp_path, duplicated, ring, errors.ChunkOutOfOrder)
    assert (err.params["chunk"], err.params["belongs"]) == (3, 2)
    dropped = good[: _chunk_at(2).start] + good[_chunk_at(3).start :]
    _refused(tmp_path, dropped, ring, errors.ChunkOutOfOrder)


def test_chunk_spliced_from_another_file_same_key(
    tmp_path: Path, key: DataKey, ring: Keyring
) -> None:
    first = _make(tmp_path / "a", key, DATA)
    second = _make(tmp_path / "b", key, DATA)  # same key, same plaintext, other file
    spliced = first[: _chunk_at(4).start] + second[_chunk_at(4)] + first[_chunk_at(5).start :]
    err = _refused(tmp_path, spliced, ring, errors.ChunkTampered)
    assert err.params["chunk"] == 4
    header_swapped = second[:HEADER_SIZE] + first[HEADER_SIZE:]
    _refused(tmp_path, header_swapped, ring, errors.ChunkTampered)


def test_file_under_another_key(tmp_path: Path, ring: Keyring) -> None:
    other = DataKey.generate()
    raw = _make(tmp_path / "f", other, DATA)
    err = _refused(tmp_path, raw, ring, errors.WrongKey)
    assert err.params["key_id"] == other.hex_id
    # the same key id with a different secret (a forged header) fails as tampering
    forged = DataKey(ring.current.key_id, os.urandom(32))
    _refused(tmp_path, _make(tmp_path / "g", forged, DATA), ring, errors.ChunkTampered)


def test_not_an_envelope(tmp_path: Path, ring: Keyring) -> None:
    _refused(tmp_path, b"plain text, not encrypted" * 10, ring, errors.NotAnEnvelope)
    _refused(tmp_path, b"", ring, errors.NotAnEnvelope)


def test_streaming_consumer_gets_only_verified_chunks(
    tmp_path: Path, key: DataKey, ring: Keyring
) -> None:
    raw = bytearray(_make(tmp_path / "f", key, DATA))
    raw[_chunk_at(5).start + 1] ^= 0x80
    (tmp_path / "bad").write_bytes(bytes(raw))
    released = []
    with pytest.raises(errors.ChunkTampered):
        for chunk in envelope.iter_decrypt(tmp_path / "bad", ring):
            released.append(chunk)
    assert b"".join(released) == DATA[: 5 * CHUNK]  # exactly the verified prefix, never more


def test_writer_abort_leaves_nothing(tmp_path: Path, key: DataKey) -> None:
    target = tmp_path / "f"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), envelope.EnvelopeWriter(target, key, CHUNK) as writer:
        writer.write(os.urandom(1000))
        raise RuntimeError("connection dropped")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f"]


def test_reencrypt_under_new_key(tmp_path: Path, key: DataKey) -> None:
    new = DataKey.generate()
    _make(tmp_path / "f", key, DATA)
    both = Keyring([key, new], new.key_id)
    envelope.reencrypt_file(tmp_path / "f", both, new)
    assert envelope.read_key_id(tmp_path / "f") == new.key_id
    assert envelope.read_all(tmp_path / "f", Keyring([new], new.key_id)) == DATA


def test_stream_without_length_field_still_detects_everything(
    tmp_path: Path, key: DataKey, ring: Keyring
) -> None:
    """An envelope made for a pipe (no seek, length left unknown) reads back, and
    truncation and extension are still refused."""
    enc = envelope.EnvelopeEncryptor(key, CHUNK)
    parts = [enc.start(), *enc.update(DATA), enc.finish()[0]]
    raw = b"".join(parts)
    (tmp_path / "p").write_bytes(raw)
    assert envelope.read_all(tmp_path / "p", ring) == DATA
    _refused(tmp_path, raw[: _chunk_at(4).start], ring, errors.Truncated)
    _refused(tmp_path, raw + raw[_chunk_at(0)], ring, errors.EnvelopeError)
    _refused(tmp_path, raw[:-3], ring, errors.ChunkTampered)
