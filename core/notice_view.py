"""One received notice record as the inbox draws it (issue 8 item 5).

``describe(kind, record, line)`` gives the record's items named as in table
4.1.1 (法務省通知) or 4.2.1 (市町村通知), in table order, each with the mark
the record's pattern gives it in the 別紙 table (● changed, ○ context …), its
value, and — for a 修正 (fact 3) — the old value beside the new one; then the
data check of the record (``core.formats``), each problem also attached to
the item it concerns. Codes are shown with their meaning (``1 男``).

The tables are the formats part's data (``core/formats/layouts``,
``patterns/*_items.csv``, ``codes.csv``); nothing here names an item itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from core import formats
from core.formats import tables
from core.i18n import language
from core.report import ERROR, Problem

CORRECTION = "3"


@dataclass(frozen=True)
class ItemRow:
    """One item of the record."""

    no: str  # item number in the table ("" for a column outside the 別紙 items)
    name: str  # item name as the table gives it
    mark: str  # the pattern's mark: ●, ●新, ○, △, ※3 suffix; "" = not carried
    new: str  # the value (several columns joined with " / ")
    old: str = ""  # the old value, for ● items of a 修正 record
    changed: bool = False  # a ● item of a 修正 record: draw new and old side by side
    columns: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class NoticeView:
    kind: str
    notice_id: str
    pattern: str
    pattern_text: str  # holder and reason of the pattern (別紙 column heading)
    fact: str  # code and meaning, e.g. "3 修正"
    correction: bool
    items: tuple[ItemRow, ...]
    problems: tuple[Problem, ...]  # the record's data check, every finding

    @property
    def ok(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems)


def _label(kind: str) -> dict[str, str]:
    """column id → code table name, for the columns that hold codes."""
    return {c.id: c.arg for c in tables.layout(kind) if c.type == "code"}


def _show(column: str, value: str, code_tables: Mapping[str, str]) -> str:
    table = code_tables.get(column)
    if not value or table is None:
        return value
    meaning = tables.codes().get(table, {}).get(value)
    if meaning is None:
        return value
    return f"{value} {meaning[0] if language() == 'ja' else meaning[1]}"


def _join(record: Mapping[str, str], columns: Sequence[str], codes: Mapping[str, str]) -> str:
    return " / ".join(_show(c, record[c], codes) for c in columns if record.get(c))


def _unique(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    out: list[Problem] = []
    for problem in problems:
        if not any(problem is seen for seen in out):
            out.append(problem)
    return tuple(out)


def describe(
    kind: str,
    record: Mapping[str, str],
    line: int = 0,
    problems: Sequence[Problem] | None = None,
) -> NoticeView:
    """The view of ``record`` (a row of a ``kind`` file: ``moj``, ``spr`` or ``muni``)
    at file ``line``; ``problems`` default to the data check of the record."""
    if problems is None:
        problems = formats.check_record(kind, record, line)
    codes = _label(kind)
    patterns = tables.patterns(kind)
    code = record.get("pattern") or ""
    pattern = patterns.get(code)
    fact = record.get("fact_code") or ""
    correction = fact == CORRECTION
    covered: set[str] = set()
    item_rows: list[ItemRow] = []
    for item in tables.items(kind):
        columns = item.all_columns
        old_columns = item.old_columns
        covered.update(columns, old_columns)
        mark = pattern.mark(item.key) if pattern else ""
        new = _join(record, columns, codes)
        old = _join(record, old_columns, codes)
        if not (mark or new or old):
            continue
        changed = correction and mark.startswith(tables.CHANGED)
        all_columns = columns + old_columns
        item_rows.append(ItemRow(item.no, item.name, mark, new, old, changed, all_columns))
    head: list[ItemRow] = []
    tail: list[ItemRow] = []
    seen_item = False
    for column in tables.layout(kind):
        if column.id in covered:
            seen_item = True
            continue
        value = _show(column.id, record.get(column.id) or "", codes)
        row = ItemRow("", column.item, "", value, columns=(column.id,))
        (tail if seen_item else head).append(row)
    rows = head + item_rows + [r for r in tail if r.new]
    by_column: dict[str, list[Problem]] = {}
    for problem in problems:
        for part in problem.column.split("/"):
            by_column.setdefault(part, []).append(problem)
    attached = tuple(
        ItemRow(
            r.no,
            r.name,
            r.mark,
            r.new,
            r.old,
            r.changed,
            r.columns,
            _unique(p for c in r.columns for p in by_column.get(c, ())),
        )
        for r in rows
    )
    return NoticeView(
        kind=kind,
        notice_id=record.get("notice_id") or "",
        pattern=code,
        pattern_text=f"{pattern.holder} {pattern.reason}".strip() if pattern else "",
        fact=_show("fact_code", fact, codes),
        correction=correction,
        items=attached,
        problems=tuple(problems),
    )
