"""renkei core: the 情報連携端末 as a library.

Nothing under ``core`` imports Textual or prints; the TUI and the command line
in ``tui`` are its only callers.
"""

__version__ = "0.1.0"
