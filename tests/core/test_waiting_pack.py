"""``WaitingList.pack`` / ``unpack``: the columns of a built list taken apart
and put together again (the sealed snapshot's content, ``core.exchange.snapshot``).

The reference is the entries the list was built from: the list put together
again holds the same entries, in the same order, and finds the same rows.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest

from core import waiting
from core.waiting import WaitingList
from tests.support.waiting import many

QUERIES = ("kim", "髙橋", "高橋", "𠮷田", "吉田", "ｌｅｅ ｈａｎａ", "1980-04-01", "AB", "花")


def again(index: WaitingList, entered: dict[str, date] | None = None) -> WaitingList:
    meta, parts = index.pack()
    stream = iter(list(parts))
    return WaitingList.unpack(meta, lambda: next(stream), entered or {})


def columns(entries: list[Any]) -> list[dict[str, Any]]:
    """The entries as the store's loader gives them: a chunk of columns at a time."""
    out = []
    for start in range(0, len(entries), 700):
        part = entries[start : start + 700]
        chunk: dict[str, Any] = {f: [getattr(e, f) for e in part] for f in waiting.FIELDS}
        for name in ("card_made_date", "birth_date"):
            chunk[name] = [waiting.ymd(d) for d in chunk[name]]
        out.append(chunk)
    return out


@pytest.mark.parametrize("sort", [True, False])
def test_the_list_put_together_again_holds_the_same_rows(sort: bool) -> None:
    entries = many(3000)
    index = WaitingList.from_columns(columns(entries), sort=sort)
    first = entries[0].card_number
    entered = {first: date(2024, 5, 1)}
    copy = again(index, entered)
    assert list(copy) == [
        dataclasses.replace(e, entered_date=entered.get(e.card_number))
        for e in (sorted(entries, key=lambda e: e.card_number) if sort else entries)
    ]
    for query in QUERIES:
        assert [e.card_number for e in copy.search(query)] == [
            e.card_number for e in index.search(query)
        ], query
    assert copy.get(first).entered_date == date(2024, 5, 1)
    # and it takes updates like any list
    copy.remove(first)
    assert copy.get(first) is None and len(copy) == len(entries) - 1


def test_text_spans_parts_and_odd_characters_survive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(waiting, "PIECE", 1000)  # every text column in many parts
    entries = many(500)
    odd = dataclasses.replace(entries[3], name_kanji="𠮷田\udc80 葛\U000e0100", address="")
    entries[3] = odd
    index = WaitingList.from_columns(columns(entries))
    copy = again(index)
    assert copy.get(odd.card_number) == odd
    assert list(copy) == list(index)


def test_another_format_or_other_key_rules_are_refused() -> None:
    index = WaitingList.from_columns(columns(many(50)))
    meta, _parts = index.pack()
    for change in ({"format": 2}, {"keys": "other"}, {"byteorder": "other"}):
        with pytest.raises(ValueError):
            WaitingList.unpack({**meta, **change}, lambda: b"", {})
    unbuilt = WaitingList.from_columns(columns(many(50)), keys="later")
    with pytest.raises(ValueError):
        unbuilt.pack()
