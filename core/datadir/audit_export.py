"""Searching the audit log and exporting it, signed, for the municipality's log server.

The export is one JSON object per line: a header (format, terminal, when, how
many entries, whether the chain verified, the public key) and then the entries.
Its signature is Ed25519 over the file's exact bytes, in ``<file>.sig`` (64
raw bytes), with the public key in ``<file>.pub.pem``. The private key lives
in the data directory as an encrypted file under the data key (made at the
first export; ``renkei rekey`` re-encrypts it like any other file), so only an
unlocked terminal can sign. Verify anywhere with OpenSSL 3::

    openssl pkeyutl -verify -pubin -inkey FILE.pub.pem -rawin -in FILE -sigfile FILE.sig

Compare the public key with the one recorded for this terminal the first time
(``renkei audit export`` prints its SHA-256 fingerprint).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from core.datadir.opened import Vault
from core.durable import write_atomic
from core.errors import RenkeiError
from core.paths import AUDIT_KEY_FILE
from core.store.audit import AuditBroken, AuditEntry, kinds

FORMAT = "renkei-audit-export"
_REF = re.compile(r"[0-9a-f]{16,64}")


@dataclass(frozen=True)
class Filter:
    operator: str | None = None
    kind: str | None = None
    since: str | None = None  # ISO date or date-time (UTC), inclusive
    until: str | None = None  # ISO date (the whole day) or date-time, inclusive
    target: str | None = None  # a certificate number / file id, or its reference


def _bound(text: str, end: bool) -> str:
    """An ISO bound comparable with the entries' UTC timestamps."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text) + (timedelta(days=1) if end else timedelta())
            return datetime(day.year, day.month, day.day, tzinfo=UTC).isoformat()
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise RenkeiError("operator.audit.bad_time", value=text) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def search(vault: Vault, flt: Filter, limit: int | None = None) -> list[AuditEntry]:
    """The entries matching every criterion given (a target is matched by its
    reference, never stored or compared in plaintext)."""
    if flt.kind is not None and flt.kind not in kinds():
        raise RenkeiError("operator.audit.bad_kind", kind=flt.kind, kinds=" ".join(kinds()))
    since = _bound(flt.since, end=False) if flt.since else None
    until = _bound(flt.until, end=True) if flt.until else None
    refs: set[str] = set()
    if flt.target:
        refs = {flt.target} if _REF.fullmatch(flt.target) else {vault.store.ref(flt.target)}
    out = []
    for e in vault.audit.entries():
        if flt.operator and e.actor != flt.operator:
            continue
        if flt.kind and e.kind != flt.kind:
            continue
        if since and e.at < since:
            continue
        if until and (e.at >= until if len(flt.until or "") == 10 else e.at > until):
            continue
        if refs and e.record not in refs:
            continue
        out.append(e)
    return out[-limit:] if limit else out


def as_dict(e: AuditEntry) -> dict[str, object]:
    """One entry as printed and exported: ``actor`` is the operator, ``record`` the
    target's reference (names kept from before operators, for existing scripts)."""
    return {
        "seq": e.seq,
        "at": e.at,
        "kind": e.kind,
        "actor": e.actor,
        "terminal": e.terminal,
        "action": e.action,
        "record": e.record,
        "result": e.result,
        "detail": e.detail,
    }


def signing_key(vault: Vault) -> Ed25519PrivateKey:
    """This terminal's export key (made, encrypted under the data key, at first use)."""
    path = vault.data_dir / AUDIT_KEY_FILE
    if path.exists():
        return Ed25519PrivateKey.from_private_bytes(vault.read_bytes(path))
    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    vault.write_bytes(path, raw)
    return key


def public_pem(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@dataclass(frozen=True)
class Exported:
    path: Path
    signature: Path
    public_key: Path
    entries: int
    fingerprint: str


def export(vault: Vault, out: Path, flt: Filter | None = None) -> Exported:
    """Write the (filtered) log to ``out``, its signature and public key beside it."""
    try:
        verified: int | str = vault.audit.verify()
    except AuditBroken as exc:
        verified = f"broken at {exc.seq}: {exc.reason}"
    entries = search(vault, flt or Filter())
    key = signing_key(vault)
    pem = public_pem(key)
    raw_pub = key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    header = {
        "format": FORMAT,
        "version": 1,
        "terminal_id": vault.config.terminal.terminal_id,
        "lasdec": vault.config.terminal.lasdec,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "exported_by": vault.operator,
        "entries": len(entries),
        "chain_verified": verified,
        "public_key": base64.b64encode(raw_pub).decode("ascii"),
    }
    lines = [json.dumps(header, ensure_ascii=False)]
    lines += [json.dumps(as_dict(e), ensure_ascii=False) for e in entries]
    body = ("\n".join(lines) + "\n").encode("utf-8")
    out = Path(out)
    sig, pub = Path(f"{out}.sig"), Path(f"{out}.pub.pem")
    write_atomic(out, body)
    write_atomic(sig, key.sign(body))
    write_atomic(pub, pem)
    fingerprint = hashlib.sha256(raw_pub).hexdigest()
    vault.audit.append(
        "audit.export", record=out.name, detail=f"entries={len(entries)} key={fingerprint[:16]}"
    )
    return Exported(out, sig, pub, len(entries), fingerprint)
