"""Encryption at rest: the crypto primitives, and nothing of the data directory.

- ``envelope``: the streaming AES-256-GCM file format (``EnvelopeWriter``,
  ``iter_decrypt``, ``read_all``, ``encrypt_file``, ``decrypt_file``).
- ``keys``: data keys, the scrypt-wrapped key file with the operators' slots,
  the keyring.
- ``kdf``: scrypt, the passphrase's key derivation, run in a short-lived child
  process (its 128 MiB work area never counts against the terminal's memory).
- ``totp``: the second factor (RFC 6238 codes, recovery codes).
- ``passphrase``: the passphrase rules and where scripted commands find one.
- ``errors``: every refusal, each its own class and catalogue key.

Imports only ``core.durable``, ``core.paths`` and ``core.errors``: the opened
data directory (``core.datadir``), the store and the settings are above it.
"""
