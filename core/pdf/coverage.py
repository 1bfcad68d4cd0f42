"""Can every character be printed? Checked before anything is written.

fpdf2 draws nothing for a character no font has and only logs it, so a name
could lose a character on paper without anyone noticing. Each value is
checked here against the character maps of the fonts (the fontTools cmaps that
fpdf2 itself loaded): a character no font has is printed as its code, e.g.
``[U+2A6A5]``; a variation selector (異体字セレクタ) cannot be honoured by a
plain cmap, so the base character is printed and the selector reported. Both
come back as ``Flag`` so the list and the operator see them.

Results are cached per distinct string and per character: a list repeats the
same names, dates and labels many times.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MISSING = "missing"  # in no font: printed as [U+XXXX]
VARIATION = "variation"  # a variation selector: base character printed, selector dropped

PRIMARY = 0
FALLBACK = 1
ABSENT = 2
SELECTOR = 3


def is_variation_selector(cp: int) -> bool:
    """Standard (FE00–FE0F), Mongolian (180B–180D, 180F) and ideographic
    (E0100–E01EF) variation selectors."""
    return 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF or 0x180B <= cp <= 0x180F


def u_code(cp: int) -> str:
    return f"U+{cp:04X}"


@dataclass(frozen=True)
class Flag:
    """A character that is not printed as it is in the data."""

    kind: str  # MISSING or VARIATION
    chars: str  # the character (MISSING) or base + selector (VARIATION)
    printed: str  # what the list shows instead

    @property
    def codes(self) -> str:
        return " ".join(u_code(ord(c)) for c in self.chars)


@dataclass(frozen=True)
class Checked:
    """One value made printable."""

    text: str  # what is drawn
    fallback: bool  # some character needs a fallback font
    flags: tuple[Flag, ...]
    units: float  # advance width in 1/1000 em of the font that draws each character


class Coverage:
    """The fonts' character maps and widths, and a cache of checked values.

    ``fonts`` is in print order; each is ``(cmap, widths)`` where ``cmap`` holds
    the code points the font has and ``widths`` maps a code point to its advance
    in 1/1000 em (fpdf2's ``TTFFont.cmap`` and ``.cw``).
    """

    def __init__(self, fonts: Sequence[tuple[Mapping[int, object], Mapping[int, float]]]) -> None:
        if not fonts:
            raise ValueError("at least one font is needed")
        self._fonts = fonts
        self._chars: dict[int, tuple[int, float]] = {}
        self._strings: dict[str, Checked] = {}

    def char(self, cp: int) -> tuple[int, float]:
        """(PRIMARY | FALLBACK | ABSENT | SELECTOR, width) of one code point."""
        known = self._chars.get(cp)
        if known is not None:
            return known
        if is_variation_selector(cp):
            known = (SELECTOR, 0.0)
        else:
            known = (ABSENT, 0.0)
            for number, (cmap, widths) in enumerate(self._fonts):
                if cp in cmap:
                    known = (PRIMARY if number == 0 else FALLBACK, float(widths[cp]))
                    break
        self._chars[cp] = known
        return known

    def check(self, value: str) -> Checked:
        """``value`` as it will be printed, with every deviation flagged."""
        known = self._strings.get(value)
        if known is not None:
            return known
        parts: list[str] = []
        flags: list[Flag] = []
        fallback = False
        units = 0.0
        previous, previous_shown = "", ""
        for ch in value:
            where, width = self.char(ord(ch))
            shown = ch
            if where == PRIMARY:
                units += width
            elif where == FALLBACK:
                units += width
                fallback = True
            elif where == SELECTOR:
                flags.append(Flag(VARIATION, previous + ch, previous_shown))
                continue
            else:
                shown = f"[{u_code(ord(ch))}]"
                units += sum(self.char(ord(c))[1] for c in shown)
                flags.append(Flag(MISSING, ch, shown))
            parts.append(shown)
            previous, previous_shown = ch, shown
        checked = Checked("".join(parts), fallback, tuple(flags), units)
        self._strings[value] = checked
        return checked
