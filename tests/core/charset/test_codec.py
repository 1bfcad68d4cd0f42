"""The juki-sjis / utf-8 codec: all of JIS X 0208, a 外字 table with IVS entries,
and every character without a place reported with record, column and U+ code."""

from __future__ import annotations

import pytest

from core import charset
from core.charset import CharsetError, check_decode, check_encode, decode_file, encode_file
from core.charset.gaiji import CharsetTableError, parse_gaiji

IVS0, IVS1, IVS2 = "\U000e0100", "\U000e0101", "\U000e0102"

GAIJI = (
    "sjis,juki_code,unicode\n"
    f"F040,J+AD01,U+845B U+E0100\n"  # 葛 + IVS, by U+ notation
    f"F041,,葛{IVS1}\n"  # another variant of the same base, literal
    "F042,,𠮷\n"  # non-BMP
    f"F043,,𠮷{IVS0}\n"  # its IVS form, a different code
    "F0FC,,𩸽\n"  # last trail byte of a lead
    "F140,,U+20B9F\n"  # 𠮟
    "F9FC,,𪚲\n"  # the very last user-defined code
)


def _codec() -> charset.JukiSjisCodec:
    return charset.JukiSjisCodec(parse_gaiji(GAIJI, "gaiji.csv"))


def _jis_x0208() -> list[tuple[bytes, str, int]]:
    """Every code of JIS X 0208 rows 1–84 that cp932 decodes: (bytes, char, row)."""
    out = []
    leads = [*range(0x81, 0xA0), *range(0xE0, 0xEB)]
    trails = [*range(0x40, 0x7F), *range(0x80, 0xFD)]
    for lead in leads:
        for trail in trails:
            row = (lead - 0x81 if lead < 0xA0 else lead - 0xC1) * 2 + (trail >= 0x9F) + 1
            if row > 84:
                continue
            code = bytes([lead, trail])
            try:
                out.append((code, code.decode("cp932"), row))
            except UnicodeDecodeError:
                continue
    return out


def test_all_of_jis_x0208_round_trips() -> None:
    codes = _jis_x0208()
    jis = [(b, c) for b, c, row in codes if row != 13]  # row 13 is NEC's, not JIS X 0208
    assert len(jis) == 6879  # every character of JIS X 0208:1990/1997
    codec = _codec()
    for code, char in jis:
        assert codec.encode(char) == (code, []), (code.hex(), char)
        assert codec.decode(code) == (char, [])
    # NEC row 13 (①, ㍻, ≒ …): the text round-trips (≒ is written with its row 2 code).
    for _code, char, row in codes:
        if row == 13:
            data, bad = codec.encode(char)
            assert bad == [] and codec.decode(data) == (char, [])
    # And as one CSV file, one character per record.
    text = "no,char\r\n" + "".join(f"{i},{c}\r\n" for i, (_b, c, _r) in enumerate(codes))
    assert decode_file(encode_file(text, codec, "all.csv"), codec, "all.csv") == text


def test_gaiji_table_round_trips_with_ivs_and_non_bmp() -> None:
    codec = _codec()
    expected = {
        f"葛{IVS0}": b"\xf0\x40",
        f"葛{IVS1}": b"\xf0\x41",
        "𠮷": b"\xf0\x42",
        f"𠮷{IVS0}": b"\xf0\x43",
        "𩸽": b"\xf0\xfc",
        "𠮟": b"\xf1\x40",
        "𪚲": b"\xf9\xfc",
    }
    for text, code in expected.items():
        assert codec.encode(text) == (code, [])
        assert codec.decode(code) == (text, [])
    # In context: plain 葛 stays the JIS character, the variants take their 外字 codes.
    line = f"葛{IVS0}城 𠮷{IVS0}田 𠮷野 葛西 𩸽,東京都\r\n"
    data, bad = codec.encode(line)
    assert bad == []
    assert data.startswith(b"\xf0\x40\x8f\xe9 \xf0\x43")
    assert b"\x8a\x8b\x90\xbc" in data  # 葛西 in plain cp932
    assert codec.decode(data) == (line, [])


def test_unmappable_character_is_reported_with_its_place_and_nothing_written() -> None:
    codec = _codec()
    text = (
        "notice_id,name_kanji,address\r\n"
        "N1,山田 太郎,東京都\r\n"
        "N2,𠀋田 花子,大阪府\r\n"  # U+2000B: not in cp932, not in the table
        f'N3,"葛{IVS2}城, 次郎",京都府\u2603\r\n'  # unknown IVS sequence; ☃
    )
    with pytest.raises(CharsetError) as caught:
        encode_file(text, codec, "moj-131016-20240401-0001.csv")
    report = caught.value.report
    found = [(p.line, p.column, p.params["char"], p.params["code"]) for p in report]
    assert found == [
        (3, "name_kanji", "𠀋", "U+2000B"),
        (4, "name_kanji", f"葛{IVS2}", "U+845B U+E0102"),  # base and selector together
        (4, "address", "\u2603", "U+2603"),
    ]
    message = caught.value.message("ja")
    assert "moj-131016-20240401-0001.csv" in message and "3" in message
    assert report.lines("en")[0] == (
        "line 3: name_kanji: character “𠀋” (U+2000B) has no code in juki-sjis "
        "(position 1; 住基統一文字: -); add it to the 外字 table"
    )
    assert "?" not in "".join(report.lines("ja"))


def test_record_line_counts_physical_lines_of_quoted_newlines() -> None:
    codec = _codec()
    text = 'id,memo\r\n1,"two\r\nlines"\r\n2,ok\r\n3,x𠀋\r\n'
    data, report = check_encode(text, codec)
    assert data == b""
    assert [(p.line, p.column) for p in report] == [(5, "memo")]


def test_private_use_and_c1_controls_never_pass_silently() -> None:
    codec = _codec()
    # cp932 itself would write U+E000 as 0xF040 and U+0080 as 0x80: meaningless here.
    for char in ("\ue000", "\ue757", "\uf8f0", "\x80", "\x9f"):
        data, bad = codec.encode(f"a{char}b")
        assert data == b"" and [(b.offset, b.text) for b in bad] == [(1, char)]


def test_decoding_reports_unknown_gaiji_and_invalid_bytes_with_place() -> None:
    codec = _codec()
    data = (
        b"id,name_kanji,address\r\n"
        b"1,\xf0\x40\x8f\xe9,x\r\n"  # known 外字
        b"2,\xf5\x40,y\r\n"  # 外字 code not in the table
        b"3,z,\x81\r\n"  # a lead byte without its trail
        b"4,\xa0,w\r\n"  # 0xA0 is not a character
    )
    text, report = check_decode(data, codec)
    assert text == ""
    assert [(p.line, p.column, p.key, p.params["code"]) for p in report] == [
        (3, "name_kanji", "charset.gaiji_unknown", "F5 40"),
        (4, "address", "charset.bad_bytes", "81"),
        (5, "name_kanji", "charset.bad_bytes", "A0"),
    ]
    with pytest.raises(CharsetError):
        decode_file(data, codec, "muni.csv")


def test_utf8_codec_passes_everything_and_refuses_broken_bytes() -> None:
    codec = charset.make_codec("utf-8")
    text = f"id,name\r\n1,𠮷{IVS0}田\ue000\r\n"
    assert encode_file(text, codec, "a.csv") == text.encode("utf-8")
    assert decode_file(b"\xef\xbb\xbf" + text.encode("utf-8"), codec, "a.csv") == text
    _text, report = check_decode(b"id,name\r\n1,\xff\xfe\r\n", codec)
    assert [(p.line, p.column, p.params["code"]) for p in report] == [
        (2, "name", "FF"),
        (2, "name", "FE"),
    ]
    _data, report = check_encode("id,name\r\n1,a\ud800\r\n", codec)
    assert [(p.line, p.column, p.params["code"]) for p in report] == [(2, "name", "U+D800")]


@pytest.mark.parametrize(
    ("row", "key"),
    [
        ("889F,,𠀋", "charset.gaiji.bad_sjis"),  # a JIS code, not the user area
        ("F03F,,𠀋", "charset.gaiji.bad_sjis"),
        ("F07F,,𠀋", "charset.gaiji.bad_sjis"),  # 0x7F is no trail byte
        ("FA40,,𠀋", "charset.gaiji.bad_sjis"),  # IBM extension area, not user-defined
        ("F040,AD01,𠀋", "charset.gaiji.bad_juki"),
        ("F040,,", "charset.gaiji.no_unicode"),
        ("F040,J+AD01,", "charset.gaiji.juki_unknown"),  # never read as U+AD01 (Hangul)
        ("F040,,高", "charset.gaiji.in_cp932"),
        ("F040,,髙", "charset.gaiji.in_cp932"),  # IBM extension: cp932 has it
        ("F040,,ab", "charset.gaiji.not_one_char"),
        (f"F040,,{IVS0}", "charset.gaiji.not_one_char"),
        ("F040,,\ue000", "charset.gaiji.private_use"),
        ("F042,,𩸽", "charset.gaiji.duplicate"),  # the same character twice
        ("F0FC,,𠀋", "charset.gaiji.duplicate"),  # the same code twice
    ],
)
def test_bad_gaiji_tables_are_refused_naming_the_line(row: str, key: str) -> None:
    text = "sjis,juki_code,unicode\nF042,,𩸽\nF0FC,,𪚲\n" + row + "\n"
    with pytest.raises(CharsetTableError) as caught:
        parse_gaiji(text, "gaiji.csv")
    assert caught.value.key == key
    assert caught.value.params["line"] == 4
    assert "gaiji.csv" in caught.value.message("ja")


def test_gaiji_header_is_required() -> None:
    with pytest.raises(CharsetTableError) as caught:
        parse_gaiji("code,unicode\nF040,𠀋\n", "g.csv")
    assert caught.value.key == "charset.gaiji.header"
