"""The line connection's refusal, below both its halves (the import checks
raise it as well as the sync), so neither imports the other for it."""

from __future__ import annotations

from core.errors import RenkeiError


class BoundaryError(RenkeiError):
    """The line connection cannot run (not configured, folder missing)."""
