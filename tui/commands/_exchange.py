"""Shared by the exchange commands: open the session the command works on."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.session import Session


def open_session(args: argparse.Namespace, read_only: bool = False) -> Session:
    """``read_only``: the command only reads (it then works on a full disk too)."""
    from core.session import Session  # loaded only when a command runs, not for --help
    from tui.commands._vault import open_from_args

    return Session(open_from_args(args, read_only=read_only))


def when(at: datetime | None) -> str:
    if at is None:
        return "-"
    return (
        at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        if at.tzinfo
        else at.strftime("%Y-%m-%d %H:%M")
    )
