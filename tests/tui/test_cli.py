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
    assert "終了コード" in out.stdout and "exit codes" not in out.stdout


def test_help_follows_lang(renkei_cmd: list[str], cli_env: dict[str, str]) -> None:
    """Trap 16 of issue 18: the help in one language, the one asked for."""
    for argv, env_lang, want, not_want in (
        (["--lang", "en", "--help"], None, "exit codes", "終了コード"),
        (["fetch", "--help", "--lang=en"], None, "Fetch the MOJ", "受信し"),
        (["status", "--help"], "en", "Counts (waiting", "件数"),
        (["send", "--help"], None, "送信待ちの交付年月日", "Send the queued"),
    ):
        env = dict(cli_env)
        if env_lang:
            env["RENKEI_LANG"] = env_lang
        out = subprocess.run(
            [*renkei_cmd, *argv], capture_output=True, text=True, env=env, check=True
        )
        assert want in out.stdout and not_want not in out.stdout, argv
        assert "--quiet" in out.stdout or argv[0] not in ("fetch", "send")


def test_unknown_subcommand_is_usage_error(renkei_cmd: list[str], cli_env: dict[str, str]) -> None:
    out = subprocess.run(
        [*renkei_cmd, "no-such-command"], capture_output=True, text=True, env=cli_env
    )
    assert out.returncode == 2
    assert "Traceback" not in out.stderr


def _modules_after(code: str, env: dict[str, str]) -> set[str]:
    """The modules a fresh Python holds after running ``code`` (a new process,
    as every scripted command is)."""
    import sys

    probe = f"{code}\nimport sys\nprint(' '.join(sys.modules))\n"
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    return set(out.stdout.split())


def test_scripted_commands_load_no_pdf_and_no_textual(cli_env: dict[str, str]) -> None:
    """Every scripted command starts a new Python (cron, the tests, an admin's
    loop): the parser with all its subcommands must not pull in fpdf2 and its
    fonts, Textual or the QR encoder, which only the commands that use them load."""
    loaded = _modules_after("from tui.cli import build_parser\nbuild_parser()", cli_env)
    assert [m for m in ("fpdf", "textual", "qrcode", "uvicorn") if m in loaded] == []


def test_a_named_command_loads_its_own_module_only(cli_env: dict[str, str], tmp_path) -> None:
    """``renkei status`` from cron imports the status command, not the other
    subcommands and what they pull in; ``renkei --help`` still lists them all."""
    import sys

    code = f"from tui.cli import main\nmain(['status', '--data', {str(tmp_path / 'none')!r}])"
    loaded = {
        m.removeprefix("tui.commands.")
        for m in _modules_after(code, cli_env)
        if m.startswith("tui.commands.")
    }
    assert "status" in loaded
    assert not loaded & {"bundle", "user", "demo", "server", "card", "charset", "pdf", "audit"}
    usage = subprocess.run(
        [sys.executable, "-m", "tui", "--help"], env=cli_env, capture_output=True, text=True
    )
    assert all(name in usage.stdout for name in ("bundle", "user", "status", "list", "card"))
