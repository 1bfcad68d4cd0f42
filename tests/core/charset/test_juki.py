"""The 住基統一文字 table: imported from an MJ文字情報一覧表 export, kept with its
attribution, and J+ numbers never taken for Unicode code points."""

from __future__ import annotations

from pathlib import Path

import pytest

from core import charset
from core.charset.gaiji import CharsetTableError
from core.charset.juki import import_mj, load_juki, parse_mj
from core.paths import JUKI_ATTRIBUTION_NAME, JUKI_NAME

# The MJ table's real header (the first 19 columns and a few after), so the
# import is tested against the shape of the public data; the rows are real rows
# of mji.00602 (MJ文字情報一覧表), in its published forms U+XXXX, XXXX_XXXXX, J+XXXX.
HEADER = [
    "図形", "font", "MJ文字図形名", "対応するUCS", "実装したUCS",
    "実装したMoji_JohoコレクションIVS", "実装したSVS", "戸籍統一文字番号",
    "住基ネット統一文字コード", "入管正字コード", "入管外字コード", "漢字施策",
    "対応する互換漢字", "X0213", "X0213 包摂連番", "X0213 包摂区分", "X0212",
    "MJ文字図形バージョン", "登記統一文字番号(参考)", "総画数(参考)", "読み(参考)",
]  # fmt: skip
ROWS = [
    # (MJ name, 対応するUCS, 実装したUCS, IVS, 住基コード): real rows of mji.00602
    ("MJ006294", "U+4E00", "U+4E00", "", "J+4E00"),  # 一: J+ = U+
    ("MJ022336", "U+845B", "U+845B", "845B_E0103", "J+B9D5"),  # 葛, the 常用漢字表 form
    ("MJ022335", "U+845B", "", "845B_E0102", "J+845B"),  # 葛 variant: only an IVS
    ("MJ000007", "U+3404", "", "3404_E0101", "J+3404"),  # 㐄: only an IVS
    ("MJ006301", "U+4E07", "", "4E07_E0102", "J+AD01"),  # 万 variant in the Hangul range
    ("MJ028902", "U+9AD9", "U+9AD9", "", "J+9AD9"),  # 髙
    ("MJ032129", "U+20BB7", "U+20BB7", "", "J+AEAC"),  # 𠮷
    ("MJ000002", "U+3006", "U+3006", "", ""),  # 〆: no 住基 code, skipped
    ("MJ999999", "", "", "", "J+D6FE"),  # (synthetic) no Unicode form: skipped
]


def _export(delimiter: str = "\t") -> str:
    lines = [delimiter.join(HEADER)]
    for mj, ucs, impl, ivs, juki in ROWS:
        cells = ["", "", mj, ucs, impl, ivs, "", "", juki] + [""] * (len(HEADER) - 9)
        lines.append(delimiter.join(cells))
    return "\r\n".join(lines) + "\r\n"


# The rule of the issue: 実装したUCS when present, else the Moji_Joho IVS.
EXPECTED = {
    "J+4E00": "一",
    "J+B9D5": "葛",
    "J+845B": "葛\U000e0102",
    "J+3404": "㐄\U000e0101",
    "J+AD01": "万\U000e0102",
    "J+9AD9": "髙",
    "J+AEAC": "𠮷",
}


@pytest.mark.parametrize(
    "data",
    [
        _export("\t").encode("utf-8"),
        _export(",").encode("utf-8-sig"),
        _export("\t").encode("utf-16"),  # Excel's "Unicode text"
        ("MJ文字情報一覧表 Ver.006.02\n\n" + _export(",")).encode("utf-8"),  # title lines
    ],
)
def test_mj_export_forms_read_the_same(data: bytes) -> None:
    rows = parse_mj(data, "mji.tsv")
    assert {code: text for code, text, _mj in rows} == EXPECTED
    assert ("J+AD01", "万\U000e0102", "MJ006301") in rows


def test_j_plus_numbers_are_never_code_points() -> None:
    table = charset.JukiTable.build(parse_mj(_export().encode(), "mji.tsv"))
    for code, text in table.to_unicode.items():
        number = int(code[2:], 16)
        if 0xAC00 <= number <= 0xD7A3:
            assert chr(number) not in text  # a Hangul syllable would be the naive reading
    assert table.to_unicode["J+AD01"] == "万\U000e0102"
    assert table.from_unicode["髙"] == "J+9AD9"


def test_import_writes_table_and_attribution_durably(tmp_path: Path) -> None:
    source = tmp_path / "mji.00602.tsv"
    source.write_text(_export(), encoding="utf-8")
    data_dir = tmp_path / "data"
    table = import_mj(source, data_dir)
    assert len(table) == len(EXPECTED)
    folder = data_dir / "charset"
    notice = (folder / JUKI_ATTRIBUTION_NAME).read_text(encoding="utf-8")
    assert "CC BY-SA 2.1 JP" in notice and "mji.00602.tsv" in notice
    assert "Information-technology Promotion Agency" in notice
    assert (folder / JUKI_NAME).stat().st_mode & 0o777 == 0o600
    assert not list(folder.glob(".tmp-*"))
    loaded = load_juki(data_dir)
    assert {c: loaded.to_unicode[c] for c in EXPECTED} == EXPECTED
    assert loaded.to_unicode["J+0041"] == "A"  # the non-kanji repertoire comes along
    assert loaded.from_unicode["葛\U000e0103"] == "J+B9D5"  # the second spelling too


def test_without_an_import_the_shipped_table_is_used(tmp_path: Path) -> None:
    table = load_juki(tmp_path)
    assert len(table) > 19563  # every J+ code of the MJ table, and the non-kanji
    assert {c: table.to_unicode[c] for c in EXPECTED} == EXPECTED
    assert table.mj["J+B9D5"] == "MJ022336"


def test_gaiji_table_by_juki_code_only_takes_unicode_from_the_mj_table(tmp_path: Path) -> None:
    gaiji = tmp_path / "gaiji.csv"
    gaiji.write_text("sjis,juki_code,unicode\nF040,J+AD01,\nF041,J+845B,\nF042,J+AEAC,\n")
    tables = charset.load_tables(tmp_path, "juki-sjis", gaiji)
    codec = tables.codec
    sample = "万\U000e0102城 葛\U000e0102西 𠮷野"
    data, bad = codec.encode(sample)
    assert bad == [] and data[:2] == b"\xf0\x40"
    assert codec.decode(data) == (sample, [])
    assert not any(0xAC00 <= ord(c) <= 0xD7A3 for c in codec.decode(data)[0])
    # Unmappable characters name the 住基統一文字 code when the MJ table knows one.
    # 葛 + E0100 (an IVS outside Moji_Joho's J+ forms): the base 葛 is J+B9D5.
    _data, report = charset.check_encode("id,name\n1,葛\U000e0100\n", codec, tables.hints)
    assert [p.params["juki"] for p in report] == ["J+B9D5"]


def test_mj_file_without_the_juki_column_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CharsetTableError) as caught:
        parse_mj("MJ文字図形名\t対応するUCS\nMJ000001\tU+4E00\n".encode(), "x.tsv")
    assert caught.value.key == "charset.mj.no_header"


def test_malformed_j_code_is_refused_with_its_line() -> None:
    data = _export().replace("J+4E00", "4E00").encode()
    with pytest.raises(CharsetTableError) as caught:
        parse_mj(data, "x.tsv")
    assert caught.value.key == "charset.gaiji.bad_juki" and caught.value.params["line"] == 2


@pytest.mark.parametrize(
    ("row", "key", "shown"),
    [
        ("F040,J+AD01,U+AD01", "charset.gaiji.juki_as_codepoint", "U+AD01"),  # Hangul
        ("F040,J+AD01,U+4E07 U+E0100", "charset.gaiji.juki_disagrees", "U+4E07 U+E0102"),
        ("F040,J+AEAC,U+5409", "charset.gaiji.juki_disagrees", "U+20BB7"),  # 𠮷, not 吉
    ],
)
def test_gaiji_rows_must_agree_with_the_table(row: str, key: str, shown: str) -> None:
    table = charset.shipped()
    with pytest.raises(CharsetTableError) as caught:
        charset.parse_gaiji(f"sjis,juki_code,unicode\n{row}\n", "g.csv", table.to_unicode,
                            table.from_unicode)  # fmt: skip
    assert caught.value.key == key and caught.value.params["line"] == 2
    assert shown in caught.value.message("en")


def test_gaiji_rows_that_agree_are_taken_in_either_spelling() -> None:
    table = charset.shipped()
    text = "sjis,juki_code,unicode\nF040,J+AD01,U+4E07 U+E0102\nF041,J+B9D5,U+845B U+E0103\n"
    rows = charset.parse_gaiji(text, "g.csv", table.to_unicode, table.from_unicode)
    assert [r.text for r in rows] == ["万\U000e0102", "葛\U000e0103"]
