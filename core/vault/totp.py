"""The second factor: TOTP (RFC 6238) codes and one-time recovery codes.

The code generator is ``cryptography``'s (HMAC-SHA1, 6 digits, 30 s steps, the
parameters every authenticator app uses); a code from the step before or after
is accepted for clock drift. The secret is sealed under the operator's own
passphrase-derived key (not the shared key-wrapping key), so no other operator
can read it; a passphrase reset by an admin therefore drops it and the
operator enrols again. Recovery codes are kept as HMACs under that same key and
each works once.

Which roles must have a second factor is site configuration:
``[security] totp_roles = ["admin", …]`` in ``config.toml``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from typing import Any

from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor import InvalidToken
from cryptography.hazmat.primitives.twofactor.totp import TOTP

DIGITS = 6
STEP = 30
DRIFT_STEPS = 1
RECOVERY_CODES = 8
ISSUER = "renkei"
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed by hand


def new_secret() -> bytes:
    """160 bits, the length RFC 4226 recommends for HMAC-SHA1."""
    return os.urandom(20)


def _totp(secret: bytes) -> TOTP:
    return TOTP(secret, DIGITS, SHA1(), STEP, enforce_key_length=False)


def code_at(secret: bytes, moment: float) -> str:
    return _totp(secret).generate(int(moment)).decode("ascii")


def verify(secret: bytes, code: str, moment: float | None = None) -> bool:
    """Whether ``code`` is the code of the step at ``moment`` (now) or next to it."""
    now = time.time() if moment is None else moment
    candidate = code.strip().replace(" ", "").encode("ascii", "replace")
    totp = _totp(secret)
    for drift in range(-DRIFT_STEPS, DRIFT_STEPS + 1):
        try:
            totp.verify(candidate, int(now) + drift * STEP)
            return True
        except InvalidToken:
            continue
    return False


def secret_text(secret: bytes) -> str:
    """The secret as authenticator apps take it typed in (base32, no padding)."""
    return base64.b32encode(secret).decode("ascii").rstrip("=")


def provisioning_uri(secret: bytes, operator: str, terminal: str) -> str:
    """The otpauth:// URI a QR code carries."""
    return _totp(secret).get_provisioning_uri(f"{operator}@{terminal}", ISSUER)


def recovery_codes() -> list[str]:
    """One-time codes, 10 characters each (about 50 bits), shown once."""
    return [
        "".join(secrets.choice(_ALPHABET) for _ in range(5))
        + "-"
        + "".join(secrets.choice(_ALPHABET) for _ in range(5))
        for _ in range(RECOVERY_CODES)
    ]


def recovery_mac(secret: bytes, code: str) -> str:
    """What is kept of a recovery code: an HMAC under a key derived from the
    TOTP secret (which is sealed), so the file alone does not reveal or test it."""
    key = hashlib.sha256(b"renkei recovery key v1|" + secret).digest()
    norm = code.strip().upper().replace(" ", "").replace("-", "")
    return hmac.new(key, norm.encode(), hashlib.sha256).hexdigest()


def use_recovery(secret: bytes, code: str, kept: list[str]) -> list[str] | None:
    """``kept`` without ``code`` if it is one of them (each works once), else None."""
    mac = recovery_mac(secret, code)
    if not any(hmac.compare_digest(mac, k) for k in kept):
        return None
    return [k for k in kept if not hmac.compare_digest(mac, k)]


def required_for(role: str, config: Any) -> bool:
    """Whether ``config`` (``[security] totp_roles``) requires a second factor of ``role``."""
    section = getattr(config, "extra", {}).get("security", {})
    return role in section.get("totp_roles", [])
