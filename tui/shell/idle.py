"""The idle lock's clock: the last key or click, on the monotonic clock."""

from __future__ import annotations

import time


class IdleClock:
    def __init__(self) -> None:
        self._last = time.monotonic()

    def touch(self) -> None:
        """A key or a click (or an unlock): the idle time starts again."""
        self._last = time.monotonic()

    def seconds(self) -> float:
        return time.monotonic() - self._last

    def due(self, minutes: int) -> bool:
        """Whether ``minutes`` of idleness (``0``: never) have passed."""
        return minutes > 0 and self.seconds() >= minutes * 60
