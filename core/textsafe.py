"""Text from outside (a server's listing, a file name in a folder, a field of a
record) shown to a person: every character that could move the cursor, change
the terminal's state, reverse the reading order or hide itself is written as
its escape (``\\x1b``, ``\\u202e``), so what is printed is what arrived.
"""

from __future__ import annotations

import unicodedata

# Categories that never print as themselves: controls, format characters
# (bidi overrides, zero-width), separators that break lines, surrogates,
# private use and unassigned code points.
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
ELLIPSIS = "…"


def escape_char(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def shown(text: object, limit: int = 200, keep_newlines: bool = False) -> str:
    """``text`` safe to print on a terminal, at most ``limit`` characters of it
    (0: no limit). ``keep_newlines`` keeps ``\\n`` for multi-line messages."""
    value = str(text)
    cut = bool(limit) and len(value) > limit
    if cut:
        value = value[:limit]
    out = []
    for ch in value:
        if keep_newlines and ch == "\n":
            out.append(ch)
        elif unicodedata.category(ch) in HIDDEN_CATEGORIES:
            out.append(escape_char(ch))
        else:
            out.append(ch)
    return "".join(out) + (ELLIPSIS if cut else "")


# A spreadsheet reads a cell starting with one of these as a formula
# (OWASP "CSV Injection": = + - @, tab and carriage return).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(cell: str) -> str:
    """``cell`` for a CSV a person opens in a spreadsheet: a leading formula
    character is preceded by ``'`` (the OWASP rule), so it is shown as text."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell
