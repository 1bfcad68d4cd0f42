"""The error of a file that cannot be read as its kind at all."""

from __future__ import annotations

from core.errors import EXIT_PROBLEMS, RenkeiError


class FormatError(RenkeiError):
    """Not CSV, not UTF-8, or a required column missing: the file is rejected whole."""

    exit_code = EXIT_PROBLEMS
