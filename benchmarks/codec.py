"""Characters/s through the juki-sjis codec, next to Python's own cp932 codec.

A synthetic 100,000-record MOJ-notice-like CSV (names and addresses drawn from
JIS X 0208 kanji and kana, Latin names, dates, codes) is encoded and decoded
whole (``core.charset.encode_file`` / ``decode_file``) and, as the baseline in
the same run, with ``str.encode('cp932')`` / ``bytes.decode('cp932')`` on the
same JIS X 0208 text. A second file where 5% of the records carry a 外字
(non-BMP characters and IVS sequences from a 200-entry table) shows the cost
of the 外字 path.

The ``juki`` codec (住基統一文字, one 16-bit unit per character) is measured the
same way next to Python's ``utf-16-be`` codec on the same text: the JIS X 0208
file (where 95 of the level-1 kanji, e.g. 葛 J+B9D5, are not their code point),
and a file where 5% of the records carry a 外字 or a J+ character outside the BMP
or with an IVS. Run: ``python benchmarks/codec.py [records]``.

Targets (issue #19): the ``juki`` codec at least 0.70x the speed of Python's
``utf-16-be`` on the same text (encode and decode, also through
``encode_file`` / ``decode_file``); ``juki-sjis`` at least 0.70x ``cp932``.
Each row prints its speed beside the baseline measured in the same rounds.
"""

from __future__ import annotations

import random
import re
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import REPEAT, Paired, paired, verdict

from core.charset import (
    JukiCodec,
    JukiSjisCodec,
    decode_file,
    encode_file,
    make_codec,
    parse_gaiji,
)
from core.charset.juki import shipped

RECORDS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
HEADER = "notice_id,pattern,fact_code,name_alpha,name_kanji,birth_date,sex_code,address,card_number"


def _jis_kanji() -> list[str]:
    """The JIS X 0208 level-1 kanji (rows 16–47), decoded from their codes."""
    out = []
    for lead in range(0x88, 0x99):
        for trail in [*range(0x40, 0x7F), *range(0x80, 0xFD)]:
            try:
                char = bytes([lead, trail]).decode("cp932")
            except UnicodeDecodeError:
                continue
            if "\u4e00" <= char <= "\u9fff":
                out.append(char)
    return out


def _gaiji_table(size: int = 200) -> tuple[str, list[str]]:
    """A 外字 table of ``size`` entries: half CJK extension B characters, half
    JIS kanji with an ideographic variation selector."""
    chars: list[str] = []
    cp = 0x20000
    while len(chars) < size // 2:
        char = chr(cp)
        cp += 7
        try:
            char.encode("cp932")
        except UnicodeEncodeError:
            chars.append(char)
    kanji = _jis_kanji()
    chars += [k + "\U000e0101" for k in kanji[: size - len(chars)]]
    lines = ["sjis,juki_code,unicode"]
    codes = [(lead << 8) | trail for lead in range(0xF0, 0xFA)
             for trail in [*range(0x40, 0x7F), *range(0x80, 0xFD)]]  # fmt: skip
    for code, char in zip(codes, chars, strict=False):
        lines.append(f"{code:04X},,{' '.join(f'U+{ord(c):04X}' for c in char)}")
    return "\n".join(lines) + "\n", chars


def make_file(records: int, gaiji: list[str], share: float, seed: int = 1) -> str:
    rng = random.Random(seed)
    kanji = _jis_kanji()
    kana = [chr(c) for c in range(0x30A2, 0x30F3)]
    latin = ["SMITH", "NGUYEN", "KIM", "LI", "GARCIA", "SILVA", "ANNA", "JOHN", "MARIA"]
    prefs = [
        "東京都新宿区西新宿",
        "大阪府大阪市北区梅田",
        "愛知県名古屋市中区栄",
        "福岡県福岡市博多区",
    ]
    rows = [HEADER]
    for i in range(records):
        name = "".join(rng.choices(kanji, k=rng.randint(2, 4)))
        if gaiji and rng.random() < share:
            name = rng.choice(gaiji) + name
        address = f"{rng.choice(prefs)}{rng.randint(1, 9)}丁目{rng.randint(1, 30)}番"
        address += "".join(rng.choices(kana, k=rng.randint(3, 8))) + "マンション"
        rows.append(
            f"M{i:09d},A,1,{rng.choice(latin)} {rng.choice(latin)},{name},"
            f"{rng.randint(1930, 2020)}0{rng.randint(1, 9)}1{rng.randint(0, 9)},"
            f"{rng.randint(1, 2)},{address},AB{rng.randint(0, 99_999_999):08d}CD"
        )
    return "\r\n".join(rows) + "\r\n"


TARGET_JUKI = 0.70  # issue #19: juki encode/decode >= 0.70x Python's utf-16-be, same text
TARGET_SJIS = 0.70  # juki-sjis >= 0.70x Python's cp932 (the same bar, its own baseline)


def _header(baseline: str) -> None:
    print(f"{'':34}{'chars/s':>14}{'baseline':>14}{'speed':>8}   target (#19)")
    print(f"{'':34}{'(median)':>14}{baseline:>14}{'':>8}")


def _row(
    label: str, chars: int, base_chars: int, pair: Paired, target: float | None = None
) -> None:
    """One measure: its median chars/s, the baseline's in the same rounds, and the
    median ratio of speeds (chars/s over baseline chars/s; 1.00x = as fast)."""
    speed = (chars / base_chars) / pair.ratio
    goal = f">= {target:.2f}x {verdict(speed >= target)}" if target is not None else "-"
    print(
        f"{label:34}{chars / pair.measure:>14,.0f}{base_chars / pair.baseline:>14,.0f}"
        f"{speed:>7.2f}x   {goal}"
    )


def main() -> None:
    table_text, gaiji = _gaiji_table()
    codec = JukiSjisCodec(parse_gaiji(table_text, "bench-gaiji.csv"))
    plain = make_file(RECORDS, [], 0.0)
    mixed = make_file(RECORDS, gaiji, 0.05, seed=2)
    plain_bytes = encode_file(plain, codec, "plain.csv")
    mixed_bytes = encode_file(mixed, codec, "mixed.csv")
    assert plain_bytes == plain.encode("cp932")
    assert decode_file(mixed_bytes, codec, "mixed.csv") == mixed

    n_plain, n_mixed = len(plain), len(mixed)
    print(f"records: {RECORDS:,}; JIS X 0208 file {n_plain:,} chars; "
          f"外字 file {n_mixed:,} chars (5% of records, table of {len(gaiji)}); "
          f"median of {REPEAT} rounds, baseline and measure in turns")  # fmt: skip
    print()
    print("juki-sjis, next to Python's cp932 on the JIS X 0208 file")
    _header("cp932")

    def enc() -> object:
        return plain.encode("cp932")

    def dec() -> object:
        return plain_bytes.decode("cp932")

    rows = [
        ("juki-sjis encode_file (JIS)", n_plain, enc, lambda: encode_file(plain, codec, "p")),
        ("juki-sjis encode_file (外字 5%)", n_mixed, enc, lambda: encode_file(mixed, codec, "m")),
        ("juki-sjis decode_file (JIS)", n_plain, dec, lambda: decode_file(plain_bytes, codec, "p")),
        ("juki-sjis decode_file (外字 5%)", n_mixed, dec,
         lambda: decode_file(mixed_bytes, codec, "m")),
    ]  # fmt: skip
    for label, chars, base, fn in rows:
        _row(label, chars, n_plain, paired(base, fn), TARGET_SJIS)


def _juki_extras(size: int = 200) -> tuple[str, list[str]]:
    """A 外字 table of ``size // 2`` CJK extension B characters without a J+ code,
    and as many J+ forms that are no plain BMP code point (non-BMP, or with an IVS)."""
    table = shipped()
    gaiji: list[str] = []
    cp = 0x20000
    while len(gaiji) < size // 2:
        char = chr(cp)
        cp += 3
        if char not in table.from_unicode:
            gaiji.append(char)
    lines = ["sjis,juki_code,unicode"]
    codes = [(lead << 8) | trail for lead in range(0xF0, 0xFA)
             for trail in [*range(0x40, 0x7F), *range(0x80, 0xFD)]]  # fmt: skip
    for code, char in zip(codes, gaiji, strict=False):
        lines.append(f"{code:04X},,U+{ord(char):04X}")
    forms = [t for t in table.to_unicode.values() if len(t) == 2 or ord(t[0]) > 0xFFFF]
    return "\n".join(lines) + "\n", gaiji + forms[: size // 2]


def juki_main() -> None:
    table_text, extras = _juki_extras()
    codec = make_codec("juki", parse_gaiji(table_text, "bench-gaiji.csv"))
    plain = make_file(RECORDS, [], 0.0)
    mixed = make_file(RECORDS, extras, 0.05, seed=2)
    plain_bytes = encode_file(plain, codec, "plain.csv")
    mixed_bytes = encode_file(mixed, codec, "mixed.csv")
    assert decode_file(plain_bytes, codec, "plain.csv") == plain
    assert decode_file(mixed_bytes, codec, "mixed.csv") == mixed
    print()
    print(f"juki, next to Python's utf-16-be on the same text; 外字 file: 5% of "
          f"records with one of {len(extras)} (100 外字 of extension B, "
          "100 non-BMP / IVS J+ forms)")  # fmt: skip
    _header("utf-16-be")

    def enc(text: str) -> Callable[[], object]:
        return lambda: text.encode("utf-16-be")

    def dec(data: bytes) -> Callable[[], object]:
        return lambda: data.decode("utf-16-be", "surrogatepass")

    rows = [
        ("juki encode (JIS)", plain, enc(plain), lambda: codec.encode(plain), TARGET_JUKI),
        ("juki encode_file (JIS)", plain, enc(plain),
         lambda: encode_file(plain, codec, "p"), TARGET_JUKI),
        ("juki encode (外字 5%)", mixed, enc(mixed), lambda: codec.encode(mixed), TARGET_JUKI),
        ("juki decode (JIS)", plain, dec(plain_bytes),
         lambda: codec.decode(plain_bytes), TARGET_JUKI),
        ("juki decode_file (JIS)", plain, dec(plain_bytes),
         lambda: decode_file(plain_bytes, codec, "p"), TARGET_JUKI),
        ("juki decode (外字 5%)", mixed, dec(mixed_bytes),
         lambda: codec.decode(mixed_bytes), TARGET_JUKI),
    ]  # fmt: skip
    for label, text, base, fn, target in rows:
        _row(label, len(text), len(text), paired(base, fn), target)
    # What no pure-Python juki codec can beat: checking every character against the
    # repertoire once, with re's fastest loop (a possessive repeat of one class),
    # on text that needs no rewriting; no mapping, no encoding.
    assert isinstance(codec, JukiCodec)
    scan = re.compile(f"[{codec._odd.pattern[2:-1]}]*+")
    clean = codec._odd.sub("", plain)
    assert scan.fullmatch(clean) is not None
    _row("(floor: one re scan of the class)", len(clean), len(clean),
         paired(enc(clean), lambda: scan.match(clean)))  # fmt: skip
    print("(speed: chars/s over the baseline's chars/s in the same rounds; 1.00x = as fast)")


if __name__ == "__main__":
    main()
    juki_main()
