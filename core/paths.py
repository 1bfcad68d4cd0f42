"""Every name inside a data directory, in one place.

A data directory (``renkei init``; README "Data directory") holds the key
file, the settings, the database and the files the workflows keep. Each
module that reads or writes one of them takes its name from here, so the
layout can be read (and changed) in one file. The names are relative to the
data directory; ``<data>`` below is its root.

This module sits at the bottom of core (it imports nothing), beside
``core.durable``: the key file (``core.vault.keys``), the database
(``core.store``) and the settings (``core.config``) are named here although
the opened data directory (``core.datadir``) sits above them.
"""

from __future__ import annotations

# -- the terminal itself ----------------------------------------------------
KEYS_NAME = "keys.toml"  # the wrapped data keys and the operators' slots (core.vault.keys)
CONFIG_NAME = "config.toml"  # the settings (core.config)
DB_NAME = "renkei.db"  # the SQLite database, with -wal / -shm beside it (core.store)
LOCK_NAME = ".lock"  # shared while open, exclusive for rekey / recover (core.datadir.unlock)
LOCK_DIR = "locks"  # step locks, <data>/locks/<name>.lock (core.store.locks)
ANCHOR_NAME = "anchor.json"  # the sealed state generation (core.datadir.anchor)
FAILURES_NAME = "unlock.json"  # the shared wrong-passphrase counter (core.datadir.anchor)


def failures_name(operator: str) -> str:
    """An operator's own wrong-passphrase counter file."""
    return f"unlock-{operator}.json"


# -- encrypted files (envelopes under the data key) --------------------------
FILES_DIR = "files"  # every encrypted file lives below here
INBOX_DIR = "files/inbox"  # received MOJ files (core.exchange.fetch)
OUTBOX_DIR = "files/outbox"  # batches on their way to the server (core.exchange.send)
WAITING_SNAPSHOT_NAME = "files/waiting.snapshot"  # the 未入力 list sealed (core.exchange.snapshot)
AUDIT_KEY_FILE = (
    "files/audit-export.key"  # the audit export's signing key (core.datadir.audit_export)
)

# -- plain files ------------------------------------------------------------
TLS_DIR = "tls"  # the server's CA and this terminal's certificate and key (core.session)
TLS_FILES = {"ca": "ca.pem", "client_cert": "client.pem", "client_key": "client.key"}
TRUST_DIR = "moj-ca"  # CA certificates the admin added for the card check (core.card)
CHARSET_DIR = "charset"  # imported code tables (core.charset)
GAIJI_NAME = "gaiji.csv"  # in CHARSET_DIR: this municipality's 外字 table
JUKI_NAME = "juki.csv"  # in CHARSET_DIR: the 住基統一文字 table made from an MJ export
JUKI_ATTRIBUTION_NAME = "juki-ATTRIBUTION.txt"  # in CHARSET_DIR: its licence notice
DECISIONS_NAME = "decisions.csv"  # in CHARSET_DIR: the name review's decisions
PDF_DIR = "pdf"  # the 交付日未入力 lists the TUI writes (core.pdf.export)
BOUNDARY_LOCK = "boundary.lock"  # one line-connection sync at a time (core.boundary.sync)
BUNDLE_LEDGER_DIR = "bundles"  # which USB bundles were imported (tui.commands.bundle)
BUNDLE_LEDGER_NAME = "bundles-imported.txt"  # in BUNDLE_LEDGER_DIR: one line per bundle
