"""USB bundles: exported and taken in on a second data directory, verified before
anything is applied, idempotent, and never half."""

from __future__ import annotations

import datetime
import hashlib
import json
from pathlib import Path

import pytest

from core import bundle
from core.bundle import BundleError, export_bundle, import_bundle, read_bundle, transfer_key
from core.datadir.opened import Vault
from core.paths import BUNDLE_LEDGER_NAME
from core.vault import envelope
from core.vault.errors import EnvelopeError

LASDEC = "131016"
NOW = datetime.datetime(2024, 4, 1, 17, 15, 0, tzinfo=datetime.UTC)
FILES = [
    ("moj-131016-20240401-0001.csv", "notice_id,name_kanji\r\nN1,葛城 太郎\r\n".encode("cp932")),
    ("moj-131016-20240401-0002.csv", b"notice_id,name_kanji\r\nN2,\xf0\x40\x93\x63\r\n"),
    ("empty.csv", b""),
]


@pytest.fixture(scope="module")
def key() -> bundle.TransferKey:
    return transfer_key("correct horse battery staple", LASDEC)


def _export(tmp_path: Path, key: bundle.TransferKey, now: datetime.datetime = NOW) -> Path:
    stick = tmp_path / "stick"
    stick.mkdir(exist_ok=True)
    return export_bundle(FILES, stick, key, LASDEC, "to-juki", "T-0001", now)


def _second_terminal(tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "second"
    dest = data / "to-juki"
    dest.mkdir(parents=True)
    return data, dest


def test_export_then_import_on_a_second_data_directory(
    tmp_path: Path, key: bundle.TransferKey
) -> None:
    path = _export(tmp_path, key)
    assert path.name == "renkei-131016-20240401171500.rkb"
    assert envelope.is_envelope(path)
    assert not list(path.parent.glob(".tmp-*"))
    assert b"notice_id" not in path.read_bytes()  # encrypted on the stick
    data, dest = _second_terminal(tmp_path)
    same_key = transfer_key("correct horse battery staple", LASDEC)  # derived again, far away
    result = import_bundle(path, same_key, dest, data / "bundles", LASDEC)
    assert not result.already and len(result.written) == 3
    for name, content in FILES:
        assert (dest / name).read_bytes() == content
    manifest = result.bundle.manifest
    assert manifest["lasdec"] == LASDEC and manifest["direction"] == "to-juki"
    assert manifest["terminal_id"] == "T-0001" and manifest["created"] == "2024-04-01T17:15:00Z"
    assert [e.sha256 for e in result.bundle.entries] == [
        hashlib.sha256(c).hexdigest() for _n, c in FILES
    ]


def test_importing_twice_changes_nothing(tmp_path: Path, key: bundle.TransferKey) -> None:
    path = _export(tmp_path, key)
    data, dest = _second_terminal(tmp_path)
    import_bundle(path, key, dest, data / "bundles")
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in dest.iterdir()}
    ledger = (data / "bundles" / BUNDLE_LEDGER_NAME).read_bytes()
    again = import_bundle(path, key, dest, data / "bundles")
    assert again.already and again.written == []
    assert {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in dest.iterdir()} == before
    assert (data / "bundles" / BUNDLE_LEDGER_NAME).read_bytes() == ledger
    # Even with the ledger lost, files already there with the same content are kept as they are.
    (data / "bundles" / BUNDLE_LEDGER_NAME).unlink()
    third = import_bundle(path, key, dest, data / "bundles")
    assert third.written == [] and len(third.unchanged) == 3
    assert {p.name: p.stat().st_mtime_ns for p in dest.iterdir()} == {
        k: v[0] for k, v in before.items()
    }


def _damaged(path: Path, how: str) -> None:
    raw = bytearray(path.read_bytes())
    if how == "flip":
        raw[len(raw) // 2] ^= 0x01
    elif how == "cut":
        del raw[len(raw) - 7 :]
    elif how == "cut_header":
        del raw[30:]
    elif how == "append":
        raw += b"\x00" * 32
    path.write_bytes(bytes(raw))


@pytest.mark.parametrize("how", ["flip", "cut", "cut_header", "append"])
def test_tampered_or_truncated_bundle_is_refused_with_nothing_applied(
    tmp_path: Path, key: bundle.TransferKey, how: str
) -> None:
    path = _export(tmp_path, key)
    _damaged(path, how)
    data, dest = _second_terminal(tmp_path)
    with pytest.raises((EnvelopeError, BundleError)) as caught:
        import_bundle(path, key, dest, data / "bundles")
    assert caught.value.message("ja")  # a sentence for the operator
    assert list(dest.iterdir()) == []
    assert not (data / "bundles").exists()


def test_cut_at_a_chunk_boundary_is_refused(tmp_path: Path, key: bundle.TransferKey) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    big = [("big.csv", bytes(range(256)) * 4096)]  # 1 MiB: several envelope chunks
    path = export_bundle(big, stick, key, LASDEC, "to-juki", now=NOW)
    full = envelope.DEFAULT_CHUNK + envelope.TAG_SIZE
    raw = path.read_bytes()
    path.write_bytes(raw[: envelope.HEADER_SIZE + 2 * full])  # whole chunks, no last one
    with pytest.raises(EnvelopeError):
        read_bundle(path, key)


def test_manifest_hash_mismatch_is_refused(tmp_path: Path, key: bundle.TransferKey) -> None:
    """A bundle whose envelope is intact but whose content disagrees with its
    manifest (a bug or a forgery with the key) is still refused."""
    head = json.dumps({
        "format": bundle.FORMAT, "version": bundle.VERSION, "bundle_id": "x", "lasdec": LASDEC,
        "terminal_id": "", "direction": "to-juki", "created": "2024-04-01T00:00:00Z",
        "files": [{"name": "a.csv", "size": 3, "sha256": hashlib.sha256(b"abc").hexdigest()}],
    }).encode()  # fmt: skip
    path = tmp_path / "forged.rkb"
    envelope.encrypt_bytes_to(
        path, bundle.MAGIC + len(head).to_bytes(4, "big") + head + b"abd", key
    )
    with pytest.raises(BundleError) as caught:
        read_bundle(path, key)
    assert caught.value.key == "bundle.file_mismatch"


def test_wrong_passphrase_and_other_municipality(tmp_path: Path, key: bundle.TransferKey) -> None:
    path = _export(tmp_path, key)
    data, dest = _second_terminal(tmp_path)
    for other in (
        transfer_key("wrong passphrase!", LASDEC),
        transfer_key("correct horse battery staple", "011002"),
    ):
        with pytest.raises(BundleError) as caught:
            import_bundle(path, other, dest, data / "bundles")
        assert caught.value.key == "bundle.wrong_key"
    with pytest.raises(BundleError) as caught:
        import_bundle(path, key, dest, data / "bundles", lasdec="011002")
    assert caught.value.key == "bundle.other_municipality"
    assert list(dest.iterdir()) == []


def test_conflicting_file_stops_the_whole_import(tmp_path: Path, key: bundle.TransferKey) -> None:
    path = _export(tmp_path, key)
    data, dest = _second_terminal(tmp_path)
    (dest / FILES[1][0]).write_bytes(b"something else")
    with pytest.raises(BundleError) as caught:
        import_bundle(path, key, dest, data / "bundles")
    assert caught.value.key == "bundle.conflict"
    assert sorted(p.name for p in dest.iterdir()) == [FILES[1][0]]  # the others not written


def test_stick_pulled_mid_write_leaves_no_bundle(
    tmp_path: Path, key: bundle.TransferKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    written = {"n": 0}
    real_write = envelope.AtomicFile.write

    def failing_write(self: envelope.AtomicFile, data: bytes) -> int:
        written["n"] += 1
        if written["n"] > 2:
            raise OSError(5, "Input/output error")  # EIO: the device went away
        return real_write(self, data)

    monkeypatch.setattr(envelope.AtomicFile, "write", failing_write)
    big = [("big.csv", b"x" * (3 * envelope.DEFAULT_CHUNK))]
    with pytest.raises(OSError):
        export_bundle(big, stick, key, LASDEC, "to-juki", now=NOW)
    assert list(stick.iterdir()) == []  # no .rkb, and the temp file was removed
    # A leftover temp file (power cut before the clean-up) is no bundle either.
    leftover = stick / ".tmp-abc"
    monkeypatch.undo()
    full = _export(tmp_path, key, NOW + datetime.timedelta(seconds=1))
    leftover.write_bytes(full.read_bytes()[: len(full.read_bytes()) // 2])
    with pytest.raises(EnvelopeError):
        read_bundle(leftover, key)


def test_names_that_could_escape_the_folder_are_refused(
    tmp_path: Path, key: bundle.TransferKey
) -> None:
    for name in ("../etc/passwd", "a/b.csv", ".hidden", "", "x..csv"):
        with pytest.raises(BundleError) as caught:
            export_bundle([(name, b"x")], tmp_path, key, LASDEC, "to-juki", now=NOW)
        assert caught.value.key == "bundle.bad_name"
    path = export_bundle([("a.csv", b"x")], tmp_path, key, LASDEC, "from-juki", now=NOW)
    before = path.read_bytes()
    # a second export in the same second: named a second on, the first untouched
    later = export_bundle([("b.csv", b"y")], tmp_path, key, LASDEC, "from-juki", now=NOW)
    assert later.name == f"renkei-{LASDEC}-20240401171501.rkb" and path.read_bytes() == before
    assert bundle.read_bundle(later, key).manifest["created"] == "2024-04-01T17:15:01Z"
    assert set(bundle.read_bundle(later, key).files) == {"b.csv"}


def stored_notice(vault: Vault, file_id: str, name: str, text: str, status: str = "ok") -> None:
    """A MOJ notice file as fetch leaves it: encrypted in place, row 'receipted'."""
    path = f"files/inbox/{file_id}.rke"
    (vault.data_dir / "files" / "inbox").mkdir(parents=True, exist_ok=True)
    vault.write_bytes(path, text.encode("utf-8"))
    vault.store.execute(
        "INSERT INTO exchange_inbox (file_id, kind, name, size, sha256, state, path, status,"
        " listed_at) VALUES (?, 'moj', ?, 0, '', 'receipted', ?, ?, '2024-04-01T00:00:00Z')",
        (file_id, name, path, status),
    )


def test_pending_notices_are_converted_and_marked_once(tmp_path: Path) -> None:
    from core import charset
    from tests.support.vault import new_vault

    tables = charset.Tables(charset.make_codec("juki-sjis", charset.parse_gaiji(
        "sjis,juki_code,unicode\nF040,,𠀋\n", "g.csv")))  # fmt: skip
    with new_vault(tmp_path / "t") as vault:
        stored_notice(vault, "a", "moj-1.csv", "id,name\r\n1,𠀋田\r\n")
        stored_notice(vault, "b", "moj-2.csv", "id,name\r\n2,𩸽\r\n")  # not mappable
        stored_notice(vault, "c", "moj-3.csv", "id,name\r\n3,x\r\n", status="invalid")
        pending = bundle.pending_notices(vault, tables)
        assert pending.items == [("moj-1.csv", b"id,name\r\n1,\xf0\x40\x93\x63\r\n")]
        assert pending.file_ids == ["a"]
        [refused] = pending.refused
        assert [p.params["code"] for p in refused.report] == ["U+29E3D"]
        bundle.mark_exported(vault, pending.file_ids, "renkei-x.rkb")
        assert bundle.pending_notices(vault, tables).items == []
        assert len(bundle.pending_notices(vault, tables, include_exported=True).items) == 1


def _forged(path: Path, key: bundle.TransferKey, manifest: object, body: bytes = b"") -> Path:
    """A bundle sealed with the right key whose manifest was written by someone else."""
    head = json.dumps(manifest).encode("utf-8")
    with envelope.EnvelopeWriter(path, key) as writer:
        writer.write(bundle.MAGIC + len(head).to_bytes(4, "big") + head + body)
    return path


GOOD_HEAD = {
    "format": "renkei-bundle",
    "version": 1,
    "bundle_id": "0b0e0e0e-0000-4000-8000-000000000000",
    "lasdec": LASDEC,
    "terminal_id": "",
    "direction": "from-juki",
    "created": "2024-04-01T17:15:00Z",
}


@pytest.mark.parametrize(
    ("manifest", "field"),
    [
        (["not", "an", "object"], "(top)"),
        ({**GOOD_HEAD, "files": "a.csv"}, "files"),
        ({**GOOD_HEAD, "files": [{"name": "a.csv"}]}, "files[]"),
        (
            {**GOOD_HEAD, "files": [{"name": "a.csv", "size": "1", "sha256": "0" * 64}]},
            "files[].size",
        ),
        (
            {**GOOD_HEAD, "files": [{"name": "a.csv", "size": -1, "sha256": "0" * 64}]},
            "files[].size",
        ),
        ({**GOOD_HEAD, "files": [{"name": "a.csv", "size": 1, "sha256": 5}]}, "files[].sha256"),
        (
            {**GOOD_HEAD, "files": [{"name": "a.csv", "size": 1, "sha256": "0" * 64, "x": 1}]},
            "files[]",
        ),
        ({**GOOD_HEAD, "bundle_id": 7, "files": []}, "bundle_id"),
    ],
)
def test_a_malformed_manifest_is_a_clear_refusal(
    tmp_path: Path, key: bundle.TransferKey, manifest: object, field: str
) -> None:
    path = _forged(tmp_path / "forged.rkb", key, manifest, b"x")
    dest = tmp_path / "dest"
    dest.mkdir()
    with pytest.raises(BundleError) as caught:
        import_bundle(path, key, dest, tmp_path / "ledger")
    assert caught.value.key == "guard.bundle.manifest"
    assert caught.value.params["field"] == field
    assert list(dest.iterdir()) == []


def test_a_bundle_over_the_size_limit_is_not_read(tmp_path: Path, key: bundle.TransferKey) -> None:
    path = _export(tmp_path, key)
    dest = tmp_path / "dest"
    dest.mkdir()
    limit = path.stat().st_size - 1
    with pytest.raises(BundleError) as caught:
        import_bundle(path, key, dest, tmp_path / "ledger", limit=limit)
    assert caught.value.key == "guard.bundle.too_big"
    assert "max_bundle_bytes" in caught.value.message("en")
    assert list(dest.iterdir()) == []


def test_two_received_files_of_one_name_both_travel(tmp_path: Path) -> None:
    from core import charset
    from tests.support.vault import new_vault

    tables = charset.Tables(charset.make_codec("utf-8"))
    with new_vault(tmp_path / "t") as vault:
        stored_notice(vault, "a", "moj-131016-20240401-0001.csv", "id\r\n1\r\n")
        stored_notice(vault, "b", "moj-131016-20240401-0001.csv", "id\r\n2\r\n")
        pending = bundle.pending_notices(vault, tables)
    assert sorted(pending.items) == [
        ("moj-131016-20240401-0001.csv", b"id\r\n1\r\n"),
        ("moj-131016-20240401-0001_2.csv", b"id\r\n2\r\n"),
    ]
