"""The 未入力 list in memory and its search-as-you-type index.

The clerk filters the waiting certificates while typing, on a weak machine,
with up to 100,000 entries. So the list is held as compact columns, not as
100,000 objects: each text field is one string buffer with an array of row
ends, fields with few values (nationality, sex, …) are interned codes, dates
are fixed-width ``YYYYMMDD`` text, and a ``WaitingEntry`` is made only for a
row that is asked for (the rows on screen). The search keys of every row are
precomputed, normalised (NFKC + casefold + 縮退 folding: full-width and
half-width, upper and lower case, 髙 and 高, 𠮷 and 吉 all meet), into one
joined haystack that ``str.find`` scans whole (the store's loader builds them
on a thread once the list can be shown; a search waits for them); birth dates
are found by date for queries in any date form. The last few results are
kept: a query typed again (a backspace) is answered without a scan, and one
that extends a recent query only tests that query's matches.

Rows changed after the list was built (an entry made, a certificate removed)
live beside the columns, so an update never rebuilds 100,000 rows.

A built list is taken apart into a few large parts and put together again
(``pack`` / ``unpack``) without a row's worth of work: the store's loader
seals them as a snapshot (``core.exchange.snapshot``) and opens that at the
next unlock instead of every row.

Plain core code: the TUI, the PDF and the CLI share it.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import operator
import re
import sys
import threading
import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from importlib import resources
from itertools import accumulate
from typing import Any, overload

from core import hardening, wareki
from core.charset.fold import FOLD_DATA, fold
from core.model import WaitingEntry

_SEP = "\x00"  # never typed, so a token never matches across two fields
_ROW = "\x01"  # ends each row of the haystack: a token never spans two rows
NO_DATE = "00010101"  # a missing birth date (``date.min``)
CHUNK = 2000  # rows a builder takes at a time (the objects of one chunk at most)
BIG = 10_000  # rows from which a build hands its freed heap back (give_back_memory)
RECENT = 16  # search results kept: a query typed again (backspace) costs no scan

# The fields of a row, in the order the builders take them: those of the model's
# WaitingEntry (its one owner), but the date entered here, which is kept aside.
FIELDS = tuple(f.name for f in dataclasses.fields(WaitingEntry) if f.name != "entered_date")
_TEXT = ("card_number", "notice_id", "name_alpha", "name_kanji", "address")  # one buffer each
_DATES = ("card_made_date", "birth_date")  # YYYYMMDD, 8 characters a row
_CODES = tuple(f for f in FIELDS if f not in _TEXT and f not in _DATES)  # interned


def normalise(text: str) -> str:
    """Width-, case- and variant-insensitive form of ``text`` (also of a typed query):
    NFKC, then the 縮退 folding of ``core.charset.fold`` (髙→高, 𠮷→吉), then casefold."""
    return fold(unicodedata.normalize("NFKC", text)).casefold()


_CARD_JUNK = re.compile(r"[\s\-‐‑‒–—―−ー_./]")
_CARD_PREFIX = re.compile(r"[A-Z]{2}[0-9]{2,8}[A-Z]{0,2}")


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


def ymd(day: date) -> str:
    """``day`` as the 8-character text the date columns hold."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _day(text: str) -> date:
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))


def _date_forms(birth: date) -> list[str]:
    """The forms a birth date is found by (each a search key)."""
    return [
        birth.isoformat(),
        f"{birth.year:04d}{birth.month:02d}{birth.day:02d}",
        f"{birth.year}/{birth.month}/{birth.day}",
        _short_era(birth),
    ]


def give_back_memory() -> None:
    """Return freed heap to the system after building a large list: glibc keeps
    what the chunks' transient objects used (tens of MB for 100,000 rows) as
    resident memory otherwise. Elsewhere (no glibc) nothing happens."""
    c = hardening.libc()  # not find_library: it runs ldconfig in a subprocess each time
    trim = getattr(c, "malloc_trim", None)
    if trim is not None:
        trim(0)


def _haystack(entry: WaitingEntry) -> str:
    """The search keys of one entry (a row changed after the build)."""
    parts = [
        entry.card_number,
        entry.name_alpha,
        entry.name_alpha.replace(" ", ""),
        entry.name_kanji,
        entry.name_kanji.replace(" ", "").replace("\u3000", ""),
        *_date_forms(entry.birth_date),
    ]
    return normalise(_SEP.join(parts))


# -- the columns --------------------------------------------------------------


class _Packed:
    """One text field of every row in one string: row ``i`` is
    ``buf[ends[i]:ends[i + 1]]`` (a str per row would cost ~50 bytes of header)."""

    __slots__ = ("_lengths", "_pieces", "buf", "ends")

    def __init__(self) -> None:
        self.buf = ""
        self.ends = array("I", [0])
        self._pieces: list[str] = []
        self._lengths = array("I")

    def add(self, values: Sequence[str]) -> None:
        self._pieces.append("".join(values))
        self._lengths.extend(map(len, values))

    def add_joined(self, piece: str, lengths: Iterable[int]) -> None:
        self._pieces.append(piece)
        self._lengths.extend(lengths)

    def close(self, order: Sequence[int] | None) -> None:
        """Join the pieces; ``order``: the rows' new order (sorted), if any."""
        buf = "".join(self._pieces)
        ends = array("I", accumulate(self._lengths, initial=0))
        self._pieces, self._lengths = [], array("I")
        if order is not None:
            parts = [buf[ends[r] : ends[r + 1]] for r in order]
            buf = "".join(parts)
            ends = array("I", accumulate(map(len, parts), initial=0))
            del parts
        self.buf, self.ends = buf, ends

    def __getitem__(self, row: int) -> str:
        ends = self.ends
        return self.buf[ends[row] : ends[row + 1]]


class _Fixed:
    """Fixed-width text (dates as ``YYYYMMDD``): row ``i`` at ``i * width``."""

    __slots__ = ("_pieces", "buf", "width")

    def __init__(self, width: int) -> None:
        self.buf = ""
        self.width = width
        self._pieces: list[str] = []

    def add(self, values: Sequence[str]) -> None:
        piece = "".join(values)
        if len(piece) != self.width * len(values):
            bad = next(v for v in values if len(v) != self.width)
            raise ValueError(f"not {self.width} characters: {bad!r}")
        self._pieces.append(piece)

    def close(self, order: Sequence[int] | None) -> None:
        buf, w = "".join(self._pieces), self.width
        self._pieces = []
        if order is not None:
            buf = "".join([buf[r * w : r * w + w] for r in order])
        self.buf = buf

    def __getitem__(self, row: int) -> str:
        w = self.width
        return self.buf[row * w : row * w + w]

    def rows_of(self, value: str) -> list[int]:
        """Rows holding exactly ``value`` (one scan of the buffer)."""
        out: list[int] = []
        buf, w = self.buf, self.width
        pos = buf.find(value)
        while pos >= 0:
            if pos % w == 0:
                out.append(pos // w)
            pos = buf.find(value, pos + 1)
        return out


class _Codes:
    """A field with few distinct values (nationality, sex, …): a code per row."""

    __slots__ = ("_table", "codes", "values")

    def __init__(self) -> None:
        self.values: list[Any] = []
        self.codes = array("B")  # widened to "H", "I" when there are more values
        self._table: dict[Any, int] = {}

    def add(self, values: Sequence[Any]) -> None:
        table = self._table
        for value in set(values).difference(table):
            table[value] = len(table)
        for kind, size in (("H", 0xFF), ("I", 0xFFFF)):
            if len(table) > size + 1 and self.codes.typecode < kind:
                self.codes = array(kind, self.codes)
        self.codes.extend(map(table.__getitem__, values))

    def close(self, order: Sequence[int] | None) -> None:
        self.values = list(self._table)
        self._table = {}
        if order is not None:
            codes = self.codes
            self.codes = array(codes.typecode, [codes[r] for r in order])

    def __getitem__(self, row: int) -> Any:
        return self.values[self.codes[row]]


class _Builder:
    """Columns filled a chunk at a time (so no chunk's objects outlive it)."""

    def __init__(self, keys: bool = True) -> None:
        self.keys = keys  # build the search keys with the columns (else later)
        self.text = {f: _Packed() for f in _TEXT}
        self.dates = {f: _Fixed(8) for f in _DATES}
        self.codes = {f: _Codes() for f in _CODES}
        # The search keys in two haystacks: number, Latin name and date forms (ASCII,
        # one byte a character), kanji names (two or four bytes a character).
        self.hay = (_Packed(), _Packed())
        self.rows = 0
        self._forms: dict[str, str] = {}  # birth YYYYMMDD -> its normalised date keys

    def add(self, columns: dict[str, Sequence[Any]]) -> None:
        """One chunk: a sequence per field of ``FIELDS`` (dates as ``YYYYMMDD``,
        ``received_at`` as it will be shown)."""
        count = len(columns["card_number"])
        for name, column in self.text.items():
            column.add(columns[name])
        for name, fixed in self.dates.items():
            fixed.add(columns[name])
        for name, codes in self.codes.items():
            codes.add(columns[name])
        if self.keys:
            self._add_hay(columns)
        self.rows += count

    def _add_hay(self, columns: dict[str, Sequence[Any]]) -> None:
        # Each field normalised for the whole chunk at once, joined by _ROW (NFKC,
        # folding and casefold never join characters across it), then split again.
        def keys(values: Iterable[str], change: Callable[[str], str] | None = None) -> list[str]:
            joined = _ROW.join(values)
            if change is not None:
                joined = change(joined)
            return normalise(joined).split(_ROW)

        alpha, kanji = columns["name_alpha"], columns["name_kanji"]
        forms = self._forms
        dates = []
        for birth in columns["birth_date"]:
            form = forms.get(birth)
            if form is None:
                form = _SEP.join(_date_forms(_day(birth)))
                form = forms[birth] = form.lower() if form.isascii() else normalise(form)
            dates.append(form)
        latin = zip(
            keys(columns["card_number"]),
            keys(alpha),
            keys(alpha, lambda s: s.replace(" ", "")),
            dates,
            strict=True,
        )
        self._add_rows(self.hay[0], list(map(_SEP.join, latin)))
        native = zip(
            keys(kanji),
            keys(kanji, lambda s: s.replace(" ", "").replace("\u3000", "")),
            strict=True,
        )
        self._add_rows(self.hay[1], list(map(_SEP.join, native)))

    @staticmethod
    def _add_rows(hay: _Packed, rows: list[str]) -> None:
        if rows:
            hay.add_joined(_ROW.join(rows) + _ROW, [len(r) + 1 for r in rows])

    def close(self, order: Sequence[int] | None, keys_order: Sequence[int] | None = None) -> None:
        """Every column but the card numbers (closed first, to sort by them);
        ``keys_order``: the order of the search keys, if not ``order``."""
        columns: list[_Packed | _Fixed | _Codes] = [
            c for name, c in self.text.items() if name != "card_number"
        ]
        columns += [*self.dates.values(), *self.codes.values()]
        for column in columns:
            column.close(order)
        if self.keys:
            for hay in self.hay:
                hay.close(order if keys_order is None else keys_order)
        self._forms = {}

    @classmethod
    def keys_of(
        cls, text: dict[str, _Packed], births: _Fixed, rows: int, at: Sequence[int] | None
    ) -> tuple[_Packed, _Packed]:
        """The search keys of columns already built (a chunk of rows at a time);
        ``at``: each row's column position, if not the row itself."""
        builder = cls()
        for start in range(0, rows, CHUNK):
            part: Sequence[int] = range(start, min(rows, start + CHUNK))
            if at is not None:
                part = at[start : start + CHUNK]
            columns: dict[str, Sequence[Any]] = {
                name: [text[name][r] for r in part]
                for name in ("card_number", "name_alpha", "name_kanji")
            }
            columns["birth_date"] = [births[r] for r in part]
            builder._add_hay(columns)
        for hay in builder.hay:
            hay.close(None)
        return builder.hay


def _scan(hay: _Packed, word: str) -> list[int]:
    """Rows of ``hay`` containing ``word``, ascending: ``str.find`` over the whole
    buffer, and after each hit on to the next row, counting the row ends passed
    (``word`` holds no _ROW)."""
    out: list[int] = []
    buf = hay.buf
    find, count, append = buf.find, buf.count, out.append
    row = at = 0
    pos = find(word)
    while pos >= 0:
        row += count(_ROW, at, pos)
        append(row)
        at = find(_ROW, pos) + 1
        row += 1
        pos = find(word, at)
    return out


# -- a snapshot's parts -------------------------------------------------------

SNAPSHOT_FORMAT = 1  # what pack writes; unpack takes only this
PIECE = 1 << 20  # characters of a text column per part


@functools.lru_cache(maxsize=1)
def keys_version() -> str:
    """What the search keys depend on beyond the rows: the folding table and
    the Unicode version of NFKC (a snapshot's keys made under others are stale)."""
    table = resources.files("core.charset").joinpath("data", FOLD_DATA).read_bytes()
    return f"{unicodedata.unidata_version}:{hashlib.sha256(table).hexdigest()[:32]}"


def _pieces(buf: str) -> Iterator[bytes]:
    for at in range(0, len(buf), PIECE):
        yield buf[at : at + PIECE].encode("utf-8", "surrogatepass")


def _code_texts(values: list[Any], stamps: bool) -> list[str]:
    """The values of a code column as text (``received_at``: ISO date-times)."""
    kind = datetime if stamps else str
    if not all(type(v) is kind for v in values):
        raise ValueError("a code value of another type")
    return [v.isoformat() for v in values] if stamps else list(values)


def _code_values(texts: list[str], stamps: bool) -> list[Any]:
    if not all(type(t) is str for t in texts):
        raise ValueError("a code value of another type")
    return list(map(datetime.fromisoformat, texts)) if stamps else texts


# -- the list -----------------------------------------------------------------


class Matches(Sequence[WaitingEntry]):
    """The result of a search: a lazy view, so 100,000 hits cost no copies.

    ``len()`` is the count to show; indexing makes only the rows drawn.
    """

    def __init__(self, owner: WaitingList, slots: Sequence[int]) -> None:
        self._owner = owner
        self._slots = slots  # row numbers, ascending

    def __len__(self) -> int:
        return len(self._slots)

    @overload
    def __getitem__(self, index: int) -> WaitingEntry: ...
    @overload
    def __getitem__(self, index: slice) -> list[WaitingEntry]: ...
    def __getitem__(self, index: int | slice) -> WaitingEntry | list[WaitingEntry]:
        make = self._owner._entry
        if isinstance(index, slice):
            return [make(s) for s in self._slots[index]]
        return make(self._slots[index])

    def __iter__(self) -> Iterator[WaitingEntry]:
        make = self._owner._entry
        for slot in self._slots:
            yield make(slot)

    def index_of(self, card_number: str) -> int | None:
        """Position of ``card_number`` in this result (to keep the cursor on it)."""
        slot = self._owner._row_of(card_number)
        if slot is None:
            return None
        at = bisect_left(self._slots, slot)
        return at if at < len(self._slots) and self._slots[at] == slot else None


class WaitingList:
    """The 未入力 list: entries by certificate number, in the order given.

    Implements ``core.terminal.WaitingIndex``. Not thread-safe: one owner
    (the terminal or the screen) updates it. ``from_columns`` builds it from
    field columns without making an entry object per row (the store's loader).
    """

    def __init__(self, entries: Iterable[WaitingEntry] = ()) -> None:
        latest: dict[str, WaitingEntry] = {}
        for entry in entries:  # the same number again replaces it in its place
            latest[entry.card_number] = entry
        rows = list(latest.values())
        del latest
        entered = {e.card_number: e.entered_date for e in rows if e.entered_date is not None}

        def chunks() -> Iterator[dict[str, Sequence[Any]]]:
            for start in range(0, len(rows), CHUNK):
                part = rows[start : start + CHUNK]
                columns: dict[str, Sequence[Any]] = {
                    f: [getattr(e, f) for e in part] for f in FIELDS
                }
                for name in _DATES:
                    texts = {d: ymd(d) for d in set(columns[name])}
                    columns[name] = list(map(texts.__getitem__, columns[name]))
                yield columns

        self._build(chunks(), entered, sort=False)

    @classmethod
    def from_columns(
        cls,
        chunks: Iterable[dict[str, Sequence[Any]]],
        entered: dict[str, date] | None = None,
        sort: bool = True,
        keys: str = "now",
        keys_built: Callable[[WaitingList], None] | None = None,
    ) -> WaitingList:
        """The list from chunks of columns (see ``_Builder.add``), sorted by
        card number when ``sort``; ``entered``: dates entered here by card number
        (read once the chunks are, so a loader may fill it while they are read).

        ``keys``: when the search keys are built: ``"now"``, ``"later"`` (by the
        first search that needs them) or ``"background"`` (by a thread started
        now: the list can be shown first; a search meanwhile waits for them);
        ``keys_built``: called with the list on that thread once they are (the
        loader seals a snapshot of the list then)."""
        self = cls.__new__(cls)
        self._build(chunks, {} if entered is None else entered, sort, keys, keys_built)
        return self

    def _build(
        self,
        chunks: Iterable[dict[str, Sequence[Any]]],
        entered: dict[str, date],
        sort: bool,
        keys: str = "now",
        keys_built: Callable[[WaitingList], None] | None = None,
    ) -> None:
        if keys not in ("now", "later", "background"):
            raise ValueError(f"keys: now, later or background, not {keys!r}")
        builder = _Builder(keys=keys == "now")
        for chunk in chunks:
            builder.add(chunk)
        cards = builder.text["card_number"]
        cards.close(None)
        n = builder.rows
        by_card = sorted(range(n), key=cards.__getitem__)
        in_order = all(map(operator.eq, by_card, range(n)))
        # Sorted: row r (card order) is at column position _phys[r]; the columns
        # stay as read (no copy), the search keys are made in row order.
        self._phys: array[int] | None = None
        self._inverse: array[int] | None = None  # column position -> row
        self._order: array[int] | None = None  # unsorted: the rows in card order
        if not in_order and sort:
            self._phys = array("I", by_card)
            self._inverse = inverse = array("I", bytes(4 * n))
            for sorted_row, at in enumerate(by_card):
                inverse[at] = sorted_row
        elif not in_order:
            self._order = array("I", by_card)
        builder.close(None, by_card if self._phys is not None else None)
        del by_card
        self._adopt(
            builder.text, builder.dates, builder.codes, builder.hay if keys == "now" else None, n
        )
        self._keys_built: Callable[[WaitingList], None] | None = keys_built
        self._enter_dates(entered)
        if n >= BIG:
            give_back_memory()
        if keys == "background":
            threading.Thread(target=self._keys_thread, name="waiting-keys", daemon=True).start()

    def _enter_dates(self, entered: dict[str, date]) -> None:
        for card, day in entered.items():
            row = self._row_of(card)
            if row is not None:
                self._entered[row] = day

    def _keys_thread(self) -> None:
        self._search_keys()
        told, self._keys_built = self._keys_built, None
        if told is not None:
            told(self)

    def _adopt(
        self,
        text: dict[str, _Packed],
        dates: dict[str, _Fixed],
        codes: dict[str, _Codes],
        hay: tuple[_Packed, _Packed] | None,
        n: int,
    ) -> None:
        """Take built columns (``_phys``, ``_inverse``, ``_order`` already set)."""
        self._text = text
        self._dates = dates
        self._codes = codes
        self._hay: tuple[_Packed, _Packed] | None = hay
        self._keys_lock = threading.Lock()
        self._keys_built = None
        self._cards = text["card_number"]
        self._base = n  # rows held in the columns
        self._rows = n  # rows ever (columns + added later)
        self._live = n
        self._extra: dict[int, WaitingEntry] = {}  # rows changed or added since the build
        self._extra_hay: dict[int, str] = {}
        self._extra_cards: dict[str, int] = {}  # card numbers of the rows added
        self._masked: set[int] = set()  # column rows removed or changed
        self._dead: set[int] = set()
        self._last: dict[str, list[int]] | None = None  # recent results (_search_slots)
        self._entered: dict[int, date] = {}

    def _search_keys(self) -> tuple[_Packed, _Packed]:
        """The two haystacks, built now if they were deferred (once, under a lock)."""
        hay = self._hay
        if hay is None:
            with self._keys_lock:
                hay = self._hay
                if hay is None:
                    hay = _Builder.keys_of(
                        self._text, self._dates["birth_date"], self._base, self._phys
                    )
                    self._hay = hay
                    if self._base >= BIG:
                        give_back_memory()
        return hay

    # -- a snapshot of the columns ------------------------------------------

    def pack(self) -> tuple[dict[str, Any], Iterator[bytes]]:
        """The columns and search keys as built (not the rows changed since),
        for ``unpack``: a description (JSON-able) and the parts, bytes each,
        made one at a time (text in pieces of ``PIECE`` characters, so no
        second copy of a whole column is made). The search keys must be built."""
        hay = self._hay
        if hay is None:
            raise ValueError("the search keys are not built")
        packed = [*(self._text[f] for f in _TEXT), *hay]
        fixed = [self._dates[f] for f in _DATES]
        codes = [self._codes[f] for f in _CODES]
        arrays = {"phys": self._phys, "inverse": self._inverse, "order": self._order}
        meta: dict[str, Any] = {
            "format": SNAPSHOT_FORMAT,
            "keys": keys_version(),
            "rows": self._base,
            "byteorder": sys.byteorder,
            "packed": [len(c.buf) for c in packed],
            "fixed": [len(c.buf) for c in fixed],
            "codes": [
                [c.codes.typecode, _code_texts(c.values, name == "received_at")]
                for name, c in zip(_CODES, codes, strict=True)
            ],
            "arrays": {k: (a.typecode if a is not None else None) for k, a in arrays.items()},
        }

        def parts() -> Iterator[bytes]:
            for text in packed:
                yield text.ends.tobytes()
                yield from _pieces(text.buf)
            for dates in fixed:
                yield from _pieces(dates.buf)
            for code in codes:
                yield code.codes.tobytes()
            for value in arrays.values():
                if value is not None:
                    yield value.tobytes()

        return meta, parts()

    @classmethod
    def unpack(
        cls, meta: dict[str, Any], part: Callable[[], bytes], entered: dict[str, date]
    ) -> WaitingList:
        """The list ``pack`` described, reading its parts in order with ``part``
        (the next part's bytes each call), with the dates ``entered`` here.
        ``ValueError`` if the description is not one this code makes."""
        if (
            meta.get("format") != SNAPSHOT_FORMAT
            or meta.get("keys") != keys_version()
            or meta.get("byteorder") != sys.byteorder
        ):
            raise ValueError("a snapshot of another format")
        n = int(meta["rows"])

        def array_of(typecode: str, rows: int) -> array[int]:
            out = array(typecode)
            out.frombytes(part())
            if len(out) != rows:
                raise ValueError("a column of another length")
            return out

        def text(length: int) -> str:
            pieces = [part().decode("utf-8", "surrogatepass") for _ in range(-(-length // PIECE))]
            joined = "".join(pieces)
            if len(joined) != length:
                raise ValueError("a text of another length")
            return joined

        packed = []
        for length in meta["packed"]:
            column = _Packed()
            column.ends = array_of("I", n + 1)
            column.buf = text(length)
            if column.ends[-1] != length:
                raise ValueError("a text column of another length")
            packed.append(column)
        dates = {}
        for name, length in zip(_DATES, meta["fixed"], strict=True):
            dates[name] = fixed = _Fixed(8)
            fixed.buf = text(length)
            if length != 8 * n:
                raise ValueError("a date column of another length")
        codes = {}
        for name, (typecode, values) in zip(_CODES, meta["codes"], strict=True):
            codes[name] = code = _Codes()
            code.codes = array_of(typecode, n)
            code.values = _code_values(values, name == "received_at")
            if code.codes and max(code.codes) >= len(code.values):
                raise ValueError("a code without its value")
        self = cls.__new__(cls)
        found = {k: (array_of(t, n) if t is not None else None) for k, t in meta["arrays"].items()}
        self._phys, self._inverse, self._order = found["phys"], found["inverse"], found["order"]
        text_columns = dict(zip(_TEXT, packed[: len(_TEXT)], strict=True))
        hay = (packed[-2], packed[-1])
        self._adopt(text_columns, dates, codes, hay, n)
        self._enter_dates(entered)
        normalise("")  # the first search folds its query: the table is read here, not then
        return self

    # -- rows ---------------------------------------------------------------

    def _entry(self, row: int) -> WaitingEntry:
        extra = self._extra.get(row)
        if extra is not None:
            return extra
        if row in self._dead or not 0 <= row < self._base:
            raise IndexError(row)
        text, dates, codes = self._text, self._dates, self._codes
        entered = self._entered.get(row)
        if self._phys is not None:
            row = self._phys[row]
        return WaitingEntry(
            card_number=text["card_number"][row],
            notice_id=text["notice_id"][row],
            card_made_date=_day(dates["card_made_date"][row]),
            application_text=codes["application_text"][row],
            name_alpha=text["name_alpha"][row],
            name_kanji=text["name_kanji"][row],
            name_class_code=codes["name_class_code"][row],
            birth_date=_day(dates["birth_date"][row]),
            sex_code=codes["sex_code"][row],
            nationality=codes["nationality"][row],
            nationality_code=codes["nationality_code"][row],
            address=text["address"][row],
            lasdec_code=codes["lasdec_code"][row],
            received_at=codes["received_at"][row],
            entered_date=entered,
        )

    def _by_card(self) -> Sequence[int]:
        return range(self._base) if self._order is None else self._order

    def _card_range(self, low: str, high: str | None) -> list[int]:
        """Column rows whose number is ``low`` (``high`` None) or starts with ``low``."""
        seq, cards = self._by_card(), self._cards.__getitem__
        phys = self._phys
        if phys is not None:
            card_at = cards
            cards = lambda row: card_at(phys[row])  # noqa: E731
        lo = bisect_left(seq, low, key=cards)
        if high is None:
            hi = lo + 1 if lo < len(seq) and cards(seq[lo]) == low else lo
        else:
            hi = bisect_left(seq, high, key=cards, lo=lo)
        return [r for r in seq[lo:hi] if r not in self._dead]

    def _row_of(self, card_number: str) -> int | None:
        found = self._card_range(card_number, None)
        return found[0] if found else self._extra_cards.get(card_number)

    def _rows_starting(self, key: str) -> list[int]:
        """Rows whose number starts with ``key``, in list order."""
        found = self._card_range(key, key + "\U0010ffff")
        found.extend(r for n, r in self._extra_cards.items() if n.startswith(key))
        return sorted(found)

    # -- the contract -----------------------------------------------------

    def __len__(self) -> int:
        return self._live

    def __iter__(self) -> Iterator[WaitingEntry]:
        return iter(Matches(self, self._all_slots()))

    def __contains__(self, card_number: object) -> bool:
        return isinstance(card_number, str) and self._row_of(card_number) is not None

    def get(self, card_number: str) -> WaitingEntry | None:
        slot = self._row_of(card_key(card_number))
        if slot is None:
            slot = self._row_of(card_number)
        return None if slot is None else self._entry(slot)

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
        found = self._rows_starting(key)
        if len(found) == 1:
            return self._entry(found[0]), 1
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
        slot = self._row_of(entry.card_number)
        if slot is None:
            slot = self._rows
            self._rows += 1
            self._live += 1
            self._extra_cards[entry.card_number] = slot
        elif slot < self._base:
            self._masked.add(slot)
        self._extra[slot] = entry
        self._extra_hay[slot] = _haystack(entry)

    def remove(self, card_number: str) -> WaitingEntry | None:
        """Take a certificate off the list (its date was sent or reported)."""
        slot = self._row_of(card_number)
        if slot is None:
            return None
        self._last = None
        entry = self._entry(slot)
        self._extra.pop(slot, None)
        self._extra_hay.pop(slot, None)
        self._extra_cards.pop(card_number, None)
        self._dead.add(slot)
        self._masked.add(slot)
        self._live -= 1
        return entry

    # -- the search itself --------------------------------------------------

    def _all_slots(self) -> Sequence[int]:
        if not self._dead:
            return range(self._rows)
        dead = self._dead
        return [i for i in range(self._rows) if i not in dead]

    def _holds(self, word: str) -> Callable[[int], bool]:
        """Whether a row's keys contain ``word``: ``str.find`` within the row's
        span of each haystack (no slice or joined copy of the row per test)."""
        latin, native = self._search_keys()
        find_latin, latin_ends = latin.buf.find, latin.ends
        find_native, native_ends = native.buf.find, native.ends
        extra, base = self._extra_hay, self._base
        plain = _ROW not in word and _SEP not in word  # as _rows_with: never across fields

        def holds(row: int) -> bool:
            changed = extra.get(row)
            if changed is not None:
                return word in changed
            if not plain or row >= base:
                return False
            return (
                find_latin(word, latin_ends[row], latin_ends[row + 1]) >= 0
                or find_native(word, native_ends[row], native_ends[row + 1]) >= 0
            )

        return holds

    def _rows_with(self, word: str) -> list[int]:
        """Live rows whose keys contain ``word``, ascending: one scan of the
        haystack, jumping to the next row after each hit."""
        out: list[int] = []
        if _ROW not in word and _SEP not in word:
            for hay in self._search_keys():
                found = _scan(hay, word)
                if found and out:
                    out = sorted(set(out).union(found))
                elif found:
                    out = found
        masked = self._masked
        if masked:
            out = [r for r in out if r not in masked]
        extra = [r for r, h in self._extra_hay.items() if word in h]
        return sorted(out + extra) if extra else out

    def _rows_born(self, day: date) -> set[int]:
        found = self._dates["birth_date"].rows_of(ymd(day))  # column positions
        inverse = self._inverse
        rows = set(found) if inverse is None else {inverse[at] for at in found}
        rows.difference_update(self._masked)
        rows.update(r for r, e in self._extra.items() if e.birth_date == day)
        return rows

    def _search_slots(self, query: str) -> list[int]:
        norm = " ".join(normalise(query).split())
        if not norm:
            return self._all_slots()  # type: ignore[return-value]  # a range: no copy
        if card_like(query) and (" " in norm or "-" in norm):
            # A number typed with spaces or hyphens (BC 2271 7775 CM): by number.
            return self._rows_starting(card_key(query))
        whole = parse_date(query) if " " in norm else None
        words = norm.split(" ")
        dates = [parse_date(w) for w in words]
        if whole is None and not any(dates):
            # Text only: the result depends on ``norm`` alone. A query typed a
            # moment ago (backspace, or typed again) is answered from the recent
            # results; otherwise the longest recent query this one extends gives
            # the candidates (every word of it is a prefix of a word here, so its
            # matches hold all of these; one that matched nothing stays empty).
            recent = self._last
            if recent is None:
                recent = self._last = {}
            slots = recent.pop(norm, None)
            if slots is None:
                base = max((q for q in recent if norm.startswith(q)), key=len, default=None)
                slots = self._filter_words(words, None if base is None else recent[base])
            recent[norm] = slots  # the newest last
            if len(recent) > RECENT:
                del recent[next(iter(recent))]
            return slots
        slots = self._filter_words(words, None, dates)
        if whole is not None:
            extra = self._rows_born(whole)
            if extra:
                slots = sorted(set(slots) | extra)
        return slots

    def _filter_words(
        self,
        words: list[str],
        candidates: list[int] | None,
        dates: list[date | None] | None = None,
    ) -> list[int]:
        slots = candidates
        order = sorted(range(len(words)), key=lambda i: -len(words[i]))
        for i in order:
            word = words[i]
            holds = self._holds(word)
            day = dates[i] if dates else None
            if day is not None:
                found = self._rows_born(day)
                if slots is None:
                    found.update(self._rows_with(word))
                    slots = sorted(found)
                else:
                    slots = [s for s in slots if s in found or holds(s)]
            elif slots is None:
                slots = self._rows_with(word)
            elif len(slots) > self._rows // 4:
                # many candidates: one scan of the whole haystack is cheaper (a
                # candidate costs ~0.4 µs, a scan of 100,000 rows' keys 7-18 ms)
                hits = set(self._rows_with(word))
                slots = [s for s in slots if s in hits]
            else:
                slots = [s for s in slots if holds(s)]
        return [] if slots is None else slots
