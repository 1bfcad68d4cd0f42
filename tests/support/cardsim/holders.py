"""Synthetic holders, a test MOJ CA, and the cards built from them.

Nothing here is a real person or a real MOJ key: the CA is generated per test
session, and the images are random bytes with TIFF/JPEG 2000 headers.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

from core.card import genuine, tlv
from tests.support.cardsim.card import SimCard, pad_to


def _name(cn: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "renkei test"),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def _cert(subject: str, issuer: str, public_key, signing_key, ca: bool) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    return builder.sign(signing_key, hashes.SHA256())


@dataclass
class SimCA:
    """A stand-in for an MOJ CA, with one signer per generation."""

    name: str = "TEST MOJ CA"

    def __post_init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP384R1())
        self.cert = _cert(self.name, self.name, self.key.public_key(), self.key, True)
        self.rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.rsa_cert = _cert(
            "TEST signer 1", self.name, self.rsa_key.public_key(), self.key, False
        )
        self.ec_key = ec.generate_private_key(ec.SECP384R1())
        self.ec_cert = _cert("TEST signer 2", self.name, self.ec_key.public_key(), self.key, False)

    def install(self, directory: Path) -> Path:
        """Put the CA certificate where an administrator would (the trust directory)."""
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "test-moj-ca.pem"
        path.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))
        return path


@cache
def sim_ca() -> SimCA:
    return SimCA()


@dataclass(frozen=True)
class Holder:
    number: str
    birth: str  # YYYYMMDD
    sex: str
    nationality: str
    address: str
    status: str = "永住者"


HOLDERS = {
    "gen1": Holder("AB12345678CD", "19850412", "2", "PHL", "東京都千代田区霞が関一丁目１番１号"),
    "gen2": Holder(
        "XY98765432ZW", "19920730", "1", "VNM", "大阪府大阪市北区中之島一丁目３番２０号"
    ),
    "spr2": Holder("SP00001111TK", "19601105", "1", "KOR", "京都府京都市中京区寺町通御池上る"),
}


def _image(kind: bytes, size: int) -> bytes:
    return kind + secrets.token_bytes(size - len(kind))


def gen1_card(holder: Holder, kind: str = "residence", bad_signature: bool = False) -> SimCard:
    lay = {f["name"]: f for f in _layout_files(1)}
    ca = sim_ca()
    front = _image(b"II*\x00", 4100)
    photo = _image(b"\x00\x00\x00\x0cjP  ", 2200)
    target = front + bytes(7000 - len(front)) + photo + bytes(3000 - len(photo))
    check = ca.rsa_key.sign(target, padding.PKCS1v15(), hashes.SHA256())
    if bad_signature:
        check = bytes([check[0] ^ 0x01]) + check[1:]
    cert = ca.rsa_cert.public_bytes(serialization.Encoding.DER)
    files = {
        ("mf", 0x8B): tlv.encode(0xC0, b"0001"),
        ("mf", 0x8A): tlv.encode(0xC1, b"1" if kind == "residence" else b"2"),
        ("df1", 0x85): tlv.encode(0xD0, front),
        ("df1", 0x86): tlv.encode(0xD1, photo),
        ("df2", 0x81): pad_to(
            tlv.encode(0xD2, b"20240401")
            + tlv.encode(0xD3, b"131016")
            + tlv.encode(0xD4, holder.address.encode("cp932")),
            lay["address"]["size"],
        ),
        ("df3", 0x82): pad_to(
            tlv.encode(0xDA, check) + tlv.encode(0xDB, cert), lay["signature"]["size"]
        ),
    }
    if kind == "residence":
        permission = "許可：原則週２８時間以内".encode("cp932")
        files[("df2", 0x82)] = pad_to(tlv.encode(0xD5, permission), 122)
        files[("df2", 0x83)] = pad_to(tlv.encode(0xD6, b""), 122)
        files[("df2", 0x84)] = pad_to(tlv.encode(0xD7, b"0"), 3)
    return SimCard(1, "1" if kind == "residence" else "2", holder.number, files)


def _layout_files(generation: int) -> list[dict]:
    from core.card.residence import layout

    return [f for f in layout()["file"] if f["generation"] == generation]


def gen2_card(holder: Holder, kind: str = "residence", bad_signature: bool = False) -> SimCard:
    ca = sim_ca()
    entries = [
        (0xC5, b"20330331"),
        (0xC6, holder.birth.encode()),
        (0xC7, holder.sex.encode()),
        (0xC8, holder.nationality.encode()),
        (0xC9, holder.status.encode()),
        (0xCE, b"0000"),
    ]
    if kind == "residence":
        entries += [(0xCA, b"01"), (0xCB, b"20230401"), (0xCC, b"1"), (0xCD, b"20330331")]
    printed = b"".join(tlv.encode(tag, value) for tag, value in entries)
    values = b"".join(value for _, value in entries)
    name_image = _image(b"II*\x00", 1800)
    photo = _image(b"\x00\x00\x00\x0cjP  ", 2600)
    target = genuine.gen2_printed_target(values) + pad_to(photo, 3000) + pad_to(name_image, 2500)
    r, s = decode_dss_signature(ca.ec_key.sign(target, ec.ECDSA(hashes.SHA256())))
    signature = r.to_bytes(48, "big") + s.to_bytes(48, "big")
    if bad_signature:
        signature = signature[:-1] + bytes([signature[-1] ^ 0x01])
    cert = ca.ec_cert.public_bytes(serialization.Encoding.DER)
    files = {
        ("mf", 0x8B): tlv.encode(0xC0, b"0002"),
        ("mf", 0x8A): tlv.encode(0xC1, b"05" if kind == "residence" else b"06"),
        ("df1", 0x81): tlv.encode(0xC2, holder.number.encode()),
        ("df1", 0x83): printed,
        ("df1", 0x84): tlv.encode(0xD0, name_image) + tlv.encode(0xD1, photo),
        ("df1", 0x86): tlv.encode(0xDFD1, _image(b"II*\x00", 900)),
        ("df3", 0x82): pad_to(tlv.encode(0xDC, signature) + tlv.encode(0xDD, cert), 704),
    }
    note = tlv.encode(0xD9, b"0") + tlv.encode(0xDE, b"")
    if kind == "residence":
        files[("df2", 0x81)] = pad_to(
            tlv.encode(0xD5, b"1") + tlv.encode(0xD6, b"20330331") + tlv.encode(0xD7, b"0"), 22
        )
        files[("df2", 0x82)] = pad_to(tlv.encode(0xD8, b"0"), 3)
        files[("df2", 0x83)] = pad_to(note, 207)
    else:  # the SPR certificate's "other" record is DF2/EF01 but SFI 0x83
        files[("df2", 0x83)] = pad_to(note, 207)
    return SimCard(2, "05" if kind == "residence" else "06", holder.number, files)
