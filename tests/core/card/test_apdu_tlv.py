"""APDU encoding (short and extended, the four ISO cases) and BER-TLV parsing."""

from __future__ import annotations

import pytest

from core.card import apdu, tlv
from core.card.errors import CardDataError

H = bytes.fromhex


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (apdu.Command(0, 0xA4, 4, 0x0C), "00A4040C"),  # case 1
        (apdu.get_challenge(), "0084000008"),  # case 2 short
        (apdu.read_binary(0x8A, le=256), "00B08A0000"),  # Le 256 is 00
        (apdu.read_binary(0x8B, le=65536, extended=True), "00B08B00000000"),  # case 2 ext
        (
            apdu.select_df(H("D392F0004F0200000000000000000000")),
            "00A4040C10D392F0004F0200000000000000000000",
        ),  # case 3 short
        (apdu.Command(0, 0xD6, 0, 0, bytes(300)), "00D60000" + "00012C" + "00" * 300),  # 3 ext
        (apdu.mutual_authenticate(bytes(40)), "0082000028" + "00" * 40 + "00"),  # case 4
        (apdu.read_binary_sm(0x86), "08B0860000000496020000" + "0000"),  # case 4 extended
        # appendix 2 of 001460711.pdf: DF3/EF01 in plain, one extended read
        (apdu.read_binary_ef(0x82), "00B08200000000"),
        # appendix 2: DF1/EF03 under secure messaging
        (apdu.read_binary_sm(0x84), "08B0840000000496020000" + "0000"),
    ],
)
def test_command_encoding(command: apdu.Command, expected: str) -> None:
    assert command.to_bytes() == H(expected)


def test_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError):
        apdu.read_binary_ef(0x02)  # an offset, not a short file identifier
    with pytest.raises(ValueError):
        apdu.Command(0, 0xB0, 0, 0, le=70000).to_bytes()


def test_status_words_are_data_with_messages() -> None:
    response = apdu.Response.from_bytes(H("01029000"))
    assert response.ok and response.data == H("0102")
    assert apdu.sw_key(0x6982) == "card.sw.6982"
    assert apdu.sw_key(0x63C2) == "card.sw.6300"
    assert apdu.sw_key(0x6F00) == "card.status"
    from core.card.errors import CardStatus

    err = CardStatus("READ BINARY", 0x6A82)
    assert err.message("en") == "READ BINARY: file not found (6A82)"
    assert "ファイルが見つかりません" in err.message("ja")
    assert CardStatus("X", 0x6F00).message("en") == "the card answered an error: X -> 6F00"


def test_tlv_lengths_two_byte_tags_and_padding() -> None:
    data = (
        tlv.encode(0xC1, b"05")
        + tlv.encode(0xD0, bytes(200))
        + tlv.encode(0xDFD1, bytes(2500))
        + b"\x00" * 7
    )
    assert data[:4] == H("C1023035")
    assert data[4:7] == H("D081C8")
    assert data[7 + 200 : 7 + 200 + 5] == H("DFD18209C4")
    parsed = tlv.parse(data)
    assert [(tag, len(v)) for tag, v in parsed] == [(0xC1, 2), (0xD0, 200), (0xDFD1, 2500)]


@pytest.mark.parametrize("bad", [H("C1053030"), H("C183000001"), H("DF"), H("C1")])
def test_truncated_tlv_is_a_data_error(bad: bytes) -> None:
    with pytest.raises(CardDataError):
        tlv.parse(bad)
