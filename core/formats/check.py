"""The data check of one record: its fields, its pattern, its names.

Built once per file kind (``checker_for``) from the tables: each column gets
its field check, each pattern (and fact) a precompiled requirement: the set of
columns that must be filled, the groups of which one must be, the columns it
does not carry. Checking a record is then one pass over its values plus a few
set operations; nothing is compiled in the loop. Every problem is reported,
not the first.

A whole file is not checked record by record: ``RecordChecker.screen`` asks
each rule about a column at a time (a field check once per distinct value, one
search over a column's values) and only the records it flags are checked one by
one — the report is the same (tests/core/formats/test_screen.py).
"""

from __future__ import annotations

import operator
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from itertools import accumulate, chain, compress, repeat
from typing import cast

from core.charset.repertoire import NAME_FIELDS, name_repertoire_pattern, name_warnings, outside
from core.formats import names, tables
from core.formats.fields import (
    ALIEN_KEY,
    ALLOWED,
    CONTROL,
    FORMS,
    Check,
    Finding,
    check_text,
    checker,
    is_real_date,
)
from core.report import WARNING, Problem

# category_code of holders with no card number (note ※3): 一時庇護, 仮滞在, 経過滞在.
CARDLESS = frozenset({"3", "4", "5", "6"})
# card_kind_code a category_code calls for (1 中長期 → 在留カード, 2 特別永住者 → 証明書).
CARD_KIND_OF_CATEGORY = {"1": "1", "2": "2"}

_GOOD_LIMIT = 50_000  # per column, so memory stays bounded on any input
REQUIRED = "validate.record.pattern_required"
OLD_REQUIRED = "validate.record.old_required"
NOT_CARRIED = "validate.record.not_carried"
FUTURE = "validate.plausible.future"
UNIQUE_TYPES = frozenset({"name_alpha"})  # values that rarely repeat: not cached
_SEP = "\ue000"  # joins a record's values for one search: not a control character
TABLE = {"moj": "4.1.1", "spr": "4.1.1", "muni": "4.2.1"}  # the seed's item table per kind
# (text column, code column): the text form of a code must say the same (codes.csv texts).
TEXT_OF_CODE = (
    ("fact_text", "fact_code"),
    ("category_text", "category_code"),
    ("old_category_text", "old_category_code"),
)
HOUSEHOLDER = "世帯主"  # householder_relation of the householder (別紙 item 9)
# columns ``check`` reads whatever the layout (``columns_of``)
READ_ALWAYS = frozenset(
    {
        "pattern",
        "fact_code",
        "category_code",
        "card_kind_code",
        "card_made_date",
        "card_delivered_date",
        "name_class_code",
        "householder_relation",
        "householder_name",
        *names.NAME_COLUMNS,
        *NAME_FIELDS,
    }
)
Columns = Mapping[str, Sequence[str | None]]  # column id -> its values, in record order


def item_label(kind: str, item: tables.Item) -> dict[str, str]:
    """How messages name an item: its number and name in table 4.1.1 / 4.2.1, or
    its 別紙 row where the table has no such item (世帯主)."""
    if item.table_no:
        ja = f"表{TABLE[kind]} の {item.table_no} {item.table_name}"
        en = f"table {TABLE[kind]} No. {item.table_no} {item.name_en}"
    elif item.no:
        ja, en = f"別紙 {item.no} {item.name}", f"別紙 item {item.no} {item.name_en}"
    else:
        ja, en = item.name, item.name_en
    return {"item": ja, "item_en": en}


def column_label(kind: str, column: tables.Column) -> dict[str, str]:
    """How messages name a column: its item of table 4.1.1 / 4.2.1."""
    if column.no:
        return {
            "item": f"表{TABLE[kind]} の {column.no} {column.item}",
            "item_en": f"table {TABLE[kind]} No. {column.no} {column.item_en}",
        }
    return {"item": column.item, "item_en": column.item_en}


@dataclass
class _Needs:
    """Columns that must be filled: singly (``single``, reported in ``order``) or
    one of a group (``groups``: (columns, column label, key, params))."""

    single: set[str] = field(default_factory=set)
    order: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    groups: list[tuple[frozenset[str], str, str, dict[str, str]]] = field(default_factory=list)

    def add(self, group: tuple[str, ...], key: str, params: dict[str, str]) -> None:
        if len(group) == 1:
            self.single.add(group[0])
            self.order.append((group[0], key, params))
        else:
            self.groups.append((frozenset(group), "/".join(group), key, params))

    def check(self, present: set[str], line: int, out: list[Problem]) -> None:
        if not self.single <= present:
            for column, key, params in self.order:
                if column not in present:
                    out.append(Problem(line, column, key, params))
        for group, label, key, params in self.groups:
            if group.isdisjoint(present):
                out.append(Problem(line, label, key, params))


@dataclass
class _Compiled:
    """What one pattern asks of a record with one kind of fact."""

    needs: _Needs = field(default_factory=_Needs)
    card: _Needs = field(default_factory=_Needs)  # subject to the ※3 rule
    card_rule: str = ""  # "category" (moj: cardless categories) or "note3"
    warn: frozenset[str] = frozenset()
    warn_order: tuple[tuple[str, dict[str, str]], ...] = ()


class RecordChecker:
    """Checks records of one file kind against its layout and pattern table."""

    def __init__(self, kind: str, version: int = tables.LATEST) -> None:
        self.kind = kind
        self.version = version
        self.layout = tables.layout(kind, version)
        self.patterns = tables.patterns(kind)
        self.column_ids = frozenset(c.id for c in self.layout)
        self.items = self._items()
        codes = frozenset(self.patterns)
        checks = {c.id: checker(c.type, c.arg, codes) for c in self.layout}
        # Columns whose only check is ``check_text`` (no control character) are not
        # checked one by one: a record is searched once (``_check_control``), the
        # usual case being none. A type with a check of its own keeps it.
        self.text_columns = tuple(c for c, check in checks.items() if check is check_text)
        self.field_checks: dict[str, Check] = {
            c: check for c, check in checks.items() if check is not check_text
        }
        # Values already found good, per column, for the columns whose values
        # repeat across records (codes, dates, LASDEC): a set lookup, no call.
        self.good: dict[str, set[str]] = {
            c.id: set()
            for c in self.layout
            if c.id in self.field_checks and c.type not in UNIQUE_TYPES
        }
        self.always = _Needs()
        for c in self.layout:
            if c.required == "always":
                self.always.single.add(c.id)
                self.always.order.append((c.id, "validate.record.required", column_label(kind, c)))
        if any(c.required == "name" for c in self.layout):
            self.always.groups.append(
                (
                    frozenset({"name_alpha", "name_kanji"}),
                    "name_alpha/name_kanji",
                    "validate.record.required",
                    {"item": "氏名", "item_en": "name"},
                )
            )
        self.has_category = any(c.id == "category_code" for c in self.layout)
        self.has_made_date = any(c.id == "card_made_date" for c in self.layout)
        self.labels = {c.id: column_label(kind, c) for c in self.layout}
        self.texts = tuple(
            (text, code, self._code_table(code))
            for text, code in TEXT_OF_CODE
            if text in self.column_ids and code in self.column_ids
        )
        self.has_householder = "householder_relation" in self.column_ids
        self.today = date.today().strftime("%Y%m%d")  # set again by checker_for
        self.planned = frozenset(c for c, p in self.patterns.items() if "予定" in p.event_text)
        self.plausible = tuple(
            r
            for r in tables.plausibility()
            if r.column in self.column_ids and (not r.other or r.other in self.column_ids)
        )
        # not after today: part of the column's field check, so a date found good
        # once (cached) costs nothing more; not before another date: compared here.
        self.future = {r.column: r for r in self.plausible if r.rule != "not_before"}
        for column in self.future:
            self.field_checks[column] = self._future_check(column, self.field_checks[column])
        self.before = tuple(r for r in self.plausible if r.rule == "not_before")
        # column -> (values found good or None, its check): one lookup per value
        self.plan: dict[str, tuple[set[str] | None, Check]] = {
            column: (self.good.get(column), check) for column, check in self.field_checks.items()
        }
        self.alien_patterns = frozenset(
            code for code, p in self.patterns.items() if "alien" in p.card_forms
        )
        self.compiled = {
            code: {fact: self._compile(p, fact == "3") for fact in ("3", "")}
            for code, p in self.patterns.items()
        }
        # the columns whose being filled the pattern rules ask (``screen``)
        self.pattern_columns = tuple(
            sorted(
                {
                    c
                    for variants in self.compiled.values()
                    for compiled in variants.values()
                    for needs in (compiled.needs, compiled.card)
                    for c in (*needs.single, *(c for g in needs.groups for c in g[0]))
                }
                | {
                    c
                    for variants in self.compiled.values()
                    for v in variants.values()
                    for c in v.warn
                }
            )
        )

    def _items(self) -> tuple[tables.Item, ...]:
        """The items of the pattern table with the columns this layout version has
        (an item none of whose columns exist, e.g. 世帯主 in v1, is left out)."""
        out = []
        for item in tables.items(self.kind):
            columns = self._present(item.columns)
            if columns:
                out.append(replace(item, columns=columns, old=self._present(item.old)))
        return tuple(out)

    def _present(self, groups: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
        kept = (tuple(c for c in group if c in self.column_ids) for group in groups)
        return tuple(group for group in kept if group)

    def _code_table(self, column: str) -> dict[str, frozenset[str]]:
        arg = next(c.arg for c in self.layout if c.id == column)
        return tables.code_texts().get(arg, {})

    def _compile(self, pattern: tables.Pattern, correction: bool) -> _Compiled:
        out = _Compiled()
        warn: list[str] = []
        for item in self.items:
            mark = pattern.mark(item.key)
            base = mark.removesuffix(tables.NOTE3)
            params = {**item_label(self.kind, item), "pattern": pattern.code}
            needs = out.needs
            if item.key == "card":
                rule = "note3" if mark.endswith(tables.NOTE3) else "category"
                if rule == "note3" or self.has_category:
                    out.card_rule, needs = rule, out.card
            if base in (tables.CHANGED, tables.CHANGED_NEW_ONLY, tables.CONTEXT):
                for group in item.columns:
                    needs.add(group, REQUIRED, params)
            elif base == "":
                warn.extend(item.all_columns)
                warn.extend(item.old_columns)
                continue
            elif base != tables.OPEN:
                raise ValueError(f"unknown mark {mark!r} in pattern {pattern.code}")
            if base == tables.CHANGED and correction:
                for group in item.old:
                    needs.add(group, OLD_REQUIRED, params)
            else:
                warn.extend(item.old_columns)
        out.warn = frozenset(warn)
        out.warn_order = tuple(
            (c, {**self.labels.get(c, {"item": c, "item_en": c}), "pattern": pattern.code})
            for c in warn
        )
        return out

    def check(self, record: Mapping[str, str], line: int) -> list[Problem]:
        """Every problem of ``record`` (a row by column id) at file line ``line``,
        field problems in the record's column order, then record problems."""
        out: list[Problem] = []
        present: set[str] = set()
        add = present.add
        plan = self.plan.get
        for column, value in record.items():
            if value:
                add(column)
                entry = plan(column)
                if entry is None:
                    continue
                seen, check = entry
                if seen is not None and value in seen:
                    continue
                found = check(value)
                if found is not None:
                    if found[0] == ALIEN_KEY:
                        if record.get("pattern") in self.alien_patterns:
                            continue  # a みなし外国人登録番号 where note ※2 allows one
                        found[1]["allowed"] = ", ".join(sorted(self.alien_patterns)) or "—"
                    elif found[0] == FUTURE:
                        severity = self._future(record, column)
                        if severity:
                            out.append(Problem(line, column, FUTURE, found[1], severity))
                        continue
                    out.append(Problem(line, column, found[0], found[1]))
                elif seen is not None and len(seen) < _GOOD_LIMIT:
                    seen.add(value)
        texts = filter(None, map(record.get, self.text_columns))
        if CONTROL.search(_SEP.join(texts)):
            self._check_control(record, line, out)
        self.always.check(present, line, out)
        for text, code, known in self.texts:
            if text in present and code in present:
                self._check_text(record, text, code, known, line, out)
        for r in self.before:
            if r.column in present and r.other in present:
                self._check_before(record, r, line, out)
        if self.has_householder and "householder_relation" in present:
            relation = record["householder_relation"]
            if relation != HOUSEHOLDER and "householder_name" not in present:
                params = {"relation": relation}
                key = "validate.record.householder_name"
                out.append(Problem(line, "householder_name", key, params))
        names.check_record(record, line, out)  # what cannot be a name (core/formats/names.py)
        if "name_class_code" in present:
            self._check_name_class(record, present, line, out)
        if self.has_category and "card_kind_code" in present:
            self._check_card_kind(record, line, out)
        if self.has_made_date and "card_delivered_date" in present:
            made, delivered = record.get("card_made_date") or "", record["card_delivered_date"]
            if made and is_real_date(made) and is_real_date(delivered) and delivered < made:
                params = {"value": delivered, "made": made}
                out.append(
                    Problem(line, "card_delivered_date", "validate.record.delivered_early", params)
                )
        if self.patterns:
            self._check_pattern(record, present, line, out)
        # 住基統一文字 repertoire of the name fields (warnings; core/charset owns it).
        out.extend(name_warnings(record, line))
        return out

    # -- many records at once ------------------------------------------------------

    def columns_of(self, records: Sequence[Mapping[str, str | None]]) -> Columns:
        """The values of each column ``check`` reads across ``records`` (None where
        absent)."""
        return {c: [r.get(c) for r in records] for c in self.column_ids | READ_ALWAYS}

    def screen(
        self,
        records: Sequence[Mapping[str, str | None]],
        columns: Columns,
        memo: dict[tuple[object, ...], bool] | None = None,
    ) -> set[int]:
        """The indexes of the records that may have a problem: ``check`` of every
        other record finds none. ``columns``: each column's values in record
        order (``columns_of``, or the transposed rows of a file).

        Each rule of ``check`` is asked a column (or a few) at a time: a field
        check once per distinct value, a control character or a name rule by
        one search over a column's joined values, the pattern rules once per
        distinct (pattern, fact, category, filled columns). A record is flagged
        when any rule might find something in it; ``check`` then says what, in
        its own order, with its own messages. So the problems of a file are
        those of ``check`` on every record, found in a fraction of the time."""
        n = len(records)
        flagged: set[int] = set()
        blank: tuple[None, ...] = (None,) * n

        def values(column: str) -> Sequence[str | None]:
            got = columns.get(column)
            return blank if got is None else got

        def flag(vals: Sequence[str | None], bad: Set[str | None]) -> None:
            flagged.update(i for i, v in enumerate(vals) if v in bad)

        for column, (seen, check) in self.plan.items():
            vals = columns.get(column)
            if vals is None:
                continue
            form = FORMS.get(check)
            if form is not None:  # one match over the column (no value with a line break)
                filled = list(filter(None, vals))
                joined = "\n".join(filled)
                if not filled or (
                    joined.count("\n") == len(filled) - 1 and form.fullmatch(joined) is not None
                ):
                    continue
            distinct = set(vals)
            distinct.discard("")
            distinct.discard(None)
            allowed = ALLOWED.get(check)
            if allowed is not None:
                distinct -= allowed
            if seen is not None:
                distinct -= seen
            bad: set[str | None] = set()
            for value in distinct:
                if check(value) is not None:  # type: ignore[arg-type]
                    bad.add(value)
                elif seen is not None and len(seen) < _GOOD_LIMIT:
                    seen.add(value)  # type: ignore[arg-type]
            if bad:
                flag(vals, bad)
        for column in self.text_columns:
            vals = values(column)
            if CONTROL.search(_SEP.join(filter(None, vals))):
                flagged.update(i for i, v in enumerate(vals) if v and CONTROL.search(v))
        empty = {"", None}
        for column in self.always.single:
            vals = values(column)
            if "" in vals or None in vals:
                flag(vals, empty)
        for group, _label, _key, _params in self.always.groups:
            group_values = zip(*(values(c) for c in sorted(group)), strict=True)
            flagged.update(compress(range(n), map(operator.not_, map(any, group_values))))
        for text, code, known in self.texts:
            wrong = {
                (t, c)
                for t, c in set(zip(values(text), values(code), strict=True))
                if t and c and (allowed := known.get(c)) is not None and t not in allowed
            }
            if wrong:
                pairs = zip(values(text), values(code), strict=True)
                flagged.update(i for i, pair in enumerate(pairs) if pair in wrong)
        for r in self.before:
            first = cast("Sequence[str]", values(r.column))
            other = cast("Sequence[str]", values(r.other))
            if None in first or None in other:  # (columns_of: absent is None, not "")
                first = ["" if v is None else v for v in first]
                other = ["" if v is None else v for v in other]
            earlier = compress(range(n), map(operator.lt, first, other))  # "" < any date
            flagged.update(i for i in earlier if first[i])
        if self.has_householder:

            def relations() -> Iterator[tuple[str | None, bool]]:
                named = map(operator.truth, values("householder_name"))
                return zip(values("householder_relation"), named, strict=True)

            unnamed = {
                (rel, named)
                for rel, named in set(relations())
                if rel and rel != HOUSEHOLDER and not named
            }
            if unnamed:
                flagged.update(i for i, pair in enumerate(relations()) if pair in unnamed)
        for column in names.NAME_COLUMNS:
            vals = values(column)
            filled = list(filter(None, vals))
            if not names.plain("".join(filled)):
                flagged.update(i for i, v in enumerate(vals) if v and not names.plain(v))
            if any(map(str.isspace, filled)):  # all spaces (Zs) is a kind of isspace
                flagged.update(i for i, v in enumerate(vals) if v and v.isspace())
        self._screen_classes(values, flagged)
        odd = name_repertoire_pattern()  # 住基統一文字 (name_warnings): one scan per column
        for column in NAME_FIELDS:
            vals = values(column)
            found = _found_in(vals, odd)
            flagged.update(i for i in found if outside(vals[i]))  # type: ignore[arg-type]
        if self.patterns:
            self._screen_patterns(values, flagged, {} if memo is None else memo)
        return flagged

    def _screen_classes(
        self, values: Callable[[str], Sequence[str | None]], flagged: set[int]
    ) -> None:
        """``screen`` for the name class, the card kind and the delivery date."""

        # (as ``check``: whether the column is filled, in any layout)
        def rows() -> Iterator[tuple[str | None, bool, bool]]:
            return zip(
                values("name_class_code"),
                map(operator.truth, values("name_alpha")),
                map(operator.truth, values("name_kanji")),
                strict=True,
            )

        wrong = {
            (code, alpha, kanji)
            for code, alpha, kanji in set(rows())
            if (code in ("1", "2") and not alpha)
            or (code in ("2", "3") and not kanji)
            or (code == "1" and kanji)
            or (code == "3" and alpha)
        }
        if wrong:
            flagged.update(i for i, row in enumerate(rows()) if row in wrong)
        if self.has_category:
            pairs = list(zip(values("card_kind_code"), values("category_code"), strict=True))
            wrong_kind = {
                (kind, category)
                for kind, category in set(pairs)
                if kind in ("1", "2")
                and (expected := CARD_KIND_OF_CATEGORY.get(category or ""))
                and kind != expected
            }
            if wrong_kind:
                flagged.update(i for i, pair in enumerate(pairs) if pair in wrong_kind)
        if self.has_made_date:
            dates = zip(values("card_made_date"), values("card_delivered_date"), strict=True)
            flagged.update(i for i, (made, got) in enumerate(dates) if made and got and got < made)

    def _screen_patterns(
        self,
        values: Callable[[str], Sequence[str | None]],
        flagged: set[int],
        memo: dict[tuple[object, ...], bool],
    ) -> None:
        """``screen`` for the pattern rules: they depend on the pattern, the fact,
        the category and which columns are filled, so each distinct combination
        is checked once (a file has a few hundred; ``memo`` keeps the answers
        from one part of a file to the next)."""
        n = len(values("pattern"))
        # a column filled in every record, or in none, is the same in every key
        always, mixed = set(), []
        for column in self.pattern_columns:
            vals = values(column)
            empty = vals.count("") + vals.count(None)
            if empty == 0:
                always.add(column)
            elif empty < n:
                mixed.append(column)
        marks = (
            zip(*(map(operator.truth, values(c)) for c in mixed), strict=True)
            if mixed
            else repeat((), n)
        )
        keys = list(
            zip(values("pattern"), values("fact_code"), values("category_code"), marks, strict=True)
        )
        wrong = set()
        for key in set(keys):
            pattern, fact, category, filled = key
            present = frozenset(always.union(compress(mixed, filled)))
            known = memo.get((pattern, fact, category, present))
            if known is None:
                record = {"pattern": pattern, "fact_code": fact, "category_code": category}
                found: list[Problem] = []
                self._check_pattern(record, present, 0, found)  # type: ignore[arg-type]
                known = memo[(pattern, fact, category, present)] = bool(found)
            if known:
                wrong.add(key)
        if wrong:
            flagged.update(i for i, key in enumerate(keys) if key in wrong)

    def _check_control(self, record: Mapping[str, str], line: int, out: list[Problem]) -> None:
        """A control character somewhere in the record: which text column has it."""
        found = [
            Problem(line, column, "validate.field.control", {})
            for column in self.text_columns
            if CONTROL.search(record.get(column) or "")
        ]
        if found:
            order = {c.id: n for n, c in enumerate(self.layout)}
            out.extend(found)
            out.sort(key=lambda p: order.get(p.column, len(order)))

    def _future_check(self, column: str, check: Check) -> Check:
        """``check`` of a date column, then: not after today (plausible.csv)."""
        labels = self.labels[column]

        def future(value: str) -> Finding:
            found = check(value)
            if found is None and value > self.today:
                return (FUTURE, {"value": value, "today": self.today, **labels})
            return found

        return future

    def _future(self, record: Mapping[str, str], column: str) -> str:
        """The severity of a date after today in ``column``, "" when allowed."""
        rule = self.future[column]
        planned = record.get("pattern") in self.planned
        return "" if rule.rule == "not_future_unless_planned" and planned else rule.severity

    def _check_before(
        self, record: Mapping[str, str], r: tables.Plausibility, line: int, out: list[Problem]
    ) -> None:
        """``r.column`` not earlier than ``r.other`` (both real dates)."""
        value, other = record[r.column], record[r.other]
        if value < other and is_real_date(value) and is_real_date(other):
            label = self.labels[r.other]
            params = {
                "value": value,
                "other": other,
                "other_item": label["item"],
                "other_item_en": label["item_en"],
                **self.labels[r.column],
            }
            out.append(Problem(line, r.column, "validate.plausible.before", params, r.severity))

    def _check_text(
        self,
        record: Mapping[str, str],
        text: str,
        code: str,
        known: Mapping[str, frozenset[str]],
        line: int,
        out: list[Problem],
    ) -> None:
        allowed = known.get(record[code])
        if allowed is not None and record[text] not in allowed:
            params = {
                "value": record[text],
                "code": record[code],
                "allowed": "、".join(sorted(allowed)),
                **self.labels[text],
            }
            out.append(Problem(line, text, "validate.record.text_mismatch", params))

    def _check_name_class(
        self, record: Mapping[str, str], present: set[str], line: int, out: list[Problem]
    ) -> None:
        code = record["name_class_code"]
        if code not in ("1", "2", "3"):
            return
        alpha, kanji = "name_alpha" in present, "name_kanji" in present
        params = {"code": code}
        if code in ("1", "2") and not alpha:
            out.append(Problem(line, "name_alpha", "validate.name_class.alpha_missing", params))
        if code in ("2", "3") and not kanji:
            out.append(Problem(line, "name_kanji", "validate.name_class.kanji_missing", params))
        if code == "1" and kanji:
            out.append(Problem(line, "name_kanji", "validate.name_class.kanji_unexpected", params))
        if code == "3" and alpha:
            out.append(Problem(line, "name_alpha", "validate.name_class.alpha_unexpected", params))

    def _check_card_kind(self, record: Mapping[str, str], line: int, out: list[Problem]) -> None:
        kind = record["card_kind_code"]
        expected = CARD_KIND_OF_CATEGORY.get(record.get("category_code") or "")
        if kind in ("1", "2") and expected and kind != expected:
            params = {"kind": kind, "category": record.get("category_code") or ""}
            key = "validate.record.card_kind_mismatch"
            out.append(Problem(line, "card_kind_code", key, params))

    def _check_pattern(
        self, record: Mapping[str, str], present: set[str], line: int, out: list[Problem]
    ) -> None:
        code = record.get("pattern") or ""
        variants = self.compiled.get(code)
        if variants is None:
            return  # unknown or empty pattern: reported by the field checks
        fact = record.get("fact_code") or ""
        pattern = self.patterns[code]
        if fact and fact not in pattern.facts:
            params = {"value": fact, "pattern": code, "allowed": ", ".join(pattern.facts)}
            out.append(Problem(line, "fact_code", "validate.record.fact_mismatch", params))
        compiled = variants["3" if fact == "3" else ""]
        compiled.needs.check(present, line, out)
        if compiled.card_rule:
            category = record.get("category_code") or ""
            exempt = category in CARDLESS or (compiled.card_rule == "note3" and not category)
            if not exempt:
                compiled.card.check(present, line, out)
        if not compiled.warn.isdisjoint(present):
            for column, params in compiled.warn_order:
                if column in present:
                    out.append(Problem(line, column, NOT_CARRIED, params, WARNING))


def _found_in(vals: Sequence[str | None], pattern: re.Pattern[str]) -> set[int]:
    """The indexes of the values in which ``pattern`` (of single characters)
    finds something, from one scan of the filled values joined by ``\n``."""
    if pattern.search("\n") is not None:  # the separator would be found: value by value
        return {i for i, v in enumerate(vals) if v and pattern.search(v) is not None}
    filled = list(filter(None, vals))
    joined = "\n".join(filled)
    matches = pattern.finditer(joined)
    first = next(matches, None)
    if first is None:
        return set()
    index = list(compress(range(len(vals)), vals))  # the record of each filled value
    starts = list(accumulate(map((1).__add__, map(len, filled)), initial=0))
    return {index[bisect_right(starts, m.start()) - 1] for m in chain((first,), matches)}


def checker_for(kind: str, version: int = tables.LATEST) -> RecordChecker:
    """The (cached) checker of file kind ``kind`` in layout ``version`` under the
    readings in use, with today's date for the plausibility rules."""
    checker = _checker(kind, version, tables.readings_in_use())
    checker.today = date.today().strftime("%Y%m%d")
    return checker


@cache
def _checker(kind: str, version: int, readings: frozenset[str]) -> RecordChecker:
    return RecordChecker(kind, version)
