"""The opened data directory: everything a terminal holds once unlocked.

- ``opened``: ``Vault``, the unlocked data directory (keyring, settings,
  store, audit log, the shared lock) with its encrypted-file helpers.
- ``unlock``: ``init_vault`` / ``open_vault(data_dir, passphrase) -> Vault`` —
  the one way in (permissions checked, keys unwrapped, store and audit
  opened) — and ``change_passphrase``.
- ``anchor``: the rollback anchor and the wrong-passphrase counters.
- ``rekey``: moving to a new data key, resumably.
- ``operators`` / ``roles``: who may unlock, and what each role may do.
- ``audit_export``: searching the audit log, exporting it signed.

Above ``core.store``, ``core.config`` and the crypto primitives
(``core.vault``); below the workflows and the facade. The names of the files
inside a data directory are in ``core.paths``.
"""
