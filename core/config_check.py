"""The settings screen's data check: a config is saved only when this is clean.

Same shape as every other data check (``core.report.Problem``), ``column`` is
the setting's ``section.name``.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import themes
from core import i18n
from core.config import Config
from core.formats.fields import lasdec_check_digit
from core.formats.tables import optional_readings
from core.report import Problem
from core.wareki import DISPLAYS

THEMES = ("auto", *themes.NAMES)  # auto: the terminal's best (themes.choose)
LANGS = i18n.LANGS
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def lasdec_ok(code: str) -> bool:
    """A 6-digit 全国地方公共団体コード whose last digit is the check digit."""
    return bool(re.fullmatch(r"\d{6}", code)) and lasdec_check_digit(code[:5]) == code[5]


def check(config: Config) -> list[Problem]:
    """Every problem with ``config``; empty when it may be saved."""
    out: list[Problem] = []

    def bad(column: str, key: str, **params: object) -> None:
        out.append(Problem(0, column, f"settings.{key}", {k: str(v) for k, v in params.items()}))

    server = config.server
    if server.url:
        parts = urlsplit(server.url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            bad("server.url", "url_invalid", value=server.url)
        elif parts.scheme == "http" and not server.allow_http:
            bad("server.url", "url_plain_http", value=server.url)
    for name in ("ca", "client_cert", "client_key"):
        value = getattr(server, name)
        if value and not Path(value).expanduser().is_file():
            bad(f"server.{name}", "file_missing", value=value)
    if config.terminal.lasdec and not lasdec_ok(config.terminal.lasdec):
        bad("terminal.lasdec", "lasdec_invalid", value=config.terminal.lasdec)
    for name in ("fetch_time", "send_time"):
        value = getattr(config.schedule, name)
        if not _TIME.match(str(value)):
            bad(f"schedule.{name}", "time_invalid", value=value)
    if config.ui.theme not in THEMES:
        bad("ui.theme", "choice_invalid", value=config.ui.theme, choices=", ".join(THEMES))
    if config.ui.lang not in LANGS:
        bad("ui.lang", "choice_invalid", value=config.ui.lang, choices=", ".join(LANGS))
    shown = getattr(config.ui, "date_display", "両方")
    if shown not in DISPLAYS:
        bad("ui.date_display", "choice_invalid", value=shown, choices=", ".join(DISPLAYS))
    if not isinstance(config.ui.idle_lock_minutes, int) or config.ui.idle_lock_minutes < 0:
        bad("ui.idle_lock_minutes", "minutes_invalid", value=config.ui.idle_lock_minutes)
    if not isinstance(config.pdf.expiry_minutes, int) or config.pdf.expiry_minutes < 1:
        bad("pdf.expiry_minutes", "minutes_invalid", value=config.pdf.expiry_minutes)
    known = {r.name for r in optional_readings()}
    unknown = sorted(set(config.formats.readings) - known)
    if unknown:
        params = {"name": ", ".join(unknown), "known": ", ".join(sorted(known))}
        out.append(Problem(0, "formats.readings", "validate.reading.unknown", params))
    return out
