"""Name review: characters with no 住基統一文字 code are decided by an operator,
not refused for ever.

A notice file with such a character is held back at the boundary (the export
keeps its report). ``pending`` groups those reports by character, with the
J+ codes the MJ縮退マップ / 別表第四 suggest. An operator who can unlock the
terminal decides each character once, either

- **use** a J+ form (边 → J+8FBA 辺): from then on the character is written as
  that form in every file that goes to the resident-record system, or
- **gaiji**: register it as a 外字 (a row added to the municipality's 外字 table).

Each decision is written to the audit log first, then to
``<data>/charset/decisions.csv`` (atomically); the boundary retries held-back
files when that file changes. Nothing with an undecided character leaves.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from core.charset.codec import Bad, Codec
from core.charset.gaiji import CharsetTableError, load_gaiji, parse_gaiji, u_codes
from core.charset.juki import JukiTable, table_dir
from core.durable import DIR_MODE, write_atomic
from core.errors import RenkeiError
from core.paths import DECISIONS_NAME, GAIJI_NAME
from core.report import Problem

if TYPE_CHECKING:
    from core.datadir.opened import Vault

HEADER = ("unicode", "decision", "form", "juki_code")
AUDIT_ACTION = "charset.review.decide"
USE, GAIJI = "use", "gaiji"


@dataclass(frozen=True)
class Decision:
    text: str  # the character (or base + selector) decided
    decision: str  # "use" or "gaiji"
    form: str  # what is written instead ("use"), or the text itself ("gaiji")
    juki_code: str = ""


@dataclass
class Pending:
    """A character waiting for a decision, and where it occurs."""

    text: str
    suggestions: list[str]
    places: list[tuple[str, int, str]] = field(default_factory=list)  # file, line, column
    code_points: str = ""  # how reports name it: ``U+845B U+E0100``
    forms: list[str] = field(default_factory=list)  # the character of each suggestion


def decisions_path(data_dir: Path) -> Path:
    return table_dir(data_dir) / DECISIONS_NAME


def load_decisions(data_dir: Path) -> dict[str, Decision]:
    try:
        text = decisions_path(data_dir).read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    out: dict[str, Decision] = {}
    for row in csv.DictReader(io.StringIO(text, newline="")):
        chars = _chars(row["unicode"])
        out[chars] = Decision(chars, row["decision"], _chars(row["form"]), row["juki_code"])
    return out


def _chars(u_text: str) -> str:
    return "".join(chr(int(t, 16)) for t in re.findall(r"U\+([0-9A-F]+)", u_text))


def _write_decisions(data_dir: Path, decisions: dict[str, Decision]) -> None:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for d in sorted(decisions.values(), key=lambda d: [ord(c) for c in d.text]):
        writer.writerow([u_codes(d.text), d.decision, u_codes(d.form), d.juki_code])
    folder = table_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    write_atomic(decisions_path(data_dir), out.getvalue().encode("utf-8"))


def pending(
    refused: Iterable[tuple[str, Iterable[Problem]]],
    table: JukiTable,
    decided: dict[str, Decision] | None = None,
) -> list[Pending]:
    """Characters of the held-back files (name, problems) still to decide."""
    found: dict[str, Pending] = {}
    for name, problems in refused:
        for p in problems:
            text = p.params.get("char", "")
            if p.key != "charset.unmappable" or not text or text in (decided or {}):
                continue
            if text not in found:
                codes = table.suggest(text)
                forms = [table.to_unicode.get(code, "") for code in codes]
                found[text] = Pending(text, codes, code_points=u_codes(text), forms=forms)
            entry = found[text]
            entry.places.append((name, p.line, p.column))
    return sorted(found.values(), key=lambda e: (-len(e.places), [ord(c) for c in e.text]))


def decide(
    vault: Vault,
    text: str,
    table: JukiTable,
    *,
    use: str = "",
    gaiji: str = "",
    gaiji_path: Path | None = None,
    actor: str = "",
) -> Decision:
    """Record one decision: audited, then applied to every later file."""
    data_dir = vault.data_dir
    if bool(use) == bool(gaiji):
        raise RenkeiError("charset.review.choose_one")
    if text in table.from_unicode:
        raise RenkeiError("charset.review.has_code", char=text, code=u_codes(text),
                          juki=table.from_unicode[text])  # fmt: skip
    if use:
        code = use.upper()
        form = table.to_unicode.get(code)
        if form is None:
            raise RenkeiError("charset.lookup.unknown", query=use)
        decision = Decision(text, USE, form, code)
        detail = f"use {code} {u_codes(form)}"
    else:
        path = gaiji_path or table_dir(data_dir) / GAIJI_NAME
        new_table = _with_gaiji_row(path, gaiji, text, table)
        decision = Decision(text, GAIJI, text, "")
        detail = f"gaiji {gaiji.upper()}"
    vault.audit.append(AUDIT_ACTION, actor=actor, record=u_codes(text), detail=detail)
    if gaiji:
        write_atomic(path, new_table.encode("utf-8"))
    decisions = load_decisions(data_dir)
    decisions[text] = decision
    _write_decisions(data_dir, decisions)
    return decision


def _with_gaiji_row(path: Path, code: str, text: str, table: JukiTable) -> str:
    """The 外字 table with one more row, checked as a whole before anything is written."""
    try:
        current = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        current = "sjis,juki_code,unicode\n"
    if not current.endswith("\n"):
        current += "\n"
    new = f"{current}{code.upper()},,{u_codes(text)}\n"
    parse_gaiji(new, str(path), table.to_unicode, table.from_unicode)
    return new


class Substituting(Codec):
    """A codec that writes each decided character as its chosen form first."""

    def __init__(self, inner: Codec, forms: dict[str, str]) -> None:
        self.inner = inner
        self.name = inner.name
        self.forms = forms
        keys = sorted(forms, key=len, reverse=True)  # base + selector before base
        self._re = re.compile("|".join(map(re.escape, keys)))

    def encode(self, text: str) -> tuple[bytes, list[Bad]]:
        return self.inner.encode(self._re.sub(lambda m: self.forms[m.group()], text))

    def decode(self, data: bytes) -> tuple[str, list[Bad]]:
        return self.inner.decode(data)


def substituting(codec: Codec, data_dir: Path) -> Codec:
    forms = {d.text: d.form for d in load_decisions(data_dir).values() if d.decision == USE}
    return Substituting(codec, forms) if forms else codec


__all__ = [
    "CharsetTableError",
    "Decision",
    "Pending",
    "Substituting",
    "decide",
    "load_decisions",
    "load_gaiji",
    "pending",
]
