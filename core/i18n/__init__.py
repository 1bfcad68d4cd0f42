"""One message catalogue for core and UI, Japanese and English side by side.

Each domain keeps its own file under ``messages/`` (``validate.toml``,
``vault.toml`` …) so that work on one part does not touch another's strings;
at load they form one catalogue. Every key carries both languages::

    [date.future]
    ja = "未来の日付は入力できません: {value}"
    en = "a date in the future cannot be entered: {value}"

Keys are ``<file stem>.<table path>``, e.g. ``validate.date.future``.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

MESSAGES = Path(__file__).with_name("messages")  # package data, beside this module
LANGS = ("ja", "en")
DEFAULT_LANG = "ja"

_lang = DEFAULT_LANG


def set_language(lang: str) -> None:
    """Set the process-wide language used when ``t()`` is called without one."""
    global _lang
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)}")
    _lang = lang


def language() -> str:
    return _lang


def _flatten(prefix: str, table: dict[str, Any], out: dict[str, dict[str, str]]) -> None:
    if "ja" in table and isinstance(table["ja"], str):
        out[prefix] = {k: v for k, v in table.items() if isinstance(v, str)}
        return
    for key, value in table.items():
        if isinstance(value, dict):
            _flatten(f"{prefix}.{key}", value, out)


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every message, keyed by dotted name, each a ``{"ja": …, "en": …}`` dict."""
    out: dict[str, dict[str, str]] = {}
    for entry in sorted(MESSAGES.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            out.update(_domain(entry.name.removesuffix(".toml")))
    return out


@cache
def _domain(stem: str) -> dict[str, dict[str, str]]:
    """The messages of one file (``<stem>.toml``): ``t()`` reads only the files
    of the keys it is asked for (the unlock screen needs two of sixteen)."""
    out: dict[str, dict[str, str]] = {}
    entry = MESSAGES / f"{stem}.toml"
    if stem and entry.is_file():
        _flatten(stem, tomllib.loads(entry.read_text(encoding="utf-8")), out)
    return out


def t(key: str, lang: str | None = None, /, **params: Any) -> str:
    """The message ``key`` in ``lang`` (default: the process language), formatted.

    An unknown key returns the key itself with its parameters, so a missing
    string is visible rather than fatal.
    """
    entry = _domain(key.partition(".")[0]).get(key)
    if entry is None:
        detail = ", ".join(f"{k}={v}" for k, v in params.items())
        return f"{key}({detail})" if detail else key
    text = entry.get(lang or _lang) or entry[DEFAULT_LANG]
    try:
        return text.format(**params)
    except (KeyError, IndexError):
        return text
