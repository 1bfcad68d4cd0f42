"""Working on a whole file's records at once (a fetch stores 50,000 of them).

A file makes hundreds of thousands of small acyclic objects (records, texts,
the rows of an ``executemany``): while they are made, the cyclic garbage
collector walks the ones alive again and again, for nothing it could free
(a 50,000-record fetch: 0.08 s of its time, the list built after it 0.05 s).
``core.formats`` pauses it for a file's read; the steps after the read pause it
the same way. Garbage made meanwhile is collected when it runs again.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for the block (as it was after)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
