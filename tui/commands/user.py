"""``renkei user``: the operators of this terminal (admin only).

add|list|disable|enable|remove|passwd|role. Each changes one key slot of
``keys.toml``; no data is re-encrypted. An initial passphrase (add, enable,
passwd) comes from --initial-passphrase-file, $RENKEI_NEW_PASSPHRASE, or a
prompt typed twice, and must be changed by its operator at first login.
"""

from __future__ import annotations

import argparse
import json

from core.datadir import operators, roles
from core.i18n import t
from core.vault import passphrase as sources
from tui.commands._vault import ask, open_from_args


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "user",
        parents=[common],
        help="operators: add, list, disable, enable, remove, passwd, role (admin only)",
        description="Manage the operators of this terminal. Each operator has a name, a role "
        f"({', '.join(roles.roles())}) and their own passphrase (their own key slot).",
    )
    actions = p.add_subparsers(dest="user_action", metavar="ACTION", required=True)

    def named(name: str, text: str, initial: bool = False) -> argparse.ArgumentParser:
        a = actions.add_parser(name, parents=[common], help=text)
        a.add_argument("name", metavar="NAME", help="operator name")
        if initial:
            a.add_argument(
                "--initial-passphrase-file",
                metavar="FILE",
                help="read the initial passphrase (else $RENKEI_NEW_PASSPHRASE or a prompt)",
            )
        return a

    add = named("add", "add an operator with an initial passphrase", initial=True)
    add.add_argument("--role", required=True, choices=roles.roles(), help="the operator's role")
    add.set_defaults(func=run_add)
    listing = actions.add_parser("list", parents=[common], help="list the operators")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.set_defaults(func=run_list)
    named("disable", "disable an operator (erases their key slot)").set_defaults(func=run_disable)
    named("enable", "enable an operator with a new initial passphrase", True).set_defaults(
        func=run_enable
    )
    named("remove", "remove an operator").set_defaults(func=run_remove)
    named("passwd", "set a new initial passphrase for an operator", True).set_defaults(
        func=run_reset
    )
    named("totp-reset", "remove an operator's second factor (lost phone)").set_defaults(
        func=run_totp_reset
    )
    role = named("role", "change an operator's role")
    role.add_argument("role", choices=roles.roles(), help="the new role")
    role.set_defaults(func=run_role)


def _initial(args: argparse.Namespace) -> str:
    given = sources.from_sources(
        getattr(args, "initial_passphrase_file", None), env_var=sources.NEW_ENV_VAR
    )
    if given is not None:
        return sources.check_new(given)
    first = sources.check_new(ask_initial(args.name))
    if ask("vault.passphrase.prompt_confirm") != first:
        from core.errors import RenkeiError

        raise RenkeiError("vault.passphrase.mismatch")
    return first


def ask_initial(name: str) -> str:
    import getpass

    from core.vault.errors import NoPassphrase
    from tui.commands._vault import _interactive

    if not _interactive():
        raise NoPassphrase()
    return getpass.getpass(t("operator.prompt_initial", operator=name))


def run_add(args: argparse.Namespace) -> int:
    initial = _initial(args)
    with open_from_args(args) as vault:
        operators.add(vault, args.name, args.role, initial)
    print(t("operator.added", operator=args.name, role=args.role))
    return 0


def run_list(args: argparse.Namespace) -> int:
    with open_from_args(args) as vault:
        rows = operators.list_operators(vault)
    if not args.json:
        print(t("operator.list_header"))
    for op in rows:
        if args.json:
            print(
                json.dumps(
                    {
                        "name": op.name,
                        "role": op.role,
                        "state": op.state,
                        "must_change": op.must_change,
                        "totp": op.totp,
                        "changed": op.changed,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            initial = "yes" if op.must_change else "-"
            print(f"{op.name}\t{op.role}\t{op.state}\t{initial}\t{op.changed}")
    return 0


def run_disable(args: argparse.Namespace) -> int:
    with open_from_args(args) as vault:
        operators.disable(vault, args.name)
    print(t("operator.disabled_done", operator=args.name))
    return 0


def run_enable(args: argparse.Namespace) -> int:
    initial = _initial(args)
    with open_from_args(args) as vault:
        operators.enable(vault, args.name, initial)
    print(t("operator.enabled", operator=args.name))
    return 0


def run_remove(args: argparse.Namespace) -> int:
    with open_from_args(args) as vault:
        operators.remove(vault, args.name)
    print(t("operator.removed", operator=args.name))
    return 0


def run_reset(args: argparse.Namespace) -> int:
    initial = _initial(args)
    with open_from_args(args) as vault:
        operators.reset(vault, args.name, initial)
    print(t("operator.reset", operator=args.name))
    return 0


def run_role(args: argparse.Namespace) -> int:
    with open_from_args(args) as vault:
        operators.set_role(vault, args.name, args.role)
    print(t("operator.role_set", operator=args.name, role=args.role))
    return 0


def run_totp_reset(args: argparse.Namespace) -> int:
    with open_from_args(args) as vault:
        operators.totp_reset(vault, args.name)
    print(t("operator.totp_reset_done", operator=args.name))
    return 0
