"""Which bytes a ``Range`` header asks for, against RFC 9110 §14.1.2 / §13.1.5.

The examples are the RFC's own (a representation of 10000 bytes). The server
serves one ``bytes=first-[last]`` range, which is what a resuming download
sends; suffix ranges, several ranges and other units it refuses (416).
"""

from __future__ import annotations

import pytest

from core.reference.ranges import BadRange, byte_range

SIZE = 10_000
ETAG = "ab" * 32


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-499", (0, 499)),  # "The first 500 bytes"
        ("bytes=500-999", (500, 999)),  # "The second 500 bytes"
        ("bytes=9500-", (9500, 9999)),  # "The final 500 bytes" (from an offset)
        ("bytes=0-", (0, 9999)),
        # last-pos at or past the length: "the remainder of the representation"
        ("bytes=9000-20000", (9000, 9999)),
        ("bytes=9999-9999", (9999, 9999)),
    ],
)
def test_one_range_from_an_offset(header: str, expected: tuple[int, int]) -> None:
    assert byte_range(header, "", ETAG, SIZE) == expected


@pytest.mark.parametrize(
    "header",
    [
        "bytes=10000-",  # first-pos not below the length: unsatisfiable
        "bytes=20000-30000",
        "bytes=500-499",  # last-pos below first-pos: invalid
        "bytes=-500",  # a suffix range: not served here
        "bytes=0-0,-1",  # several ranges: not served here
        "items=0-499",  # another unit
        "bytes=a-b",
    ],
)
def test_ranges_not_served_are_refused(header: str) -> None:
    with pytest.raises(BadRange):
        byte_range(header, "", ETAG, SIZE)


def test_if_range_serves_the_range_only_for_the_current_version() -> None:
    assert byte_range("bytes=500-999", f'"{ETAG}"', ETAG, SIZE) == (500, 999)
    assert byte_range("bytes=500-999", '"another"', ETAG, SIZE) is None  # the whole file
    # no Range at all: the whole file
    assert byte_range("", "", ETAG, SIZE) is None
    assert byte_range("", f'"{ETAG}"', ETAG, SIZE) is None


def test_an_empty_file_has_no_range_to_serve() -> None:
    with pytest.raises(BadRange):
        byte_range("bytes=0-", "", ETAG, 0)
