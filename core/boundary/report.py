"""Problems kept sealed in the database and rendered for people and report files."""

from __future__ import annotations

import json
from collections.abc import Iterable

from core.report import Problem


def dump(problems: Iterable[Problem]) -> str:
    return json.dumps(
        [[p.line, p.column, p.key, p.params, p.severity] for p in problems], ensure_ascii=False
    )


def load(text: str) -> tuple[Problem, ...]:
    return tuple(
        Problem(int(line), column, key, {k: str(v) for k, v in params.items()}, severity)
        for line, column, key, params, severity in json.loads(text or "[]")
    )


def render(problems: Iterable[Problem], lang: str | None = None) -> list[str]:
    return [p.render(lang) for p in sorted(problems, key=lambda p: p.line)]
