"""Issuing synthetic cards: a stand-in MOJ CA per generation, signer certificates,
holders that are nobody, and the chips built from them.

The signatures follow the public specification: first generation RSA-2048
PKCS#1 v1.5 with SHA-256 over front image (00-padded to 7000) || face (to 3000);
second generation ECDSA P-384 with SHA-256 (DER) over printed-entry values
(00-padded to 53) || face (to 3000) || name image (to 2500) — [RC2] "Signature
verification"; [RMN] RDCSignatureVerifier.swift steps 5-7.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, replace
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

from tests.support.zairyu_sim import ber, spec
from tests.support.zairyu_sim.card import Chip


def _name(cn: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Synthetic Test Government"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "zairyu_sim"),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


@dataclass
class Authority:
    """A CA and the card-signing key it certified (one per generation)."""

    generation: int
    label: str
    not_before: dt.datetime
    not_after: dt.datetime

    def __post_init__(self) -> None:
        if self.generation == 1:
            self.ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            self.signer_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        else:
            self.ca_key = ec.generate_private_key(ec.SECP384R1())
            self.signer_key = ec.generate_private_key(ec.SECP384R1())
        # "A-2021" has the same name as "A" but its own key: MOJ's first-generation CAs
        # of 2015/2018/2021/2024 all share one subject name (certificate_trust_store.md)
        cn = self.label.split("-")[0]
        subject = _name(f"SIM ZairyuCard CA{'2' if self.generation == 2 else ''} {cn}")
        self.ca_cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(self.ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(self.not_before)
            .not_valid_after(self.not_after)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_usage(cert_sign=True), critical=True)
            .sign(self.ca_key, hashes.SHA256())
        )
        self.signer_cert = (
            x509.CertificateBuilder()
            .subject_name(_name(f"SIM card signer {self.label}"))
            .issuer_name(subject)
            .public_key(self.signer_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(self.not_before + dt.timedelta(days=1))
            .not_valid_after(self.not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_usage(cert_sign=False), critical=True)
            .sign(self.ca_key, hashes.SHA256())
        )

    def ca_pem(self) -> bytes:
        return self.ca_cert.public_bytes(serialization.Encoding.PEM)

    def sign(self, target: bytes) -> bytes:
        if self.generation == 1:
            return self.signer_key.sign(target, padding.PKCS1v15(), hashes.SHA256())
        return self.signer_key.sign(target, ec.ECDSA(hashes.SHA256()))


def _usage(cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


_NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def authority(generation: int, label: str = "A") -> Authority:
    """The session's stand-in CA ``label`` of a generation (generated once)."""
    return _authority(generation, label)


@cache
def _authority(generation: int, label: str) -> Authority:
    return Authority(
        generation, label, _NOW - dt.timedelta(days=400), _NOW + dt.timedelta(days=3650)
    )


@dataclass(frozen=True)
class Person:
    """A synthetic holder: nobody real. Text as the chip stores it."""

    number: str
    birth: str = "19900101"
    sex: str = "1"
    nationality: str = "VNM"
    status: str = "0000000000"  # a synthetic 10-character code, see [TLV] C9
    period: str = "0300"  # YYMM: 3 years
    card_expiry: str = "20300331"
    permission_type: str = "01"
    permission_date: str = "20250401"
    work: str = "2"
    stay_expiry: str = "20280331"
    # first generation DF2
    address_date: str = "20250401"
    municipality: str = "131016"
    address: str = "東京都千代田区霞が関一丁目諴番地"  # 諴: a JIS X 0213 plane-1 kanji
    comprehensive: str = "許可：原則週２８時間以内・風俗営業等の従事を除く"
    individual: str = ""
    renewal: str = "1"
    # second generation DF2
    comprehensive_code: str = "1"
    comprehensive_expiry: str = "20280331"
    individual_code: str = "0"
    note_flag: str = "0"
    note: str = ""


PEOPLE = {
    "gen1_residence": Person("AA12345678BB", nationality="PHL"),
    "gen1_spr": Person("SS12345678TT", birth="19551212", sex="2", nationality="KOR"),
    "gen2_residence": Person("XY98765432ZW", birth="19920730"),
    "gen2_spr": Person(
        "SP00001111TK", birth="19601105", nationality="KOR", status="0000000001", period="0000"
    ),
}


def _image(magic: bytes, size: int) -> bytes:
    return magic + secrets.token_bytes(size - len(magic))


TIFF, JP2 = b"II*\x00", b"\x00\x00\x00\x0cjP  "


def _fill(content: bytes, capacity: int) -> bytes:
    if len(content) > capacity:
        raise ValueError(f"{len(content)} bytes do not fit an EF of {capacity}")
    return content + bytes(capacity - len(content))


@dataclass(frozen=True)
class Options:
    """How to issue: ``ca`` signs; ``tamper`` changes a signed image after signing."""

    ca: str = "A"
    tamper: bool = False


def first_generation(person: Person, kind: str = "residence", opt: Options = Options()) -> Chip:
    ca = authority(1, opt.ca)
    front, face = _image(TIFF, 4100), _image(JP2, 2200)
    target = _fill(front, spec.GEN1_FRONT_LEN) + _fill(face, spec.GEN1_FACE_LEN)
    check_code = ca.sign(target)
    if opt.tamper:
        front = front[:100] + bytes([front[100] ^ 0xFF]) + front[101:]
    cert = ca.signer_cert.public_bytes(serialization.Encoding.DER)
    sjis = "shift_jisx0213"  # gen-1 DF2 text: JIS X 0213 (Shift_JIS form)
    content = {
        "front": ber.tlv(0xD0, front),
        "face": ber.tlv(0xD1, face),
        "address": ber.tlv(0xD2, person.address_date.encode())
        + ber.tlv(0xD3, person.municipality.encode())
        + ber.tlv(0xD4, person.address.encode(sjis)),
        "comprehensive_permission": ber.tlv(0xD5, person.comprehensive.encode(sjis)),
        "individual_permission": ber.tlv(0xD6, person.individual.encode(sjis)),
        "renewal": ber.tlv(0xD7, person.renewal.encode()),
        "signature": ber.tlv(0xDA, check_code) + ber.tlv(0xDB, cert),
    }
    card_type = "1" if kind == "residence" else "2"
    files, access = _mf(card_type)
    for key, (name, capacity, acc) in spec.GEN1_FILES.items():
        if kind == "spr" and key in spec.GEN1_SPR_ABSENT:
            continue
        files[key], access[key] = _fill(content[name], capacity), acc
    return Chip(1, card_type, person.number, files, access)


def _mf(card_type: str) -> tuple[dict, dict]:
    version = b"0001" if len(card_type) == 1 else b"0002"
    files = {
        ("mf", 0x8B): _fill(ber.tlv(0xC0, version), 6),
        ("mf", 0x8A): _fill(ber.tlv(0xC1, card_type.encode()), 4),
    }
    return files, {key: spec.FREE for key in files}


def printed_values(person: Person, kind: str) -> list[tuple[int, bytes]]:
    values = {
        0xC5: person.card_expiry,
        0xC6: person.birth,
        0xC7: person.sex,
        0xC8: person.nationality,
        0xC9: person.status,
        0xCE: person.period,
        0xCA: person.permission_type,
        0xCB: person.permission_date,
        0xCC: person.work,
        0xCD: person.stay_expiry,
    }
    out = []
    for tag, size in spec.PRINTED_TAGS:
        if kind == "spr" and tag not in spec.SPR_PRINTED:
            continue
        value = values[tag].encode("utf-8")
        assert len(value) == size, (hex(tag), value)
        out.append((tag, value))
    return out


def second_generation(person: Person, kind: str = "residence", opt: Options = Options()) -> Chip:
    ca = authority(2, opt.ca)
    entries = printed_values(person, kind)
    name_image, face = _image(TIFF, 1800), _image(JP2, 2600)
    printed = b"".join(value for _, value in entries)
    target = (
        _fill(printed, spec.GEN2_PRINTED_LEN)
        + _fill(face, spec.GEN2_FACE_LEN)
        + _fill(name_image, spec.GEN2_NAME_LEN)
    )
    signature = ca.sign(target)  # DER (ASN.1) — [TLV] DC "ASN.1 format"
    if opt.tamper:
        name_image = name_image[:100] + bytes([name_image[100] ^ 0xFF]) + name_image[101:]
    cert = ca.signer_cert.public_bytes(serialization.Encoding.DER)
    content = {
        "number": ber.tlv(0xC2, person.number.encode()),
        "printed": b"".join(ber.tlv(tag, value) for tag, value in entries),
        "name_face": ber.tlv(0xD0, name_image) + ber.tlv(0xD1, face),
        "address_image": ber.tlv(0xDFD1, _image(TIFF, 1500)),
        "permission": ber.tlv(0xD5, person.comprehensive_code.encode())
        + ber.tlv(0xD6, person.comprehensive_expiry.encode())
        + ber.tlv(0xD7, person.individual_code.encode()),
        "renewal": ber.tlv(0xD8, person.renewal.encode()),
        "other": ber.tlv(0xD9, person.note_flag.encode()) + ber.tlv(0xDE, person.note.encode()),
        "signature": ber.tlv(0xDC, signature) + ber.tlv(0xDD, cert),
    }
    card_type = "05" if kind == "residence" else "06"
    files, access = _mf(card_type)
    for key, (name, capacity, acc) in spec.GEN2_FILES[card_type].items():
        files[key], access[key] = _fill(content[name], capacity), acc
    return Chip(2, card_type, person.number, files, access)


def specified(card_type: str = "07") -> Chip:
    """A 特定在留カード (07/08): only its public MF files are played."""
    files, access = _mf(card_type)
    return Chip(2, card_type, "ZZ00000000ZZ", files, access)


def card(name: str, opt: Options = Options(), **changes: str) -> tuple[Person, Chip]:
    """``name`` one of PEOPLE's keys: the person and their chip."""
    person = replace(PEOPLE[name], **changes) if changes else PEOPLE[name]
    generation, kind = name.split("_")
    build = first_generation if generation == "gen1" else second_generation
    return person, build(person, kind, opt)
