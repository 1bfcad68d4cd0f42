"""Encryption at rest.

- ``unlock``: ``init_vault`` / ``open_vault(data_dir, passphrase) -> Vault`` — the
  one way in (permissions checked, keys unwrapped, store and audit opened).
- ``envelope``: the streaming AES-256-GCM file format (``EnvelopeWriter``,
  ``iter_decrypt``, ``read_all``, ``encrypt_file``, ``decrypt_file``).
- ``keys``: data keys, the scrypt-wrapped key file, the keyring.
- ``rekey``: moving to a new data key, resumably.
- ``passphrase``: where scripted commands find the passphrase.
- ``errors``: every refusal, each its own class and catalogue key.
"""
