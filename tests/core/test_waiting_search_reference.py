"""The 未入力 search against a plain filter written here, over the same synthetic
rows: typing, backspacing, typing again and updating must give, at every key,
what a straightforward scan of the entries gives (the index reuses earlier
results; this proves the reuse changes nothing).

The reference does not import the code under test. Its matching rule is the
one ``WaitingList.search`` documents for text: every word of the query is a
substring of the certificate number, the Latin name or the kanji name (or of a
name with its spaces taken out), ignoring width (NFKC) and case; the variant
pairs are those of the existing tests (髙/高 U+9AD9/U+9AD8, 𠮷/吉 U+20BB7/U+5409,
﨑/崎 U+FA11/U+5D0E). Queries here never hold a digit or 元年月日, so they are
never read as dates; the one way a word without digits meets a birth date's
text keys is the era letter of its short form (``S40.1.6``: 昭和 until
1989-01-07, 平成 from 1989-01-08, 令和 from 2019-05-01, per the Cabinet Orders
that set those eras), so the reference holds that letter.
"""

from __future__ import annotations

import functools
import random
import unicodedata
from datetime import date, timedelta

from core.waiting import FIELDS, WaitingList, ymd
from tests.support.waiting import entry

VARIANTS = {"\u9ad9": "\u9ad8", "\U00020bb7": "\u5409", "\ufa11": "\u5d0e"}
HEISEI, REIWA = date(1989, 1, 8), date(2019, 5, 1)

FAMILY = [
    ("KIM", "金"),
    ("KIMURA", "木村"),
    ("TAKAHASHI", "髙橋"),
    ("TAKAHASHI", "高橋"),
    ("YOSHIDA", "𠮷田"),
    ("YOSHIDA", "吉田"),
    ("MIYAZAKI", "宮﨑"),
    ("MIYAZAKI", "宮崎"),
    ("NGUYEN", "阮"),
    ("", "李"),  # name class 3: no Latin name
]
GIVEN = [("MINJUN", "民俊"), ("HANA", "花"), ("VAN AN", "文安"), ("QUYNH", "瓊"), ("BO", "宝")]


def reference_norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return "".join(VARIANTS.get(ch, ch) for ch in text).casefold()


@functools.cache
def reference_keys(e) -> list[str]:
    keys = [
        e.card_number,
        e.name_alpha,
        e.name_alpha.replace(" ", ""),
        e.name_kanji,
        e.name_kanji.replace(" ", "").replace("\u3000", ""),
    ]
    born = e.birth_date
    era = "r" if born >= REIWA else "h" if born >= HEISEI else "s"
    return [*(reference_norm(k) for k in keys), era]


def reference(entries: list, query: str) -> list[str]:
    """Card numbers of ``entries`` (in the order given) matching every word."""
    words = reference_norm(query).split()
    return [
        e.card_number for e in entries if all(any(w in k for k in reference_keys(e)) for w in words)
    ]


def people(count: int, seed: int) -> list:
    rng = random.Random(seed)
    out = []
    for i in range(count):
        fa, fk = rng.choice(FAMILY)
        ga, gk = rng.choice(GIVEN)
        out.append(
            entry(
                f"QA{rng.randrange(10**8):08d}{chr(65 + i % 26)}{chr(65 + i // 26 % 26)}",
                name_alpha=f"{fa} {ga}" if fa else "",
                name_kanji=f"{fk}\u3000{gk}" if rng.random() < 0.5 else f"{fk} {gk}",
                birth_date=date(1950, 1, 1) + timedelta(days=rng.randrange(27000)),
            )
        )
    return out


def typed_queries(rng: random.Random) -> list[str]:
    """Queries as typed: pieces of names in any case and width, variant kanji
    either way, several words, words that match nothing."""
    pieces = (
        (
            "kim KIMU ki_m taka ｔａｋａ ha han hana_x yoshi ngu van_an vanan min_jun qu zz zzq bo "
            "a_b 髙 高橋 吉 𠮷田 宮崎 宮﨑_花 金_民 李 瓊 木村_宝"
        )
        .replace(" ", "\n")
        .replace("_", " ")
        .split("\n")
    )
    out = []
    for _ in range(30):
        words = rng.sample(pieces, rng.choice((1, 1, 2)))
        query = " ".join(words)
        if rng.random() < 0.3:
            query = query.upper()
        out.append(query)
    return out


def keys_of(query: str) -> list[str]:
    """Every state of the search box while ``query`` is typed and then
    backspaced away again."""
    typed = [query[:i] for i in range(1, len(query) + 1)]
    return typed + typed[-2::-1] + [""]


def _columns(entries: list) -> dict[str, list]:
    columns = {f: [getattr(e, f) for e in entries] for f in FIELDS}
    for name in ("card_made_date", "birth_date"):
        columns[name] = [ymd(d) for d in columns[name]]
    return columns


def _assert_same(waiting: WaitingList, entries: list, queries: list[str]) -> None:
    order = [e.card_number for e in waiting.search("")]
    listed = {e.card_number: e for e in entries}
    in_order = [listed[c] for c in order]
    for query in queries:
        for state in keys_of(query):
            assert not any(ch.isdigit() or ch in "元年月日" for ch in state)
            found = [e.card_number for e in waiting.search(state)]
            assert found == reference(in_order, state), state


def test_typing_and_backspacing_match_a_plain_filter() -> None:
    entries = people(2000, seed=3)
    rng = random.Random(5)
    _assert_same(WaitingList(entries), entries, typed_queries(rng))


def test_the_sorted_store_list_matches_a_plain_filter() -> None:
    """Built as the store builds it: chunks in file order, sorted by number."""
    entries = people(1000, seed=4)
    chunks = [_columns(entries[i : i + 350]) for i in range(0, len(entries), 300)]
    for keys in ("now", "later"):
        waiting = WaitingList.from_columns(iter(chunks), keys=keys)
        _assert_same(waiting, entries, typed_queries(random.Random(6)))


def test_queries_in_any_order_match_a_plain_filter() -> None:
    """Jumps between queries (pasted, or words typed in another order): some
    extend an earlier query that is not the last, some only share its start."""
    entries = people(1500, seed=10)
    waiting = WaitingList(entries)
    rng = random.Random(11)
    pool = [q for query in typed_queries(rng) for q in keys_of(query) if q]
    pool += ["kimu", "ki m", "kim", "kimura", "k", "zzq", "zzqa", "zz", "ha", "h a", "han b"]
    order = [e.card_number for e in waiting.search("")]
    listed = {e.card_number: e for e in entries}
    in_order = [listed[c] for c in order]
    for state in pool[-11:] + [rng.choice(pool) for _ in range(300)]:
        found = [e.card_number for e in waiting.search(state)]
        assert found == reference(in_order, state), state


def test_updates_between_keys_are_seen() -> None:
    """A result kept for reuse never outlives a change of the list: the same
    query before and after each kind of change."""
    entries = people(800, seed=8)
    waiting = WaitingList(entries)
    current = list(entries)
    rng = random.Random(9)

    def same(query: str) -> None:
        _assert_same(waiting, current, [query])

    for query in ["zz", "taka zz", "kim zzq", "hana"]:
        same(query)
        # a correction renames a row so that it matches
        victim = rng.choice(current)
        renamed = entry(victim.card_number, "TAKAHASHI ZZ", "髙橋 花", victim.birth_date)
        waiting.upsert(renamed)
        current[current.index(victim)] = renamed
        same(query)
        # a row matching the query is taken off
        gone = next(e for e in current if reference([e], query))
        waiting.remove(gone.card_number)
        current.remove(gone)
        same(query)
        # a row is added that matches
        added = entry(f"QZ{len(current):08d}AA", "KIM ZZQ", "金 花", date(1970, 1, 1))
        waiting.upsert(added)
        current.append(added)
        same(query)
