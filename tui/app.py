"""``renkei`` without a subcommand: the TUI.

The language is chosen before the screens are imported (their key labels are
read from the catalogue once), so the App itself lives in ``tui.shell``.
"""

from __future__ import annotations

import argparse
import os

from core import config as core_config
from core import i18n


def run_app(args: argparse.Namespace) -> int:
    """Unlock, then the screens; returns the exit code."""
    data_dir = core_config.resolve_data_dir(getattr(args, "data", None))
    config = core_config.load(data_dir)
    if not getattr(args, "lang", None) and not os.environ.get("RENKEI_LANG"):
        if config.ui.lang in i18n.LANGS:
            i18n.set_language(config.ui.lang)
    from tui.shell import RenkeiApp

    app = RenkeiApp(data_dir, config, passphrase_hint=getattr(args, "passphrase_hint", ""))
    app.run()
    return 0
