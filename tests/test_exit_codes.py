"""Exit codes are written once (core.errors.EXIT_CODES): the README and --help agree."""

from __future__ import annotations

import subprocess
from pathlib import Path

from core import errors

ROOT = Path(__file__).resolve().parent.parent


def _readme_table() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### Exit codes\n") :]
    start = section.index("| code | meaning |")
    return section[start : section.index("\n\n", start)]


def test_the_readme_table_is_the_module_table() -> None:
    assert _readme_table() == errors.exit_codes_table()


def test_the_codes_are_distinct_and_the_constants_are_in_the_table() -> None:
    constants = {v for k, v in vars(errors).items() if k.startswith("EXIT_") and k != "EXIT_CODES"}
    assert constants == set(errors.EXIT_CODES)
    assert errors.EXIT_USAGE == 2  # argparse exits 2 on wrong arguments (its documentation)
    assert errors.EXIT_INTERNAL == 70  # EX_SOFTWARE, sysexits.h


def test_help_lists_every_code(renkei_cmd: list[str], cli_env: dict[str, str]) -> None:
    out = subprocess.run(
        [*renkei_cmd, "--help"], capture_output=True, text=True, env=cli_env, check=True
    )
    flat = " ".join(out.stdout.split())
    for code, (short, _) in errors.EXIT_CODES.items():
        assert f"{code} {short}" in flat


def test_wrong_arguments_exit_with_the_usage_code(
    renkei_cmd: list[str], cli_env: dict[str, str]
) -> None:
    done = subprocess.run([*renkei_cmd, "--no-such-option"], capture_output=True, env=cli_env)
    assert done.returncode == errors.EXIT_USAGE
