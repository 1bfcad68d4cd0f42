"""Local state: one SQLite database (WAL) in the data directory.

``Store`` (``core.store.db``) applies the versioned migrations of
``core/store/migrations`` and gives every part ``transaction()``, ``seal`` /
``unseal`` for personal fields and ``blind`` for lookups without plaintext.
``core.store.audit`` keeps the hash-chained audit log in it.
"""

from core.store.db import Store

__all__ = ["Store"]
