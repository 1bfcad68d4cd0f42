"""The delivery history (履歴) in words, for the 送信状況 screen and ``renkei history``.

The core writes each history line for administrators and logs: an action key,
a result word (``ok``, ``failed``, ``rejected``) and a detail such as
``files=4 records=365`` or ``<12 hex of the card's reference> new``. A clerk
reads them translated from the catalogue, with the certificate number in place
of its reference (``refs``) and no raw hashes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from core import i18n
from core.terminal import Status
from core.textsafe import shown
from tui.text import tr

_PAIR = re.compile(r"(\w+)=(\S+)")
_HTTP = re.compile(r"\s*\(HTTP \d+\)")
_HEX = re.compile(r"\b[0-9a-f]{12,}\b")
WORDS = ("new", "replaced", "correction")
RESULTS = ("ok", "failed", "rejected", "refused", "problems", "hash-mismatch", "held")


def action_text(action: str) -> str:
    return i18n.t(action) if "." in action else action


def result_text(result: str) -> str:
    return tr(f"history.result.{result}") if result in RESULTS else shown(result, 40)


def detail_text(detail: str, refs: Mapping[str, str] | None = None) -> str:
    """``files=4 records=365`` → ``ファイル 4  レコード 365``; a card reference → its
    number (or ``-`` when not known here); ``new``/``replaced`` → words."""
    refs = refs or {}
    # the detail may quote a peer's file name: control characters escaped
    text = _HTTP.sub("", shown(detail, 300))
    text = _PAIR.sub(lambda m: f"{tr('history.key.' + m[1])} {m[2]}", text)
    words = []
    for word in text.split(" "):
        if word in WORDS:
            words.append(tr(f"history.word.{word}"))
        elif _HEX.fullmatch(word):
            words.append(refs.get(word[:12], tr("history.some_card")))
        else:
            words.append(word)
    return " ".join(words)


def open_error(status: Status, session_error: str = "") -> str:
    """The error to show: this session's (in the UI language), else the stored one
    only while no fetch or send has succeeded since it (its text starts with its
    time, as the core stores it)."""
    if session_error:
        return session_error
    stored = status.last_error
    if not stored:
        return ""
    stamp = stored.split(" ", 1)[0]
    try:
        at = datetime.fromisoformat(stamp)
    except ValueError:
        return shown(stored, 500)
    for success in (status.last_fetch, status.last_send):
        if success is not None and _comparable(success, at) >= _comparable(at, success):
            return ""
    return shown(stored, 500)


def _comparable(a: datetime, b: datetime) -> datetime:
    """``a`` made comparable with ``b`` (one may carry a time zone, one not)."""
    if (a.tzinfo is None) != (b.tzinfo is None):
        return a.replace(tzinfo=None) if a.tzinfo else a.astimezone().replace(tzinfo=None)
    return a
