"""The settings check: what the settings screen refuses to save, and why."""

from __future__ import annotations

from pathlib import Path

from core.config import Config
from core.config_check import check, lasdec_ok


def columns(config: Config) -> list[str]:
    return [p.column for p in check(config)]


def test_defaults_are_clean() -> None:
    assert check(Config()) == []


def test_each_bad_setting_is_named(tmp_path: Path) -> None:
    config = Config()
    config.server.url = "ftp://example"
    config.server.ca = str(tmp_path / "missing.pem")
    config.terminal.lasdec = "131017"
    config.schedule.fetch_time = "8:30"
    config.ui.theme = "pink"
    config.ui.lang = "fr"
    config.ui.idle_lock_minutes = -1
    config.pdf.expiry_minutes = 0
    assert columns(config) == [
        "server.url",
        "server.ca",
        "terminal.lasdec",
        "schedule.fetch_time",
        "ui.theme",
        "ui.lang",
        "ui.idle_lock_minutes",
        "pdf.expiry_minutes",
    ]
    assert all(p.reason("en") and "settings." not in p.reason("en") for p in check(config))


def test_plain_http_needs_allow_http(tmp_path: Path) -> None:
    config = Config()
    config.server.url = "http://127.0.0.1:8443"
    assert columns(config) == ["server.url"]
    config.server.allow_http = True
    assert columns(config) == []
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    config.server.ca = str(ca)
    assert columns(config) == []


def test_lasdec_check_digit() -> None:
    assert lasdec_ok("131016")  # 千代田区
    assert not lasdec_ok("131017")
    assert not lasdec_ok("13101")


def test_unknown_reading_of_the_seed_tables() -> None:
    from core.config import Config
    from core.config_check import check

    config = Config()
    config.formats.readings = ["R4"]
    assert [p for p in check(config) if p.column == "formats.readings"] == []
    config.formats.readings = ["R4", "R44"]
    [problem] = [p for p in check(config) if p.column == "formats.readings"]
    assert problem.params == {"name": "R44", "known": "R4"}
