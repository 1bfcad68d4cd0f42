"""BER-TLV as [TLV] "Parser requirements" gives it: 1-2 byte tags, lengths 00-7F,
81 xx, 82 xx xx. Written for the simulator; the product's parser is not used."""

from __future__ import annotations


def tlv(tag: int, value: bytes) -> bytes:
    tag_bytes = tag.to_bytes(2, "big") if tag > 0xFF else bytes([tag])
    n = len(value)
    if n <= 0x7F:
        head = bytes([n])
    elif n <= 0xFF:
        head = bytes([0x81, n])
    else:
        head = bytes([0x82]) + n.to_bytes(2, "big")
    return tag_bytes + head + value


def first(data: bytes) -> tuple[int, bytes, int]:
    """The first data object of ``data``: tag, value, bytes consumed."""
    tag, i = data[0], 1
    if tag & 0x1F == 0x1F:
        tag, i = (tag << 8) | data[1], 2
    n = data[i]
    i += 1
    if n == 0x81:
        n, i = data[i], i + 1
    elif n == 0x82:
        n, i = int.from_bytes(data[i : i + 2], "big"), i + 2
    return tag, data[i : i + n], i + n
