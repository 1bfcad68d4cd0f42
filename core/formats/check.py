"""The data check of one record: its fields, its pattern, its names.

Built once per file kind (``checker_for``) from the tables: each column gets
its field check, each pattern a precompiled list of requirements, so checking
a record is a few dictionary lookups per field and nothing is compiled in the
loop. Every problem is reported, not the first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from core.formats import tables
from core.formats.fields import Check, checker
from core.report import WARNING, Problem

# category_code of holders with no card number (note ※3): 一時庇護, 仮滞在, 経過滞在.
CARDLESS = frozenset({"3", "4", "5", "6"})
# card_kind_code a category_code calls for (1 中長期 → 在留カード, 2 特別永住者 → 証明書).
CARD_KIND_OF_CATEGORY = {"1": "1", "2": "2"}

_NEW, _OLD, _WARN = 0, 1, 2


@dataclass(frozen=True)
class _Req:
    """One requirement of a pattern: ``groups`` must be filled (or, with ``_WARN``,
    must be empty). ``card_rule``: the card item's ※3 exception applies."""

    what: int
    item: tuple[str, str]  # (name, no) for the message
    groups: tuple[tuple[str, ...], ...]
    card_rule: str  # "" (none), "category" (moj: cardless categories), "note3"


class RecordChecker:
    """Checks records of one file kind against its layout and pattern table."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.layout = tables.layout(kind)
        self.patterns = tables.patterns(kind)
        codes = frozenset(self.patterns)
        self.field_checks: tuple[tuple[str, Check], ...] = tuple(
            (c.id, checker(c.type, c.arg, codes)) for c in self.layout
        )
        self.always = tuple((c.id, c.item) for c in self.layout if c.required == "always")
        self.has_names = any(c.required == "name" for c in self.layout)
        self.has_category = any(c.id == "category_code" for c in self.layout)
        self.items = {c.id: c.item for c in self.layout}
        self.requirements = {code: self._compile(p) for code, p in self.patterns.items()}

    def _compile(self, pattern: tables.Pattern) -> tuple[tuple[_Req, ...], tuple[_Req, ...]]:
        """Requirements of ``pattern``: (for every fact, extra for fact 修正)."""
        always: list[_Req] = []
        correction: list[_Req] = []
        for item in tables.items(self.kind):
            mark = pattern.mark(item.key)
            label = (item.name, item.no)
            base = mark.removesuffix(tables.NOTE3)
            rule = ""
            if item.key == "card":
                rule = "note3" if mark.endswith(tables.NOTE3) else "category"
                if not self.has_category and rule == "category":
                    rule = ""
            if base in (tables.CHANGED, tables.CHANGED_NEW_ONLY, tables.CONTEXT):
                always.append(_Req(_NEW, label, item.columns, rule))
            elif base == tables.OPEN:
                pass
            elif base == "":
                cols = (*item.all_columns, *item.old_columns)
                always.append(_Req(_WARN, label, tuple((c,) for c in cols), ""))
                continue
            else:
                raise ValueError(f"unknown mark {mark!r} in pattern {pattern.code}")
            if item.old:
                if base == tables.CHANGED:
                    correction.append(_Req(_OLD, label, item.old, rule))
                else:
                    olds = tuple((c,) for c in item.old_columns)
                    always.append(_Req(_WARN, label, olds, ""))
        return tuple(always), tuple(correction)

    def check(self, record: Mapping[str, str], line: int) -> list[Problem]:
        """Every problem of ``record`` (a row by column id) at file line ``line``."""
        out: list[Problem] = []
        get = record.get
        for column, check in self.field_checks:
            value = get(column)
            if value:
                found = check(value)
                if found is not None:
                    out.append(Problem(line, column, found[0], found[1]))
        for column, item in self.always:
            if not get(column):
                out.append(Problem(line, column, "validate.record.required", {"item": item}))
        if self.has_names and not (get("name_alpha") or get("name_kanji")):
            out.append(
                Problem(line, "name_alpha/name_kanji", "validate.record.required", {"item": "氏名"})
            )
        self._check_name_class(record, line, out)
        if self.has_category:
            self._check_card_kind(record, line, out)
        if self.patterns:
            self._check_pattern(record, line, out)
        return out

    def _check_name_class(self, record: Mapping[str, str], line: int, out: list[Problem]) -> None:
        code = record.get("name_class_code")
        if code not in ("1", "2", "3"):
            return
        alpha, kanji = bool(record.get("name_alpha")), bool(record.get("name_kanji"))
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
        kind = record.get("card_kind_code")
        expected = CARD_KIND_OF_CATEGORY.get(record.get("category_code") or "")
        if kind in ("1", "2") and expected and kind != expected:
            params = {"kind": kind, "category": record.get("category_code") or ""}
            key = "validate.record.card_kind_mismatch"
            out.append(Problem(line, "card_kind_code", key, params))

    def _check_pattern(self, record: Mapping[str, str], line: int, out: list[Problem]) -> None:
        code = record.get("pattern") or ""
        reqs = self.requirements.get(code)
        if reqs is None:
            return  # unknown or empty pattern: reported by the field checks
        get = record.get
        fact = get("fact_code") or ""
        pattern = self.patterns[code]
        if fact and fact not in pattern.facts:
            params = {"value": fact, "pattern": code, "allowed": ", ".join(pattern.facts)}
            out.append(Problem(line, "fact_code", "validate.record.fact_mismatch", params))
        always, correction = reqs
        todo = always + correction if fact == "3" else always
        category = get("category_code") or ""
        for req in todo:
            if req.what == _WARN:
                for (column,) in req.groups:
                    if get(column):
                        params = {"item": self.items.get(column, column), "pattern": code}
                        out.append(
                            Problem(line, column, "validate.record.not_carried", params, WARNING)
                        )
                continue
            if req.card_rule and (
                category in CARDLESS or (req.card_rule == "note3" and not category)
            ):
                continue
            key = (
                "validate.record.pattern_required"
                if req.what == _NEW
                else ("validate.record.old_required")
            )
            for group in req.groups:
                if not any(get(c) for c in group):
                    params = {"item": req.item[0], "no": req.item[1], "pattern": code}
                    out.append(Problem(line, "/".join(group), key, params))


@cache
def checker_for(kind: str) -> RecordChecker:
    """The (cached) checker of file kind ``kind``."""
    return RecordChecker(kind)
