"""Alt+digit as terminals send it: ESC then the digit.

Textual reads ``ESC 4`` as the character ``¢`` (``textual._ansi_sequences``
maps the ESC+digit sequences to what macOS Option+digit types, for WezTerm),
so a binding on ``alt+4`` never fires on a Linux console, in tmux or over SSH.
The App turns those characters back into ``alt+<digit>`` keys, except in a
free-text field (a passphrase may hold ``£`` or ``§``). The table is read from
Textual's own, so it follows Textual.
"""

from __future__ import annotations

from functools import cache

from textual import events


@cache
def digits() -> dict[str, str]:
    """Character Textual makes of ``ESC <digit>`` → the digit."""
    from textual._ansi_sequences import ANSI_SEQUENCES_KEYS

    out: dict[str, str] = {}
    for sequence, meaning in ANSI_SEQUENCES_KEYS.items():
        if len(sequence) == 2 and sequence[0] == "\x1b" and sequence[1].isdigit():
            if isinstance(meaning, str) and len(meaning) == 1:
                out[meaning] = sequence[1]
    return out


def as_alt(event: events.Key) -> events.Key | None:
    """The ``alt+<digit>`` key ``event`` stands for, or ``None``."""
    digit = digits().get(event.character or "")
    if digit is None or event.key.startswith("alt+"):
        return None
    return events.Key(f"alt+{digit}", None)
