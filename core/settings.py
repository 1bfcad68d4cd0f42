"""The running settings of an opened data directory: one object, changed whole.

The opened data directory (``core.datadir.opened.Vault``) owns the one ``Config``
every reader uses while it is open — the session, the schedule, fetch, send,
the line connection, the TUI. ``save`` changes it everywhere at once or not
at all: the whole new config is checked first (``core.config_check``), written
atomically, and only then swapped in; any failure leaves both the file and
the running settings as they were.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from core import config as config_mod
from core import config_check
from core.config import Config
from core.errors import EXIT_PROBLEMS, RenkeiError
from core.i18n import t
from core.report import Problem


class Owner(Protocol):
    """What owns the running settings: the opened data directory."""

    data_dir: Path
    config: Config


class SettingsRejected(RenkeiError):
    """The new settings did not pass the check; nothing was saved."""

    exit_code = EXIT_PROBLEMS

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("settings.rejected")

    def message(self, lang: str | None = None) -> str:
        found = "; ".join(f"{p.column}: {p.reason(lang)}" for p in self.problems)
        return t(self.key, lang, problems=found)


class SettingsNotWritten(RenkeiError):
    """config.toml could not be replaced (read-only, permissions); nothing changed."""

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__("settings.not_written", path=str(path), detail=detail)


@dataclass(frozen=True)
class Saved:
    """What a save changed (``section.name``) and which of those wait for a restart."""

    changed: tuple[str, ...]
    restart: tuple[str, ...]


def changed(old: Config, new: Config) -> list[str]:
    """The settings (``section.name``) whose values differ, in definition order."""
    out = []
    for section in dataclasses.fields(Config):
        if section.name == "extra":
            continue
        before, after = getattr(old, section.name), getattr(new, section.name)
        for item in dataclasses.fields(after):
            if getattr(before, item.name) != getattr(after, item.name):
                out.append(f"{section.name}.{item.name}")
    return out


def needs_restart(name: str) -> bool:
    """Whether the setting ``section.name`` takes effect only at the next start."""
    section, _, field_name = name.partition(".")
    part = getattr(Config(), section)
    return any(f.name == field_name and f.metadata.get("restart") for f in dataclasses.fields(part))


def save(owner: Owner, new: Config) -> Saved:
    """Check, write atomically, then swap ``owner.config``; or raise and change nothing.

    ``SettingsRejected`` when the check finds problems; ``DiskFull`` or
    ``SettingsNotWritten`` when the file cannot be written.
    """
    problems = config_check.check(new)
    if problems:
        raise SettingsRejected(problems)
    running = copy.deepcopy(new)  # the caller's object stays the caller's
    try:
        config_mod.save(owner.data_dir, running)  # atomic: the old file or the new one
    except RenkeiError:
        raise  # DiskFull: already a clear message
    except OSError as exc:
        path = config_mod.config_path(owner.data_dir)
        raise SettingsNotWritten(path, exc.strerror or type(exc).__name__) from exc
    names = changed(owner.config, running)
    owner.config = running
    return Saved(tuple(names), tuple(n for n in names if needs_restart(n)))
