"""Name fields outside 住基統一文字 are warnings of the data check, with the
place, the character, its U+ code and the 縮退 suggestion (边 → 辺 J+8FBA, 邊
J+908A, 邉 J+9089 from 法務省告示582号 別表第四 in the MJ縮退マップ)."""

from __future__ import annotations

from core.charset.repertoire import name_warnings, outside
from core.formats.check import checker_for
from core.reference import synth
from core.report import WARNING


def test_names_in_the_repertoire_pass() -> None:
    assert outside("髙橋 𠮷田 葛\U000e0102西 ヤマダ タロウ") == []
    assert name_warnings({"name_kanji": "山田 太郎", "old_name_kanji": "髙"}, 2) == []


def test_each_character_outside_is_a_warning_with_its_place() -> None:
    record = {"name_kanji": "王 边", "old_name_kanji": "葛\U000e0100", "address": "边"}
    found = name_warnings(record, 7)
    assert [(p.line, p.column, p.severity) for p in found] == [
        (7, "name_kanji", WARNING),
        (7, "old_name_kanji", WARNING),
    ]
    assert found[0].params == {
        "position": "3",
        "char": "边",
        "code": "U+8FB9",
        "juki": "J+8FBA J+908A J+9089",
    }
    assert found[1].params["juki"] == "J+B9D5"  # another collection's IVS: the base 葛
    assert "U+8FB9" in found[0].render("en") and "J+8FBA" in found[0].render("ja")


def test_the_data_check_reports_them_as_warnings() -> None:
    record = synth.certificates(count=1, seed=3)[0].record()
    record["name_kanji"] = "边 小龙"
    problems = checker_for("spr").check(record, 2)
    names = [p for p in problems if p.key == "charset.outside_repertoire"]
    assert [p.params["char"] for p in names] == ["边", "龙"]
    assert all(p.severity == WARNING for p in names)
