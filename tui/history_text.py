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

from core import i18n
from tui.text import tr

_PAIR = re.compile(r"(\w+)=(\S+)")
_HTTP = re.compile(r"\s*\(HTTP \d+\)")
_HEX = re.compile(r"\b[0-9a-f]{12,}\b")
WORDS = ("new", "replaced", "correction")
RESULTS = ("ok", "failed", "rejected", "refused", "problems", "hash-mismatch", "held")


def action_text(action: str) -> str:
    return i18n.t(action) if "." in action else action


def result_text(result: str) -> str:
    return tr(f"history.result.{result}") if result in RESULTS else result


def detail_text(detail: str, refs: Mapping[str, str] | None = None) -> str:
    """``files=4 records=365`` → ``ファイル 4  レコード 365``; a card reference → its
    number (or ``-`` when not known here); ``new``/``replaced`` → words."""
    refs = refs or {}
    text = _HTTP.sub("", detail)
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
