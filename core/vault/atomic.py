"""Durable writes: the one helper every writer in the product uses.

A write that matters goes to a temporary file in the same directory, is
fsynced, renamed over the target and the directory fsynced, so after a crash
(or kill -9, or a full disk) the target holds either the old or the new
content, never a mix.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

FILE_MODE = 0o600
DIR_MODE = 0o700
TEMP_PREFIX = ".tmp-"


def fsync_dir(path: Path) -> None:
    """Make a rename or unlink in ``path`` durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_writer(path: Path | str, mode: int = FILE_MODE) -> Iterator[BinaryIO]:
    """Open a temp file beside ``path``; on clean exit it replaces ``path`` durably.

    On any exception the temp file is removed and ``path`` is untouched.
    """
    target = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=target.parent)
    tmp = Path(tmp_name)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
        fsync_dir(target.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def write_atomic(path: Path | str, data: bytes | Iterable[bytes], mode: int = FILE_MODE) -> None:
    """Replace ``path`` with ``data`` (bytes or an iterable of chunks), durably."""
    with atomic_writer(path, mode) as handle:
        if isinstance(data, bytes | bytearray | memoryview):
            handle.write(data)
        else:
            for chunk in data:
                handle.write(chunk)


def remove_durably(path: Path | str) -> bool:
    """Unlink ``path`` and fsync its directory; False when it was already gone."""
    target = Path(path)
    try:
        target.unlink()
    except FileNotFoundError:
        return False
    fsync_dir(target.parent)
    return True


def sweep_temp_files(folder: Path | str) -> int:
    """Remove temp files a crash left behind in ``folder``; returns how many."""
    count = 0
    for leftover in Path(folder).glob(f"{TEMP_PREFIX}*"):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
            count += 1
    return count
