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


# Exit codes of the ``renkei`` command, one meaning each (documented in README).
EXIT_OK = 0
EXIT_PROBLEMS = 1  # the data check found problems, or the server rejected records
EXIT_USAGE = 2  # wrong arguments (argparse's own code)
EXIT_LOCKED = 3  # not initialised, wrong passphrase, permissions refused
EXIT_EXCHANGE = 4  # the linkage server could not be reached or answered an error
EXIT_CARD = 5  # card reader, card service or card error
EXIT_FORBIDDEN = 6  # the operator's role may not do this (nothing was changed)
EXIT_INTERNAL = 70  # a bug: an unexpected exception (EX_SOFTWARE)
