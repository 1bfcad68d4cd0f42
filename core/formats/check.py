"""The data check of one record: its fields, its pattern, its names.

Built once per file kind (``checker_for``) from the tables: each column gets
its field check, each pattern (and fact) a precompiled requirement: the set of
columns that must be filled, the groups of which one must be, the columns it
does not carry. Checking a record is then one pass over its values plus a few
set operations; nothing is compiled in the loop. Every problem is reported,
not the first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

from core.charset.repertoire import name_warnings
from core.formats import tables
from core.formats.fields import Check, checker, is_real_date
from core.report import WARNING, Problem

# category_code of holders with no card number (note ※3): 一時庇護, 仮滞在, 経過滞在.
CARDLESS = frozenset({"3", "4", "5", "6"})
# card_kind_code a category_code calls for (1 中長期 → 在留カード, 2 特別永住者 → 証明書).
CARD_KIND_OF_CATEGORY = {"1": "1", "2": "2"}

_GOOD_LIMIT = 50_000  # per column, so memory stays bounded on any input
REQUIRED = "validate.record.pattern_required"
OLD_REQUIRED = "validate.record.old_required"
NOT_CARRIED = "validate.record.not_carried"


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

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.layout = tables.layout(kind)
        self.patterns = tables.patterns(kind)
        codes = frozenset(self.patterns)
        self.field_checks: dict[str, Check] = {
            c.id: checker(c.type, c.arg, codes) for c in self.layout
        }
        # Values already found good, per column, for the columns whose values
        # repeat across records (codes, dates, LASDEC): a set lookup, no call.
        self.good: dict[str, set[str]] = {
            c.id: set() for c in self.layout if c.type not in ("text", "name_alpha")
        }
        self.always = _Needs()
        for c in self.layout:
            if c.required == "always":
                self.always.single.add(c.id)
                self.always.order.append((c.id, "validate.record.required", {"item": c.item}))
        if any(c.required == "name" for c in self.layout):
            self.always.groups.append(
                (
                    frozenset({"name_alpha", "name_kanji"}),
                    "name_alpha/name_kanji",
                    "validate.record.required",
                    {"item": "氏名"},
                )
            )
        self.has_category = any(c.id == "category_code" for c in self.layout)
        self.has_made_date = any(c.id == "card_made_date" for c in self.layout)
        self.items = {c.id: c.item for c in self.layout}
        self.compiled = {
            code: {fact: self._compile(p, fact == "3") for fact in ("3", "")}
            for code, p in self.patterns.items()
        }

    def _compile(self, pattern: tables.Pattern, correction: bool) -> _Compiled:
        out = _Compiled()
        warn: list[str] = []
        for item in tables.items(self.kind):
            mark = pattern.mark(item.key)
            base = mark.removesuffix(tables.NOTE3)
            params = {"item": item.name, "no": item.no, "pattern": pattern.code}
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
            (c, {"item": self.items.get(c, c), "pattern": pattern.code}) for c in warn
        )
        return out

    def check(self, record: Mapping[str, str], line: int) -> list[Problem]:
        """Every problem of ``record`` (a row by column id) at file line ``line``,
        field problems in the record's column order, then record problems."""
        out: list[Problem] = []
        present: set[str] = set()
        add = present.add
        checks, good = self.field_checks, self.good
        for column, value in record.items():
            if value:
                add(column)
                seen = good.get(column)
                if seen is not None and value in seen:
                    continue
                check = checks.get(column)
                if check is not None:
                    found = check(value)
                    if found is not None:
                        out.append(Problem(line, column, found[0], found[1]))
                    elif seen is not None and len(seen) < _GOOD_LIMIT:
                        seen.add(value)
        self.always.check(present, line, out)
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


@cache
def checker_for(kind: str) -> RecordChecker:
    """The (cached) checker of file kind ``kind``."""
    return RecordChecker(kind)
