"""The layout, code and pattern tables, read from the CSV files beside this module.

The tables are data so that a real 納品版 layout is a new file, not new code.
Lines starting with ``#`` are comments: every reading of the seed tables that
had to be decided is recorded there, beside the data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache

from core.datafiles import csv_rows

KINDS = ("moj", "spr", "muni")
# Layout versions (layouts/*.csv "since"): 1 = the columns before issue 15,
# 2 = every item of tables 4.1.1 / 4.2.1. Files are written in the latest.
VERSIONS = (1, 2)
LATEST = 2

# Marks of the 別紙 tables (see the header of patterns/moj.csv).
CHANGED = "●"  # changed item: new value, old value too where the fact is 修正
CHANGED_NEW_ONLY = "●新"  # changed item that has no old value
CONTEXT = "○"  # context item: required
OPEN = "△"  # left open by the table: accepted, not required, no warning
NOTE3 = "※3"  # suffix: holders without a card send none


@dataclass(frozen=True)
class Column:
    """One column of a layout: its id, the item name of the tables, its check."""

    id: str
    item: str
    type: str
    arg: str
    required: str  # "always", "pattern", "name", "optional"
    no: str = ""  # number of the item in table 4.1.1 / 4.2.1 ("" = none)
    item_en: str = ""
    since: int = 1  # layout version that added the column


@dataclass(frozen=True)
class Item:
    """One item of a 別紙 table and the columns that hold it.

    ``columns`` are groups: a group of one column must be filled, a group of
    several (``a|b`` in the data) needs at least one of them.
    """

    key: str
    no: str
    name: str
    name_en: str
    table_no: str  # number in table 4.1.1 / 4.2.1 ("" = not one of its items)
    table_name: str
    columns: tuple[tuple[str, ...], ...]
    old: tuple[tuple[str, ...], ...]

    @property
    def all_columns(self) -> tuple[str, ...]:
        return tuple(c for group in self.columns for c in group)

    @property
    def old_columns(self) -> tuple[str, ...]:
        return tuple(c for group in self.old for c in group)


@dataclass(frozen=True)
class Pattern:
    """One column of a 別紙 table: the notice pattern and its mark per item."""

    code: str
    holder: str
    reason: str
    law: str
    facts: tuple[str, ...]
    event_text: str
    marks: dict[str, str]  # item key -> mark ("" = not carried)
    card_forms: tuple[str, ...] = ("card",)  # "alien": a みなし外国人登録番号 (note ※2)

    def mark(self, item: str) -> str:
        return self.marks.get(item, "")


@dataclass(frozen=True)
class Reading:
    """One cell an optional reading changes (``patterns/readings.csv``)."""

    name: str
    kind: str
    pattern: str
    item: str
    mark: str
    seed: str  # where the cell is in the seed text
    note_ja: str
    note_en: str


def _rows(relpath: str) -> list[dict[str, str]]:
    return csv_rows(__package__, relpath)


def _groups(spec: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(group.split("|")) for group in spec.split())


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown file kind {kind!r}; one of {', '.join(KINDS)}")


@cache
def layout(kind: str, version: int = LATEST) -> tuple[Column, ...]:
    """The columns of file kind ``kind`` in file order, in layout ``version``."""
    _check_kind(kind)
    if version not in VERSIONS:
        raise ValueError(f"unknown layout version {version!r}")
    columns = (
        Column(
            r["column"], r["item"], r["type"], r["arg"], r["required"],
            r["no"], r["item_en"], int(r["since"]),
        )
        for r in _rows(f"layouts/{kind}.csv")
    )  # fmt: skip
    return tuple(c for c in columns if c.since <= version)


@dataclass(frozen=True)
class Plausibility:
    """One rule of ``plausible.csv``."""

    column: str
    rule: str  # "not_future", "not_future_unless_planned", "not_before"
    other: str  # the column of "not_before"
    severity: str


@cache
def plausibility() -> tuple[Plausibility, ...]:
    out = []
    for r in _rows("plausible.csv"):
        rule, _, other = r["rule"].partition(":")
        out.append(Plausibility(r["column"], rule, other, r["severity"]))
    return tuple(out)


@cache
def code_texts() -> dict[str, dict[str, frozenset[str]]]:
    """How a file writes a code as text: table name -> code -> the texts allowed."""
    out: dict[str, dict[str, frozenset[str]]] = {}
    for r in _rows("codes.csv"):
        if r["texts"]:
            out.setdefault(r["table"], {})[r["code"]] = frozenset(r["texts"].split("|"))
    return out


@cache
def codes() -> dict[str, dict[str, tuple[str, str]]]:
    """Code tables: table name -> code -> (ja, en)."""
    out: dict[str, dict[str, tuple[str, str]]] = {}
    for r in _rows("codes.csv"):
        out.setdefault(r["table"], {})[r["code"]] = (r["ja"], r["en"])
    return out


@cache
def items(kind: str) -> tuple[Item, ...]:
    """The pattern-table items of ``kind`` (empty for ``spr``, which has no 別紙 table)."""
    _check_kind(kind)
    if kind == "spr":
        return ()
    return tuple(
        Item(
            r["item"],
            r["no"],
            r["name"],
            r["name_en"],
            r["table_no"],
            r["table_name"],
            _groups(r["columns"]),
            _groups(r["old"]),
        )
        for r in _rows(f"patterns/{kind}_items.csv")
    )


@cache
def optional_readings() -> tuple[Reading, ...]:
    """Every cell of every optional reading, in file order."""
    return tuple(
        Reading(
            r["reading"], r["kind"], r["pattern"], r["item"], r["mark"],
            r["seed"], r["note_ja"], r["note_en"],
        )
        for r in _rows("patterns/readings.csv")
    )  # fmt: skip


_in_use: frozenset[str] = frozenset()


def use_readings(names: Iterable[str]) -> None:
    """Apply the optional readings ``names`` (the deployment's ``[formats] readings``)
    from now on, process-wide; ``()`` = the tables as printed. An unknown name
    raises ``FormatError`` (``validate.reading.unknown``)."""
    global _in_use
    chosen = frozenset(names)
    known = {r.name for r in optional_readings()}
    unknown = sorted(chosen - known)
    if unknown:
        from core.formats.errors import FormatError

        raise FormatError(
            "validate.reading.unknown", name=", ".join(unknown), known=", ".join(sorted(known))
        )
    _in_use = chosen


def readings_in_use() -> frozenset[str]:
    return _in_use


def patterns(kind: str) -> dict[str, Pattern]:
    """The notice patterns of ``kind`` by code, in table order, with the optional
    readings in use (``use_readings``) applied."""
    return _patterns(kind, _in_use)


def printed_patterns(kind: str) -> dict[str, Pattern]:
    """The notice patterns of ``kind`` as the seed prints them (no optional reading)."""
    return _patterns(kind, frozenset())


@cache
def _patterns(kind: str, readings: frozenset[str]) -> dict[str, Pattern]:
    _check_kind(kind)
    if kind == "spr":
        return {}
    keys = [i.key for i in items(kind)]
    out: dict[str, Pattern] = {}
    for r in _rows(f"patterns/{kind}.csv"):
        out[r["pattern"]] = Pattern(
            code=r["pattern"],
            holder=r["holder"],
            reason=r["reason"],
            law=r["law"],
            facts=tuple(r["fact"].split("|")),
            event_text=r["event_text"],
            marks={k: r[k] for k in keys},
            card_forms=tuple((r.get("card_forms") or "card").split("|")),
        )
    for reading in optional_readings():
        if reading.name in readings and reading.kind == kind:
            pattern = out[reading.pattern]
            marks = {**pattern.marks, reading.item: reading.mark}
            out[reading.pattern] = replace(pattern, marks=marks)
    return out
