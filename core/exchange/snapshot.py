"""A sealed snapshot of the 未入力 list: unlocking shows it without reading,
decrypting and parsing every waiting certificate again.

Reading 100,000 sealed rows costs most of a second (the SQL read, one AES-GCM
open and one JSON record each, then the columns and the search keys built
anew); the same columns as a few large buffers open in a tenth of that. So once
a list has been built from the rows (and its search keys too), it is written
here, and the next load takes it when, and only when, it still equals the
store:

- The database holds a random token (``waiting_state``, migration 0140) that
  triggers replace in the same transaction as every change to a certificate
  that is or was waiting — by this process or another, by any code path
  (fetch, a notice reporting the date, send, correction, rekey, a purge). The
  snapshot carries the token it was built at; another token means the list
  changed since, and the rows are read instead (then a new snapshot written).
  A random token, not a counter, also tells a database restored from a copy
  and changed again from the history the snapshot was made in.
- The dates entered here are not in it: they are read from the send queue at
  every load (a date entry changes no certificate, so it keeps the snapshot).
- It is an envelope (``core.vault.envelope``: AES-256-GCM under the data key,
  every chunk authenticated, truncation and extension detected), written
  through the project's atomic, durable writer: a crash leaves the old file
  or the new one. A file that is missing, cut, altered, under another key, of
  another format, or made with other search-key rules is not used; the rows
  are. Nothing of it is ever written in the clear, and ``renkei rekey``
  re-encrypts it with every other envelope.

Plaintext layout: ``MAGIC``, then frames (8-byte big-endian length, bytes):
first the description (JSON: the token and ``WaitingList.pack``'s), then the
list's parts in order.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import RenkeiError
from core.paths import WAITING_SNAPSHOT_NAME
from core.vault import envelope
from core.waiting import WaitingList

if TYPE_CHECKING:
    from core.store.db import Store

MAGIC = b"renkei waiting snapshot 1\n"
CHUNK = envelope.DEFAULT_CHUNK  # plaintext bytes per sealed chunk
ROW_BYTES = 512  # a generous size of one row in the file (about 250 measured at 100,000)
SPARE = 256 * 1024 * 1024  # free disk space a snapshot never takes
_LENGTH = 8


def path_of(store: Store) -> Path:
    """The snapshot file of the data directory ``store`` is in."""
    return store.path.parent / WAITING_SNAPSHOT_NAME


def token(store: Store) -> str:
    """The list's state token now (read it in the same read transaction as
    the rows it stands for: ``Store.reading``)."""
    rows = store.query("SELECT token FROM waiting_state WHERE id = 1")
    return str(rows[0][0]) if rows else ""


class _Frames:
    """Frames read from an envelope's verified chunks, a frame at a time."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = bytearray()

    def exact(self, size: int) -> bytes:
        buffer = self._buffer
        while len(buffer) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                raise ValueError("the snapshot ends early")
            buffer += chunk
        out = bytes(buffer[:size])
        del buffer[:size]
        return out

    def frame(self) -> bytes:
        return self.exact(int.from_bytes(self.exact(_LENGTH), "big"))

    def end(self) -> None:
        """Nothing follows, and the envelope's last chunk verified (a file cut
        at a chunk boundary raises here)."""
        if self._buffer or any(self._chunks):
            raise ValueError("the snapshot goes on after its last frame")


@contextlib.contextmanager
def _opened(store: Store) -> Iterator[_Frames | None]:
    """The snapshot's frames after its magic, or None (no key, no file, not
    ours); the file is closed after the block. Decryption errors are raised
    from the block's reads (the envelope's RenkeiErrors)."""
    path = path_of(store)
    keys = store.keyring
    if keys is None or not path.exists():
        yield None
        return
    chunks = envelope.iter_decrypt(path, keys)
    try:
        frames = _Frames(chunks)
        yield frames if frames.exact(len(MAGIC)) == MAGIC else None
    finally:
        chunks.close()  # type: ignore[attr-defined]  # a generator: closes the file


def load(store: Store, now: str, entered: dict[str, date]) -> WaitingList | None:
    """The list from the snapshot if it was made at token ``now``; else None
    (no file, another state, or a file that does not open whole)."""
    if not now:
        return None
    try:
        with _opened(store) as frames:
            if frames is None:
                return None
            described: dict[str, Any] = json.loads(frames.frame())
            if described.get("token") != now:
                return None
            index = WaitingList.unpack(described["list"], frames.frame, entered)
            frames.end()
            return index
    except (RenkeiError, OSError, ValueError, KeyError, TypeError, IndexError):
        return None  # the envelope errors are RenkeiErrors; the rest: not our format


def sealed_token(store: Store) -> str | None:
    """The token the snapshot on disk was made at (its first chunk only), or
    None when there is none that opens."""
    try:
        with _opened(store) as frames:
            if frames is None:
                return None
            found = json.loads(frames.frame()).get("token")
            return found if isinstance(found, str) else None
    except (RenkeiError, OSError, ValueError, AttributeError):
        return None


def save(store: Store, at: str, index: WaitingList) -> bool:
    """Seal ``index`` (built from the rows at token ``at``, its search keys
    built) as the snapshot; False, and the old file kept, when the store was
    closed (locked) or changed meanwhile, or the write failed. Never raises:
    the snapshot only saves time."""
    keys = store.keyring
    if keys is None or store.closed or not at or not _room_for(store, index):
        return False
    try:
        described, parts = index.pack()
        writer = envelope.EnvelopeWriter(path_of(store), keys.current, CHUNK)
    except (RenkeiError, OSError, ValueError):
        return False
    try:
        writer.write(MAGIC)
        _frame(writer, json.dumps({"token": at, "list": described}).encode())
        for part in parts:
            if _closed(store):  # locked: stop at once, nothing published
                writer.abort()
                return False
            _frame(writer, part)
        del parts
        with store.reading():  # published only while the store is open and unchanged
            if token(store) != at:
                writer.abort()
                return False
            writer.close()
        return True
    except Exception:  # a full disk, a closed store: the rows stay the truth
        with contextlib.suppress(Exception):
            writer.abort()
        return False


def save_quietly(store: Store, at: str, index: WaitingList) -> None:
    """``save``, for a callback that returns nothing."""
    save(store, at, index)


def _room_for(store: Store, index: WaitingList) -> bool:
    """Whether the disk keeps ``SPARE`` bytes free beside a new snapshot (the
    old one stays until the new one is whole): a cache must never be what
    fills the disk the database writes to."""
    folder = path_of(store).parent
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return False
    return free > SPARE + ROW_BYTES * len(index)


def _closed(store: Store) -> bool:
    return store.closed


def _frame(writer: envelope.EnvelopeWriter, data: bytes) -> None:
    writer.write(len(data).to_bytes(_LENGTH, "big"))
    writer.write(data)
