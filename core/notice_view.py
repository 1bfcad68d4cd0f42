"""One received notice record as the inbox draws it (issue 8 item 5).

``describe(kind, record, line)`` gives the record's items numbered and named as
in table 4.1.1 (法務省通知) or 4.2.1 (市町村通知) (世帯主, which only the 別紙
tables have, by its 別紙 row), in 別紙 order, each with the mark
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

    no: str  # item number in table 4.1.1 / 4.2.1 ("" = not one of its items)
    name: str  # item name as the table gives it (English under --lang en)
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
    ja = language() == "ja"
    layout = tables.layout(kind, formats.record_version(kind, record))
    present = {c.id for c in layout}
    item_list = tables.items(kind)
    item_columns = {c for i in item_list for c in (*i.all_columns, *i.old_columns)}
    # Text forms of coded items (layout v2) join the item of the same table number.
    extra_new: dict[str, list[str]] = {}
    extra_old: dict[str, list[str]] = {}
    numbered = {i.table_no for i in item_list if i.table_no}
    for column in layout:
        if column.id not in item_columns and column.no in numbered:
            side = extra_old if column.id.startswith("old_") else extra_new
            side.setdefault(column.no, []).append(column.id)
    covered: set[str] = set()
    item_rows: list[ItemRow] = []
    for item in item_list:
        columns = tuple(c for c in item.all_columns if c in present)
        old_columns = tuple(c for c in item.old_columns if c in present)
        columns += tuple(extra_new.get(item.table_no, ()))
        old_columns += tuple(extra_old.get(item.table_no, ()))
        covered.update(columns, old_columns)
        mark = pattern.mark(item.key) if pattern else ""
        new = _join(record, columns, codes)
        old = _join(record, old_columns, codes)
        if not (mark or new or old):
            continue
        changed = correction and mark.startswith(tables.CHANGED)
        all_columns = columns + old_columns
        name = item.table_name if ja else item.name_en
        no = item.table_no or (f"別紙{item.no}" if item.no else "")
        item_rows.append(ItemRow(no, name, mark, new, old, changed, all_columns))
    head: list[ItemRow] = []
    tail: list[ItemRow] = []
    seen_item = False
    for column in layout:
        if column.id in covered:
            seen_item = True
            continue
        value = _show(column.id, record.get(column.id) or "", codes)
        name = column.item if ja else column.item_en
        row = ItemRow(column.no, name, "", value, columns=(column.id,))
        rows_ = tail if seen_item else head
        if rows_ and column.no and rows_[-1].no == column.no:  # code and text of one item
            last = rows_[-1]
            shorter = min(last.name, name, key=len)
            both = " / ".join(v for v in (last.new, value) if v)
            rows_[-1] = ItemRow(column.no, shorter, "", both, columns=(*last.columns, column.id))
        else:
            rows_.append(row)
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
