"""Durable writes: the one helper every writer in the product uses.

The bottom of core: it imports nothing of core but ``core.errors``, so the
crypto primitives (``core.vault``), the store, the configuration and the
opened data directory all write through it.

A write that matters goes to a temporary file in the same directory, is
fsynced, renamed over the target and the directory fsynced, so after a crash
(or kill -9, or a full disk) the target holds either the old or the new
content, never a mix. A full disk is reported as ``DiskFull`` (a clear
message, the target untouched), never as a half-written file.

``AtomicFile`` is the object form (for writers fed piece by piece, such as a
download streamed into an encrypted file); ``atomic_writer`` and
``write_atomic`` are the usual forms.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from core.errors import RenkeiError

FILE_MODE = 0o600
DIR_MODE = 0o700
TEMP_PREFIX = ".tmp-"
_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


class DiskFull(RenkeiError):
    """The disk (or the quota) is full: the write was undone, the target untouched."""

    def __init__(self, path: str) -> None:
        super().__init__("vault.disk_full", path=path)


def fsync_dir(path: Path | str) -> None:
    """Make a rename or unlink in ``path`` durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def is_disk_full(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in _FULL


class AtomicFile:
    """A temp file beside ``path``: ``write`` into it, then ``commit`` or ``abort``.

    ``commit`` fsyncs, renames over ``path`` and fsyncs the directory; until
    then ``path`` is untouched. ``abort`` (also on any failure) removes the
    temp file. A full disk raises ``DiskFull`` after the temp file is removed.
    """

    def __init__(self, path: Path | str, mode: int = FILE_MODE) -> None:
        self.path = Path(path)
        fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=self.path.parent)
        self.tmp = Path(tmp_name)
        self._done = False
        try:
            os.fchmod(fd, mode)
            self.handle: BinaryIO = os.fdopen(fd, "wb")
        except BaseException:
            os.close(fd)
            self.tmp.unlink(missing_ok=True)
            raise

    def write(self, data: bytes | bytearray | memoryview) -> int:
        try:
            return self.handle.write(data)
        except OSError as exc:
            self._fail(exc)
            raise  # pragma: no cover - _fail always raises

    def write_at(self, offset: int, data: bytes) -> None:
        """Overwrite bytes at ``offset`` (e.g. a header filled in at the end)."""
        try:
            end = self.handle.seek(0, os.SEEK_END)
            self.handle.seek(offset)
            self.handle.write(data)
            self.handle.seek(end)
        except OSError as exc:
            self._fail(exc)

    def commit(self) -> None:
        if self._done:
            return
        try:
            self.handle.flush()
            os.fsync(self.handle.fileno())
            self.handle.close()
            os.replace(self.tmp, self.path)
            self._done = True
            fsync_dir(self.path.parent)
        except OSError as exc:
            if not self._done:
                self._fail(exc)
            raise

    def abort(self) -> None:
        if self._done:
            return
        self._done = True
        with contextlib.suppress(OSError):
            self.handle.close()
        with contextlib.suppress(FileNotFoundError):
            self.tmp.unlink()

    def _fail(self, exc: OSError) -> None:
        self.abort()
        if is_disk_full(exc):
            raise DiskFull(str(self.path)) from exc
        raise exc

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()


@contextlib.contextmanager
def atomic_writer(path: Path | str, mode: int = FILE_MODE) -> Iterator[BinaryIO]:
    """Open a temp file beside ``path``; on clean exit it replaces ``path`` durably.

    On any exception the temp file is removed and ``path`` is untouched.
    """
    atomic = AtomicFile(path, mode)
    try:
        yield atomic.handle
    except BaseException as exc:
        atomic.abort()
        if is_disk_full(exc):
            raise DiskFull(str(atomic.path)) from exc
        raise
    atomic.commit()


def write_atomic(path: Path | str, data: bytes | Iterable[bytes], mode: int = FILE_MODE) -> None:
    """Replace ``path`` with ``data`` (bytes or an iterable of chunks), durably."""
    with AtomicFile(path, mode) as out:
        if isinstance(data, bytes | bytearray | memoryview):
            out.write(data)
        else:
            for chunk in data:
                out.write(chunk)


def remove_durably(path: Path | str) -> bool:
    """Unlink ``path`` and fsync its directory; False when it was already gone."""
    target = Path(path)
    try:
        target.unlink()
    except FileNotFoundError:
        return False
    fsync_dir(target.parent)
    return True


def make_private_dir(path: Path | str) -> Path:
    """Create ``path`` (and parents) as a 0700 directory, durably."""
    target = Path(path)
    if not target.is_dir():
        target.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        fsync_dir(target.parent)
    os.chmod(target, DIR_MODE)
    return target


def sweep_temp_files(folder: Path | str, recursive: bool = False) -> int:
    """Remove temp files a crash left behind in ``folder``; returns how many."""
    count = 0
    pattern = f"**/{TEMP_PREFIX}*" if recursive else f"{TEMP_PREFIX}*"
    for leftover in Path(folder).glob(pattern):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
            count += 1
    return count
