"""The vault's errors: each refusal its own class, each with a catalogue key.

Callers (and tests) catch the class; a person reads the message in
``core/i18n/messages/vault.toml``. Everything that means "cannot open the
terminal" exits with ``EXIT_LOCKED``.
"""

from __future__ import annotations

from core.errors import EXIT_LOCKED, RenkeiError


class VaultError(RenkeiError):
    """Base of every vault refusal."""


class EnvelopeError(VaultError):
    """An encrypted file that cannot be trusted; no plaintext of it is released."""


class NotAnEnvelope(EnvelopeError):
    def __init__(self, path: str) -> None:
        super().__init__("vault.envelope.not_envelope", path=path)


class UnsupportedVersion(EnvelopeError):
    def __init__(self, path: str, version: int) -> None:
        super().__init__("vault.envelope.version", path=path, version=version)


class WrongKey(EnvelopeError):
    def __init__(self, path: str, key_id: str) -> None:
        super().__init__("vault.envelope.wrong_key", path=path, key_id=key_id)


class ChunkTampered(EnvelopeError):
    def __init__(self, path: str, chunk: int) -> None:
        super().__init__("vault.envelope.tampered", path=path, chunk=chunk)


class ChunkOutOfOrder(EnvelopeError):
    def __init__(self, path: str, chunk: int, belongs: int) -> None:
        super().__init__("vault.envelope.reordered", path=path, chunk=chunk, belongs=belongs)


class Truncated(EnvelopeError):
    def __init__(self, path: str, chunk: int) -> None:
        super().__init__("vault.envelope.truncated", path=path, chunk=chunk)


class Extended(EnvelopeError):
    def __init__(self, path: str, chunk: int) -> None:
        super().__init__("vault.envelope.extended", path=path, chunk=chunk)


class SealError(VaultError):
    """A sealed database field that does not open (altered, moved, or wrong key)."""

    def __init__(self, key: str = "vault.seal.tampered", **params: object) -> None:
        super().__init__(key, **params)


class LockedError(VaultError):
    """The terminal cannot be opened: not initialised, wrong passphrase, unsafe."""

    exit_code = EXIT_LOCKED


class NotInitialised(LockedError):
    def __init__(self, path: str) -> None:
        super().__init__("vault.not_initialised", path=path)


class AlreadyInitialised(LockedError):
    def __init__(self, path: str) -> None:
        super().__init__("vault.already_initialised", path=path)


class WrongPassphrase(LockedError):
    def __init__(self, failures: int, delay: float) -> None:
        super().__init__("vault.passphrase.wrong", failures=failures, delay=f"{delay:.1f}")


class NoPassphrase(LockedError):
    def __init__(self) -> None:
        super().__init__("vault.passphrase.missing")


class InsecurePermissions(LockedError):
    def __init__(self, path: str, mode: str) -> None:
        super().__init__("vault.permissions.insecure", path=path, mode=mode)


class ForeignOwner(LockedError):
    def __init__(self, path: str, uid: int) -> None:
        super().__init__("vault.permissions.owner", path=path, uid=uid)


class InUse(LockedError):
    def __init__(self, path: str, holder: str = "") -> None:
        if holder:
            super().__init__("vault.in_use_by", path=path, holder=holder)
        else:
            super().__init__("vault.in_use", path=path)


# -- operators (issue #17) ---------------------------------------------------------


class UnknownOperator(WrongPassphrase):
    """No operator of that name (counted like a wrong passphrase)."""

    def __init__(self, operator: str, failures: int, delay: float) -> None:
        LockedError.__init__(
            self, "operator.unknown", operator=operator, failures=failures, delay=f"{delay:.1f}"
        )


class OperatorDisabled(LockedError):
    def __init__(self, operator: str) -> None:
        super().__init__("operator.disabled", operator=operator)


class OperatorTableAltered(LockedError):
    """keys.toml's operator table does not carry the MAC the KWK gives."""

    def __init__(self, path: str) -> None:
        super().__init__("operator.table_altered", path=path)


class SecondFactorNeeded(LockedError):
    """The operator has a second factor: a code must come with the passphrase."""

    def __init__(self, operator: str) -> None:
        super().__init__("operator.totp_needed", operator=operator)


class WrongCode(WrongPassphrase):
    """Wrong passphrase or wrong code (which of the two is not said)."""

    def __init__(self, failures: int, delay: float) -> None:
        LockedError.__init__(self, "operator.totp_wrong", failures=failures, delay=f"{delay:.1f}")


class MustEnrol(LockedError):
    def __init__(self, operator: str, role: str) -> None:
        super().__init__("operator.totp_must_enrol", operator=operator, role=role)


class MustChangePassphrase(LockedError):
    def __init__(self, operator: str) -> None:
        super().__init__("operator.must_change", operator=operator)


# -- the key derivation (core.vault.kdf) -------------------------------------------


class KeyDerivationFailed(VaultError):
    """The scrypt child did not answer with a key: no key, so nothing is written."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key, **params)


class KeyDerivationParams(VaultError):
    """scrypt parameters it does not take (a damaged or altered key file)."""

    def __init__(self, **params: object) -> None:
        super().__init__("vault.kdf.params", **params)
