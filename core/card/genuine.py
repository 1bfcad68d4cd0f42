"""偽変造確認: is the chip's data signed by the Ministry of Justice?

First generation: check code DA = RSA-2048 PKCS#1 v1.5 with SHA-256 over the
front image (D0 value) padded with 00 to 7000 bytes || the face photo (D1 value)
padded to 3000 bytes; the signing certificate is DB. Second generation: DC =
ECDSA P-384 with SHA-256 over the printed-entry values (53 bytes; the SPR
certificate's 34 padded with 00 to 53) || photo padded to 3000 || name image
padded to 2500; the certificate is DD.

The signing certificate must be issued by one of the MOJ CA certificates the
administrator installed in the trust directory (``<data>/moj-ca/``). With none
installed the answer is "unknown" — never "genuine" by default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from core.i18n import t

GENUINE = "genuine"
NOT_GENUINE = "not_genuine"
UNKNOWN = "unknown"

TRUST_DIR_NAME = "moj-ca"
GEN1_FRONT_LEN, GEN1_PHOTO_LEN = 7000, 3000
GEN2_PRINTED_LEN, GEN2_PHOTO_LEN, GEN2_NAME_LEN = 53, 3000, 2500


@dataclass(frozen=True)
class Genuineness:
    """The result: ``status`` one of genuine / not_genuine / unknown, and why."""

    status: str
    reason: str  # catalogue key
    params: dict[str, str] = field(default_factory=dict)
    signer: str = ""  # subject of the card's signing certificate, when readable

    def message(self, lang: str | None = None) -> str:
        return t(self.reason, lang, **self.params)

    @property
    def genuine(self) -> bool:
        return self.status == GENUINE


def trust_dir(data_dir: Path) -> Path:
    return data_dir / TRUST_DIR_NAME


def load_anchors(directory: Path | None) -> list[x509.Certificate]:
    """The MOJ CA certificates in ``directory`` (PEM or DER: .pem .crt .cer .der)."""
    anchors: list[x509.Certificate] = []
    if directory is None or not directory.is_dir():
        return anchors
    for path in sorted(directory.iterdir()):
        if path.suffix.lower() not in (".pem", ".crt", ".cer", ".der"):
            continue
        raw = path.read_bytes()
        try:
            if b"-----BEGIN CERTIFICATE-----" in raw:
                anchors.extend(x509.load_pem_x509_certificates(raw))
            else:
                anchors.append(x509.load_der_x509_certificate(raw))
        except ValueError:
            continue  # not a certificate; `renkei card trust` lists what was loaded
    return anchors


def describe_anchor(cert: x509.Certificate) -> str:
    """One line per installed CA for ``renkei card trust``: subject, validity, fingerprint."""
    fingerprint = cert.fingerprint(hashes.SHA256()).hex(":").upper()
    until = cert.not_valid_after_utc.date().isoformat()
    return f"{cert.subject.rfc4514_string()}  ~{until}  SHA-256 {fingerprint}"


def _padded(value: bytes, size: int) -> bytes | None:
    return value + bytes(size - len(value)) if len(value) <= size else None


def _load_card_certificate(raw: bytes) -> x509.Certificate | None:
    # the field may be padded with 00 after the DER certificate
    for candidate in (raw, raw.rstrip(b"\x00")):
        try:
            return x509.load_der_x509_certificate(candidate)
        except ValueError:
            continue
    if len(raw) > 4 and raw[0] == 0x30 and raw[1] == 0x82:
        try:
            return x509.load_der_x509_certificate(raw[: 4 + int.from_bytes(raw[2:4], "big")])
        except ValueError:
            return None
    return None


def _issued_by_anchor(cert: x509.Certificate, anchors: list[x509.Certificate]) -> bool:
    for anchor in anchors:
        try:
            cert.verify_directly_issued_by(anchor)
            return True
        except (ValueError, TypeError, InvalidSignature):
            continue
    return False


def _chain(cert_raw: bytes, anchors: list[x509.Certificate]) -> Genuineness | x509.Certificate:
    if not anchors:
        return Genuineness(UNKNOWN, "card.genuine.no_anchor")
    if not cert_raw:
        return Genuineness(NOT_GENUINE, "card.genuine.no_certificate")
    cert = _load_card_certificate(cert_raw)
    if cert is None:
        return Genuineness(NOT_GENUINE, "card.genuine.bad_certificate")
    if not _issued_by_anchor(cert, anchors):
        return Genuineness(
            NOT_GENUINE,
            "card.genuine.untrusted",
            {"issuer": cert.issuer.rfc4514_string()},
            cert.subject.rfc4514_string(),
        )
    return cert


def check_gen1(
    check_code: bytes,
    cert_raw: bytes,
    front: bytes,
    photo: bytes,
    anchors: list[x509.Certificate],
) -> Genuineness:
    chain = _chain(cert_raw, anchors)
    if isinstance(chain, Genuineness):
        return chain
    signer = chain.subject.rfc4514_string()
    key = chain.public_key()
    target_front, target_photo = _padded(front, GEN1_FRONT_LEN), _padded(photo, GEN1_PHOTO_LEN)
    if not isinstance(key, rsa.RSAPublicKey) or target_front is None or target_photo is None:
        return Genuineness(NOT_GENUINE, "card.genuine.bad_format", signer=signer)
    try:
        key.verify(check_code, target_front + target_photo, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return Genuineness(NOT_GENUINE, "card.genuine.bad_signature", signer=signer)
    return Genuineness(GENUINE, "card.genuine.ok", signer=signer)


def gen2_printed_target(printed_values: bytes) -> bytes | None:
    return _padded(printed_values, GEN2_PRINTED_LEN)


def _ecdsa_der(signature: bytes) -> bytes:
    """DC holds r || s (96 bytes for P-384) or an ASN.1 (DER) signature; accept both."""
    if len(signature) == 96:
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
    chain = _chain(cert_raw, anchors)
    if isinstance(chain, Genuineness):
        return chain
    signer = chain.subject.rfc4514_string()
    key = chain.public_key()
    parts = (
        gen2_printed_target(printed_values),
        _padded(photo, GEN2_PHOTO_LEN),
        _padded(name_image, GEN2_NAME_LEN),
    )
    if (
        not isinstance(key, ec.EllipticCurvePublicKey)
        or key.curve.name != "secp384r1"
        or any(p is None for p in parts)
    ):
        return Genuineness(NOT_GENUINE, "card.genuine.bad_format", signer=signer)
    try:
        key.verify(_ecdsa_der(signature), b"".join(parts), ec.ECDSA(hashes.SHA256()))  # type: ignore[arg-type]
    except (InvalidSignature, ValueError):
        return Genuineness(NOT_GENUINE, "card.genuine.bad_signature", signer=signer)
    return Genuineness(GENUINE, "card.genuine.ok", signer=signer)
