"""Schema migrations, applied in order: ``NNNN_name.sql`` or ``NNNN_name.py``.

Ranges, so numbers never clash: vault 0001–0099, exchange 0100–0199,
pdf 0200–0299, boundary/media 0300–0399. A ``.sql`` file is a list of
statements run in one transaction; a ``.py`` file defines
``migrate(conn: sqlite3.Connection) -> None`` (run in the same way; it must
not commit). A migration never changes once landed: add a new one.

A column holding a blind index (``Store.blind``) is declared in
``vault_blind_columns`` so that ``renkei rekey`` can recompute it from the
sealed column it was made from::

    INSERT INTO vault_blind_columns (table_name, column_name, source_column, purpose)
    VALUES ('entries', 'card_blind', 'card_sealed', 'card');
"""
