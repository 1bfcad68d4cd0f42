"""Each message of issue 15 item 6, in Japanese and English, from real input.

The expected strings are written here as a reader should see them; the values
(a date that does not exist, a byte that is not UTF-8, a quote never closed)
are made by hand.
"""

from __future__ import annotations

import csv

from core import formats
from core.reference import synth
from core.report import Problem


def _fatal(data: bytes, kind: str = "spr") -> Problem:
    parsed = formats.read(kind, data)
    assert parsed.fatal is not None
    return parsed.fatal


def _both(problem: Problem) -> tuple[str, str]:
    return problem.render("ja"), problem.render("en")


def _spr(**values: str) -> dict[str, str]:
    record = synth.certificates(count=1, seed=4)[0].record()
    record.update(values)
    return record


def _only(kind: str, record: dict[str, str], column: str) -> Problem:
    [problem] = [p for p in formats.check_record(kind, record, 2) if p.column == column]
    return problem


def test_wrong_form_and_no_such_day_are_told_apart() -> None:
    assert _both(_only("spr", _spr(birth_date="2024-2-3"), "birth_date")) == (
        "line 2: birth_date: 日付は西暦 8 桁の数字（YYYYMMDD、例 20240203）で書きます: 2024-2-3",
        "line 2: birth_date: a date is written as 8 digits, YYYYMMDD (e.g. 20240203): 2024-2-3",
    )
    assert _both(_only("spr", _spr(birth_date="20240230"), "birth_date")) == (
        "line 2: birth_date: 存在しない日付です（2 月 30 日はありません）: 20240230",
        "line 2: birth_date: no such day (month 2 has no day 30): 20240230",
    )
    assert _both(_only("spr", _spr(birth_date="17991231"), "birth_date")) == (
        "line 2: birth_date: 年が範囲外です（1800〜2999 年）: 17991231",
        "line 2: birth_date: the year is out of range (1800–2999): 17991231",
    )


def test_item_names_in_english() -> None:
    record = synth.Generator(3).pattern_record("moj", "A", 1, complete=True)
    record["status_code"] = "23"
    assert _both(_only("moj", record, "status_code")) == (
        "line 2: status_code: [警告] パターン A では送付しない項目に値があります: "
        "表4.1.1 の 6 在留資格コード",
        "line 2: status_code: [warning] pattern A does not carry this item, but it has a value: "
        "table 4.1.1 No. 6 status of residence code",
    )


def test_a_certificate_file_given_as_a_moj_file() -> None:
    assert _both(_fatal(synth.spr_file(count=2), "moj")) == (
        "file: moj ファイルではありません。spr ファイルの見出し行です"
        "（renkei validate spr で確認してください）",
        "file: this is not a moj file: this looks like a spr file "
        "(check it with renkei validate spr)",
    )


def test_bad_utf8_byte_counted_within_the_line() -> None:
    data = "notice_id,x\r\nN1,ok\r\nN2,あ".encode() + b"\x82\xa0\r\n"
    assert _both(_fatal(data)) == (
        "file: 文字コードが UTF-8 ではありません（3 行目、7 バイト目）。"
        "UTF-8（BOM なし）で保存してください",
        "file: the file is not UTF-8 (line 3, byte 7); save it as UTF-8 without BOM",
    )


def test_unterminated_quote_and_oversized_field() -> None:
    good = synth.spr_file(count=2, seed=1)
    assert _both(_fatal(good + b'N3,"never closed\r\nN4,x\r\n')) == (
        'file: 4 行目で始まる引用符（"）が閉じられていません',
        'file: the quote (") opened on line 4 is never closed',
    )
    limit = csv.field_size_limit()
    big = good + b"N3," + b"x" * (limit + 1) + b"\r\n"
    assert _both(_fatal(big)) == (
        f"file: 4 行目に長すぎる項目があります（{limit} 文字まで）",
        f"file: a field on line 4 is too long (at most {limit} characters)",
    )


def test_plausibility_errors_and_warnings() -> None:
    # A certificate made, or handed over, in 2999; a person born after the card was made.
    made = _only("spr", _spr(card_made_date="29990101"), "card_made_date")
    assert made.severity == "error"
    assert made.render("en").startswith(
        "line 2: card_made_date: date the certificate was made is after today ("
    )
    assert made.render("en").endswith("): 29990101")
    today = made.params["today"]
    assert _both(made) == (
        f"line 2: card_made_date: 発行年月日 が今日（{today}）より後の日付です: 29990101",
        f"line 2: card_made_date: date the certificate was made is after today ({today}): 29990101",
    )
    delivered = _spr(card_made_date="20240401", card_delivered_date="29990101")
    assert _only("spr", delivered, "card_delivered_date").key == "validate.plausible.future"
    born_late = _only(
        "spr", _spr(birth_date="20240501", card_made_date="20240401"), "card_made_date"
    )
    assert _both(born_late) == (
        "line 2: card_made_date: 発行年月日 20240401 が "
        "表4.1.1 の 2 出生の年月日 20240501 より前です",
        "line 2: card_made_date: date the certificate was made 20240401 is before "
        "table 4.1.1 No. 2 date of birth 20240501",
    )
    early = _only("spr", _spr(card_made_date="20240401", card_delivered_date="20240301"),
                  "card_delivered_date")  # fmt: skip
    assert _both(early) == (
        "line 2: card_delivered_date: 交付年月日 20240301 が発行年月日 20240401 より前です",
        "line 2: card_delivered_date: the hand-over date 20240301 is before the date the "
        "certificate was made (20240401)",
    )
    # A future 事由発生年月日 is a warning, except where the pattern's date is planned
    # (転出予定年月日, municipal E).
    moj = synth.Generator(5).pattern_record("moj", "A", 1, complete=True)
    moj["event_date"] = "29990101"
    assert _only("moj", moj, "event_date").severity == "warning"
    muni = synth.Generator(5).pattern_record("muni", "E", 1, complete=True)
    muni["event_date"] = "29990101"
    assert [p for p in formats.check_record("muni", muni, 2) if p.column == "event_date"] == []
