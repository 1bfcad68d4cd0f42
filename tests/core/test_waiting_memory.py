"""The 未入力 index's memory at a city's scale, measured with ``tracemalloc``.

Not timed: the bound is bytes, so a busy machine cannot fail it, and a change
of layout (an object or a string per row again) does.

The bound, and why: 100,000 synthetic entries (``tests.support.waiting.many``)
held as columns took 22.8 MB after the build (peak 41 MB while building) when
this test was written: about 230 bytes a row — the five text fields and the
folded search keys as characters in shared buffers, four bytes of row end per
buffer, a byte per interned code. The bound of 32 MB (320 bytes a row) leaves
40 % for Python versions and data, and is far below any per-row object layout:
the former index (one ``WaitingEntry`` and one haystack str per row) held
37 MB for its haystacks and slots alone, before the 100,000 entries (about
1 KB each); a str object per row per field costs ~50 bytes of header each,
i.e. +25 MB for five fields. The peak bound (56 MB) keeps the build chunked:
all columns as lists of 100,000 strings at once would pass 80 MB.
"""

from __future__ import annotations

import gc
import tracemalloc
from datetime import date

from core.waiting import WaitingList, normalise
from tests.support.waiting import entry, many

ROWS = 100_000
HELD_BOUND = 32_000_000  # bytes held by the built index
PEAK_BOUND = 56_000_000  # bytes at the peak of the build


def test_hundred_thousand_entries_held_under_the_bound() -> None:
    entries = many(ROWS)
    normalise("髙")  # the folding table is loaded once per process, not per index
    gc.collect()
    tracemalloc.start()
    try:
        index = WaitingList(entries)
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(index) == ROWS
    assert held <= HELD_BOUND, f"{held / 1e6:.1f} MB held for {ROWS} rows"
    assert peak <= PEAK_BOUND, f"{peak / 1e6:.1f} MB peak while building {ROWS} rows"
    # the index answers as the entries say: a row, a search, a date
    last = entries[-1]
    assert index.get(last.card_number) == last
    assert index.search(last.card_number)[0] == last
    assert last in index.search(last.birth_date.isoformat())


def test_rows_changed_after_the_build_cost_no_rebuild() -> None:
    entries = many(ROWS)
    index = WaitingList(entries)
    gc.collect()
    tracemalloc.start()
    try:
        index.upsert(entry(entries[5].card_number, "PARK HANA", "朴 花", date(2020, 6, 6)))
        index.upsert(entry("NW00000001AA", "HAN HARU", "韓 春", date(2021, 7, 7)))
        index.remove(entries[7].card_number)
        held, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert held <= 100_000, f"{held} bytes for three updates"  # a few objects, not a copy
    assert len(index) == ROWS
    # many() draws births before 2013: the new date is only on the changed row
    assert [e.card_number for e in index.search("2020-06-06")] == [entries[5].card_number]
    assert index.get(entries[7].card_number) is None
