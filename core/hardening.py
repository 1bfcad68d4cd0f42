"""Process hardening at the start of every renkei process.

The TUI holds names, card numbers and addresses in memory: a core dump (a
SIGQUIT, a crash) would write them in plaintext to disk. So the core size
limit is set to 0 (soft and hard: the process cannot raise it again) and, on
Linux, the process is made non-dumpable (``prctl(PR_SET_DUMPABLE, 0)``), which
also keeps other processes of the same user from reading its memory through
``/proc/PID/mem`` or ptrace.
"""

from __future__ import annotations

import ctypes
import resource
import sys

PR_SET_DUMPABLE = 4  # <linux/prctl.h>
PR_GET_DUMPABLE = 3


def libc() -> ctypes.CDLL | None:
    """The C library: on Linux the process's own symbols (``dlopen(NULL)``) hold
    it, found without ``find_library`` (which runs ``ldconfig`` at every start)."""
    if sys.platform.startswith("linux"):
        own = ctypes.CDLL(None, use_errno=True)
        if hasattr(own, "prctl"):
            return own
    from ctypes.util import find_library

    name = find_library("c")
    try:
        return ctypes.CDLL(name or "libc.so.6", use_errno=True)
    except OSError:
        return None


def no_core_dumps() -> bool:
    """Core dumps off for this process (and the children it starts); True when
    both the limit and (on Linux) the dumpable flag are set."""
    ok = True
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ValueError, OSError):
        ok = False
    if sys.platform.startswith("linux"):
        c = libc()
        if c is None or c.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
            ok = False
    return ok


def dumpable() -> int | None:
    """The dumpable flag of this process (Linux), for status and tests."""
    if not sys.platform.startswith("linux"):
        return None
    c = libc()
    return None if c is None else int(c.prctl(PR_GET_DUMPABLE, 0, 0, 0, 0))
