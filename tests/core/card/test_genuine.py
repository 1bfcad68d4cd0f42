"""偽変造確認 with a test CA: the four outcomes, never conflated (真正, 署名不一致,
検証不能, 読取不可), and the MOJ CA list shipped as data."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives import serialization

from core.card import genuine, tlv
from tests.support.cardsim.holders import HOLDERS, SimCA, gen1_card, gen2_card, sim_ca


def _gen1_parts(bad: bool = False) -> tuple[bytes, bytes, bytes, bytes]:
    card = gen1_card(HOLDERS["gen1"], bad_signature=bad)
    sig = tlv.as_dict(card.files[("df3", 0x82)])
    front = tlv.as_dict(card.files[("df1", 0x85)])[0xD0]
    photo = tlv.as_dict(card.files[("df1", 0x86)])[0xD1]
    return sig[0xDA], sig[0xDB], front, photo


def _gen2_parts() -> tuple[bytes, bytes, bytes, bytes, bytes]:
    card = gen2_card(HOLDERS["gen2"])
    sig = tlv.as_dict(card.files[("df3", 0x82)])
    printed = b"".join(v for _, v in tlv.parse(card.files[("df1", 0x83)]))
    images = tlv.as_dict(card.files[("df1", 0x84)])
    return sig[0xDC], sig[0xDD], printed, images[0xD1], images[0xD0]


def _anchors(tmp_path: Path, ca: SimCA | None = None) -> list:
    (ca or sim_ca()).install(tmp_path / "moj-ca")
    return genuine.load_anchors(tmp_path / "moj-ca")


def test_first_generation_genuine_and_altered(tmp_path: Path) -> None:
    anchors = _anchors(tmp_path)
    check, cert, front, photo = _gen1_parts()
    assert genuine.check_gen1(check, cert, front, photo, anchors).status == genuine.GENUINE
    altered = bytes([front[0] ^ 1]) + front[1:]
    result = genuine.check_gen1(check, cert, altered, photo, anchors)
    assert (result.status, result.reason) == (genuine.MISMATCH, "card.genuine.bad_signature")
    assert result.label("ja") == "署名不一致"
    # the signature covers the photo too
    result = genuine.check_gen1(check, cert, front, photo[:-1], anchors)
    assert result.status == genuine.MISMATCH
    assert "住居地" in result.covers("ja") and "顔写真" in result.covers("ja")


def test_second_generation_genuine_and_altered(tmp_path: Path) -> None:
    anchors = _anchors(tmp_path)
    sig, cert, printed, photo, name = _gen2_parts()
    assert genuine.check_gen2(sig, cert, printed, photo, name, anchors).genuine
    changed = printed.replace(b"19920730", b"19920731")
    assert not genuine.check_gen2(sig, cert, changed, photo, name, anchors).genuine
    assert not genuine.check_gen2(sig, cert, printed, photo, name + b"x", anchors).genuine


def test_no_anchor_is_unverifiable_never_genuine_nor_mismatch(tmp_path: Path) -> None:
    check, cert, front, photo = _gen1_parts()
    result = genuine.check_gen1(check, cert, front, photo, [])
    assert (result.status, result.reason) == (genuine.UNVERIFIABLE, "card.genuine.no_issuer")
    assert result.label("ja") == "検証不能"
    assert genuine.load_anchors(tmp_path / "missing") == []


def test_certificate_from_another_ca_is_unverifiable_not_a_mismatch(tmp_path: Path) -> None:
    other = _anchors(tmp_path, SimCA("SOME OTHER CA"))
    sig, cert, printed, photo, name = _gen2_parts()
    result = genuine.check_gen2(sig, cert, printed, photo, name, other)
    assert (result.status, result.reason) == (genuine.UNVERIFIABLE, "card.genuine.no_issuer")
    assert "TEST MOJ CA" in result.message("en")


def test_the_moj_ca_list_is_the_published_one() -> None:
    """moj_ca.toml against MOJ's published list as zairyu-card-reader records it
    (docs/official-certificates.md "What is packaged")."""
    cas = genuine.listed()
    assert [(c.generation, c.valid_from[:4], c.valid_until[:10]) for c in cas] == [
        (1, "2015", "2025-09-05"),
        (1, "2018", "2028-07-06"),
        (1, "2021", "2031-08-27"),
        (1, "2024", "2034-08-08"),
        (2, "2026", "2039-07-20"),
    ]
    assert cas[-1].sha256.startswith("11:E6:AD:8B:8E:64:F0:CD")
    assert all(len(bytes.fromhex(c.sha256.replace(":", ""))) == 32 for c in cas)


def test_unverifiable_names_the_listed_ca_that_is_missing() -> None:
    """A gen-1 card whose issuer is "ZairyuCard CA" names the four gen-1 CAs not installed."""
    from datetime import UTC, datetime

    from cryptography import x509

    issuer = x509.Name.from_rfc4514_string(
        "CN=ZairyuCard CA,OU=The Ministry of Justice,O=Japanese Government,C=JP"
    )
    text = genuine._missing(1, issuer, datetime(2019, 1, 1, tzinfo=UTC), [])
    assert text.startswith("moj-gen1-2018")  # the one valid when the card was signed
    assert "moj-gen1-2015" in text and "moj-gen2-2026" not in text


def test_trust_directory_takes_pem_and_der_and_ignores_other_files(tmp_path: Path) -> None:
    trust = tmp_path / "moj-ca"
    trust.mkdir()
    ca = sim_ca()
    (trust / "a.cer").write_bytes(ca.cert.public_bytes(serialization.Encoding.DER))
    (trust / "readme.txt").write_text("not a certificate")
    broken = "-----BEGIN CERTIFICATE-----\nxx\n-----END CERTIFICATE-----\n"
    (trust / "broken.pem").write_text(broken)
    assert [c.subject for c in genuine.load_anchors(trust)] == [ca.cert.subject]


def test_missing_or_garbled_certificate(tmp_path: Path) -> None:
    anchors = _anchors(tmp_path)
    check, _cert, front, photo = _gen1_parts()
    assert genuine.check_gen1(check, b"", front, photo, anchors).reason == (
        "card.genuine.no_certificate"
    )
    assert genuine.check_gen1(check, b"\x30\x03abc", front, photo, anchors).reason == (
        "card.genuine.bad_certificate"
    )


def _gen2_with(
    *,
    usage_sign: bool = True,
    hash_alg: type | None = None,
    issued: str = "inside",
) -> tuple[bytes, bytes, bytes, bytes, bytes, list]:
    """A gen-2 signature under a fresh CA, its signing certificate bent one way."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP384R1()), ec.generate_private_key(ec.SECP384R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bent CA")])
    ca_from, ca_until = now - dt.timedelta(days=100), now + dt.timedelta(days=100)
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(1)
        .not_valid_before(ca_from)
        .not_valid_after(ca_until)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    start = (
        ca_from - dt.timedelta(days=10) if issued == "before" else ca_from + dt.timedelta(days=1)
    )
    usage = x509.KeyUsage(
        usage_sign, False, not usage_sign, False, False, False, False, False, False
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bent signer")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(2)
        .not_valid_before(start)
        .not_valid_after(ca_until)
        .add_extension(usage, critical=True)
        .sign(ca_key, (hash_alg or hashes.SHA256)())
    )
    printed, photo, name = b"2" * 53, b"p" * 100, b"n" * 100
    target = printed + photo + bytes(2900) + name + bytes(2400)
    signature = key.sign(target, ec.ECDSA(hashes.SHA256()))
    der = cert.public_bytes(serialization.Encoding.DER)
    return signature, der, printed, photo, name, [ca]


def test_a_well_formed_certificate_under_the_ca_is_genuine() -> None:
    sig, cert, printed, photo, name, anchors = _gen2_with()
    assert genuine.check_gen2(sig, cert, printed, photo, name, anchors).genuine


def test_a_certificate_issued_before_its_ca_was_valid_is_a_mismatch() -> None:
    sig, cert, printed, photo, name, anchors = _gen2_with(issued="before")
    result = genuine.check_gen2(sig, cert, printed, photo, name, anchors)
    assert (result.status, result.reason) == (genuine.MISMATCH, "card.genuine.outside_validity")


def test_a_signing_key_without_digital_signature_usage_is_a_mismatch() -> None:
    sig, cert, printed, photo, name, anchors = _gen2_with(usage_sign=False)
    result = genuine.check_gen2(sig, cert, printed, photo, name, anchors)
    assert (result.status, result.reason) == (genuine.MISMATCH, "card.genuine.key_usage")


def test_a_certificate_not_signed_with_sha256_is_a_mismatch() -> None:
    from cryptography.hazmat.primitives import hashes

    sig, cert, printed, photo, name, anchors = _gen2_with(hash_alg=hashes.SHA384)
    result = genuine.check_gen2(sig, cert, printed, photo, name, anchors)
    assert (result.status, result.reason) == (genuine.MISMATCH, "card.genuine.algorithm")
