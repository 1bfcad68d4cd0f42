"""The pattern tables as data against the seed's own text.

``seed_001_bessi.txt`` is the 【別紙】 part of seed 001 exactly as extracted from
the PDF (tab-separated cells). This test reads every mark of it and compares
it with ``core/formats/patterns/*.csv``: the only differences allowed are the
readings decided and recorded beside the data (R… / M… notes). A mistyped
cell in the data, or a new undocumented reading, fails here.
"""

from __future__ import annotations

import string
from pathlib import Path

from core.formats import tables

SEED = Path(__file__).with_name("seed_001_bessi.txt")


def _letters(first: str, last: str) -> list[str]:
    out = list(string.ascii_uppercase) + [a + b for a in "AB" for b in string.ascii_uppercase]
    return out[out.index(first) : out.index(last) + 1]


# Per table in the order they appear: (kind, pattern letters, cells per column).
TABLES = [
    ("moj", _letters("A", "R"), 1),
    ("moj", _letters("S", "AH"), 1),
    ("moj", _letters("AI", "BA"), 1),
    ("moj", _letters("BB", "BG"), 1),
    ("muni", list("ABCDEFGHI"), 2),
    ("muni", _letters("J", "V"), 1),
    ("muni", [*_letters("W", "AE"), "AF"], 1),
    ("muni", list("abcdef"), 1),
]
ROWS = {
    "moj": {"6": "name", "7": "birth", "8": "sex", "12": "address", "25": "nationality",
            "27": "status", "28": "period", "29": "period_expiry", "31": "last_departure",
            "34": "category", "35": "card"},
    "muni": {"3": "report_date", "4": "process_date", "6": "name", "7": "birth", "8": "sex",
             "12": "address", "15": "prev_address", "25": "nationality", "32": "card",
             "34": "card_delivered"},
}  # fmt: skip
FACTS = {
    "●修正": "3",
    "●消除": "2",
    "●削除": "2",
    "●記載": "1",
    "●住民票の回復・記載": "1",
    "●住民票回復・記載": "1",
    "●記載・修正・削除": "1|2|3",
    "●記載・修正": "1|3",
}

# (kind, pattern, item): (mark in the seed text, mark in the data), each one a
# documented reading.
DECIDED = {
    # R1: L…O are the 特別永住者 forms of A…D; their changed item is ●.
    ("moj", "L", "name"): ("○", "●"),
    ("moj", "M", "birth"): ("○", "●"),
    ("moj", "N", "sex"): ("○", "●"),
    ("moj", "O", "nationality"): ("○", "●"),
    # R3: AH lost its cells in rows 6, 7, 8, 12, 25.
    **{("moj", "AH", k): ("", "○") for k in ("name", "birth", "sex", "address", "nationality")},
    # R4: row 8's second ● is AB's, extracted under AA.
    ("moj", "AA", "sex"): ("●", "○"),
    ("moj", "AB", "sex"): ("○", "●"),
    # R8: BG lost every cell; read as BF.
    **{("moj", "BG", k): ("", "○") for k in ("name", "birth", "sex", "address", "nationality")},
    ("moj", "BG", "card"): ("", "●"),
    # M1: row 15's last two marks shifted one column left (F, G → G, H).
    ("muni", "F", "prev_address"): ("●", ""),
    ("muni", "H", "prev_address"): ("", "●"),
    # M7: AF as FORMATS.md fixes it; item 34's ○ belongs to AF, not AE.
    ("muni", "AF", "report_date"): ("(", ""),
    ("muni", "AF", "process_date"): ("(", "●"),
    ("muni", "AE", "card_delivered"): ("○", ""),
    ("muni", "AF", "card_delivered"): ("", "○"),
}
DECIDED_FACTS = {("muni", "AF"): ("(", "4|3")}  # M7


def _blocks() -> list[list[list[str]]]:
    """The rows of each table, from its row 1 (異動事実) to the next table."""
    lines = SEED.read_text(encoding="utf-8").split("\n")
    starts = [i for i, line in enumerate(lines) if line.split("\t")[:2][-1:] == ["異動事実"]]
    ends = [*starts[1:], len(lines)]
    return [[line.split("\t") for line in lines[a:b]] for a, b in zip(starts, ends, strict=True)]


def _mark(cell: str) -> str:
    cell = cell.strip()
    if cell.startswith(("(", "（")):
        return "("
    return cell[:1] if cell[:1] in ("●", "○") else ("" if not cell else "?" + cell)


def _data_mark(mark: str) -> str:
    return mark.replace(tables.NOTE3, "").replace(tables.CHANGED_NEW_ONLY, tables.CHANGED)


def _cells(row: list[str], count: int, step: int) -> list[str]:
    cells = row[2::step][:count]
    return cells + [""] * (count - len(cells))


def test_seed_text_has_the_eight_tables() -> None:
    assert len(_blocks()) == len(TABLES)


def test_every_mark_matches_the_seed_or_a_recorded_reading() -> None:
    differences = {}
    compared = 0
    for block, (kind, letters, step) in zip(_blocks(), TABLES, strict=True):
        patterns = tables.patterns(kind)
        seen: set[str] = set()
        for row in block:
            number = row[0].replace("●", "").strip()
            item = ROWS[kind].get(number)
            if item is None or number in seen:
                continue
            seen.add(number)
            for letter, cell in zip(letters, _cells(row, len(letters), step), strict=True):
                seed, data = _mark(cell), _data_mark(patterns[letter].marks[item])
                if seed == "(" and data == tables.OPEN:
                    seed = data  # (調整中) is read as △
                compared += 1
                if seed != data:
                    differences[(kind, letter, item)] = (seed, data)
        assert seen == set(ROWS[kind]), (kind, letters[0])
    assert differences == DECIDED
    assert compared == 59 * 11 + 38 * 10


def test_every_fact_matches_row_1_of_the_seed() -> None:
    differences = {}
    for block, (kind, letters, step) in zip(_blocks(), TABLES, strict=True):
        for letter, cell in zip(letters, _cells(block[0], len(letters), step), strict=True):
            seed = FACTS.get(cell.strip(), _mark(cell))
            data = "|".join(tables.patterns(kind)[letter].facts)
            if seed != data:
                differences[(kind, letter)] = (seed, data)
    # R3 / R8: AH's and BG's row 1 cells are lost; they are corrections like their
    # neighbours (the 住民票に反映 row of table 2 shows 修正 for AH).
    assert differences == {("moj", "AH"): ("", "3"), ("moj", "BG"): ("", "3"), **DECIDED_FACTS}
