"""Settings in TOML: read with ``tomllib``, written with ``tomli-w``.

Everything a terminal keeps lives in one data directory (``--data DIR``,
``$RENKEI_DATA``, or ``$XDG_DATA_HOME/renkei``); the settings are
``<data>/config.toml`` inside it, so a demo or a test directory is
self-contained. Each section is a dataclass; unknown keys are kept on save so a
newer version's settings survive an older one.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from core.durable import write_atomic
from core.paths import CONFIG_NAME

# Field metadata of the settings read once when the TUI starts (its stylesheets,
# the language of every label, its keys): saving one takes effect at the next start.
RESTART = {"restart": True}


def default_data_dir() -> Path:
    env = os.environ.get("RENKEI_DATA")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "renkei"


USER_ENV = "RENKEI_USER"  # the operator name, else the login name


def default_operator() -> str:
    """``$RENKEI_USER``, else the login name (here, not in ``core.vault``: the
    unlock screen offers it before anything heavy is imported)."""
    import getpass

    name = os.environ.get(USER_ENV, "")
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "operator"


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The data directory a command works on: ``--data`` first, then the defaults."""
    return Path(explicit) if explicit else default_data_dir()


@dataclass
class TerminalSettings:
    lasdec: str = ""  # this municipality's LASDEC code, 6 digits with check digit
    municipality: str = ""  # display name on screens and PDFs
    terminal_id: str = ""  # set by ``renkei init``


@dataclass
class ServerSettings:
    url: str = ""  # origin, optionally with a path prefix; the client appends /v1/…
    ca: str = ""  # CA file the server certificate must chain to
    token: str = ""  # bearer token of this terminal
    client_cert: str = ""
    client_key: str = ""
    proxy: str = ""
    allow_http: bool = False  # plain HTTP only when explicitly configured
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    retries: int = 5


@dataclass
class ScheduleSettings:
    fetch_at_start: bool = True
    fetch_time: str = "08:30"  # daily automatic fetch, HH:MM local time
    send_time: str = "17:15"  # end of business: automatic send, PDF clean-up
    skew_warn_seconds: int = 120


@dataclass
class UiSettings:
    lang: str = field(default="ja", metadata=RESTART)
    theme: str = field(default="auto", metadata=RESTART)  # auto, default, ansi16, mono, contrast
    ascii_borders: bool = field(default=False, metadata=RESTART)
    idle_lock_minutes: int = 15
    keymap: dict[str, str] = field(default_factory=dict, metadata=RESTART)
    date_display: str = "両方"  # 和暦, 西暦 or 両方: every screen, message, PDF row, CLI line


@dataclass
class PdfSettings:
    expiry_minutes: int = 30
    sort_key: str = "card_number"


@dataclass
class BoundarySettings:
    """The resident-record system side (既存住基): encoding and folders."""

    linkage: str = "line"  # line, usb, paper
    encoding: str = "utf-8"  # utf-8, juki (住基統一文字 J+ units) or juki-sjis
    juki_byte_order: str = "be"  # juki: "be" or "le"
    juki_bom: bool = False  # juki: write a byte-order mark
    gaiji_table: str = ""
    export_dir: str = ""  # plaintext MOJ notices for the resident-record system
    import_dir: str = ""  # municipal notice files from the resident-record system


@dataclass
class FormatsSettings:
    """How this deployment reads the seed's tables (``core/formats/patterns/readings.csv``)."""

    readings: list[str] = field(
        default_factory=list, metadata=RESTART
    )  # optional readings, e.g. ["R4"]


@dataclass
class LimitsSettings:
    """What the terminal accepts from outside (server, folders, media): safe
    defaults, each refusal a catalogue message (README "What renkei refuses")."""

    max_download_bytes: int = 64 * 1024 * 1024  # one MOJ notice file from the server
    max_listing_pages: int = 100  # pages of one listing (a cursor that never ends)
    max_files_per_fetch: int = 1000  # files taken in one fetch; the rest next time
    max_answer_bytes: int = 4 * 1024 * 1024  # one JSON answer (listing, receipt, time)
    request_deadline_seconds: float = 600.0  # whole request, however slowly it trickles
    max_import_bytes: int = 64 * 1024 * 1024  # one file of the import folder
    max_bundle_bytes: int = 128 * 1024 * 1024  # one USB bundle (read whole to verify)
    import_requires_checksum: bool = True  # import only NAME.csv with a matching NAME.csv.sha256


@dataclass
class Config:
    terminal: TerminalSettings = field(default_factory=TerminalSettings)
    server: ServerSettings = field(default_factory=ServerSettings)
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    ui: UiSettings = field(default_factory=UiSettings)
    pdf: PdfSettings = field(default_factory=PdfSettings)
    boundary: BoundarySettings = field(default_factory=BoundarySettings)
    formats: FormatsSettings = field(default_factory=FormatsSettings)
    limits: LimitsSettings = field(default_factory=LimitsSettings)
    extra: dict[str, Any] = field(default_factory=dict)  # unknown sections, kept

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Config:
        config = cls()
        for section in dataclasses.fields(cls):
            if section.name == "extra" or section.name not in raw:
                continue
            current = getattr(config, section.name)
            known = {f.name for f in dataclasses.fields(current)}
            values = raw[section.name]
            setattr(
                config,
                section.name,
                dataclasses.replace(current, **{k: v for k, v in values.items() if k in known}),
            )
        names = {f.name for f in dataclasses.fields(cls)}
        config.extra = {k: v for k, v in raw.items() if k not in names}
        return config

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for section in dataclasses.fields(self):
            if section.name != "extra":
                out[section.name] = dataclasses.asdict(getattr(self, section.name))
        out.update(self.extra)
        return out


def config_path(data_dir: Path) -> Path:
    return data_dir / CONFIG_NAME


def load(data_dir: Path) -> Config:
    """The settings of ``data_dir``; defaults when there is no file yet."""
    path = config_path(data_dir)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Config()
    return Config.from_dict(raw)


def save(data_dir: Path, config: Config) -> None:
    write_atomic(config_path(data_dir), tomli_w.dumps(config.to_dict()).encode("utf-8"))
