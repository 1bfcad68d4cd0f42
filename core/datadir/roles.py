"""Roles as data: the least role each CLI command and TUI action needs.

The table is ``roles.toml`` beside this module, read once. ``require`` is the
one check: called after unlock and before the action changes anything; a
refusal is written to the audit log and raised as ``Forbidden`` (exit code
``EXIT_FORBIDDEN``), naming the role the action needs.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from core.errors import EXIT_FORBIDDEN, RenkeiError
from core.vault.errors import MustChangePassphrase, MustEnrol

if TYPE_CHECKING:
    from core.datadir.opened import Vault

NONE = "none"  # the action opens no data directory
OWN_PASSPHRASE = "passwd"  # the one action open to an operator who must change theirs
ENROL = "totp enrol"  # the one action open to an operator who must enrol a second factor


class Forbidden(RenkeiError):
    """The operator's role may not do ``action``; nothing was changed."""

    exit_code = EXIT_FORBIDDEN

    def __init__(self, action: str, needs: str, operator: str, role: str) -> None:
        super().__init__(
            "operator.forbidden", action=action, needs=needs, operator=operator, role=role
        )
        self.needs = needs


class UnknownRole(RenkeiError):
    def __init__(self, role: str) -> None:
        super().__init__("operator.unknown_role", role=role, roles=", ".join(roles()))


@cache
def _table() -> dict[str, Any]:
    text = (resources.files(__package__) / "roles.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def roles() -> list[str]:
    """Role names, lowest first."""
    return [str(name) for name in _table()["roles"]]


def check_role(role: str) -> str:
    if role not in roles():
        raise UnknownRole(role)
    return role


def table(kind: str) -> dict[str, str]:
    """``cli`` or ``tui``: action -> least role."""
    return {str(k): str(v) for k, v in _table()[kind].items()}


def needs(action: str, kind: str = "cli") -> str:
    """The least role ``action`` needs (an action missing from the table needs admin)."""
    return table(kind).get(action, roles()[-1])


def allows(role: str, action: str, kind: str = "cli") -> bool:
    need = needs(action, kind)
    if need == NONE:
        return True
    order = roles()
    return role in order and order.index(role) >= order.index(need)


def require(vault: Vault, action: str, kind: str = "cli") -> None:
    """Refuse (audited, nothing else changed) unless ``vault``'s operator may do ``action``."""
    if vault.must_change and action != OWN_PASSPHRASE:
        raise MustChangePassphrase(vault.operator)
    if getattr(vault, "must_enrol", False) and action not in (ENROL, OWN_PASSPHRASE):
        raise MustEnrol(vault.operator, vault.role)
    if allows(vault.role, action, kind):
        return
    need = needs(action, kind)
    if vault.rolled_back is None:
        vault.audit.append(
            "operator.refused", record=action, result="refused", detail=f"needs {need}"
        )
    raise Forbidden(action, need, vault.operator, vault.role)
