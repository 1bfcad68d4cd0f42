"""HTTP Range for notice downloads (PROTOCOL.md: resume after a broken link).

One range ``bytes=first-[last]`` is served (RFC 9110 §14.1.2), conditional on
``If-Range`` naming the current ETag (the file's SHA-256); a suffix range
(``bytes=-n``), several ranges or another unit are refused with 416 — the
terminal resumes only from an offset. The body is streamed in chunks,
throttled or cut when a fault says so.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from core.reference.wire import Cut, Request

CHUNK = 64 * 1024


class BadRange(ValueError):
    """A Range this server does not serve: answered 416 with ``bytes */size``."""


def byte_range(wanted: str, if_range: str, sha256: str, size: int) -> tuple[int, int] | None:
    """(first, last) byte asked for, or None for the whole file: no ``Range``, or an
    ``If-Range`` that names another version. Raises BadRange."""
    if not wanted or (if_range and if_range.strip('"') != sha256):
        return None
    unit, _, spec = wanted.partition("=")
    first, _, last = spec.partition("-")
    try:
        if unit.strip() != "bytes" or "," in spec or not first:
            raise ValueError(wanted)
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
        if start > end or start >= size:
            raise ValueError(wanted)
    except ValueError as exc:
        raise BadRange(wanted) from exc
    return start, end


async def stream(
    req: Request,
    path: Path,
    start: int,
    length: int,
    *,
    name: str,
    cut_at: int | None = None,
    rate: float = 0.0,
) -> None:
    """Send ``length`` bytes of ``path`` from ``start`` as the answer's body (its
    start already sent); ``cut_at`` bytes sent, the connection is cut; ``rate``
    bytes per second at most (0: as fast as it goes)."""
    sent = 0
    began = time.monotonic()
    chunk_size = CHUNK if not rate else max(1024, min(CHUNK, int(rate / 20)))
    with path.open("rb") as handle:
        handle.seek(start)
        while sent < length:
            piece = handle.read(min(chunk_size, length - sent))
            if not piece:
                break
            if cut_at is not None and sent + len(piece) >= cut_at:
                piece = piece[: max(cut_at - sent, 0)]
                if piece:
                    await req.send({"type": "http.response.body", "body": piece, "more_body": True})
                raise Cut(f"download of {name} cut after {cut_at} bytes")
            sent += len(piece)
            await req.send(
                {"type": "http.response.body", "body": piece, "more_body": sent < length}
            )
            if rate:
                ahead = began + sent / rate - time.monotonic()
                if ahead > 0:
                    await asyncio.sleep(ahead)
    if sent < length:  # the file shrank under us
        raise Cut(f"{name} changed while being served")
