"""BER-TLV as the chip uses it: 1–2 byte tags, lengths 00–7F, 81 xx, 82 xx xx.

Files are padded after their last object with 00 (or FF on some cards); parsing
stops there.
"""

from __future__ import annotations

from collections.abc import Iterator

from core.card.errors import CardDataError


def _tag(data: bytes, i: int) -> tuple[int, int]:
    first = data[i]
    if first & 0x1F == 0x1F:  # two-byte tag, e.g. DF D1
        if i + 1 >= len(data):
            raise CardDataError("TLV tag")
        return (first << 8) | data[i + 1], i + 2
    return first, i + 1


def _length(data: bytes, i: int) -> tuple[int, int]:
    if i >= len(data):
        raise CardDataError("TLV length")
    first = data[i]
    if first < 0x80:
        return first, i + 1
    count = first & 0x7F
    if count not in (1, 2) or i + 1 + count > len(data):
        raise CardDataError("TLV length")
    return int.from_bytes(data[i + 1 : i + 1 + count], "big"), i + 1 + count


def iter_tlv(data: bytes) -> Iterator[tuple[int, bytes]]:
    i = 0
    while i < len(data):
        if data[i] in (0x00, 0xFF):  # padding after the last object
            return
        tag, i = _tag(data, i)
        length, i = _length(data, i)
        if i + length > len(data):
            raise CardDataError(f"TLV {tag:02X}")
        yield tag, data[i : i + length]
        i += length


def parse(data: bytes) -> list[tuple[int, bytes]]:
    return list(iter_tlv(data))


def as_dict(data: bytes) -> dict[int, bytes]:
    return dict(iter_tlv(data))


def encode(tag: int, value: bytes) -> bytes:
    head = tag.to_bytes(2 if tag > 0xFF else 1, "big")
    n = len(value)
    if n < 0x80:
        length = bytes((n,))
    elif n <= 0xFF:
        length = b"\x81" + bytes((n,))
    elif n <= 0xFFFF:
        length = b"\x82" + n.to_bytes(2, "big")
    else:
        raise ValueError("TLV value too long")
    return head + length + value
