"""Era dates: every day 1873–2100 round-trips, every boundary is strict, every
accepted form reads, every refusal says why."""

from __future__ import annotations

import datetime
import itertools

import pytest

from core import wareki
from core.errors import RenkeiError
from core.i18n import catalogue
from core.wareki import WarekiError, parse, to_short, to_wareki

D = datetime.date


def test_every_day_1873_to_2100_round_trips_long_and_short() -> None:
    day = D(1873, 1, 1)
    last = D(2100, 12, 31)
    one = datetime.timedelta(days=1)
    count = 0
    bad: list[tuple[D, str, str]] = []
    while day <= last:
        long_form = to_wareki(day)
        short_form = to_short(day)
        if parse(long_form) != day or parse(short_form) != day:
            bad.append((day, long_form, short_form))
        count += 1
        day += one
    assert bad == []
    assert count == (last - D(1873, 1, 1)).days + 1 == 83_275


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和6年4月1日", D(2024, 4, 1)),
        ("令和元年5月1日", D(2019, 5, 1)),
        ("R6.4.1", D(2024, 4, 1)),
        ("r6/4/1", D(2024, 4, 1)),
        ("R6-4-1", D(2024, 4, 1)),
        ("H31.4.30", D(2019, 4, 30)),
        ("h1.1.8", D(1989, 1, 8)),
        ("S64.1.7", D(1989, 1, 7)),
        ("s1.12.25", D(1926, 12, 25)),
        ("T15.12.24", D(1926, 12, 24)),
        ("T1.7.30", D(1912, 7, 30)),
        ("M45.7.29", D(1912, 7, 29)),
        ("M6.1.1", D(1873, 1, 1)),
        ("令和６年４月１日", D(2024, 4, 1)),  # full-width digits
        ("Ｒ６．４．１", D(2024, 4, 1)),  # full-width letter and dots
        ("ｒ６／４／１", D(2024, 4, 1)),
        ("令和 6年 4月 1日", D(2024, 4, 1)),  # spaces
        (" R6.4.1 ", D(2024, 4, 1)),
        ("令和6年4月1", D(2024, 4, 1)),  # 日 left off
        ("令和六年四月一日", D(2024, 4, 1)),  # kanji numerals
        ("平成三十一年四月三十日", D(2019, 4, 30)),
        ("昭和二十年八月十五日", D(1945, 8, 15)),
        ("令和元年五月一日", D(2019, 5, 1)),
        ("㋿6年4月1日", D(2024, 4, 1)),  # era ligatures
        ("㍻31年4月30日", D(2019, 4, 30)),
        ("㍼64年1月7日", D(1989, 1, 7)),
        ("明治6年1月1日", D(1873, 1, 1)),
        ("大正元年7月30日", D(1912, 7, 30)),
        ("R060401", D(2024, 4, 1)),  # compact letter + YYMMDD
        ("H010108", D(1989, 1, 8)),
        ("2024-04-01", D(2024, 4, 1)),
        ("2024/4/1", D(2024, 4, 1)),
        ("2024.4.1", D(2024, 4, 1)),
        ("20240401", D(2024, 4, 1)),
        ("２０２４－０４－０１", D(2024, 4, 1)),
        ("２０２４０４０１", D(2024, 4, 1)),
        ("2024年4月1日", D(2024, 4, 1)),
        ("2024-02-29", D(2024, 2, 29)),
        ("1873-01-01", D(1873, 1, 1)),
    ],
)
def test_accepted_forms(text: str, expected: D) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("day", "long_form", "short_form"),
    [
        (D(1873, 1, 1), "明治6年1月1日", "M6.1.1"),
        (D(1912, 7, 29), "明治45年7月29日", "M45.7.29"),
        (D(1912, 7, 30), "大正元年7月30日", "T1.7.30"),
        (D(1926, 12, 24), "大正15年12月24日", "T15.12.24"),
        (D(1926, 12, 25), "昭和元年12月25日", "S1.12.25"),
        (D(1989, 1, 7), "昭和64年1月7日", "S64.1.7"),
        (D(1989, 1, 8), "平成元年1月8日", "H1.1.8"),
        (D(2019, 4, 30), "平成31年4月30日", "H31.4.30"),
        (D(2019, 5, 1), "令和元年5月1日", "R1.5.1"),
        (D(2020, 1, 1), "令和2年1月1日", "R2.1.1"),
        (D(2024, 4, 1), "令和6年4月1日", "R6.4.1"),
    ],
)
def test_boundaries_written(day: D, long_form: str, short_form: str) -> None:
    assert to_wareki(day) == long_form
    assert to_wareki(day, short=True) == short_form
    assert parse(long_form) == day and parse(short_form) == day


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("平成31年5月1日", "wareki.after_era_hint"),
        ("H31.5.1", "wareki.after_era_hint"),
        ("昭和64年1月8日", "wareki.after_era_hint"),
        ("大正15年12月25日", "wareki.after_era_hint"),
        ("明治45年7月30日", "wareki.after_era_hint"),
        ("平成31年4月31日", "wareki.after_era"),  # not a day at all, and past the era
        ("令和元年4月30日", "wareki.before_era"),
        ("平成元年1月7日", "wareki.before_era"),
        ("昭和元年12月24日", "wareki.before_era"),
        ("大正元年7月29日", "wareki.before_era"),
        ("明治5年12月31日", "wareki.before_solar"),
        ("明治元年1月25日", "wareki.before_solar"),
        ("1872-12-31", "wareki.too_early"),
        ("0001-01-01", "wareki.too_early"),
        ("R0.1.1", "wareki.year_zero"),
        ("R6.13.1", "wareki.bad_month"),
        ("R6.0.1", "wareki.bad_month"),
        ("H31.2.29", "wareki.bad_day"),
        ("R6.4.31", "wareki.bad_day"),
        ("2023-02-29", "wareki.bad_day"),
        ("20230230", "wareki.bad_day"),
        ("2024-4-0", "wareki.bad_day"),
        ("X6.4.1", "wareki.unknown_era"),
        ("天平6年4月1日", "wareki.unknown_era"),
        ("2024-04/01", "wareki.unreadable"),
        ("2024", "wareki.unreadable"),
        ("R6.4", "wareki.unreadable"),
        ("tomorrow", "wareki.unreadable"),
        ("", "wareki.empty"),
        ("   ", "wareki.empty"),
    ],
)
def test_refused_with_a_reason(text: str, key: str) -> None:
    with pytest.raises(WarekiError) as caught:
        parse(text)
    assert caught.value.key == key
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, RenkeiError)
    assert key in catalogue()
    for lang in ("ja", "en"):
        message = caught.value.message(lang)
        assert "{" not in message  # every placeholder filled
        if text.strip():
            assert text.strip() in message  # the clerk sees what was typed


def test_messages_say_the_era_limit_in_clerk_words() -> None:
    with pytest.raises(WarekiError) as caught:
        parse("平成31年5月1日")
    ja = caught.value.message("ja")
    assert "平成は31年4月30日までです" in ja and "令和元年5月1日" in ja
    with pytest.raises(WarekiError) as caught:
        parse("昭和64年1月8日")
    assert "昭和は64年1月7日までです" in caught.value.message("ja")
    with pytest.raises(WarekiError) as caught:
        parse("明治5年12月31日")
    assert "太陽暦" in caught.value.message("ja")
    assert "solar calendar" in caught.value.message("en")


def test_writing_before_the_solar_calendar_is_refused() -> None:
    with pytest.raises(WarekiError) as caught:
        to_wareki(D(1872, 12, 31))
    assert caught.value.key == "wareki.too_early"


def test_era_table_is_data_and_contiguous() -> None:
    table = wareki.eras()
    assert [e.name for e in table] == ["明治", "大正", "昭和", "平成", "令和"]
    assert [e.letter for e in table] == ["M", "T", "S", "H", "R"]
    for before, after in itertools.pairwise(table):
        assert before.end is not None
        assert after.start - before.end == datetime.timedelta(days=1)
    assert table[-1].end is None
    assert table[0].accept_from == D(1873, 1, 1)


# -- issue 18: the one date display setting -------------------------------------


def test_display_setting_forms() -> None:
    day = D(2024, 4, 1)
    assert wareki.display(day, "和暦") == "令和6年4月1日"
    assert wareki.display(day, "西暦") == "2024-04-01"
    assert wareki.display(day, "両方") == "令和6年4月1日 (2024-04-01)"
    assert wareki.display(day, "和暦", compact=True) == "R6.4.1"
    assert wareki.display(day, "両方", compact=True) == "R6.4.1"
    assert wareki.display(day, "西暦", compact=True) == "2024-04-01"
    assert wareki.display(D(2019, 5, 1), "和暦") == "令和元年5月1日"
    assert wareki.display(D(1868, 1, 1), "両方") == "1868-01-01"  # before 明治: no era form
    assert wareki.display(day, "unknown") == wareki.display(day, "両方")
    assert wareki.display(None, "和暦") == ""
    # every form it writes reads back to the same day
    for mode in wareki.DISPLAYS:
        for compact in (False, True):
            text = wareki.display(day, mode, compact).split(" (")[0]
            assert parse(text) == day
