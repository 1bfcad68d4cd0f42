"""The resident-record system boundary (既存住基) by line connection (パターン1).

``sync(vault, now)`` (``vault``: the opened data directory) is what the
scheduler, the TUI and ``renkei boundary sync`` call: received MOJ notices out
to ``[boundary] export_dir`` in the boundary encoding (``core.boundary.export``),
municipal notice files in from
``[boundary] import_dir`` and into the send queue (``core.boundary.importer``).
``status(vault)`` says what was done and what is held back, with reports.
``notices`` holds the conversion shared with the USB bundle (``core.bundle``).

Plaintext in these folders is the municipality's explicit choice: nothing runs
unless ``linkage = "line"`` and a folder is configured.
"""

from __future__ import annotations

from core.boundary.errors import BoundaryError
from core.boundary.export import ExportRefusal
from core.boundary.importer import ImportOutcome
from core.boundary.sync import BoundaryStatus, SyncResult, folders, status, sync

__all__ = [
    "BoundaryError",
    "BoundaryStatus",
    "ExportRefusal",
    "ImportOutcome",
    "SyncResult",
    "folders",
    "status",
    "sync",
]
