"""The data check's findings: where (line, column) and why (a catalogue key).

One shape for every check in the product (``renkei validate``, fetch, the
watched folder, date entry, the TUI), so every interface reports the same way:
``line N: column: reason``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from core.i18n import language, t

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One finding. ``line`` is 1-based in the file (the header is line 1), 0 for
    the file as a whole; ``column`` is a column id or "" for the whole record."""

    line: int
    column: str
    key: str  # catalogue key of the reason
    params: dict[str, str] = field(default_factory=dict)
    severity: str = ERROR

    def reason(self, lang: str | None = None) -> str:
        """The catalogue message; a parameter ``x_en`` is the English form of
        ``x`` (e.g. an item name of table 4.1.1), used in place of it in English."""
        params = self.params
        if (lang or language()) == "en" and any(k.endswith("_en") for k in params):
            params = {k: params.get(f"{k}_en", v) for k, v in params.items()}
        return t(self.key, lang, **params)

    def render(self, lang: str | None = None) -> str:
        where = f"line {self.line}" if self.line else "file"
        column = f"{self.column}: " if self.column else ""
        mark = "" if self.severity == ERROR else f"[{t('common.severity.warning', lang)}] "
        return f"{where}: {column}{mark}{self.reason(lang)}"


@dataclass
class Report:
    """Every problem found in one file (or one entry), in file order."""

    problems: list[Problem] = field(default_factory=list)
    records: int = 0

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.problems)

    def lines(self, lang: str | None = None) -> list[str]:
        return [p.render(lang) for p in sorted(self.problems, key=lambda p: p.line)]
