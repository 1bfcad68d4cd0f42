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
    "moj": {"5": "event_date", "6": "name", "7": "birth", "8": "sex", "12": "address",
            "25": "nationality", "27": "status", "28": "period", "29": "period_expiry",
            "31": "last_departure", "34": "category", "35": "card"},
    "muni": {"3": "report_date", "4": "process_date", "5": "event_date", "6": "name",
             "7": "birth", "8": "sex", "9": "householder", "12": "address", "15": "prev_address",
             "25": "nationality", "32": "card", "34": "card_delivered"},
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
    # R3: AH lost its cells in rows 6, 7, 8, 12, 25.
    **{("moj", "AH", k): ("", "○") for k in ("name", "birth", "sex", "address", "nationality")},
    # R8: BG lost every cell; read as BF.
    **{("moj", "BG", k): ("", "○") for k in ("name", "birth", "sex", "address", "nationality")},
    ("moj", "BG", "card"): ("", "●"),
    ("moj", "BG", "event_date"): ("", "△"),
    # M4: "A~W参照" / "a~f参照" name the date of the underlying 届出, which not all
    # of them carry: open.
    ("muni", "W", "event_date"): ("○", "△"),
    ("muni", "X", "event_date"): ("○", "△"),
    # M1: row 15's last two marks shifted one column left (F, G → G, H).
    ("muni", "F", "prev_address"): ("●", ""),
    ("muni", "H", "prev_address"): ("", "●"),
    # M7: AF as FORMATS.md fixes it; item 34's ○ belongs to AF, not AE.
    ("muni", "AF", "report_date"): ("(", ""),
    ("muni", "AF", "process_date"): ("(", "●"),
    ("muni", "AF", "event_date"): ("△", "○"),
    ("muni", "AE", "card_delivered"): ("○", ""),
    ("muni", "AF", "card_delivered"): ("", "○"),
    # M7: AF is made from a certificate notice, which does not carry 世帯主.
    ("muni", "AF", "householder"): ("○", "△"),
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


def _event_mark(cell: str) -> str:
    """Row 5 names the date (○), says it is still open ((調整中), (整理中): △) or is empty."""
    cell = cell.strip()
    if not cell:
        return ""
    return tables.OPEN if "調整中" in cell or "整理中" in cell else tables.CONTEXT


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
                seed = _event_mark(cell) if number == "5" else _mark(cell)
                data = _data_mark(patterns[letter].marks[item])
                if seed == "(" and data == tables.OPEN:
                    seed = data  # (調整中) is read as △
                compared += 1
                if seed != data:
                    differences[(kind, letter, item)] = (seed, data)
        assert seen == set(ROWS[kind]), (kind, letters[0])
    assert differences == DECIDED
    assert compared == 59 * 12 + 38 * 12


def test_every_row_with_a_mark_in_the_seed_has_its_item_in_the_data() -> None:
    """A numbered row the seed marks (● / ○) in any pattern is an item of the data:
    nothing the tables ask for is left without a column (e.g. 世帯主)."""
    for block, (kind, letters, step) in zip(_blocks(), TABLES, strict=True):
        for row in block[2:]:  # rows 1 and 2 (異動事実, 異動事由) are the "always" columns
            number = row[0].replace("●", "").strip()
            if not number.isdigit():
                continue
            marks = {_mark(c) for c in _cells(row, len(letters), step)} - {"", "("}
            if marks:
                assert number in ROWS[kind], (kind, letters[0], number, marks)


def test_optional_readings_change_cells_printed_otherwise() -> None:
    """Each cell of an optional reading (patterns/readings.csv) is, as printed, a
    different mark, and the seed line it names is the item's row."""
    lines = SEED.read_text(encoding="utf-8").split("\n")
    for reading in tables.optional_readings():
        printed = tables.printed_patterns(reading.kind)[reading.pattern].mark(reading.item)
        assert printed != reading.mark, reading
        number = int(reading.seed.rsplit(" ", 1)[1])
        row = lines[number - 1].split("\t")[0].replace("●", "").strip()
        assert ROWS[reading.kind][row] == reading.item, reading


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


def _flat(text: str) -> str:
    return "".join(text.split())


# (kind, pattern): (row 5 text in the seed, event_text in the data), each a reading.
DECIDED_EVENT_TEXT = {
    ("moj", "BG"): ("", "(調整中)"),  # R8: BG lost its cells; as BF
    ("muni", "AF"): ("(整理中)", "特別永住者証明書の交付年月日"),  # M7 (FORMATS.md)
}


def test_every_event_date_text_is_the_seed_row_5_cell() -> None:
    differences = {}
    for block, (kind, letters, step) in zip(_blocks(), TABLES, strict=True):
        row = next(r for r in block if r[0].replace("●", "").strip() == "5")
        for letter, cell in zip(letters, _cells(row, len(letters), step), strict=True):
            data = tables.patterns(kind)[letter].event_text
            if _flat(cell) != _flat(data):
                differences[(kind, letter)] = (_flat(cell), data)
    assert differences == DECIDED_EVENT_TEXT


def _law_rows() -> list[list[str]]:
    """The 項目／条項 cells of each table, one string per pattern column, read as the
    seed prints them (see each table's shape below)."""
    lines = SEED.read_text(encoding="utf-8").split("\n")
    at = [i for i, line in enumerate(lines) if "項目／条項" in line or "項目/条項" in line]
    assert len(at) == len(TABLES)

    def after_label(i: int) -> list[str]:
        cells = lines[i].split("\t")
        label = next(n for n, c in enumerate(cells) if "条項" in c)
        return [c.strip() for c in cells[label + 1 :]]

    out = [
        after_label(at[0]),  # moj A…R: 18 cells
        after_label(at[1]),  # moj S…AH: 16 cells (S…V, Z…AC empty)
        after_label(at[2])[:19],  # moj AI…BA: 20 cells, every one from AP on 入管法 (R6)
        after_label(at[3]),  # moj BB…BG
    ]
    # muni A…I: a 住基法 cell starts each column, an 入管法/入管特例法 cell may follow.
    columns: list[str] = []
    for cell in after_label(at[4]):
        if cell.startswith("住基法"):
            columns.append(cell)
        elif cell:
            columns[-1] += " " + cell
    out.append(columns)
    out.append(after_label(at[5]))  # muni J…V
    # muni W…AF: 住基法 ×9 + 入管特例法 (10 cells), then a row of 9 articles in which
    # AC's is lost (M5: the 反映 row below it lacks AC's cell too).
    first = after_label(at[6])
    articles = [c.strip() for c in lines[at[6] + 1].split("\t")[2:11]]
    articles.insert(6, "")
    out.append([f"{a} {b}".strip() for a, b in zip(first, articles, strict=True)])
    # muni a…f: 住基法 on the line above the 条項 line.
    above = [c for c in lines[at[7] - 1].split("\t") if c]
    out.append([f"{a} {b}" for a, b in zip(above, after_label(at[7])[:6], strict=True)])
    return out


# (kind, pattern): (law in the seed, law in the data), each a reading (M10).
DECIDED_LAW = {
    ("muni", p): (f"第{n}条", f"住基法第{n}条")
    for p, n in {"M": 23, "N": 24, "R": 23, "S": 24, "T": 22, "U": 23, "V": 24}.items()
}


def test_every_law_text_is_the_seed_cell() -> None:
    differences = {}
    for laws, (kind, letters, _step) in zip(_law_rows(), TABLES, strict=True):
        assert len(laws) == len(letters), (kind, letters[0], laws)
        for letter, law in zip(letters, laws, strict=True):
            data = tables.patterns(kind)[letter].law
            if _flat(law) != _flat(data):
                differences[(kind, letter)] = (_flat(law), _flat(data))
    assert differences == DECIDED_LAW
