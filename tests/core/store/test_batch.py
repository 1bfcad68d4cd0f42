"""Sealing and blinding many values at once (a fetched file's rows) gives what
one at a time gives: the reference is the format in core/store/db.py's
docstring, computed here with ``hmac`` / AES-GCM from ``cryptography``."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import given, settings
from hypothesis import strategies as st

from core.store.db import DB_NAME, Store
from core.vault.errors import SealError
from core.vault.keys import DataKey, Keyring

_values = st.lists(st.text(max_size=40), max_size=30)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    key = DataKey.generate()
    path: Path = tmp_path_factory.mktemp("batch") / DB_NAME
    with Store(path, Keyring([key], key.key_id)) as s:
        yield s


@settings(max_examples=50, deadline=None)
@given(values=_values, purpose=st.sampled_from(["card", "notice-content", "x"]))
def test_blind_many_is_the_keyed_hmac_of_each(
    store: Store, values: list[str], purpose: str
) -> None:
    key = store.blind_key()
    # the blind: HMAC-SHA256 under the blind subkey of purpose NUL value, first 16 bytes
    expected = [
        hmac.new(key.blind_key, purpose.encode() + b"\x00" + v.encode(), hashlib.sha256).digest()[
            :16
        ]
        for v in values
    ]
    assert store.blind_many(values, purpose) == expected
    assert [store.blind(v, purpose) for v in values] == expected


@settings(max_examples=50, deadline=None)
@given(values=_values)
def test_seal_many_opens_to_each_value_in_its_place(store: Store, values: list[str]) -> None:
    aad = "exchange_certificates.card_sealed"
    sealed = store.seal_many(values, aad)
    key = store.keyring.current  # type: ignore[union-attr]
    digest = hashlib.sha256(b"renkei seal aad|" + aad.encode()).digest()[:16]
    for blob, value in zip(sealed, values, strict=True):
        # b"RKS1" | key id (8) | nonce (12) | aad digest (16) | ciphertext+tag
        assert blob[:4] == b"RKS1" and blob[4:12] == key.key_id and blob[24:40] == digest
        aead = AESGCM(key.derive("seal"))
        assert aead.decrypt(blob[12:24], blob[40:], b"RKS1" + key.key_id + digest) == value.encode()
        assert store.unseal_text(blob, aad) == value
        with pytest.raises(SealError):
            store.unseal(blob, "exchange_certificates.record_sealed")  # another place
    nonces = [blob[12:24] for blob in sealed]
    assert len(set(nonces)) == len(nonces)  # a nonce per value
