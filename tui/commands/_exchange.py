"""Shared by the exchange commands: open the session the command works on."""

from __future__ import annotations

import argparse
from datetime import datetime

from core.session import Session
from tui.commands._vault import open_from_args


def open_session(args: argparse.Namespace) -> Session:
    return Session(open_from_args(args))


def when(at: datetime | None) -> str:
    if at is None:
        return "-"
    return (
        at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        if at.tzinfo
        else at.strftime("%Y-%m-%d %H:%M")
    )
