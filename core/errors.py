"""The product's error type: a message key plus parameters, rendered per language.

Core code raises ``RenkeiError`` subclasses with a catalogue key (see
``core.i18n``) so that the same error reads in Japanese at the counter and in
English for an administrator who chose it, and so that tests can assert on the
key instead of on wording.
"""

from __future__ import annotations

from typing import Any

from core.i18n import t


class RenkeiError(Exception):
    """Base of every error the product reports to a person.

    ``key`` names the message in the catalogue; ``params`` fill it in.
    ``exit_code`` is what the command line exits with when this ends a command.
    """

    exit_code: int = 1

    def __init__(self, key: str, /, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.params)

    def __str__(self) -> str:  # the process language, for logs and tracebacks
        return self.message()


# Exit codes of the ``renkei`` command, one meaning each. This table is the one
# place they are written: ``renkei --help`` is made from it and the README's
# "Exit codes" table is checked against it (tests/test_exit_codes.py).
EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2  # argparse's own code
EXIT_LOCKED = 3
EXIT_EXCHANGE = 4
EXIT_CARD = 5
EXIT_FORBIDDEN = 6  # the operator's role may not do this (core/datadir/roles.toml)
EXIT_INTERNAL = 70  # EX_SOFTWARE of sysexits.h
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports Ctrl+C
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a command killed by it

# code → (short name for --help, meaning for the README)
EXIT_CODES: dict[int, tuple[str, str]] = {
    EXIT_OK: ("ok", "done"),
    EXIT_PROBLEMS: (
        "problems",
        "the data check found problems, or the server rejected records (also: a received "
        "file needs attention, a full disk)",
    ),
    EXIT_USAGE: ("usage", "wrong arguments"),
    EXIT_LOCKED: (
        "locked",
        "not initialised, wrong passphrase, or unsafe permissions; another process held what "
        "the command needs for longer than it waits (the message names it); the database was "
        "restored from a backup (`renkei recover`)",
    ),
    EXIT_EXCHANGE: (
        "exchange",
        "the linkage server could not be reached or answered an error (or the clock differs "
        "from the server's beyond `skew_warn_seconds`)",
    ),
    EXIT_CARD: ("card", "card reader, card service or card error"),
    EXIT_FORBIDDEN: (
        "forbidden",
        "the operator's role may not do this; the message names the role it needs; nothing "
        "was changed (the refusal is in the audit log)",
    ),
    EXIT_INTERNAL: (
        "internal",
        "an unexpected internal error (a bug; `RENKEI_DEBUG=1` shows the traceback)",
    ),
    EXIT_INTERRUPTED: ("interrupted", "interrupted (Ctrl+C)"),
    EXIT_BROKEN_PIPE: (
        "pipe",
        "the reader of the output went away (`\\| head`): ended quietly",
    ),
}


def exit_codes_line() -> str:
    """The exit codes in one line, for ``renkei --help``."""
    return ", ".join(f"{code} {short}" for code, (short, _) in EXIT_CODES.items())


def exit_codes_table() -> str:
    """The README's exit-code table (Markdown)."""
    rows = [f"| {code} | {meaning} |" for code, (_, meaning) in EXIT_CODES.items()]
    return "\n".join(["| code | meaning |", "|---|---|", *rows])
