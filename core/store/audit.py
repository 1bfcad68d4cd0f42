"""The audit log: who did what, when, to which record, with what result.

Entries are appended to ``audit_log`` as a keyed hash chain: each entry's MAC
(HMAC-SHA256 under the audit subkey of a data key) covers its fields and the
previous entry's MAC, and a MAC'd head (last sequence number and MAC) sits in
``vault_meta``. So an edited, removed, inserted or reordered entry — or
entries cut off the end — is found by ``verify``, and nobody without the
passphrase can forge a consistent chain. Records are named by references
(``Store.ref``), never by personal data.

Each entry also carries its kind (the seven log kinds of 住民記録システム標準仕様書
10.2, from ``audit_kinds.toml``) and the terminal it was made from (the SSH client
address and/or the tty). The MAC covers those two whenever they are set, so
entries written before they existed still verify.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import json
import os
import sqlite3
import sys
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any

from core.errors import RenkeiError
from core.store.db import Store
from core.vault.keys import DataKey

_ZERO = bytes(32)
BREAK_ACTION = "audit.chain_broken"


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    actor: str
    action: str
    record: str
    result: str
    detail: str
    key_id: str
    mac: bytes
    kind: str = ""
    terminal: str = ""

    @property
    def fields(self) -> tuple[str, ...]:
        return _fields(
            self.at,
            self.actor,
            self.action,
            self.record,
            self.result,
            self.detail,
            self.kind,
            self.terminal,
        )


def _fields(*values: str) -> tuple[str, ...]:
    """The MACed fields: kind and terminal only when set (older entries had none)."""
    return values if values[6] or values[7] else values[:6]


@cache
def _kinds() -> dict[str, Any]:
    text = (resources.files(__package__) / "audit_kinds.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def kinds() -> list[str]:
    return list(_kinds()["kinds"])


def kind_of(action: str, result: str = "ok") -> str:
    """The log kind of ``action`` (longest prefix in audit_kinds.toml)."""
    table = _kinds()
    matches = [p for p in table["prefix"] if action.startswith(p)]
    kind = table["prefix"][max(matches, key=len)] if matches else table["default"]
    if result in table["error_results"] and kind not in table["keep_on_error"]:
        return "エラー"
    return str(kind)


def default_terminal() -> str:
    """Where this process is operated from: the SSH client address (``SSH_CLIENT``)
    and/or the tty; ``batch`` for a run with neither (cron, systemd)."""
    parts = []
    ssh = os.environ.get("SSH_CLIENT", "").split()
    if ssh:
        parts.append(f"ssh:{ssh[0]}")
    for stream in (sys.stdin, sys.stderr):
        try:
            if stream is not None and stream.isatty():
                parts.append(os.ttyname(stream.fileno()).removeprefix("/dev/"))
                break
        except (OSError, ValueError):
            continue
    return " ".join(parts) or "batch"


class AuditBroken(RenkeiError):
    """``audit verify`` found the chain broken at ``seq``."""

    def __init__(self, seq: int, reason: str) -> None:
        self.seq = seq
        self.reason = reason
        super().__init__(f"vault.audit.{reason}", seq=seq)


def _mac(key: DataKey, prev: bytes, seq: int, fields: tuple[str, ...]) -> bytes:
    body = json.dumps([seq, *fields], ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key.audit_key, prev + body.encode("utf-8"), hashlib.sha256).digest()


def _head_mac(key: DataKey, seq: int, mac: bytes) -> str:
    data = b"head|" + str(seq).encode() + b"|" + mac
    return hmac.new(key.audit_key, data, hashlib.sha256).hexdigest()


def default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class Audit:
    """Append and check the audit log of ``store`` (which must be unlocked)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        # the audit sequence number the anchor recorded (set at unlock); a chain
        # shorter than it was cut, even with an earlier head put back
        self.anchored_seq = 0
        # the unlocked operator: the actor of every entry that names none
        self.actor = ""
        self.terminal = default_terminal()

    def append(
        self,
        action: str,
        *,
        actor: str = "",
        record: str = "",
        result: str = "ok",
        detail: str = "",
        kind: str = "",
    ) -> int:
        """Add one entry (inside the caller's transaction if there is one); its
        kind is ``kind_of(action, result)`` unless given."""
        with self.store.transaction() as conn:
            row = conn.execute(
                "SELECT seq, mac FROM audit_log ORDER BY seq DESC LIMIT 1"
            ).fetchone()
            seq, prev = (row[0], bytes(row[1])) if row else (0, _ZERO)
            if not self._head_matches(seq, prev):
                # Entries were cut off the end (or the head edited): say so in the
                # chain itself, so appending cannot hide it and verify reports it.
                seq, prev = self._insert(
                    conn,
                    seq,
                    prev,
                    BREAK_ACTION,
                    "",
                    "",
                    "failed",
                    f"head did not match entry {seq}",
                )
            seq, _ = self._insert(conn, seq, prev, action, actor, record, result, detail, kind)
            self.store.bump_generation(durable=False)  # the anchor then records this head
        return seq

    def _insert(
        self,
        conn: sqlite3.Connection,
        seq: int,
        prev: bytes,
        action: str,
        actor: str,
        record: str,
        result: str,
        detail: str,
        kind: str = "",
    ) -> tuple[int, bytes]:
        key = self.store._keys().current
        at = datetime.now(UTC).isoformat(timespec="microseconds")
        actor = actor or self.actor or default_actor()
        kind = kind or kind_of(action, result)
        fields = _fields(at, actor, action, record, result, detail, kind, self.terminal)
        seq += 1
        mac = _mac(key, prev, seq, fields)
        conn.execute(
            "INSERT INTO audit_log (seq, at, actor, action, record, result, detail, kind,"
            " terminal, key_id, mac) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (seq, at, actor, action, record, result, detail, kind, self.terminal, key.hex_id, mac),
        )
        self._set_head(key, seq, mac)
        return seq, mac

    def _head_matches(self, seq: int, mac: bytes) -> bool:
        head = self.store.meta("audit_head")
        if head is None:
            return seq == 0
        seq_text, key_id, head_mac = head.split(":")
        key = self.store._keys().key_for(bytes.fromhex(key_id))
        return (
            key is not None
            and int(seq_text) == seq
            and hmac.compare_digest(_head_mac(key, seq, mac), head_mac)
        )

    def _set_head(self, key: DataKey, seq: int, mac: bytes) -> None:
        self.store.set_meta("audit_head", f"{seq}:{key.hex_id}:{_head_mac(key, seq, mac)}")

    def entries(self, limit: int | None = None) -> list[AuditEntry]:
        sql = "SELECT * FROM audit_log ORDER BY seq"
        if limit is not None:
            sql = f"SELECT * FROM ({sql} DESC LIMIT {int(limit)}) ORDER BY seq"
        return [
            AuditEntry(
                r["seq"],
                r["at"],
                r["actor"],
                r["action"],
                r["record"],
                r["result"],
                r["detail"],
                r["key_id"],
                bytes(r["mac"]),
                r["kind"],
                r["terminal"],
            )
            for r in self.store.query(sql)
        ]

    def _key(self, key_id: str, seq: int) -> DataKey:
        key = self.store._keys().key_for(bytes.fromhex(key_id))
        if key is None:
            raise AuditBroken(seq, "unknown_key")
        return key

    def verify(self) -> int:
        """The number of entries if the chain holds; else ``AuditBroken`` naming the entry."""
        prev, expected = _ZERO, 1
        for entry in self.entries():
            if entry.seq != expected:
                raise AuditBroken(expected, "missing")
            key = self._key(entry.key_id, entry.seq)
            if not hmac.compare_digest(_mac(key, prev, entry.seq, entry.fields), entry.mac):
                raise AuditBroken(entry.seq, "altered")
            if entry.action == BREAK_ACTION:
                raise AuditBroken(entry.seq, "truncated")
            prev, expected = entry.mac, expected + 1
        count = expected - 1
        if count < self.anchored_seq:
            raise AuditBroken(count + 1, "truncated")
        head = self.store.meta("audit_head")
        if head is None:
            if count:
                raise AuditBroken(count, "head")
            return 0
        seq_text, key_id, head_mac = head.split(":")
        key = self._key(key_id, int(seq_text))
        if int(seq_text) != count or not hmac.compare_digest(_head_mac(key, count, prev), head_mac):
            raise AuditBroken(count + 1 if int(seq_text) > count else count, "truncated")
        return count

    def rekey(self, key: DataKey) -> int:
        """Re-MAC the whole chain under ``key`` after verifying it (inside rekey's
        transaction), so dropping the old key leaves a verifiable log."""
        count = self.verify()
        prev = _ZERO
        with self.store.transaction() as conn:
            for entry in self.entries():
                mac = _mac(key, prev, entry.seq, entry.fields)
                conn.execute(
                    "UPDATE audit_log SET key_id = ?, mac = ? WHERE seq = ?",
                    (key.hex_id, mac, entry.seq),
                )
                prev = mac
            if count:
                self._set_head(key, count, prev)
        return count
