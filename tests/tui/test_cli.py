"""The ``renkei`` command's own behaviour: version, help, errors."""

from __future__ import annotations

import subprocess

import core


def test_version(renkei_cmd: list[str], cli_env: dict[str, str]) -> None:
    out = subprocess.run(
        [*renkei_cmd, "--version"], capture_output=True, text=True, env=cli_env, check=True
    )
    assert out.stdout.strip() == f"renkei {core.__version__}"


def test_help_lists_exit_codes(renkei_cmd: list[str], cli_env: dict[str, str]) -> None:
    out = subprocess.run(
        [*renkei_cmd, "--help"], capture_output=True, text=True, env=cli_env, check=True
    )
    assert "usage: renkei" in out.stdout
    assert "exit codes" in out.stdout


def test_unknown_subcommand_is_usage_error(renkei_cmd: list[str], cli_env: dict[str, str]) -> None:
    out = subprocess.run(
        [*renkei_cmd, "no-such-command"], capture_output=True, text=True, env=cli_env
    )
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
