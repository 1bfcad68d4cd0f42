"""The 未入力 list in memory and its search-as-you-type index.

The clerk filters the waiting certificates while typing, on a weak machine,
with up to 100,000 entries. So every entry gets one precomputed, normalised
haystack (NFKC + casefold + 縮退 folding: full-width and half-width, upper and
lower case, 髙 and 高, 𠮷 and 吉 all meet), birth dates are indexed by date for
queries in any date form, and a query that extends the previous one only scans the previous matches.

Plain core code: the TUI, the PDF and the CLI share it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import overload

from core import wareki
from core.charset.fold import fold
from core.model import WaitingEntry

_SEP = "\x00"  # never typed, so a token never matches across two fields


def normalise(text: str) -> str:
    """Width-, case- and variant-insensitive form of ``text`` (also of a typed query):
    NFKC, then the 縮退 folding of ``core.charset.fold`` (髙→高, 𠮷→吉), then casefold."""
    return fold(unicodedata.normalize("NFKC", text)).casefold()


_CARD_JUNK = re.compile(r"[\s\-‐‑‒–—―−ー_./]")
_CARD_PREFIX = re.compile(r"[A-Z]{2}[0-9]{0,8}(?:[A-Z]{0,2})?")


def card_key(text: str) -> str:
    """A typed certificate number as stored: full width to half, spaces, hyphens
    and dots out, upper case (``ｂｃ 2271-7775 cm`` → ``BC22717775CM``)."""
    return _CARD_JUNK.sub("", unicodedata.normalize("NFKC", text)).upper()


def card_like(text: str) -> bool:
    """Whether ``text`` reads as (the start of) a certificate number: two letters,
    then digits (at least two), then possibly the last letters."""
    key = card_key(text)
    return len(key) >= 4 and _CARD_PREFIX.fullmatch(key) is not None


def parse_date(text: str) -> date | None:
    """A date typed in any form ``core.wareki.parse`` takes, or ``None``.

    Words without a digit (names) are not dates; they skip the parser so a
    name search stays fast.
    """
    if not any(ch.isdigit() or ch in "元年月日" for ch in text):
        return None
    try:
        return wareki.parse(text)
    except ValueError:  # WarekiError: not a date, search it as text
        return None


def _short_era(day: date) -> str:
    try:
        return wareki.to_short(day)
    except ValueError:  # before 明治: Gregorian forms only
        return ""


def _haystack(entry: WaitingEntry) -> str:
    birth = entry.birth_date
    parts = [
        entry.card_number,
        entry.name_alpha,
        entry.name_alpha.replace(" ", ""),
        entry.name_kanji,
        entry.name_kanji.replace(" ", "").replace("\u3000", ""),
        birth.isoformat(),
        f"{birth.year:04d}{birth.month:02d}{birth.day:02d}",
        f"{birth.year}/{birth.month}/{birth.day}",
        _short_era(birth),
    ]
    return normalise(_SEP.join(parts))


class Matches(Sequence[WaitingEntry]):
    """The result of a search: a lazy view, so 100,000 hits cost no copies.

    ``len()`` is the count to show; indexing fetches only the rows drawn.
    """

    def __init__(self, owner: WaitingList, slots: list[int]) -> None:
        self._owner = owner
        self._slots = slots

    def __len__(self) -> int:
        return len(self._slots)

    @overload
    def __getitem__(self, index: int) -> WaitingEntry: ...
    @overload
    def __getitem__(self, index: slice) -> list[WaitingEntry]: ...
    def __getitem__(self, index: int | slice) -> WaitingEntry | list[WaitingEntry]:
        entries = self._owner._entries
        if isinstance(index, slice):
            return [entries[s] for s in self._slots[index]]  # type: ignore[misc]
        entry = entries[self._slots[index]]
        assert entry is not None
        return entry

    def __iter__(self) -> Iterator[WaitingEntry]:
        entries = self._owner._entries
        for slot in self._slots:
            entry = entries[slot]
            assert entry is not None
            yield entry

    def index_of(self, card_number: str) -> int | None:
        """Position of ``card_number`` in this result (to keep the cursor on it)."""
        slot = self._owner._slot.get(card_number)
        if slot is None:
            return None
        try:
            return self._slots.index(slot)
        except ValueError:
            return None


class WaitingList:
    """The 未入力 list: entries by certificate number, in the order given.

    Implements ``core.terminal.WaitingIndex``. Not thread-safe: one owner
    (the terminal or the screen) updates it.
    """

    def __init__(self, entries: Iterable[WaitingEntry] = ()) -> None:
        self._entries: list[WaitingEntry | None] = []
        self._hay: list[str] = []
        self._slot: dict[str, int] = {}
        self._by_birth: dict[date, list[int]] = {}
        self._live = 0
        self._last: tuple[str, list[int]] | None = None
        for entry in entries:
            self.upsert(entry)

    # -- the contract -----------------------------------------------------

    def __len__(self) -> int:
        return self._live

    def __iter__(self) -> Iterator[WaitingEntry]:
        return (e for e in self._entries if e is not None)

    def __contains__(self, card_number: object) -> bool:
        return card_number in self._slot

    def get(self, card_number: str) -> WaitingEntry | None:
        slot = self._slot.get(card_key(card_number))
        if slot is None:
            slot = self._slot.get(card_number)
        return None if slot is None else self._entries[slot]

    def find(self, typed: str) -> tuple[WaitingEntry | None, int]:
        """The entry a typed number means, forgivingly: spaces, hyphens, case and
        full width do not matter, and a unique start of a number is enough.

        Returns ``(entry, candidates)``: the entry when exactly one number
        matches, else ``None`` with how many numbers start that way (0: none).
        """
        exact = self.get(typed)
        if exact is not None:
            return exact, 1
        key = card_key(typed)
        if not card_like(key):
            return None, 0
        found = [n for n in self._slot if n.startswith(key)]
        if len(found) == 1:
            return self.get(found[0]), 1
        return None, len(found)

    def search(self, query: str, limit: int | None = None) -> Matches:
        """Entries matching every word of ``query``, in list order.

        A word matches a certificate number, Latin or kanji name (substring,
        width- and case-insensitive) or, if it is a date in any form, the
        birth date. The whole query is also tried as one date, so
        ``令和6年 4月 1日`` and ``1950 1 2``-style input with spaces works.
        """
        slots = self._search_slots(query)
        return Matches(self, slots if limit is None else slots[:limit])

    # -- updates ----------------------------------------------------------

    def upsert(self, entry: WaitingEntry) -> None:
        """Add ``entry`` or replace the one with the same certificate number
        (a re-sent or corrected notice updates, never duplicates)."""
        self._last = None
        slot = self._slot.get(entry.card_number)
        hay = _haystack(entry)
        if slot is None:
            slot = len(self._entries)
            self._entries.append(entry)
            self._hay.append(hay)
            self._slot[entry.card_number] = slot
            self._live += 1
        else:
            old = self._entries[slot]
            assert old is not None
            if old.birth_date != entry.birth_date:
                self._by_birth[old.birth_date].remove(slot)
            else:
                self._entries[slot] = entry
                self._hay[slot] = hay
                return
            self._entries[slot] = entry
            self._hay[slot] = hay
        self._by_birth.setdefault(entry.birth_date, []).append(slot)

    def remove(self, card_number: str) -> WaitingEntry | None:
        """Take a certificate off the list (its date was sent or reported)."""
        slot = self._slot.pop(card_number, None)
        if slot is None:
            return None
        self._last = None
        entry = self._entries[slot]
        assert entry is not None
        self._entries[slot] = None
        self._hay[slot] = ""
        self._by_birth[entry.birth_date].remove(slot)
        self._live -= 1
        return entry

    # -- the search itself --------------------------------------------------

    def _all_slots(self) -> list[int]:
        return [i for i, e in enumerate(self._entries) if e is not None]

    def _search_slots(self, query: str) -> list[int]:
        norm = " ".join(normalise(query).split())
        if not norm:
            return self._all_slots()
        if card_like(query) and (" " in norm or "-" in norm):
            # A number typed with spaces or hyphens (BC 2271 7775 CM): by number.
            key = card_key(query)
            return sorted(s for n, s in self._slot.items() if n.startswith(key))
        whole = parse_date(query) if " " in norm else None
        words = norm.split(" ")
        dates = [parse_date(w) for w in words]
        if whole is None and not any(dates):
            last = self._last
            if last is not None and norm.startswith(last[0]) and last[0]:
                # The new query only extends the old one: every word of the old
                # query is a prefix of a word of the new one, so its matches
                # are a subset of the old matches.
                candidates = last[1]
            else:
                candidates = None
            slots = self._filter_words(words, candidates)
            self._last = (norm, slots)
            return slots
        self._last = None
        slots = self._filter_words(words, None, dates)
        if whole is not None:
            extra = set(self._by_birth.get(whole, ()))
            if extra:
                slots = sorted(set(slots) | extra)
        return slots

    def _filter_words(
        self,
        words: list[str],
        candidates: list[int] | None,
        dates: list[date | None] | None = None,
    ) -> list[int]:
        hay = self._hay
        slots = candidates
        order = sorted(range(len(words)), key=lambda i: -len(words[i]))
        for i in order:
            word = words[i]
            day = dates[i] if dates else None
            if day is not None:
                by_date = set(self._by_birth.get(day, ()))
                pool = self._all_slots() if slots is None else slots
                slots = [s for s in pool if s in by_date or word in hay[s]]
            elif slots is None:
                slots = [s for s, h in enumerate(hay) if word in h]
            else:
                slots = [s for s in slots if word in hay[s]]
        return [] if slots is None else slots
