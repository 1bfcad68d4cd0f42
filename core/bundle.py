"""USB media bundles (linkage pattern 2): files carried between the terminal and
the resident-record system on a stick, encrypted, verified before use.

A bundle is one file ``renkei-{lasdec}-{YYYYMMDDhhmmss}.rkb``: the vault's
envelope (``core.vault.envelope``: chunked AES-256-GCM, truncation and
reordering detected) around::

    b"RNKBDL\\x01\\n" | manifest length (4 bytes, big-endian) | manifest (JSON)
    | the files' bytes, one after another in manifest order

The manifest names the bundle (``bundle_id``), the municipality (``lasdec``),
the terminal, the ``direction`` (``to-juki``: MOJ notices for the
resident-record system; ``from-juki``: municipal notice files from it), when it
was made, and for each file its name, size and SHA-256.

The key is derived from a transfer passphrase agreed per municipality (scrypt,
salted with the LASDEC code, so both ends derive it without exchanging
anything else). Writing goes to a temp file renamed into place after fsync and
is read back and verified before export reports success, so a stick pulled
mid-write leaves at most a ``.tmp-`` file, never a ``.rkb`` that looks whole
(and a cut envelope is refused anyway). Import reads the bundle as a stream
(one envelope chunk in memory) and verifies every chunk, the manifest and
every file's hash before anything is renamed into place: the files wait in
``.tmp-`` files beside their targets until then, and are removed when anything
fails; a bundle already taken (its ``bundle_id`` in the ledger) changes
nothing, and files already present with the same content are not written
again. Every manifest field is checked against the form written above; a
bundle over ``[limits] max_bundle_bytes`` is not read.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.boundary import notices
from core.charset import CharsetError, Tables
from core.config import LimitsSettings
from core.durable import DIR_MODE, AtomicFile, write_atomic
from core.errors import RenkeiError
from core.paths import BUNDLE_LEDGER_NAME
from core.textsafe import shown
from core.vault import envelope, kdf
from core.vault.errors import WrongKey

if TYPE_CHECKING:
    from core.datadir.opened import Vault

MAGIC = b"RNKBDL\x01\n"
FORMAT = "renkei-bundle"
VERSION = 1
SUFFIX = ".rkb"
DIRECTIONS = ("to-juki", "from-juki")
TRANSFER_ENV = "RENKEI_TRANSFER_PASSPHRASE"
# scrypt cost for the transfer key: done once per export/import (~0.2 s, 64 MiB, in a
# child process: core.vault.kdf).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**16, 8, 1
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")
MAX_MANIFEST = 1 << 20
MAX_BUNDLE = LimitsSettings.max_bundle_bytes
SAME_SECOND_TRIES = 60


class BundleError(RenkeiError):
    """A bundle that cannot be written or must not be taken."""


@dataclass(frozen=True)
class TransferKey:
    """The envelope key shared by both ends of the USB exchange."""

    key_id: bytes
    secret: bytes

    def key_for(self, key_id: bytes) -> TransferKey | None:
        return self if hmac.compare_digest(key_id, self.key_id) else None


def transfer_key(passphrase: str, lasdec: str) -> TransferKey:
    """Derive the transfer key; the same passphrase and LASDEC code give the same key."""
    if not passphrase:
        raise BundleError("bundle.no_passphrase", env=TRANSFER_ENV)
    if not re.fullmatch(r"\d{6}", lasdec or ""):
        raise BundleError("bundle.no_lasdec", value=lasdec or "-")
    secret = kdf.scrypt(
        passphrase.encode("utf-8"),
        b"renkei transfer v1 " + lasdec.encode(),
        n=SCRYPT_N,
        r=SCRYPT_R,
        p=SCRYPT_P,
    )
    key_id = hmac.new(secret, b"renkei transfer key id", hashlib.sha256).digest()[:8]
    return TransferKey(key_id, secret)


@dataclass(frozen=True)
class Entry:
    name: str
    size: int
    sha256: str


@dataclass
class Bundle:
    manifest: dict[str, Any]  # parsed JSON, its shape checked by ``read_bundle``
    files: dict[str, bytes]

    @property
    def bundle_id(self) -> str:
        return str(self.manifest["bundle_id"])

    @property
    def entries(self) -> list[Entry]:
        files = self.manifest["files"]
        return [_entry(e, "-") for e in files] if isinstance(files, list) else []


def _check_name(name: object) -> str:
    if not isinstance(name, str) or not _SAFE_NAME.fullmatch(name) or ".." in name:
        raise BundleError("bundle.bad_name", name=shown(name, 80))
    return name


def _entry(raw: object, path: str, limit: int = 1 << 62) -> Entry:
    """One manifest file entry, checked field by field (a malformed manifest is a
    clear refusal, never a TypeError): exactly name, size, sha256."""
    if not isinstance(raw, dict) or set(raw) != {"name", "size", "sha256"}:
        raise BundleError("guard.bundle.manifest", path=path, field="files[]")
    size, digest = raw["size"], raw["sha256"]
    if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= limit:
        raise BundleError("guard.bundle.manifest", path=path, field="files[].size")
    if not isinstance(digest, str) or not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise BundleError("guard.bundle.manifest", path=path, field="files[].sha256")
    return Entry(_check_name(raw["name"]), size, digest)


def bundle_name(lasdec: str, created: datetime.datetime) -> str:
    return f"renkei-{lasdec}-{created.strftime('%Y%m%d%H%M%S')}{SUFFIX}"


def export_bundle(
    files: Iterable[tuple[str, bytes]],
    to_dir: Path,
    key: TransferKey,
    lasdec: str,
    direction: str,
    terminal_id: str = "",
    now: datetime.datetime | None = None,
) -> Path:
    """Write the bundle into ``to_dir`` atomically, read it back and verify it;
    returns its path. An existing bundle of the same name is never overwritten."""
    if direction not in DIRECTIONS:
        raise BundleError("bundle.bad_direction", value=direction, choices=", ".join(DIRECTIONS))
    created = (now or datetime.datetime.now(datetime.UTC)).replace(microsecond=0)
    items = [(_check_name(name), data) for name, data in files]
    names = [name for name, _ in items]
    if len(set(names)) != len(names):
        raise BundleError(
            "bundle.duplicate_name", name=next(n for n in names if names.count(n) > 1)
        )
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "bundle_id": str(uuid.uuid4()),
        "lasdec": lasdec,
        "terminal_id": terminal_id,
        "direction": direction,
        "created": created.isoformat().replace("+00:00", "Z"),
        "files": [
            {"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in items
        ],
    }
    if not to_dir.is_dir():
        raise BundleError("bundle.no_dir", path=str(to_dir))
    # two exports in the same second: the later one is named (and dated) a second
    # on, so the name keeps the FORMATS.md form and nothing is overwritten
    for _ in range(SAME_SECOND_TRIES):
        target = to_dir / bundle_name(lasdec, created)
        if not target.exists():
            break
        created += datetime.timedelta(seconds=1)
    else:
        raise BundleError("bundle.exists", path=str(target))
    manifest["created"] = created.isoformat().replace("+00:00", "Z")
    head = json.dumps(manifest, ensure_ascii=False, sort_keys=True).encode("utf-8")
    with envelope.EnvelopeWriter(target, key) as writer:
        writer.write(MAGIC + len(head).to_bytes(4, "big") + head)
        for _name, data in items:
            writer.write(data)
    verify_bundle(target, key)  # the stick may lie: what is there must verify
    return target


class _Plain:
    """The verified plaintext of a bundle, read as it is needed: one envelope
    chunk in memory at a time (a truncated or altered envelope raises from
    the iteration, at the latest when its end is reached)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks
        self.buffer = bytearray()

    def _fill(self, want: int) -> None:
        while len(self.buffer) < want:
            try:
                self.buffer.extend(next(self.chunks))
            except StopIteration:
                return

    def read(self, size: int) -> bytes:
        self._fill(size)
        out = bytes(self.buffer[:size])
        del self.buffer[:size]
        return out

    def copy(self, size: int, write: Callable[[bytes], object] | None) -> tuple[int, str]:
        """``size`` bytes into ``write`` (None: only hashed), piece by piece:
        (bytes seen, SHA-256 hex)."""
        digest = hashlib.sha256()
        left = size
        while left > 0:
            self._fill(1)
            if not self.buffer:
                break
            piece = bytes(self.buffer[:left])
            del self.buffer[: len(piece)]
            digest.update(piece)
            if write is not None:
                write(piece)
            left -= len(piece)
        return size - left, digest.hexdigest()

    def at_end(self) -> bool:
        self._fill(1)
        if self.buffer:
            return False
        for _rest in self.chunks:  # run the envelope's own end check
            if _rest:
                return False
        return True


Sink = Callable[[Entry], Callable[[bytes], object] | None]


def _scan(
    path: Path,
    key: TransferKey,
    limit: int,
    start: Callable[[dict[str, object]], Sink | None],
) -> dict[str, object]:
    """Verify the bundle at ``path`` as a stream: every chunk, the manifest and
    every file's size and hash. ``start(manifest)`` gives, per file, where its
    bytes go (None: only checked), or None to stop after the manifest."""
    if not path.is_file():
        raise RenkeiError("common.error.file_not_found", path=str(path))
    size = path.stat().st_size
    if size > limit:
        raise BundleError("guard.bundle.too_big", path=str(path), size=size, limit=limit)
    try:
        stream = _Plain(envelope.iter_decrypt(path, key))
        manifest = _manifest(stream, path)
        sink = start(manifest)
        if sink is None:
            return manifest
        names: set[str] = set()
        for raw in manifest.get("files", []):  # type: ignore[attr-defined]
            entry = _entry(raw, str(path), limit)
            if entry.name in names:
                raise BundleError("bundle.duplicate_name", name=entry.name)
            names.add(entry.name)
            got, digest = stream.copy(entry.size, sink(entry))
            if got != entry.size or digest != entry.sha256:
                raise BundleError("bundle.file_mismatch", path=str(path), name=entry.name)
        if not stream.at_end():
            raise BundleError("bundle.trailing", path=str(path))
    except WrongKey:
        raise BundleError("bundle.wrong_key", path=str(path)) from None
    return manifest


def _manifest(stream: _Plain, path: Path) -> dict[str, object]:
    if stream.read(len(MAGIC)) != MAGIC:
        raise BundleError("bundle.not_bundle", path=str(path))
    size = int.from_bytes(stream.read(4), "big")
    if size > MAX_MANIFEST:
        raise BundleError("bundle.not_bundle", path=str(path))
    try:
        manifest = json.loads(stream.read(size).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BundleError("bundle.not_bundle", path=str(path)) from None
    if not isinstance(manifest, dict):
        raise BundleError("guard.bundle.manifest", path=str(path), field="(top)")
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BundleError("bundle.not_bundle", path=str(path))
    if manifest.get("direction") not in DIRECTIONS:
        raise BundleError("bundle.not_bundle", path=str(path))
    for field_name in ("bundle_id", "lasdec", "created"):
        value = manifest.get(field_name)
        if not isinstance(value, str) or not value or len(value) > 64:
            raise BundleError("guard.bundle.manifest", path=str(path), field=field_name)
    if not isinstance(manifest.get("files", []), list):
        raise BundleError("guard.bundle.manifest", path=str(path), field="files")
    return manifest


def read_bundle(path: Path, key: TransferKey, limit: int = MAX_BUNDLE) -> Bundle:
    """The verified bundle at ``path`` with its files in memory (small bundles,
    and the tests): every chunk, the manifest and every file's hash checked; any
    problem is a ``BundleError`` / envelope error and nothing. A bundle over
    ``limit`` bytes (``[limits] max_bundle_bytes``) is not read."""
    files: dict[str, bytearray] = {}

    def into_memory(entry: Entry) -> Callable[[bytes], object]:
        files[entry.name] = bytearray()
        return files[entry.name].extend

    manifest = _scan(path, key, limit, lambda _manifest: into_memory)
    return Bundle(manifest, {name: bytes(data) for name, data in files.items()})


def verify_bundle(path: Path, key: TransferKey, limit: int = 1 << 62) -> dict[str, object]:
    """Check the bundle at ``path`` without keeping its files: its manifest."""
    return _scan(path, key, limit, lambda _manifest: lambda _entry: None)


@dataclass
class ImportResult:
    bundle: Bundle
    already: bool  # the bundle had been taken before: nothing changed
    written: list[Path]
    unchanged: list[Path]


def _ledger(ledger_dir: Path) -> Path:
    return ledger_dir / BUNDLE_LEDGER_NAME


def imported_ids(ledger_dir: Path) -> set[str]:
    try:
        text = _ledger(ledger_dir).read_text(encoding="utf-8")
    except FileNotFoundError:
        return set()
    return {line.split("\t", 1)[0] for line in text.splitlines() if line.strip()}


def import_bundle(
    path: Path,
    key: TransferKey,
    dest: Path | Mapping[str, Path],
    ledger_dir: Path,
    lasdec: str = "",
    limit: int = MAX_BUNDLE,
) -> ImportResult:
    """Verify the bundle at ``path``, then place its files in ``dest``.

    ``dest`` is a folder, or a folder per direction. Verify-then-apply: the
    files stream into temp files beside their targets (``.tmp-…``, which the
    import folder and the resident-record side ignore) and are renamed into
    place only when the whole bundle verified and no file in ``dest`` holds
    different content under the same name; otherwise the temp files go and
    nothing changed. Taking the same bundle again changes nothing.
    """
    where: dict[str, Path] = {}
    temps: dict[str, AtomicFile] = {}
    already = False

    def start(manifest: dict[str, object]) -> Sink | None:
        nonlocal already
        if lasdec and manifest.get("lasdec") != lasdec:
            raise BundleError(
                "bundle.other_municipality", path=str(path), lasdec=str(manifest.get("lasdec"))
            )
        if str(manifest["bundle_id"]) in imported_ids(ledger_dir):
            already = True
            return None
        folder = dest
        if not isinstance(folder, Path):  # by direction
            direction = str(manifest["direction"])
            if direction not in folder:
                raise BundleError("bundle.no_dest", direction=direction)
            folder = folder[direction]
        if not folder.is_dir():
            raise BundleError("bundle.no_dir", path=str(folder))
        where["dest"] = folder

        def sink(entry: Entry) -> Callable[[bytes], object]:
            temps[entry.name] = AtomicFile(folder / entry.name)
            return temps[entry.name].write

        return sink

    try:
        manifest = _scan(path, key, limit, start)
        bundle = Bundle(manifest, {})
        if already:
            return ImportResult(bundle, True, [], [])
        folder = where["dest"]
        written: list[Path] = []
        unchanged: list[Path] = []
        for entry in bundle.entries:
            target = folder / entry.name
            if target.exists():
                if _sha256_file(target) != entry.sha256:
                    raise BundleError("bundle.conflict", path=str(target), bundle=path.name)
                unchanged.append(target)
        for entry in bundle.entries:
            target = folder / entry.name
            if target in unchanged:
                temps.pop(entry.name).abort()
                continue
            temps.pop(entry.name).commit()
            # the checksum after the file, as the import folder's completeness rule wants
            sumline = f"{entry.sha256}  {target.name}\n".encode("ascii")
            write_atomic(target.with_name(target.name + ".sha256"), sumline)
            written.append(target)
    finally:
        for temp in temps.values():  # not verified, or refused: nothing stays
            temp.abort()
    ledger_dir.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    ledger = _ledger(ledger_dir)
    previous = ledger.read_bytes() if ledger.exists() else b""
    line = f"{bundle.bundle_id}\t{path.name}\t{bundle.manifest.get('created')}\n"
    write_atomic(ledger, previous + line.encode("utf-8"))
    return ImportResult(bundle, False, written, unchanged)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- what the resident-record side needs: the received MOJ notices ----------

EXPORT_KINDS = notices.EXPORT_KINDS


@dataclass
class PendingExport:
    items: list[tuple[str, bytes]]  # (file name, bytes in the municipality's encoding)
    file_ids: list[str]
    refused: list[CharsetError]  # files with characters the encoding cannot hold


def pending_notices(vault: Vault, tables: Tables, include_exported: bool = False) -> PendingExport:
    """The received MOJ notice files (checked ``ok``) not yet carried out, decrypted
    in memory and converted to the municipality's encoding. A file with a
    character that has no mapping is left out with its full report."""
    done = set() if include_exported else {
        row["file_id"] for row in vault.store.query("SELECT file_id FROM media_exported")
    }  # fmt: skip
    out = PendingExport([], [], [])
    for notice in notices.received(vault):
        if notice.file_id in done:
            continue
        try:
            data = notices.for_boundary(vault, tables, notice)
        except CharsetError as exc:
            out.refused.append(exc)
            continue
        out.file_ids.append(notice.file_id)
        if data is not None:  # None: every record came in an earlier file
            out.items.append((_unique_name(notice.name, out.items), data))
    return out


def _unique_name(name: str, items: list[tuple[str, bytes]]) -> str:
    """Two received files listed under one name are carried as ``NAME.csv`` and
    ``NAME_2.csv``: neither overwrites the other on the resident-record side."""
    taken = {n for n, _ in items}
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{stem}_{n}.{suffix}" if suffix else f"{stem}_{n}"
    return candidate


def mark_exported(vault: Vault, file_ids: list[str], bundle_file: str) -> None:
    at = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    with vault.store.transaction() as conn:
        conn.executemany(
            "INSERT OR REPLACE INTO media_exported (file_id, bundle, exported_at) VALUES (?, ?, ?)",
            [(file_id, bundle_file, at) for file_id in file_ids],
        )
