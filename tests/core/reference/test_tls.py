"""The reference server's throw-away CA and certificates, checked as X.509
(RFC 5280): who issued them, for which names and uses, and the key files' modes."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from core.reference.tls import ensure_server_tls, issue, make_ca


def test_the_server_tls_is_made_once_with_private_keys(tmp_path: Path) -> None:
    tls = tmp_path / "tls"
    ca, cert, key = ensure_server_tls(tls)
    assert {p.name for p in tls.iterdir()} == {
        "ca.pem",
        "ca-key.pem",
        "server.pem",
        "server-key.pem",
    }
    for private in (tls / "ca-key.pem", key):
        assert private.stat().st_mode & 0o777 == 0o600
    assert tls.stat().st_mode & 0o077 == 0
    before = {p.name: p.read_bytes() for p in tls.iterdir()}
    assert ensure_server_tls(tls) == (ca, cert, key)
    assert {p.name: p.read_bytes() for p in tls.iterdir()} == before  # kept, not remade


def test_the_server_certificate_is_the_cas_for_loopback(tmp_path: Path) -> None:
    ca_path, cert_path, _ = ensure_server_tls(tmp_path / "tls")
    ca = x509.load_pem_x509_certificate(ca_path.read_bytes())
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    cert.verify_directly_issued_by(ca)  # raises if not
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["localhost"]
    assert set(names.get_values_for_type(x509.IPAddress)) == {
        ipaddress.ip_address("127.0.0.1"),
        ipaddress.ip_address("::1"),
    }
    uses = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(uses) == [ExtendedKeyUsageOID.SERVER_AUTH]


def test_a_client_certificate_is_for_client_auth_only() -> None:
    ca_pem, ca_key = make_ca("test CA")
    cert_pem, _ = issue(ca_pem, ca_key, "terminal 131041", server=False)
    ca = x509.load_pem_x509_certificate(ca_pem)
    cert = x509.load_pem_x509_certificate(cert_pem)
    cert.verify_directly_issued_by(ca)
    uses = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(uses) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    assert not [e for e in cert.extensions if isinstance(e.value, x509.SubjectAlternativeName)]
