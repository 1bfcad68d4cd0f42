"""The ``juki`` codec: one 16-bit unit per character holding its J+ value.

Expected values come from the MJ文字情報一覧表 (mji.00602) and the issue: J+B9D5 is
葛 U+845B (the 常用漢字表 form), J+845B is 葛 U+845B U+E0102, J+3404 is 㐄 U+3404
U+E0101, 髙 is J+9AD9 and 𠮷 is J+AEAC; the 縮退 suggestions come from the
MJ縮退マップ / 法務省告示582号 別表第四 (边 → 辺 J+8FBA, 邊 J+908A, 邉 J+9089).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from core import charset
from core.charset import JukiCodec, check_decode, check_encode, decode_file, encode_file
from core.charset.gaiji import parse_gaiji
from core.charset.juki import shipped

IVS = "\U000e0100"


def _rows(name: str) -> list[list[str]]:
    text = resources.files("core.charset").joinpath("data", name).read_text("utf-8")
    return [line.split("\t") for line in text.splitlines() if not line.startswith("#")]


def _chars(hex_codes: str) -> str:
    return "".join(chr(int(h, 16)) for h in hex_codes.split())


def _codec(**kwargs: object) -> JukiCodec:
    codec = charset.make_codec("juki", **kwargs)  # type: ignore[arg-type]
    assert isinstance(codec, JukiCodec)
    return codec


def test_every_row_of_the_shipped_table_round_trips_byte_exact() -> None:
    rows = _rows("juki.tsv")
    assert len(rows) == 19563  # every MJ row with a 住基ネット統一文字コード
    codec = _codec()
    text = "".join(_chars(form) for _code, _mj, form, _also in rows)
    expected = b"".join(int(code, 16).to_bytes(2, "big") for code, *_ in rows)
    data, bad = codec.encode(text)
    assert bad == [] and data == expected
    back, bad = codec.decode(data)
    assert bad == [] and back.encode("utf-8") == text.encode("utf-8")
    for code, _mj, form, also in rows:  # and one by one, so a failure names the row
        unit = int(code, 16).to_bytes(2, "big")
        assert codec.encode(_chars(form)) == (unit, []), code
        assert codec.decode(unit) == (_chars(form), []), code
        if also:  # the second spelling is accepted on the way in
            assert codec.encode(_chars(also)) == (unit, []), code


def test_the_non_kanji_repertoire_round_trips_as_its_code_points() -> None:
    codes = [int(row[0], 16) for row in _rows("nonkanji.tsv")]
    assert all(0x20 <= c <= 0x33FF or 0xFF00 <= c <= 0xFFFE for c in codes)
    text = "".join(map(chr, codes))
    codec = _codec()
    data, bad = codec.encode(text)
    assert bad == [] and data == text.encode("utf-16-be")
    assert codec.decode(data) == (text, [])


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("葛", 0xB9D5),
        ("葛\U000e0102", 0x845B),
        ("㐄\U000e0101", 0x3404),
        ("髙", 0x9AD9),
        ("𠮷", 0xAEAC),
        ("一", 0x4E00),
        ("A", 0x0041),
        ("\r", 0x000D),
        ("\n", 0x000A),
    ],
)
def test_named_pairs(text: str, unit: int) -> None:
    codec = _codec()
    assert codec.encode(text) == (unit.to_bytes(2, "big"), [])
    assert codec.decode(unit.to_bytes(2, "big")) == (text, [])


def test_byte_order_and_bom_by_config() -> None:
    text = "髙橋\r\n"
    be = _codec().encode(text)[0]
    assert be == bytes.fromhex("9AD9 6A4B 000D 000A")
    le = _codec(byte_order="le", bom=True).encode(text)[0]
    assert le == bytes.fromhex("FFFE D99A 4B6A 0D00 0A00")
    # A BOM says the order on the way in, whatever is configured.
    assert _codec().decode(le) == (text, [])
    assert _codec(byte_order="le").decode(b"\xfe\xff" + be) == (text, [])


def test_characters_outside_the_repertoire_are_reported_never_dropped() -> None:
    codec = _codec()
    text = "id,name\r\n1,葛" + IVS + "城\r\n2,边\r\n3,\uad01\r\n"
    data, bad = codec.encode(text)
    assert data == b""
    assert [(b.offset, b.text) for b in bad] == [
        (text.index("葛"), "葛" + IVS),
        (text.index("边"), "边"),
        (text.index("\uad01"), "\uad01"),
    ]
    _data, report = check_encode(text, codec, charset.Hints(shipped()))
    found = [(p.line, p.column, p.params["code"], p.params["juki"]) for p in report]
    assert found == [
        (2, "name", "U+845B U+E0100", "J+B9D5"),  # IVS of another collection: the base
        (3, "name", "U+8FB9", "J+8FBA J+908A J+9089"),  # simplified: 別表第四 → 辺 邊 邉
        (4, "name", "U+AD01", "-"),  # Hangul: not 住基統一文字
    ]
    assert all(p.params["position"] == "1" for p in report)


def test_gaiji_are_private_use_units_both_ways() -> None:
    # 鿰 (U+9FF0) has no J+ code; 葛 + E0100 is no Moji_Joho J+ form.
    gaiji = parse_gaiji("sjis,juki_code,unicode\nF040,,鿰\nF041,,U+845B U+E0100\n", "g.csv")
    codec = _codec(gaiji=gaiji)
    text = "鿰田 葛" + IVS + "城"
    data, bad = codec.encode(text)
    assert bad == []
    assert data == bytes.fromhex("E000 7530 0020 E001 57CE")
    assert codec.decode(data) == (text, [])


def test_unknown_units_are_reported_with_record_and_column() -> None:
    codec = _codec()
    data = "id,name\r\n1,山田\r\n2,".encode("utf-16-be") + bytes.fromhex("E123 FFFF 000D 000A")
    text, report = check_decode(data, codec)
    assert text == ""
    found = [(p.line, p.column, p.key, p.params["code"]) for p in report]
    assert found == [
        (3, "name", "charset.gaiji_unknown", "E123"),
        (3, "name", "charset.juki_unknown", "FFFF"),
    ]
    with pytest.raises(charset.CharsetError):
        decode_file(data, codec, "muni.csv")


def test_boundary_settings_choose_juki(tmp_path: Path) -> None:
    from core import config as config_mod
    from core.config import BoundarySettings, Config

    config_mod.save(
        tmp_path, Config(boundary=BoundarySettings(encoding="juki", juki_byte_order="le"))
    )
    tables = charset.load_tables(tmp_path)
    assert tables.codec.name == "juki"
    assert encode_file("髙\r\n", tables.codec, "x.csv") == bytes.fromhex("D99A 0D00 0A00")


@pytest.mark.parametrize(
    "text",
    [
        "葛\U000e0102",  # odd base (葛 alone is J+B9D5) + selector
        "㐄\U000e0101",  # base that exists only with its selector
        "一葛\U000e0103",  # the second spelling of J+B9D5 after an identity character
        "髙葛\U000e0102㐄\U000e0101𠮷",
        "葛葛\U000e0102葛",
    ],
)
def test_every_path_agrees_on_selectors(text: str) -> None:
    codec = _codec()
    expected = b"".join(
        int(codec.table.from_unicode[t][2:], 16).to_bytes(2, "big") for t in _split_pairs(text)
    )
    assert codec.encode(text) == (expected, [])
    assert codec._encode_slow(text) == (expected, [])
    assert codec.encode("A\r\n" + text) == (bytes.fromhex("0041 000D 000A") + expected, [])


def _split_pairs(text: str) -> list[str]:
    out: list[str] = []
    for char in text:
        if 0xE0100 <= ord(char) <= 0xE01EF:
            out[-1] += char
        else:
            out.append(char)
    return out


def test_gaiji_beyond_the_sjis_area_with_a_unit_column() -> None:
    table = shipped()
    text = "sjis,juki_code,unicode,unit\nF040,,鿰,\n,,U+9FF1,F8FF\nF041,,U+9FF2,E800\n"
    gaiji = parse_gaiji(text, "g.csv", table.to_unicode, table.from_unicode)
    codec = _codec(gaiji=gaiji)
    data, bad = codec.encode("鿰\u9ff1\u9ff2")
    assert bad == [] and data == bytes.fromhex("E000 F8FF E800")
    assert codec.decode(data) == ("鿰\u9ff1\u9ff2", [])
    # juki-sjis carries the rows with a Shift_JIS code only.
    sjis = charset.make_codec("juki-sjis", gaiji)
    assert sjis.encode("\u9ff2") == (b"\xf0\x41", [])
    assert sjis.encode("\u9ff1")[1][0].text == "\u9ff1"


@pytest.mark.parametrize(
    ("row", "key"),
    [
        (",,U+9FF1,D800", "charset.gaiji.bad_unit"),
        (",,U+9FF1,F900", "charset.gaiji.bad_unit"),
        (",,U+9FF1,", "charset.gaiji.bad_sjis"),  # neither code
        (",,U+9FF1,E000", "charset.gaiji.duplicate"),  # F040's unit
        (",,髙,E001", "charset.gaiji.has_juki"),  # J+9AD9: no 外字 needed
    ],
)
def test_bad_unit_rows_are_refused(row: str, key: str) -> None:
    table = shipped()
    text = f"sjis,juki_code,unicode,unit\nF040,,鿰,\n{row}\n"
    with pytest.raises(charset.CharsetTableError) as caught:
        parse_gaiji(text, "g.csv", table.to_unicode, table.from_unicode)
    assert caught.value.key == key and caught.value.params["line"] == 3
