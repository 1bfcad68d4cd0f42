"""Derive a key from a passphrase with scrypt, in a short-lived child process.

The one place in core that runs scrypt (the operators' key slots, a version 1
key file, the USB transfer key). The standard cost (n=2**17, r=8) needs a
128 MiB work area by design: that is what makes guessing the key file's
passphrase offline expensive. Done inside the terminal it would set the
terminal's peak resident memory for the rest of the day, so the work runs in
a child (``python -I -S`` with only ``hashlib``: no site, no core, a few ms to
start) whose memory goes back to the system when it exits.

The child gets the passphrase, salt and parameters on its stdin, never in
argv or the environment (both readable in ``/proc`` by the same user), and
gets an environment with none of the parent's variables but the few the
interpreter and OpenSSL may need (``RENKEI_PASSPHRASE`` is not passed on). It
makes itself non-dumpable before it reads them, as the terminal is. It
answers ``MAGIC`` and the key on stdout; anything else (a non-zero exit, a
signal, a short or foreign answer, no answer in ``TIMEOUT`` s) is
``KeyDerivationFailed`` and no key is returned, so no key file is written
from it. There is no retry in-process then: a child killed for memory would
take the terminal with it if the work were repeated here.

Only when no child can be started at all (``OSError`` from the spawn: no
interpreter at ``sys.executable``, no process or memory left to fork, a
sandbox that forbids exec) is the same OpenSSL scrypt (``hashlib.scrypt``) run
in-process: the key is the same, only the peak memory differs. Each such run
is counted in ``in_process_runs``.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys

from core.vault.errors import KeyDerivationFailed, KeyDerivationParams

MAGIC = b"renkei-kdf-1\n"
TIMEOUT = 300.0  # s; the standard cost takes well under 1 s, a damaged file may ask more
MAX_MEM = 2**31 - 1  # hashlib's bound for ``maxmem`` (an int in OpenSSL)
MAX_LENGTH = 1024

# The seam for tests and the benchmark: the interpreter that runs the child
# (None: ``sys.executable``), and ``IN_PROCESS`` to run scrypt here as before.
INTERPRETER: str | None = None
IN_PROCESS = False
in_process_runs = 0

# The child's first lines: on Linux it makes itself non-dumpable before the
# passphrase is in its memory, as ``core.hardening`` does for the terminal
# (exec resets the flag; the core size limit of 0 is inherited).
_PRELUDE = (
    "import sys,hashlib\n"
    "if sys.platform.startswith('linux'):\n"
    " import ctypes\n"
    " ctypes.CDLL(None).prctl(4,0,0,0,0)\n"
)
# Then it reads "n r p maxmem length s<salt in hex>" and a newline, the
# passphrase up to EOF, and writes MAGIC and the key. Stdlib only, nothing
# printed on error (its stderr is discarded; a traceback names no values).
_CHILD = _PRELUDE + (
    "h,_,pw=sys.stdin.buffer.read().partition(b'\\n')\n"
    "n,r,p,m,k,s=h.split()\n"
    "key=hashlib.scrypt(pw,salt=bytes.fromhex(s[1:].decode()),n=int(n),r=int(r),p=int(p),"
    "maxmem=int(m),dklen=int(k))\n"
    f"sys.stdout.buffer.write({MAGIC!r}+key)\n"
)

# What the child may inherit: the loader's and OpenSSL's own settings.
_PASSED_ENV = ("LD_LIBRARY_PATH", "OPENSSL_CONF", "OPENSSL_MODULES", "OPENSSL_ia32cap")


def scrypt(passphrase: bytes, salt: bytes, *, n: int, r: int, p: int, length: int = 32) -> bytes:
    """The scrypt key (RFC 7914) of ``passphrase``; ``KeyDerivationFailed`` if the
    child fails, ``KeyDerivationParams`` for parameters scrypt does not take."""
    _check(n, r, p, length)
    maxmem = _maxmem(n, r, p)
    if IN_PROCESS:
        return _here(passphrase, salt, n, r, p, maxmem, length)
    header = f"{n} {r} {p} {maxmem} {length} s{salt.hex()}\n".encode("ascii")
    try:
        child = subprocess.Popen(
            [INTERPRETER or sys.executable or "", "-I", "-S", "-c", _CHILD],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={k: v for k, v in os.environ.items() if k in _PASSED_ENV},
            close_fds=True,
        )
    except OSError:
        return _here(passphrase, salt, n, r, p, maxmem, length)
    try:
        out, _ = child.communicate(header + passphrase, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        _stop(child)
        raise KeyDerivationFailed("vault.kdf.timeout", seconds=f"{TIMEOUT:.0f}") from None
    except BaseException:  # Ctrl+C, or anything else: no child left holding the secret
        _stop(child)
        raise
    status = child.returncode
    if status < 0:
        raise KeyDerivationFailed("vault.kdf.signal", signal=_signal_name(-status))
    if status != 0:
        raise KeyDerivationFailed("vault.kdf.status", status=status)
    if len(out) != len(MAGIC) + length or not out.startswith(MAGIC):
        raise KeyDerivationFailed("vault.kdf.answer", size=len(out), expected=len(MAGIC) + length)
    return out[len(MAGIC) :]


def _check(n: int, r: int, p: int, length: int) -> None:
    """What scrypt takes (RFC 7914 section 2: N a power of 2 above 1, r and p
    positive, r*p < 2**30), and what the child's memory bound allows."""
    ok = (
        n > 1
        and n & (n - 1) == 0
        and r > 0
        and p > 0
        and r * p < 2**30
        and 0 < length <= MAX_LENGTH
        and 128 * r * (n + p + 2) <= MAX_MEM
    )
    if not ok:
        raise KeyDerivationParams(n=n, r=r, p=p, length=length)


def _maxmem(n: int, r: int, p: int) -> int:
    """OpenSSL's bound on the work area (V: 128*r*(n+2) bytes, B: 128*r*p), with
    room to spare; hashlib's default (32 MiB) is below the standard cost."""
    return min(MAX_MEM, 128 * r * (n + p + 2) + (1 << 20))


def _here(
    passphrase: bytes, salt: bytes, n: int, r: int, p: int, maxmem: int, length: int
) -> bytes:
    """scrypt in this process (no child could be started)."""
    global in_process_runs
    in_process_runs += 1
    try:
        return hashlib.scrypt(passphrase, salt=salt, n=n, r=r, p=p, maxmem=maxmem, dklen=length)
    except (ValueError, MemoryError):  # OpenSSL could not have its work area
        raise KeyDerivationFailed("vault.kdf.memory") from None


def _stop(child: subprocess.Popen[bytes]) -> None:
    child.kill()
    child.communicate()


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)
