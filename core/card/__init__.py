"""The Residence Card / SPR certificate IC chip: APDUs, secure messaging, reads,
genuineness, the counter hand-over.

``pyscard`` (the optional extra ``renkei[card]``) is imported only inside
``core.card.reader`` and only when a reader is used, so every other module here,
and all of ``core``, imports on a machine without it. The protocol follows the
Immigration Services Agency's public 在留カード等仕様書 (first generation Ver 1.5,
second generation Ver 1.1); the file layout is data in ``layout.toml``.
"""
