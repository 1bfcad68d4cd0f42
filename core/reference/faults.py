"""Misbehaviour on demand: ``faults.toml`` in the server's root, re-read per request.

PROTOCOL.md asks the reference server to be told to delay, drop the connection
mid-body, answer 500/503 and throttle bandwidth; the tests write this file.
Absent (or not valid TOML) = a well-behaved server::

    clock_offset = 0                    # seconds added to GET /v1/time
    [[fault]]
    match = "GET /v1/moj-notices/*"     # "METHOD pathglob"; "*" alone matches all
    action = "status"                   # status | delay | drop | drop_after_store
                                        # | throttle | wrong_hash | reject
    status = 503                        # status
    retry_after = 1                     # status (Retry-After seconds)
    seconds = 2.0                       # delay (before answering)
    after_bytes = 1000                  # drop: body bytes sent / read before the cut
    bytes_per_second = 100000           # throttle (download bodies)
    card_numbers = ["AB12345678CD"]     # reject: records by card number …
    lines = [3]                         # … or by line of the uploaded file
    reason = "…"                        # reject: the reason given to the terminal
    times = 1                           # how many matching requests it hits (default all)

Counters of ``times`` start again whenever the file changes. ``delay`` and
``status`` act before anything else (see ``answer_injected``); the others are
acted on by the handler of the endpoint they hit.
"""

from __future__ import annotations

import asyncio
import fnmatch
import tomllib
from pathlib import Path
from typing import Any

from core.reference.wire import Request, problem

Rule = dict[str, Any]  # one [[fault]] table


class Faults:
    """The faults file of one server and how often each rule has hit."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: int = -1
        self._hits: dict[int, int] = {}

    def read(self) -> dict[str, Any]:
        """The whole file ({} when absent or broken); a changed file resets the counts."""
        try:
            text = self.path.read_text(encoding="utf-8")
            stamp = hash((self.path.stat().st_mtime_ns, text))
            raw = tomllib.loads(text)
        except (FileNotFoundError, tomllib.TOMLDecodeError):
            return {}
        if stamp != self._stamp:
            self._stamp = stamp
            self._hits = {}
        return raw

    def take(self, method: str, path: str) -> list[Rule]:
        """The fault rules that hit this request (and count the hit)."""
        raw = self.read()
        hits = []
        for index, rule in enumerate(raw.get("fault", [])):
            pattern = str(rule.get("match", "*"))
            if pattern != "*":
                want_method, _, want_path = pattern.partition(" ")
                if want_method.upper() != method or not fnmatch.fnmatchcase(path, want_path):
                    continue
            times = rule.get("times")
            used = self._hits.get(index, 0)
            if times is not None and used >= int(times):
                continue
            self._hits[index] = used + 1
            hits.append(rule)
        return hits

    def clock_offset(self) -> float:
        """Seconds the server's clock is set off by (``clock_offset``)."""
        return float(self.read().get("clock_offset", 0))


def first(hits: list[Rule], action: str) -> Rule | None:
    """The first rule of ``action`` among this request's hits."""
    return next((r for r in hits if r.get("action") == action), None)


def every(hits: list[Rule], action: str) -> list[Rule]:
    return [r for r in hits if r.get("action") == action]


async def answer_injected(req: Request, hits: list[Rule]) -> bool:
    """Act on ``delay`` and ``status`` rules, in file order, before the request is
    looked at; True when a ``status`` rule has answered it."""
    for rule in hits:
        action = rule.get("action")
        if action == "delay":
            await asyncio.sleep(float(rule.get("seconds", 1.0)))
        elif action == "status":
            status = int(rule.get("status", 500))
            extra = {}
            if "retry_after" in rule:
                extra["retry-after"] = str(rule["retry_after"])
            slug = "unavailable" if status == 503 else "server-error"
            await problem(req, status, slug, f"injected {status}", headers=extra)
            return True
    return False
