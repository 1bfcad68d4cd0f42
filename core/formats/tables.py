"""The layout, code and pattern tables, read from the CSV files beside this module.

The tables are data so that a real 納品版 layout is a new file, not new code.
Lines starting with ``#`` are comments: every reading of the seed tables that
had to be decided is recorded there, beside the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from core.datafiles import csv_rows

KINDS = ("moj", "spr", "muni")

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


@dataclass(frozen=True)
class Item:
    """One item of a 別紙 table and the columns that hold it.

    ``columns`` are groups: a group of one column must be filled, a group of
    several (``a|b`` in the data) needs at least one of them.
    """

    key: str
    no: str
    name: str
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

    def mark(self, item: str) -> str:
        return self.marks.get(item, "")


def _rows(relpath: str) -> list[dict[str, str]]:
    return csv_rows(__package__, relpath)


def _groups(spec: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(group.split("|")) for group in spec.split())


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown file kind {kind!r}; one of {', '.join(KINDS)}")


@cache
def layout(kind: str) -> tuple[Column, ...]:
    """The columns of file kind ``kind`` in file order."""
    _check_kind(kind)
    return tuple(
        Column(r["column"], r["item"], r["type"], r["arg"], r["required"])
        for r in _rows(f"layouts/{kind}.csv")
    )


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
        Item(r["item"], r["no"], r["name"], _groups(r["columns"]), _groups(r["old"]))
        for r in _rows(f"patterns/{kind}_items.csv")
    )


@cache
def patterns(kind: str) -> dict[str, Pattern]:
    """The notice patterns of ``kind`` by code, in table order."""
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
        )
    return out
