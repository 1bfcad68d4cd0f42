"""The store: migrations, transactions, sealed fields, blind indexes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from core.paths import DB_NAME
from core.store.db import Store, discover_migrations, hmac_sha256_many
from core.vault.errors import SealError
from core.vault.keys import DataKey, Keyring
from tests.support.vault import new_vault


@pytest.fixture
def store(tmp_path: Path) -> Store:
    key = DataKey.generate()
    with Store(tmp_path / DB_NAME, Keyring([key], key.key_id)) as s:
        yield s


def test_wal_migrations_and_version(store: Store, tmp_path: Path) -> None:
    assert store.query("PRAGMA journal_mode")[0][0] == "wal"
    versions = [v for v, _, _ in discover_migrations()]
    assert versions == sorted(versions) and versions[0] == 1
    assert store.schema_version() == versions[-1]
    tables = {r[0] for r in store.query("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"audit_log", "vault_meta", "vault_unlock_failures", "vault_rekey"} <= tables
    assert oct((tmp_path / DB_NAME).stat().st_mode & 0o777) == "0o600"
    store.close()
    again = Store(tmp_path / DB_NAME)  # reopening applies nothing twice
    assert again.migrate() == []
    again.close()


def test_newer_database_is_refused(tmp_path: Path) -> None:
    Store(tmp_path / DB_NAME).close()
    conn = sqlite3.connect(tmp_path / DB_NAME)
    conn.execute("INSERT INTO store_migrations VALUES (9999, 'future', 'x')")
    conn.commit()
    conn.close()
    with pytest.raises(Exception) as caught:
        Store(tmp_path / DB_NAME)
    assert getattr(caught.value, "key", "") == "store.too_new"


def test_transaction_all_or_nothing_and_nested(store: Store) -> None:
    store.execute("CREATE TABLE t (v TEXT)")
    with pytest.raises(RuntimeError), store.transaction() as conn:
        conn.execute("INSERT INTO t VALUES ('a')")
        raise RuntimeError("boom")
    assert store.query("SELECT count(*) FROM t")[0][0] == 0
    with store.transaction() as conn:
        conn.execute("INSERT INTO t VALUES ('outer')")
        with pytest.raises(RuntimeError), store.transaction() as inner:
            inner.execute("INSERT INTO t VALUES ('inner')")
            raise RuntimeError("inner fails")
    assert [r[0] for r in store.query("SELECT v FROM t")] == ["outer"]


def test_seal_round_trip_and_refusals(store: Store) -> None:
    blob = store.seal("グエン・ヴァン・アン", "people.name:1")
    assert "グエン".encode() not in blob
    assert store.unseal_text(blob, "people.name:1") == "グエン・ヴァン・アン"
    assert store.seal("x", "a") != store.seal("x", "a")  # random nonce
    with pytest.raises(SealError) as moved:
        store.unseal(blob, "people.name:2")
    assert moved.value.key == "vault.seal.misplaced"
    flipped = bytearray(blob)
    flipped[-1] ^= 1
    with pytest.raises(SealError) as tampered:
        store.unseal(bytes(flipped), "people.name:1")
    assert tampered.value.key == "vault.seal.tampered"
    other = DataKey.generate()
    foreign = Store.__new__(Store)
    foreign.keyring = Keyring([other], other.key_id)
    with pytest.raises(SealError) as wrong:
        foreign.unseal(blob, "people.name:1")
    assert wrong.value.key == "vault.seal.wrong_key"


def test_blind_is_stable_per_purpose_and_key(store: Store) -> None:
    a = store.blind("AB12345678CD", "card")
    assert a == store.blind("AB12345678CD", "card") and len(a) == 16
    assert a != store.blind("AB12345678CD", "name")
    assert a != store.blind("AB12345678CE", "card")
    assert b"AB12345678CD" not in a


# RFC 4231 section 4 (HMAC-SHA-256 test cases 1, 2, 3, 6, 7): key, data, MAC
RFC4231 = [
    (b"\x0b" * 20, b"Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
    (
        b"Jefe",
        b"what do ya want for nothing?",
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    ),
    (
        b"\xaa" * 20,
        b"\xdd" * 50,
        "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
    ),
    (
        b"\xaa" * 131,
        b"Test Using Larger Than Block-Size Key - Hash Key First",
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
    ),
    (
        b"\xaa" * 131,
        b"This is a test using a larger than block-size key and a larger than block-size data."
        b" The key needs to be hashed before being used by the HMAC algorithm.",
        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
    ),
]


@pytest.mark.parametrize(("key", "data", "mac"), RFC4231)
def test_batch_hmac_meets_rfc4231(key: bytes, data: bytes, mac: str) -> None:
    assert [m.hex() for m in hmac_sha256_many(key, [data, data])] == [mac, mac]


def test_blind_many_is_blind_of_each(store: Store) -> None:
    values = ["AB12345678CD", "", "山田 花子", "x" * 300]
    assert store.blind_many(values, "card") == [store.blind(v, "card") for v in values]


def test_locked_store_cannot_seal(tmp_path: Path) -> None:
    with Store(tmp_path / DB_NAME) as locked, pytest.raises(Exception) as caught:
        locked.seal("x", "y")
    assert getattr(caught.value, "key", "") == "vault.locked"


def test_vault_store_is_in_data_dir(tmp_path: Path) -> None:
    with new_vault(tmp_path / "d") as vault:
        assert vault.store.path == tmp_path / "d" / DB_NAME
        assert vault.store.meta("blind_key_id") == vault.keyring.current.hex_id


def test_sql_and_python_migrations_in_order_each_all_or_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.store import db

    monkeypatch.setattr(db, "_MIGRATIONS_PKG", "tests.support.migrations_sample")
    monkeypatch.setenv("RENKEI_TEST_MIGRATION_FAIL", "1")
    with pytest.raises(RuntimeError, match="on purpose"):
        Store(tmp_path / DB_NAME)
    conn = sqlite3.connect(tmp_path / DB_NAME)
    assert [r[0] for r in conn.execute("SELECT version FROM store_migrations")] == [1]
    columns = [r[1] for r in conn.execute("PRAGMA table_info(items)")]
    assert "upper" not in columns and conn.execute("SELECT count(*) FROM items").fetchone()[0] == 0
    conn.close()
    monkeypatch.delenv("RENKEI_TEST_MIGRATION_FAIL")
    with Store(tmp_path / DB_NAME) as store:
        assert store.schema_version() == 2
        assert [tuple(r) for r in store.query("SELECT name, upper, touched FROM items")] == [
            ("seed", "SEED", 1)
        ]
        assert store.query("SELECT note FROM item_log")[0][0] == "added; logged"
        assert store.query("PRAGMA user_version")[0][0] == 2


def test_bulk_reads_unseal_like_one_at_a_time_and_refuse_alike(store: Store) -> None:
    store.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB)")
    values = [f"値{n}" for n in range(5)]
    for n, value in enumerate(values):
        store.execute("INSERT INTO t VALUES (?, ?)", (n, store.seal(value, "t.v")))
    chunks = list(store.scan("SELECT k, v FROM t ORDER BY k", size=2))
    assert [len(c) for c in chunks] == [2, 2, 1]  # plain tuples, two at a time
    blobs = [row[1] for chunk in chunks for row in chunk]
    assert [p.decode() for p in store.unseal_many(blobs, "t.v")] == values
    assert store.unseal_many([], "t.v") == []
    with pytest.raises(SealError) as moved:
        store.unseal_many(blobs, "t.w")
    assert moved.value.key == "vault.seal.misplaced"
    flipped = bytearray(blobs[3])
    flipped[-1] ^= 1
    with pytest.raises(SealError) as tampered:
        store.unseal_many([blobs[0], bytes(flipped)], "t.v")
    assert tampered.value.key == "vault.seal.tampered"
    with pytest.raises(SealError) as plain:
        store.unseal_many([b"not sealed at all, not at all long enough?"], "t.v")
    assert plain.value.key == "vault.seal.not_sealed"


def test_bulk_read_of_values_under_two_keys_and_one_misplaced(tmp_path: Path) -> None:
    old, new = DataKey.generate(), DataKey.generate()
    with Store(tmp_path / DB_NAME, Keyring([old], old.key_id)) as s:
        first = s.seal_many(["a", "b"], "t.v")
        s.keyring = Keyring([old, new], new.key_id)  # rekey half done: both keys in use
        second = s.seal_many(["c", "d"], "t.v")
        mixed = [first[0], second[0], first[1], bytearray(second[1])]
        assert s.unseal_many(mixed, "t.v") == [b"a", b"c", b"b", b"d"]
        assert s.unseal_many(iter(second), "t.v") == [b"c", b"d"]
        with pytest.raises(SealError) as moved:
            s.unseal_many([*second, s.seal("e", "t.w")], "t.v")
        assert moved.value.key == "vault.seal.misplaced"
