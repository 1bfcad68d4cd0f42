"""``renkei init``: create the data directory, its data key and its settings."""

from __future__ import annotations

import argparse
import sys
import uuid

from core import config as config_mod
from core import config_check
from core.datadir.unlock import init_vault, is_initialised
from core.errors import EXIT_PROBLEMS
from core.i18n import t
from core.session import Session
from core.vault.errors import AlreadyInitialised
from core.vault.keys import COSTS
from tui.commands._vault import ask_new, data_dir, scripted_passphrase, warn_weak


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "init",
        parents=[common],
        help="create the data directory, its first admin and the passphrase",
        description="Create the data directory (0700), a new data key, the first admin "
        "operator (--user, else $RENKEI_USER, else the login name) with the passphrase, "
        "and the settings. The passphrase comes from --passphrase-file, "
        "$RENKEI_PASSPHRASE, the systemd credential renkei-passphrase, or a prompt.",
    )
    p.add_argument("--lasdec", metavar="CODE", help="LASDEC code of the municipality (6 digits)")
    p.add_argument("--municipality", metavar="NAME", help="municipality name for screens")
    p.add_argument("--server", metavar="URL", help="linkage server origin (https://…)")
    p.add_argument("--ca", metavar="FILE", help="CA certificate the server must chain to")
    p.add_argument("--token", metavar="TOKEN", help="bearer token of this terminal")
    p.add_argument("--client-cert", metavar="FILE", help="client certificate (PEM)")
    p.add_argument("--client-key", metavar="FILE", help="client private key (PEM)")
    p.add_argument(
        "--kdf-cost",
        choices=sorted(COSTS),
        default="standard",
        help="scrypt cost: standard (about 0.5 s), or low for tests and demos only "
        "(recorded in the key file and warned about)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    target = data_dir(args)
    if is_initialised(target):
        raise AlreadyInitialised(str(target))
    settings = _settings(args)
    problems = config_check.check(settings)
    if problems:  # the settings screen's own check: nothing is created
        for problem in problems:
            print(f"renkei: {problem.render()}", file=sys.stderr)
        return EXIT_PROBLEMS
    phrase = scripted_passphrase(args)
    if phrase is None:
        phrase = ask_new()
    # the first admin: --user, else $RENKEI_USER, else the login name
    vault = init_vault(
        target, phrase, cost=args.kdf_cost, config=settings, operator=getattr(args, "user", None)
    )
    with Session(vault) as terminal:
        terminal.provision_tls(args.ca or "", args.client_cert or "", args.client_key or "")
        vault.audit.append(
            "vault.init.settings",
            detail=f"lasdec={settings.terminal.lasdec} server={settings.server.url}",
        )
        warn_weak(vault)
    print(t("vault.init.done", path=str(target)), file=sys.stdout)
    print(t("operator.first_admin", operator=vault.operator), file=sys.stdout)
    return 0


def _settings(args: argparse.Namespace) -> config_mod.Config:
    settings = config_mod.Config()
    settings.terminal.terminal_id = uuid.uuid4().hex
    if args.lasdec:
        settings.terminal.lasdec = args.lasdec
    if args.municipality:
        settings.terminal.municipality = args.municipality
    if args.server:
        settings.server.url = args.server
        settings.server.allow_http = False
    if args.token:
        settings.server.token = args.token
    for name in ("ca", "client_cert", "client_key"):  # checked as given, copied after
        if getattr(args, name):
            setattr(settings.server, name, getattr(args, name))
    return settings
