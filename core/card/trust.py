"""The administrator's side of the MOJ CA certificates: list, add, remove.

A certificate is added to the terminal's trust directory (``<data>/moj-ca/``)
as DER, named by its fingerprint, written atomically. Only a CA certificate
(basic constraints CA) is accepted; one whose SHA-256 fingerprint is not on
MOJ's published list (``moj_ca.toml``) only with ``unlisted=True`` — a newer CA
published after this release — so a substituted file is not trusted by mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from core.card import genuine
from core.card.errors import CardError
from core.durable import AtomicFile, fsync_dir


class TrustError(CardError):
    """A CA file an administrator gave that cannot be installed, and why."""


@dataclass(frozen=True)
class Row:
    """One line of ``renkei card ca list``."""

    id: str  # the listed CA's id, or "-" for an unlisted one
    generation: int | None
    state: str  # "shipped", "installed", "missing"
    fingerprint: str
    valid: str  # from〜until
    subject: str


def rows(directory: Path) -> list[Row]:
    """Every listed MOJ CA (installed or missing), then unlisted installed ones."""
    shipped = {genuine.fingerprint(c) for c in genuine.shipped()}
    installed = {genuine.fingerprint(c): c for c in genuine.from_dir(directory, False)}
    out = []
    for ca in genuine.listed():
        state = (
            "shipped"
            if ca.sha256 in shipped
            else "installed"
            if ca.sha256 in installed
            else "missing"
        )
        valid = f"{ca.valid_from[:10]}〜{ca.valid_until[:10]}"
        out.append(Row(ca.id, ca.generation, state, ca.sha256, valid, ca.subject))
    listed = {ca.sha256 for ca in genuine.listed()}
    for fp, cert in installed.items():
        if fp not in listed:
            valid = (
                f"{cert.not_valid_before_utc.date().isoformat()}〜"
                f"{cert.not_valid_after_utc.date().isoformat()}"
            )
            out.append(Row("-", None, "installed", fp, valid, cert.subject.rfc4514_string()))
    return out


def add(directory: Path, source: Path, unlisted: bool = False) -> tuple[x509.Certificate, bool]:
    """Install the CA certificate(s) in ``source``; returns the first and whether it
    replaced a file already there. Nothing is written if any check fails."""
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise TrustError("card.ca.unreadable", path=str(source), reason=exc.strerror or "") from exc
    try:
        certs = genuine.read_certificates(raw)
    except ValueError as exc:
        raise TrustError("card.ca.not_certificate", path=str(source)) from exc
    for cert in certs:
        try:
            is_ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        except x509.ExtensionNotFound:
            is_ca = False
        fp = genuine.fingerprint(cert)
        if not is_ca:
            raise TrustError("card.ca.not_ca", path=str(source), fingerprint=fp)
        if genuine.listed_for(cert) is None and not unlisted:
            raise TrustError("card.ca.unlisted", path=str(source), fingerprint=fp)
    directory.mkdir(parents=True, exist_ok=True)
    replaced = False
    for cert in certs:
        target = directory / f"{genuine.fingerprint(cert).replace(':', '')[:16].lower()}.der"
        replaced = replaced or target.exists()
        out = AtomicFile(target)
        out.write(cert.public_bytes(serialization.Encoding.DER))
        out.commit()
    return certs[0], replaced


def remove(directory: Path, fingerprint_prefix: str) -> list[str]:
    """Remove the installed CA files whose fingerprint starts with the prefix."""
    want = fingerprint_prefix.replace(":", "").upper()
    if len(want) < 8:
        raise TrustError("card.ca.prefix_short", prefix=fingerprint_prefix)
    gone = []
    if directory.is_dir():
        for path in sorted(directory.iterdir()):
            if path.suffix.lower() not in genuine.CERT_SUFFIXES:
                continue
            try:
                certs = genuine.read_certificates(path.read_bytes())
            except ValueError:
                continue
            fps = [genuine.fingerprint(c) for c in certs]
            if any(fp.replace(":", "").startswith(want) for fp in fps):
                path.unlink()
                gone += fps
        if gone:
            fsync_dir(directory)
    if not gone:
        raise TrustError("card.ca.not_installed", prefix=fingerprint_prefix)
    return gone
