"""The 未入力 search index: what matches, in what order, and that updates show."""

from __future__ import annotations

from datetime import date

import pytest

from core.waiting import WaitingList, normalise, parse_date
from tests.support.waiting import entry, many


def _numbers(result) -> list[str]:
    return [e.card_number for e in result]


def sample() -> WaitingList:
    return WaitingList(
        [
            entry("AB12345678CD", "KIM MINJUN", "金 民俊", date(1950, 1, 2)),
            entry("AB22222222CD", "LEE SEOYEON", "李 瑞妍", date(1988, 7, 7)),
            entry("XY33333333ZZ", "TAKAHASHI HANA", "髙橋 花", date(2019, 5, 1)),
            entry("XY44444444ZZ", "YOSHIDA SORA", "𠮷田 空", date(1989, 1, 8)),
        ]
    )


def test_empty_query_lists_everything_in_order() -> None:
    waiting = sample()
    assert len(waiting) == 4
    assert _numbers(waiting.search("")) == [
        "AB12345678CD",
        "AB22222222CD",
        "XY33333333ZZ",
        "XY44444444ZZ",
    ]
    assert _numbers(waiting.search("   ")) == _numbers(waiting.search(""))


def test_card_number_is_width_and_case_insensitive() -> None:
    waiting = sample()
    assert _numbers(waiting.search("ab1234")) == ["AB12345678CD"]
    assert _numbers(waiting.search("ＡＢ１２３４")) == ["AB12345678CD"]  # full-width
    assert _numbers(waiting.search("zz")) == ["XY33333333ZZ", "XY44444444ZZ"]


def test_latin_name_words_and_without_spaces() -> None:
    waiting = sample()
    assert _numbers(waiting.search("kim")) == ["AB12345678CD"]
    assert _numbers(waiting.search("minjun kim")) == ["AB12345678CD"]
    assert _numbers(waiting.search("kimminjun")) == ["AB12345678CD"]
    assert _numbers(waiting.search("ｋｉｍ")) == ["AB12345678CD"]
    assert _numbers(waiting.search("kim lee")) == []


def test_kanji_name_including_rare_characters() -> None:
    waiting = sample()
    assert _numbers(waiting.search("髙橋")) == ["XY33333333ZZ"]
    assert _numbers(waiting.search("𠮷田")) == ["XY44444444ZZ"]
    assert _numbers(waiting.search("金民俊")) == ["AB12345678CD"]  # space in the name skipped
    assert _numbers(waiting.search("李　瑞妍")) == ["AB22222222CD"]  # ideographic space typed


def test_birth_date_in_gregorian_forms() -> None:
    waiting = sample()
    for query in ("1988-07-07", "19880707", "1988/7/7", "１９８８－０７－０７"):
        assert _numbers(waiting.search(query)) == ["AB22222222CD"], query
    assert _numbers(waiting.search("1950")) == ["AB12345678CD"]  # year as text
    assert _numbers(waiting.search("1950-01")) == ["AB12345678CD"]


def test_date_word_combined_with_a_name() -> None:
    waiting = sample()
    assert _numbers(waiting.search("lee 1988-07-07")) == ["AB22222222CD"]
    assert _numbers(waiting.search("kim 1988-07-07")) == []


def test_parse_date_rejects_text_and_impossible_dates() -> None:
    assert parse_date("kim") is None
    assert parse_date("2024-02-30") is None
    assert parse_date("20240401") == date(2024, 4, 1)
    assert normalise("ＡＢｃ") == "abc"


def test_incremental_typing_gives_the_same_result_as_a_fresh_search() -> None:
    entries = many(3000)
    typed = WaitingList(entries)
    query = "kim min"
    for i in range(1, len(query) + 1):
        partial = query[:i]
        assert _numbers(typed.search(partial)) == _numbers(WaitingList(entries).search(partial))
    # backspace widens the result again
    assert len(typed.search("kim")) == len(WaitingList(entries).search("kim"))
    assert len(typed.search("kim")) > len(typed.search("kim min"))


def test_limit_and_lazy_result() -> None:
    waiting = WaitingList(many(500))
    result = waiting.search("")
    assert len(result) == 500
    assert len(waiting.search("", limit=10)) == 10
    assert result[3].card_number == _numbers(result)[3]
    assert [e.card_number for e in result[2:4]] == _numbers(result)[2:4]
    assert result.index_of(result[42].card_number) == 42


def test_upsert_updates_without_duplicating_and_search_sees_it() -> None:
    waiting = sample()
    assert _numbers(waiting.search("kim")) == ["AB12345678CD"]
    waiting.upsert(entry("AB12345678CD", "PARK MINJUN", "朴 民俊", date(1951, 2, 3)))
    assert len(waiting) == 4
    assert _numbers(waiting.search("kim")) == []
    assert _numbers(waiting.search("park")) == ["AB12345678CD"]
    assert _numbers(waiting.search("1951-02-03")) == ["AB12345678CD"]
    assert _numbers(waiting.search("1950-01-02")) == []
    waiting.upsert(entry("NEW0000001AA", "HAN HARU", "韓 春"))
    assert len(waiting) == 5
    assert _numbers(waiting.search(""))[-1] == "NEW0000001AA"
    assert waiting.get("NEW0000001AA") is not None


def test_remove_takes_entry_off_every_path() -> None:
    waiting = sample()
    waiting.search("a")  # leave a cached result behind
    removed = waiting.remove("AB22222222CD")
    assert removed is not None and removed.name_alpha == "LEE SEOYEON"
    assert len(waiting) == 3
    assert waiting.get("AB22222222CD") is None
    assert "AB22222222CD" not in _numbers(waiting.search("a"))
    assert _numbers(waiting.search("1988-07-07")) == []
    assert waiting.remove("AB22222222CD") is None
    assert "AB22222222CD" not in _numbers(waiting.search(""))


def test_get_accepts_typed_forms_of_the_number() -> None:
    waiting = sample()
    assert waiting.get("AB12345678CD") is not None
    assert waiting.get("ａｂ12345678ｃｄ") is not None
    assert waiting.get("ZZ0") is None


def test_hundred_thousand_entries_build_and_search() -> None:
    waiting = WaitingList(many(100_000))
    assert len(waiting) == 100_000
    hits = waiting.search("yoshida")
    assert 0 < len(hits) < 100_000
    assert all("YOSHIDA" in e.name_alpha for e in hits[:50])
    assert len(waiting.search("sp00099999")) == 1


def test_birth_date_in_wareki_forms_and_partial_era_text() -> None:
    waiting = sample()
    for query in ("S25.1.2", "昭和25年1月2日", "s25/1/2", "昭和二十五年一月二日"):
        assert _numbers(waiting.search(query)) == ["AB12345678CD"], query
    assert _numbers(waiting.search("H1.1.8")) == ["XY44444444ZZ"]
    assert _numbers(waiting.search("令和元年5月1日")) == ["XY33333333ZZ"]
    assert _numbers(waiting.search("s25.1")) == ["AB12345678CD"]  # partial, as typed


# -- issue 18: variant kanji (縮退) and forgiving numbers -----------------------


def test_variant_kanji_are_found_by_what_an_ime_types() -> None:
    """高 finds 髙, 吉 finds 𠮷, 崎 finds 﨑: the pairs are the characters' own
    (U+9AD9 is the 'ladder' variant of U+9AD8, U+20BB7 of U+5409, U+FA11 of U+5D0E)."""
    waiting = WaitingList(
        [
            *sample(),
            entry("XY55555555ZZ", "MIYAZAKI REN", "宮﨑 蓮", date(1990, 2, 3)),
            entry("XY66666666ZZ", "TAKAGI MIO", "高木 澪", date(1991, 3, 4)),
        ]
    )
    assert _numbers(waiting.search("高")) == ["XY33333333ZZ", "XY66666666ZZ"]
    assert _numbers(waiting.search("髙")) == ["XY33333333ZZ", "XY66666666ZZ"]
    assert _numbers(waiting.search("吉田")) == ["XY44444444ZZ"]
    assert _numbers(waiting.search("宮崎")) == ["XY55555555ZZ"]
    # an ideographic variation selector (IVS) on the query does not hide the row
    assert _numbers(waiting.search("宮\U000e0100")) == ["XY55555555ZZ"]
    assert normalise("髙橋") == normalise("高橋") and "髙" not in normalise("髙橋")


def test_numbers_typed_with_spaces_hyphens_case_width_or_only_their_start() -> None:
    from core.waiting import card_key

    waiting = sample()
    for typed in (
        "ab 1234 5678 cd",
        "AB-1234-5678-CD",
        "ＡＢ１２３４５６７８ＣＤ",
        "ab12345678cd",
        "AB123456",  # a unique start
        "AB 1234",
    ):
        found, count = waiting.find(typed)
        assert found is not None and found.card_number == "AB12345678CD", typed
        assert count == 1
    for short in ("AB", "AB2", "XY"):  # letters and one digit: too short to guess
        found, count = waiting.find(short)
        assert found is None and count == 0, short
    found, count = waiting.find("xy 33")
    assert found is not None and found.card_number == "XY33333333ZZ"
    found, count = waiting.find("ZZ99")
    assert found is None and count == 0
    both = WaitingList([entry("AB12340000CD", "A", "", date(1950, 1, 1)), *sample()])
    found, count = both.find("AB1234")
    assert found is None and count == 2  # two start so: says how many, guesses none
    assert card_key("ｂｃ 2271-7775 cm") == "BC22717775CM"
    assert _numbers(waiting.search("AB-1234-5678")) == ["AB12345678CD"]


# -- issue 19: built from columns, search keys deferred ------------------------


def _columns(entries) -> dict[str, list]:
    from core.waiting import FIELDS, ymd

    columns = {f: [getattr(e, f) for e in entries] for f in FIELDS}
    for name in ("card_made_date", "birth_date"):
        columns[name] = [ymd(d) for d in columns[name]]
    return columns


def test_built_from_column_chunks_sorted_with_keys_now_later_or_in_the_background() -> None:
    entries = many(5000)
    shuffled = entries[2500:] + entries[:2500]
    chunks = [_columns(shuffled[i : i + 700]) for i in range(0, len(shuffled), 700)]
    by_card = sorted(entries, key=lambda e: e.card_number)
    day = entries[1234].birth_date
    for keys in ("now", "later", "background"):
        waiting = WaitingList.from_columns(iter(chunks), {by_card[3].card_number: day}, keys=keys)
        assert len(waiting) == len(entries)
        # sorted by card number, as the store's list is; the entered date on its row
        assert _numbers(waiting.search("")) == [e.card_number for e in by_card]
        assert waiting.get(by_card[3].card_number).entered_date == day
        # expected from the entries themselves, not from the index
        assert _numbers(waiting.search("yoshida")) == [
            e.card_number for e in by_card if "YOSHIDA" in e.name_alpha
        ], keys
        assert _numbers(waiting.search(day.isoformat())) == [
            e.card_number for e in by_card if e.birth_date == day
        ], keys
    with pytest.raises(ValueError):
        WaitingList.from_columns([], keys="soon")


def test_a_name_of_four_letters_is_a_name_not_a_number() -> None:
    """A certificate number is two letters, eight digits, two letters (CARD.md):
    four letters typed (``kim m``) are a name, found as one, never a number."""
    people = [
        entry("AB12345678CD", name_alpha="KIM MINJUN"),
        entry("AB12345679CD", name_alpha="KIMURA MIKA"),
        entry("AB12345680CD", name_alpha="LEE SORA"),
    ]
    found = WaitingList(people).search("kim m")
    assert sorted(e.name_alpha for e in found) == ["KIM MINJUN", "KIMURA MIKA"]
    assert [e.card_number for e in WaitingList(people).search("ab1234567")] == [
        "AB12345678CD",
        "AB12345679CD",
    ]
