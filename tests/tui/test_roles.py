"""The role table against the product: every CLI command and every TUI action is
listed in core/datadir/roles.toml, and a clerk is refused each supervisor/admin
command (exit 6, the needed role named, nothing changed).

The expected roles are the issue's (#17): clerk = list, search, enter dates,
PDF/print, send; supervisor adds bundles, boundary, inbox decisions; admin adds
users, keys, settings, trust anchors, recovery.
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import subprocess
from pathlib import Path

import pytest

import tui.screens
from core.datadir import operators, roles
from core.datadir.unlock import change_passphrase, init_vault
from core.errors import EXIT_FORBIDDEN
from tui.cli import build_parser

ADMIN, CLERK = "kanri", "hanako"
ADMIN_PW, CLERK_PW = "admin passphrase 1", "clerk passphrase 1"

# minimal arguments to reach each command's unlock (files need not exist: the
# refusal comes first)
ARGS = {
    "audit export": ["/nonexistent-dir/export.jsonl"],
    "bundle export": ["--to", "/nonexistent-bundle-dir"],
    "bundle import": ["/nonexistent.rkb"],
    "charset review decide": ["--use", "J+0041", "A"],
    "card ca add": ["/nonexistent.pem"],
    "card ca remove": ["00"],
    "charset import": ["/nonexistent.csv"],
    "inbox recheck": ["no-such-file-id"],
    "user add": ["someone", "--role", "clerk"],
    "user disable": [ADMIN],
    "user enable": [ADMIN],
    "user remove": [ADMIN],
    "user passwd": [ADMIN],
    "user role": [ADMIN, "clerk"],
    "user totp-reset": [ADMIN],
}


def _cli_paths() -> set[str]:
    found: set[str] = set()

    def walk(parser: argparse.ArgumentParser, words: list[str]) -> None:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            found.add(" ".join(words))
        for action in subs:
            for name, child in action.choices.items():
                walk(child, [*words, name])

    walk(build_parser(), [])
    return found


def _tui_binding_ids() -> set[str]:
    import importlib
    import pkgutil

    from textual.binding import Binding

    from tui.shell import RenkeiApp

    classes = [RenkeiApp]
    for info in pkgutil.iter_modules(tui.screens.__path__):
        module = importlib.import_module(f"tui.screens.{info.name}")
        classes += [c for _, c in inspect.getmembers(module, inspect.isclass)]
    ids = set()
    for cls in classes:
        for binding in cls.__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding) and binding.id:
                ids.add(binding.id)
    return ids


def test_every_cli_command_is_in_the_table() -> None:
    assert _cli_paths() == set(roles.table("cli"))


def test_every_tui_action_is_in_the_table() -> None:
    ids = _tui_binding_ids()
    assert ids, "no TUI bindings found"
    assert ids <= set(roles.table("tui")), sorted(ids - set(roles.table("tui")))


def test_the_table_follows_the_issue() -> None:
    cli = roles.table("cli")
    for clerk in ("list", "enter", "pdf", "send"):
        assert cli[clerk] == "clerk"
    for supervisor in ("bundle export", "bundle import", "boundary sync"):
        assert cli[supervisor] == "supervisor"
    for admin in ("user add", "rekey", "recover", "card ca add", "audit export"):
        assert cli[admin] == "admin"
    assert roles.table("tui")["go.settings"] == "admin"
    assert set(cli.values()) <= {*roles.roles(), roles.NONE}


def _snapshot(data: Path) -> dict[str, str]:
    """Every file but the database (its audit log records the refusal), its
    journal, the anchor and the counters: all must stay byte-identical."""
    skip = ("renkei.db", "anchor.json", "unlock", ".lock", "locks")
    return {
        str(p.relative_to(data)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(data.rglob("*"))
        if p.is_file() and not str(p.relative_to(data)).startswith(skip)
    }


def _tables(data: Path) -> dict[str, list[tuple[object, ...]]]:
    import sqlite3

    db = sqlite3.connect(data / "renkei.db")
    try:
        names = [
            r[0]
            for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if r[0] not in ("audit_log", "vault_meta", "sqlite_sequence")
        ]
        return {n: db.execute(f'SELECT * FROM "{n}"').fetchall() for n in names}
    finally:
        db.close()


@pytest.fixture
def terminal(tmp_path: Path) -> Path:
    data = tmp_path / "d"
    with init_vault(data, ADMIN_PW, cost="low", operator=ADMIN) as vault:
        operators.add(vault, CLERK, "clerk", "clerk initial 1")
        vault.write_bytes("files/a.enc", b"synthetic")
    change_passphrase(data, "clerk initial 1", CLERK_PW, operator=CLERK)
    return data


def test_clerk_refused_every_supervisor_and_admin_command(
    renkei_cmd: list[str], cli_env: dict[str, str], terminal: Path
) -> None:
    refused = sorted(p for p, need in roles.table("cli").items() if need not in ("clerk", "none"))
    assert len(refused) >= 15
    env = dict(
        cli_env,
        RENKEI_USER=CLERK,
        RENKEI_PASSPHRASE=CLERK_PW,
        RENKEI_NEW_PASSPHRASE="someone initial 1",
        RENKEI_TRANSFER_PASSPHRASE="transfer passphrase 1",
        RENKEI_UNLOCK_DELAY="0",
    )
    files, tables = _snapshot(terminal), _tables(terminal)
    for path in refused:
        argv = [*renkei_cmd, *path.split(), *ARGS.get(path, []), "--data", str(terminal)]
        proc = subprocess.run([*argv, "--lang", "en"], env=env, capture_output=True, text=True)
        need = roles.needs(path)
        assert proc.returncode == EXIT_FORBIDDEN, (path, proc.stderr)
        assert f"needs the role {need}" in proc.stderr, (path, proc.stderr)
        assert "Traceback" not in proc.stderr
        assert _snapshot(terminal) == files, path
        assert _tables(terminal) == tables, path
    # each refusal is in the audit log, by the clerk, naming the command
    from core.datadir.unlock import open_vault

    with open_vault(terminal, ADMIN_PW, operator=ADMIN, delay_base=0.0) as vault:
        logged = [e.record for e in vault.audit.entries() if e.action == "operator.refused"]
        assert all(e.actor == CLERK for e in vault.audit.entries() if e.result == "refused")
    assert sorted(logged) == refused


def test_admin_passes_the_role_check(
    renkei_cmd: list[str], cli_env: dict[str, str], terminal: Path
) -> None:
    env = dict(cli_env, RENKEI_USER=ADMIN, RENKEI_PASSPHRASE=ADMIN_PW, RENKEI_UNLOCK_DELAY="0")
    proc = subprocess.run(
        [*renkei_cmd, "user", "list", "--json", "--data", str(terminal)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert f'"name": "{CLERK}"' in proc.stdout and '"role": "clerk"' in proc.stdout
