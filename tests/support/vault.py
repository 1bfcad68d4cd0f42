"""Test helpers for an unlocked data directory (low scrypt cost, no unlock delay).

Use ``new_vault(path)`` in any part's tests; the low cost is recorded in the
key file exactly as ``renkei init --kdf-cost low`` would.
"""

from __future__ import annotations

from pathlib import Path

from core.config import Config
from core.datadir.opened import Vault
from core.datadir.unlock import init_vault, open_vault

PASSPHRASE = "correct horse battery staple"


def new_vault(data_dir: Path, passphrase: str = PASSPHRASE, config: Config | None = None) -> Vault:
    return init_vault(data_dir, passphrase, cost="low", config=config)


def reopen(data_dir: Path, passphrase: str = PASSPHRASE) -> Vault:
    return open_vault(data_dir, passphrase, delay_base=0.0)
