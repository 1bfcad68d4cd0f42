"""Synthetic people and notice files for the demo, the tests and the benchmarks.

Deterministic for a seed (one ``random.Random``), no real person's data: names
are assembled from syllable and character tables (``core/reference/synth.toml``).
The MOJ notice generator fills each record as its 別紙 pattern says (the same
tables the data check reads), so its files pass ``renkei validate``; every
pattern appears once a file has at least as many records as patterns.
"""

from __future__ import annotations

import random
import tomllib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any, TypeVar

from core import formats
from core.formats import tables
from core.formats.check import CARDLESS
from core.model import WaitingEntry

_T = TypeVar("_T")  # what ``Generator.pick`` picks

DEFAULT_LASDEC = "131016"
DEFAULT_DAY = date(2026, 11, 20)
WAITING_SHARE = 0.85  # share of certificate notices still without a 交付年月日


@cache
def _holder_categories() -> dict[str, tuple[str, ...]]:
    """Holder text of the 別紙 tables -> the category codes it covers, read from
    codes.csv: 経過滞在者 is both 5 (出生による…) and 6 (国籍喪失による…)."""
    out: dict[str, tuple[str, ...]] = {}
    for holder in ("中長期在留者", "特別永住者", "一時庇護許可者", "仮滞在許可者", "経過滞在者"):
        out[holder] = tuple(
            code for code, (ja, _en) in tables.codes()["category"].items() if ja.endswith(holder)
        )
    return out


# The holder's category after the change, where the pattern changes it.
_CATEGORY_AFTER = {"K": "2", "R": "1", "W": "1", "X": "1", "AD": "1", "AE": "1", "AG": "1"}
_CATEGORY_AFTER["AH"] = "2"


@cache
def _tables() -> dict[str, Any]:
    text = (resources.files("core.reference") / "synth.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def ymd(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


@cache
def _plan(
    kind: str, code: str
) -> tuple[tuple[str, str, bool, tuple[str, ...], tuple[str, ...]], ...]:
    """Per item of pattern ``code``: (key, base mark, ※3?, columns, old columns)."""
    pattern = tables.patterns(kind)[code]
    out = []
    for item in tables.items(kind):
        mark = pattern.mark(item.key)
        base = mark.removesuffix(tables.NOTE3)
        if base:
            out.append(
                (item.key, base, mark.endswith(tables.NOTE3), item.all_columns, item.old_columns)
            )
    return tuple(out)


def lasdec_code(first5: str) -> str:
    """A valid LASDEC code from its first five digits."""
    return first5 + formats.lasdec_check_digit(first5)


@dataclass(frozen=True)
class Person:
    """One synthetic foreign resident (values as they stand in a file)."""

    name_alpha: str
    name_kanji: str
    name_class_code: str
    birth_date: str
    sex_code: str
    nationality: str
    nationality_code: str
    address: str
    lasdec_code: str
    category_code: str


@dataclass(frozen=True)
class Certificate:
    """One row of a certificate notice file (kind ``spr``)."""

    notice_id: str
    card_number: str
    card_made_date: str
    card_delivered_date: str
    application_text: str
    name_alpha: str
    name_kanji: str
    name_class_code: str
    birth_date: str
    sex_code: str
    nationality: str
    nationality_code: str
    address: str
    lasdec_code: str

    def record(self) -> dict[str, str]:
        return asdict(self)

    def waiting_entry(self, received_at: datetime) -> WaitingEntry:
        """This certificate as an entry of the 未入力 list."""

        def d(text: str) -> date:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))

        return WaitingEntry(
            card_number=self.card_number,
            notice_id=self.notice_id,
            card_made_date=d(self.card_made_date),
            application_text=self.application_text,
            name_alpha=self.name_alpha,
            name_kanji=self.name_kanji,
            name_class_code=self.name_class_code,
            birth_date=d(self.birth_date),
            sex_code=self.sex_code,
            nationality=self.nationality,
            nationality_code=self.nationality_code,
            address=self.address,
            lasdec_code=self.lasdec_code,
            received_at=received_at,
        )


class Generator:
    """Synthetic values from one seeded random source."""

    def __init__(self, seed: int, lasdec: str = DEFAULT_LASDEC, day: date = DEFAULT_DAY) -> None:
        self.rng = random.Random(seed)
        self.lasdec = lasdec
        self.day = day
        self.t = _tables()
        rng = self.rng
        letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
        self._card_letters = "".join(rng.choice(letters) for _ in range(4))
        self._card_offset = rng.randrange(10**8)
        self._cards = 0
        self._random = rng.random
        self._parts: list[str] = []

    def pick(self, seq: Sequence[_T]) -> _T:
        """``rng.choice`` without its overhead (the generator makes 100,000s of rows)."""
        return seq[int(self._random() * len(seq))]

    def between(self, low: int, high: int) -> int:
        """``rng.randint`` without its overhead."""
        return low + int(self._random() * (high - low + 1))

    # --- names -----------------------------------------------------------------
    def latin_part(self) -> str:
        """One part of a Latin name, from a pool of syllable words made once per
        generator (tens of thousands of names need not re-join syllables)."""
        if not self._parts:
            syllables, pick, n = self.t["syllables"], self.pick, self.between
            words = {"".join(pick(syllables) for _ in range(n(2, 4))).upper() for _ in range(6000)}
            self._parts = sorted(words)
        return self.pick(self._parts)

    def latin_name(self, long: bool = False) -> str:
        parts = self.between(5, 7) if long else self.between(2, 3)
        return " ".join(self.latin_part() for _ in range(parts))

    def kanji_name(self) -> str:
        t, pick, random_ = self.t, self.pick, self._random
        if random_() < 0.7:
            family = pick(t["kanji_family_1"])
        else:
            family = pick(t["kanji_family_2"]) + pick(t["kanji_family_2b"])
        given = "".join(pick(t["kanji_given"]) for _ in range(self.between(1, 3)))
        return f"{family}　{given}" if random_() < 0.5 else family + given

    def names(self, spr: bool) -> tuple[str, str, str]:
        """(name_alpha, name_kanji, name_class_code) with a realistic class mix."""
        r = self._random()
        if spr:
            klass = "2" if r < 0.6 else "3" if r < 0.9 else "1"
        else:
            klass = "1" if r < 0.6 else "2" if r < 0.9 else "3"
        long = self._random() < 0.05
        alpha = self.latin_name(long) if klass in ("1", "2") else ""
        kanji = self.kanji_name() if klass in ("2", "3") else ""
        return alpha, kanji, klass

    # --- other values ------------------------------------------------------------
    def date_between(self, start: date, end: date) -> str:
        first = start.toordinal()
        d = date.fromordinal(self.between(first, end.toordinal()))
        return f"{d.year:04d}{d.month:02d}{d.day:02d}"

    def recent(self, days: int = 60) -> str:
        return self.date_between(self.day - timedelta(days=days), self.day)

    def address(self) -> str:
        t, pick, n = self.t, self.pick, self.between
        text = f"{pick(t['towns'])}{n(1, 9)}丁目{n(1, 30)}番{n(1, 20)}号"
        building = pick(t["buildings"])
        if building:
            text += f"　{building}{pick(t['towns'])}{n(1, 5)}0{n(1, 9)}"
        return text

    def card_number(self) -> str:
        """A card number, unique within this generator (a permutation of 10**8)."""
        self._cards += 1
        digits = (self._card_offset + self._cards * 7_919) % 10**8
        letters = self._card_letters
        return f"{letters[:2]}{digits:08d}{letters[2:]}"

    def other_lasdec(self) -> str:
        return lasdec_code(f"{self.rng.randrange(1, 48):02d}{self.rng.randrange(100, 999):03d}")

    def person(self, category: str = "1") -> Person:
        spr = category == "2"
        alpha, kanji, klass = self.names(spr)
        code, nationality = self.pick(
            self.t["spr_nationalities"] if spr else self.t["nationalities"]
        )
        low = date(1930, 1, 1) if spr else date(1950, 1, 1)
        return Person(
            name_alpha=alpha,
            name_kanji=kanji,
            name_class_code=klass,
            birth_date=self.date_between(low, self.day - timedelta(days=365)),
            sex_code=self.pick("12"),
            nationality=nationality,
            nationality_code=code,
            address=self.address(),
            lasdec_code=self.lasdec,
            category_code=category,
        )

    # --- certificate notices ---------------------------------------------------
    def certificate(self, index: int, waiting_share: float = WAITING_SHARE) -> Certificate:
        p = self.person("2")
        made = self.date_between(self.day - timedelta(days=180), self.day - timedelta(days=1))
        delivered = ""
        if self._random() >= waiting_share:
            made_day = date(int(made[:4]), int(made[4:6]), int(made[6:]))
            delivered = self.date_between(made_day, self.day)
        return Certificate(
            notice_id=f"S{self.lasdec}{ymd(self.day)}{index:07d}",
            card_number=self.card_number(),
            card_made_date=made,
            card_delivered_date=delivered,
            application_text=self.pick(self.t["applications"]),
            name_alpha=p.name_alpha,
            name_kanji=p.name_kanji,
            name_class_code=p.name_class_code,
            birth_date=p.birth_date,
            sex_code=p.sex_code,
            nationality=p.nationality,
            nationality_code=p.nationality_code,
            address=p.address,
            lasdec_code=p.lasdec_code,
        )

    # --- pattern notices (moj, muni) ------------------------------------------
    def _values(self, p: Person, card: str) -> dict[str, Callable[[], str]]:
        """New value of each column for ``p``."""
        rng, t = self.rng, self.t
        status = rng.choice(t["statuses"])
        period = rng.choice(t["periods"])
        kind = {"1": "1", "2": "2"}.get(p.category_code, "1")
        relation = rng.choice(t["householder_relations"])
        return {
            "event_date": lambda: self.recent(),
            "report_date": lambda: self.recent(),
            "process_date": lambda: ymd(self.day),
            "name_alpha": lambda: p.name_alpha,
            "name_kanji": lambda: p.name_kanji,
            "name_class_code": lambda: p.name_class_code,
            "birth_date": lambda: p.birth_date,
            "sex_code": lambda: p.sex_code,
            "address": lambda: p.address,
            "lasdec_code": lambda: p.lasdec_code,
            "prev_address": lambda: self.address(),
            "prev_lasdec_code": lambda: self.other_lasdec(),
            "nationality": lambda: p.nationality,
            "nationality_code": lambda: p.nationality_code,
            "status": lambda: status[1],
            "status_code": lambda: status[0],
            "period": lambda: period[1],
            "period_code": lambda: period[0],
            "period_expiry": lambda: self.date_between(self.day, self.day + timedelta(days=1800)),
            "last_departure": lambda: self.recent(400),
            "category_code": lambda: p.category_code,
            "householder_relation": lambda: relation,
            "card_number": lambda: card,
            "card_kind_code": lambda: kind,
            "card_delivered_date": lambda: self.recent(),
            "ref_notice_id": lambda: f"S{self.lasdec}{ymd(self.day)}{rng.randrange(10**7):07d}",
        }

    def _old_values(self, p: Person) -> dict[str, Callable[[], str]]:
        """A different (earlier) value for each old column."""
        rng, t = self.rng, self.t
        old_nat = rng.choice([n for n in t["nationalities"] if n[0] != p.nationality_code])
        old_status, old_period = rng.choice(t["statuses"]), rng.choice(t["periods"])
        birth = date(int(p.birth_date[:4]), int(p.birth_date[4:6]), int(p.birth_date[6:]))
        return {
            "old_name_alpha": lambda: self.latin_name() if p.name_alpha else "",
            "old_name_kanji": lambda: self.kanji_name() if p.name_kanji else "",
            "old_birth_date": lambda: ymd(birth - timedelta(days=rng.randint(1, 400))),
            "old_sex_code": lambda: "2" if p.sex_code == "1" else "1",
            "old_nationality": lambda: old_nat[1],
            "old_nationality_code": lambda: old_nat[0],
            "old_status": lambda: old_status[1],
            "old_status_code": lambda: old_status[0],
            "old_period": lambda: old_period[1],
            "old_period_code": lambda: old_period[0],
            "old_period_expiry": lambda: self.recent(30),
            "old_category_code": lambda: "1",
            "old_card_number": lambda: self.card_number(),
        }

    def pattern_record(
        self, kind: str, code: str, index: int, *, complete: bool = False
    ) -> dict[str, str]:
        """A valid record of pattern ``code`` (kind ``moj`` or ``muni``).

        ``complete``: fill every item the pattern carries, the open (△) ones and
        the card too (a holder with a card), so a test can take each one away.
        """
        rng = self.rng
        pattern = tables.patterns(kind)[code]
        by_holder = _holder_categories()
        holders = [h for h in pattern.holder.split() if h in by_holder]
        category = rng.choice(by_holder[rng.choice(holders)]) if holders else rng.choice("12")
        if kind == "moj":
            category = _CATEGORY_AFTER.get(code, category)
        if complete and category in CARDLESS and pattern.mark("card"):
            category = "1"
        p = self.person(category)
        card = self.card_number()
        new, old = self._values(p, card), self._old_values(p)
        fact = rng.choice(pattern.facts)
        record = dict.fromkeys(_columns(kind), "")
        if kind == "moj":
            record["notice_id"] = f"M{self.lasdec}{ymd(self.day)}{index:07d}"
        else:
            record["notice_id"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        record.update(pattern=code, fact_code=fact, reason_text=pattern.reason or pattern.law)
        random_ = self._random
        carries_category = bool(pattern.mark("category"))
        for key, base, note3, columns, old_columns in _plan(kind, code):
            if base == tables.OPEN and not complete and random_() < 0.5:
                continue
            if key == "card":
                if category in CARDLESS:
                    continue  # ※3: no card number to send
                # ※3 with the category unknown to the check: the card may be left out.
                if note3 and not carries_category and not complete and random_() < 0.3:
                    continue
            for column in columns:
                record[column] = new[column]()
            if base == tables.CHANGED and fact == "3":
                for column in old_columns:
                    record[column] = old[column]()
        _texts(kind, record)
        if record.get("householder_relation") not in ("", None, "世帯主"):
            record["householder_name"] = self.kanji_name() or self.latin_name()
        return record


def _texts(kind: str, record: dict[str, str]) -> None:
    """The text form of the coded items (layout v2), as codes.csv writes them."""
    texts = tables.code_texts()
    fact = sorted(texts[f"{kind}_fact"].get(record["fact_code"], ()))
    if fact:
        record["fact_text"] = fact[0]
    for text, code in (
        ("category_text", "category_code"),
        ("old_category_text", "old_category_code"),
    ):
        if text in record and record.get(code):
            record[text] = min(texts["category"][record[code]])


@cache
def _columns(kind: str) -> tuple[str, ...]:
    return formats.columns(kind)


def _pattern_records(
    kind: str, lasdec: str, count: int, seed: int, day: date
) -> list[dict[str, str]]:
    gen = Generator(seed, lasdec, day)
    codes = list(tables.patterns(kind))
    if kind == "muni":
        codes.remove("AF")  # AF records come from date entry (formats.af_record)
    order = codes[:count] + [gen.rng.choice(codes) for _ in range(count - len(codes))]
    gen.rng.shuffle(order)
    return [gen.pattern_record(kind, code, i + 1) for i, code in enumerate(order)]


def moj_records(
    lasdec: str = DEFAULT_LASDEC, count: int = 100, seed: int = 0, day: date = DEFAULT_DAY
) -> list[dict[str, str]]:
    """``count`` MOJ notice records; every pattern A…BG once ``count`` ≥ 59."""
    return _pattern_records("moj", lasdec, count, seed, day)


def muni_records(
    lasdec: str = DEFAULT_LASDEC, count: int = 100, seed: int = 0, day: date = DEFAULT_DAY
) -> list[dict[str, str]]:
    """``count`` municipal notice records as the resident-record system would drop
    them (patterns A…AE, a…f; AF comes from date entry)."""
    return _pattern_records("muni", lasdec, count, seed, day)


def certificates(
    lasdec: str = DEFAULT_LASDEC,
    count: int = 100,
    seed: int = 0,
    day: date = DEFAULT_DAY,
    waiting_share: float = WAITING_SHARE,
) -> list[Certificate]:
    """``count`` certificate notice rows; about ``waiting_share`` still without a
    交付年月日. Card numbers are unique within the list."""
    gen = Generator(seed, lasdec, day)
    return [gen.certificate(i + 1, waiting_share) for i in range(count)]


def waiting_entries(
    lasdec: str = DEFAULT_LASDEC, count: int = 100_000, seed: int = 0, day: date = DEFAULT_DAY
) -> list[WaitingEntry]:
    """``count`` certificates all waiting for their 交付年月日, as 未入力 list entries."""
    received = datetime(day.year, day.month, day.day, 6, 0)
    rows = certificates(lasdec, count, seed, day, waiting_share=1.0)
    return [row.waiting_entry(received) for row in rows]


def moj_file(
    lasdec: str = DEFAULT_LASDEC, count: int = 100, seed: int = 0, day: date = DEFAULT_DAY
) -> bytes:
    """A MOJ notice file (CSV bytes) of ``count`` records."""
    return formats.write("moj", moj_records(lasdec, count, seed, day))


def spr_file(
    lasdec: str = DEFAULT_LASDEC,
    count: int = 100,
    seed: int = 0,
    day: date = DEFAULT_DAY,
    waiting_share: float = WAITING_SHARE,
) -> bytes:
    """A certificate notice file (CSV bytes) of ``count`` records."""
    rows = certificates(lasdec, count, seed, day, waiting_share)
    return formats.write("spr", (row.record() for row in rows))


def muni_file(
    lasdec: str = DEFAULT_LASDEC, count: int = 100, seed: int = 0, day: date = DEFAULT_DAY
) -> bytes:
    """A municipal notice file (CSV bytes) of ``count`` records."""
    return formats.write("muni", muni_records(lasdec, count, seed, day))
