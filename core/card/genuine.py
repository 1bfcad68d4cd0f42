"""偽変造確認: is the chip's data signed under a Ministry of Justice CA?

Four outcomes, never conflated:

- 真正 (``genuine``): the card-signing certificate is issued by an installed MOJ
  CA, was issued while that CA was valid, has the key usage and algorithms the
  specification gives, and the signature over the signed data verifies;
- 署名不一致 (``mismatch``): the signature or the certificate does not verify, or
  breaks those rules — suspected forgery;
- 検証不能 (``unverifiable``): no installed CA issued the card's certificate — a
  missing CA is not a forgery; the result names the issuer and the listed MOJ CAs
  of that generation that are not installed;
- 読取不可 (``unreadable``): the signature data could not be read at all.

First generation (在留カード等仕様書 Ver 1.5 §3.4.3.1): DA = RSA-2048 PKCS#1 v1.5
with SHA-256 over the front image padded with 00 to 7000 bytes || the face photo
padded to 3000; the certificate is DB. Second generation (001460711.pdf §3.3.4.10,
§3.4.3.1): DC = ECDSA P-384 with SHA-256 (ASN.1) over the printed-entry values
(53 bytes; the SPR certificate's 34 padded with 00 to 53) || photo padded to 3000
|| name image padded to 2500; the certificate is DD (X.509 v3, ecdsa-with-SHA256).

Validity is judged on the day the card was signed — the card certificate's
notBefore, since the chip's public files carry no issue date — not today: a card
signed under the 2015 CA stays verifiable after that CA expired.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from core.i18n import t
from core.paths import TRUST_DIR

GENUINE = "genuine"
MISMATCH = "mismatch"
UNVERIFIABLE = "unverifiable"
UNREADABLE = "unreadable"
OUTCOMES = (GENUINE, MISMATCH, UNVERIFIABLE, UNREADABLE)

CERT_SUFFIXES = (".pem", ".crt", ".cer", ".der")
GEN1_FRONT_LEN, GEN1_PHOTO_LEN = 7000, 3000
GEN2_PRINTED_LEN, GEN2_PHOTO_LEN, GEN2_NAME_LEN = 53, 3000, 2500


@dataclass(frozen=True)
class Genuineness:
    """The result: ``status`` one of :data:`OUTCOMES`, ``reason`` its catalogue key."""

    status: str
    reason: str
    params: dict[str, str] = field(default_factory=dict)
    signer: str = ""  # subject of the card's signing certificate, when readable
    generation: int = 0  # what the signature covers depends on it
    issuer_ca: str = ""  # the installed CA that issued the card certificate

    def label(self, lang: str | None = None) -> str:
        """真正 / 署名不一致 / 検証不能 / 読取不可."""
        return t(f"card.outcome.{self.status}", lang)

    def message(self, lang: str | None = None) -> str:
        return f"{self.label(lang)}: {t(self.reason, lang, **self.params)}"

    def covers(self, lang: str | None = None) -> str:
        """What the signature covers and what it does not."""
        return t(f"card.covers.gen{self.generation}", lang) if self.generation else ""

    @property
    def genuine(self) -> bool:
        return self.status == GENUINE


# --- the CAs ---------------------------------------------------------------------


@dataclass(frozen=True)
class ListedCA:
    """A MOJ CA of ``moj_ca.toml``: what is known of it without its file."""

    id: str
    generation: int
    subject: str
    serial: str
    valid_from: str
    valid_until: str
    sha256: str
    archive: str
    source: str
    pem: str = ""  # the certificate itself, when shipped (see moj_ca.toml)

    def describe(self) -> str:
        return (
            f"{self.id} ({self.valid_from[:10]}〜{self.valid_until[:10]},"
            f" serial {self.serial}, SHA-256 {self.sha256[:23]}…)"
        )


@cache
def listed() -> tuple[ListedCA, ...]:
    text = (resources.files(__package__) / "moj_ca.toml").read_text(encoding="utf-8")
    return tuple(ListedCA(**entry) for entry in tomllib.loads(text)["ca"])


def fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex(":").upper()


def listed_for(cert: x509.Certificate) -> ListedCA | None:
    fp = fingerprint(cert)
    return next((ca for ca in listed() if ca.sha256 == fp), None)


def trust_dir(data_dir: Path) -> Path:
    return data_dir / TRUST_DIR


def read_certificates(raw: bytes) -> list[x509.Certificate]:
    """PEM (one or more) or DER; ValueError if it is neither."""
    if b"-----BEGIN CERTIFICATE-----" in raw:
        return list(x509.load_pem_x509_certificates(raw))
    return [x509.load_der_x509_certificate(raw)]


def from_dir(directory: Path, only_listed: bool) -> list[x509.Certificate]:
    """The certificates in ``directory`` (only MOJ-listed ones if ``only_listed``)."""
    out: list[x509.Certificate] = []
    if not directory.is_dir():
        return out
    for path in sorted(directory.iterdir()):
        if path.suffix.lower() not in CERT_SUFFIXES:
            continue
        try:
            certs = read_certificates(path.read_bytes())
        except ValueError:
            continue  # not a certificate; `renkei card ca list` shows what loaded
        out += [c for c in certs if not only_listed or listed_for(c) is not None]
    return out


def shipped() -> list[x509.Certificate]:
    """The CA certificates shipped in ``moj_ca.toml`` (``pem``), each used only if its
    SHA-256 fingerprint is the one listed beside it."""
    out = []
    for ca in listed():
        if not ca.pem:
            continue
        try:
            certs = read_certificates(ca.pem.encode("ascii"))
        except ValueError:
            continue
        out += [c for c in certs if fingerprint(c) == ca.sha256]
    return out


def load_anchors(directory: Path | None) -> list[x509.Certificate]:
    """The MOJ CAs: those shipped in ``moj_ca.toml`` and those an administrator
    installed in ``directory`` (the trust directory, ``renkei card ca add``)."""
    anchors = shipped()
    if directory is not None:
        seen = {fingerprint(c) for c in anchors}
        anchors += [c for c in from_dir(directory, only_listed=False) if fingerprint(c) not in seen]
    return anchors


def describe_anchor(cert: x509.Certificate) -> str:
    """One line per installed CA: subject, validity, fingerprint, and the list entry."""
    until = cert.not_valid_after_utc.date().isoformat()
    entry = listed_for(cert)
    name = entry.id if entry else "-"
    return f"{name}  {cert.subject.rfc4514_string()}  ~{until}  SHA-256 {fingerprint(cert)}"


# --- the card certificate ----------------------------------------------------------


def _load_card_certificate(raw: bytes) -> x509.Certificate | None:
    # the field may be padded with 00 after the DER certificate
    if len(raw) > 4 and raw[0] == 0x30 and raw[1] == 0x82:
        raw = raw[: 4 + int.from_bytes(raw[2:4], "big")]
    try:
        return x509.load_der_x509_certificate(raw)
    except ValueError:
        return None


def _key_usage(cert: x509.Certificate) -> x509.KeyUsage | None:
    try:
        return cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return None


def _missing(
    generation: int, issuer: x509.Name, signed: datetime, anchors: list[x509.Certificate]
) -> str:
    """The listed CAs of this generation and issuer name that are not installed —
    first those valid when the card was signed, newest first (a new CA takes over
    signing when it is published)."""
    have = {fingerprint(a) for a in anchors}
    name = issuer.rfc4514_string()
    candidates = [
        ca
        for ca in listed()
        if ca.generation == generation and ca.subject == name and ca.sha256 not in have
    ]
    stamp = signed.strftime("%Y-%m-%dT%H:%M:%SZ")
    candidates.sort(key=lambda ca: ca.valid_from, reverse=True)
    candidates.sort(key=lambda ca: not (ca.valid_from <= stamp <= ca.valid_until))
    return "; ".join(ca.describe() for ca in candidates) or t("card.genuine.none_listed")


Outcome = Genuineness | tuple[x509.Certificate, x509.Certificate]


def _chain(generation: int, cert_raw: bytes, anchors: list[x509.Certificate]) -> Outcome:
    """The card certificate and the installed CA that issued it, or the outcome."""
    if not cert_raw:
        return Genuineness(UNREADABLE, "card.genuine.no_certificate", generation=generation)
    cert = _load_card_certificate(cert_raw)
    if cert is None:
        return Genuineness(UNREADABLE, "card.genuine.bad_certificate", generation=generation)
    signer = cert.subject.rfc4514_string()
    issuer = None
    for anchor in anchors:
        try:
            cert.verify_directly_issued_by(anchor)
        except (ValueError, TypeError, InvalidSignature):
            continue
        issuer = anchor
        break
    if issuer is None:
        return Genuineness(
            UNVERIFIABLE,
            "card.genuine.no_issuer",
            {
                "issuer": cert.issuer.rfc4514_string(),
                "missing": _missing(generation, cert.issuer, cert.not_valid_before_utc, anchors),
            },
            signer,
            generation,
        )
    ca_name = listed_for(issuer)
    issuer_label = ca_name.id if ca_name else issuer.subject.rfc4514_string()

    def bad(reason: str, **params: str) -> Genuineness:
        return Genuineness(MISMATCH, reason, params, signer, generation, issuer_label)

    signed = cert.not_valid_before_utc
    if not issuer.not_valid_before_utc <= signed <= issuer.not_valid_after_utc:
        return bad("card.genuine.outside_validity", date=signed.date().isoformat())
    if cert.not_valid_after_utc < signed:
        return bad("card.genuine.outside_validity", date=signed.date().isoformat())
    usage = _key_usage(cert)
    if usage is not None and not usage.digital_signature:
        return bad("card.genuine.key_usage")
    ca_usage = _key_usage(issuer)
    if ca_usage is not None and not ca_usage.key_cert_sign:
        return bad("card.genuine.key_usage")
    algorithm = cert.signature_hash_algorithm
    if algorithm is None or algorithm.name != "sha256":
        return bad("card.genuine.algorithm", name=getattr(algorithm, "name", "-"))
    return cert, issuer


def _padded(value: bytes, size: int) -> bytes | None:
    return value + bytes(size - len(value)) if len(value) <= size else None


def _verify(
    generation: int,
    signature: bytes,
    cert_raw: bytes,
    target_parts: tuple[bytes | None, ...],
    anchors: list[x509.Certificate],
) -> Genuineness:
    if not signature:
        return Genuineness(UNREADABLE, "card.genuine.no_signature", generation=generation)
    chain = _chain(generation, cert_raw, anchors)
    if isinstance(chain, Genuineness):
        return chain
    cert, issuer = chain
    signer = cert.subject.rfc4514_string()
    entry = listed_for(issuer)
    issuer_label = entry.id if entry else issuer.subject.rfc4514_string()

    def result(status: str, reason: str) -> Genuineness:
        return Genuineness(status, reason, {}, signer, generation, issuer_label)

    key = cert.public_key()
    if generation == 1:
        right_key = isinstance(key, rsa.RSAPublicKey) and key.key_size == 2048
    else:
        right_key = isinstance(key, ec.EllipticCurvePublicKey) and key.curve.name == "secp384r1"
    if not right_key or any(part is None for part in target_parts):
        return result(MISMATCH, "card.genuine.bad_format")
    target = b"".join(p for p in target_parts if p is not None)
    try:
        if generation == 1:
            assert isinstance(key, rsa.RSAPublicKey)
            key.verify(signature, target, padding.PKCS1v15(), hashes.SHA256())
        else:
            assert isinstance(key, ec.EllipticCurvePublicKey)
            key.verify(_ecdsa_der(signature), target, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):
        return result(MISMATCH, "card.genuine.bad_signature")
    return Genuineness(
        GENUINE, "card.genuine.ok", {"ca": issuer_label}, signer, generation, issuer_label
    )


def check_gen1(
    check_code: bytes,
    cert_raw: bytes,
    front: bytes,
    photo: bytes,
    anchors: list[x509.Certificate],
) -> Genuineness:
    parts = (_padded(front, GEN1_FRONT_LEN), _padded(photo, GEN1_PHOTO_LEN))
    return _verify(1, check_code, cert_raw, parts, anchors)


def gen2_printed_target(printed_values: bytes) -> bytes | None:
    return _padded(printed_values, GEN2_PRINTED_LEN)


def _ecdsa_der(signature: bytes) -> bytes:
    """DC is ASN.1 (DER) per the specification; a bare r || s (96 bytes) is accepted too."""
    if len(signature) == 96 and signature[0] != 0x30:
        return encode_dss_signature(
            int.from_bytes(signature[:48], "big"), int.from_bytes(signature[48:], "big")
        )
    return signature


def check_gen2(
    signature: bytes,
    cert_raw: bytes,
    printed_values: bytes,
    photo: bytes,
    name_image: bytes,
    anchors: list[x509.Certificate],
) -> Genuineness:
    parts = (
        gen2_printed_target(printed_values),
        _padded(photo, GEN2_PHOTO_LEN),
        _padded(name_image, GEN2_NAME_LEN),
    )
    return _verify(2, signature, cert_raw, parts, anchors)


def unreadable(detail: str, generation: int = 0) -> Genuineness:
    """The card could not be read far enough to check anything."""
    return Genuineness(UNREADABLE, "card.genuine.unread", {"detail": detail}, generation=generation)


def summary(result: Genuineness, lang: str | None = None) -> dict[str, Any]:
    """For ``--json``."""
    return {
        "status": result.status,
        "label": result.label(lang),
        "reason": result.reason,
        "message": result.message(lang),
        "signer": result.signer,
        "issuer_ca": result.issuer_ca,
        "covers": result.covers(lang),
    }
