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
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.charset import JukiSjisCodec, decode_file, encode_file, make_codec, parse_gaiji
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


def best(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


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
    base_enc = best(lambda: plain.encode("cp932"))
    base_dec = best(lambda: plain_bytes.decode("cp932"))
    our_enc = best(lambda: encode_file(plain, codec, "plain.csv"))
    our_dec = best(lambda: decode_file(plain_bytes, codec, "plain.csv"))
    mix_enc = best(lambda: encode_file(mixed, codec, "mixed.csv"))
    mix_dec = best(lambda: decode_file(mixed_bytes, codec, "mixed.csv"))

    print(f"records: {RECORDS:,}; JIS X 0208 file {n_plain:,} chars; "
          f"外字 file {n_mixed:,} chars (5% of records, table of {len(gaiji)})")  # fmt: skip
    print(f"{'':34}{'chars/s':>14}{'vs cp932':>10}")

    def row(label: str, chars: int, seconds: float, baseline: float) -> None:
        print(f"{label:34}{chars / seconds:>14,.0f}{baseline / seconds:>9.2f}x")

    row("cp932 encode (baseline, JIS)", n_plain, base_enc, base_enc)
    row("juki-sjis encode_file (JIS)", n_plain, our_enc, base_enc)
    row("juki-sjis encode_file (外字 5%)", n_mixed, mix_enc, base_enc * n_mixed / n_plain)
    row("cp932 decode (baseline, JIS)", n_plain, base_dec, base_dec)
    row("juki-sjis decode_file (JIS)", n_plain, our_dec, base_dec)
    row("juki-sjis decode_file (外字 5%)", n_mixed, mix_dec, base_dec * n_mixed / n_plain)
    print("(ratio = speed relative to the cp932 codec on the JIS X 0208 file; 1.00x = as fast)")


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
    n_plain, n_mixed = len(plain), len(mixed)
    base_enc = best(lambda: plain.encode("utf-16-be"))
    base_dec = best(lambda: plain_bytes.decode("utf-16-be"))
    mix_base_enc = best(lambda: mixed.encode("utf-16-be"))
    mix_base_dec = best(lambda: mixed_bytes.decode("utf-16-be", "surrogatepass"))
    our_enc = best(lambda: codec.encode(plain))
    our_dec = best(lambda: codec.decode(plain_bytes))
    mix_enc = best(lambda: codec.encode(mixed))
    mix_dec = best(lambda: codec.decode(mixed_bytes))
    file_enc = best(lambda: encode_file(plain, codec, "plain.csv"))
    file_dec = best(lambda: decode_file(plain_bytes, codec, "plain.csv"))
    print()
    print(f"juki: same files; 外字 file: 5% of records with one of {len(extras)} "
          "(100 外字 of extension B, 100 non-BMP / IVS J+ forms)")  # fmt: skip
    print(f"{'':34}{'chars/s':>14}{'vs utf-16-be':>14}")

    def row(label: str, chars: int, seconds: float, baseline: float) -> None:
        print(f"{label:34}{chars / seconds:>14,.0f}{baseline / seconds:>13.2f}x")

    row("utf-16-be encode (baseline, JIS)", n_plain, base_enc, base_enc)
    row("juki encode (JIS)", n_plain, our_enc, base_enc)
    row("juki encode_file (JIS)", n_plain, file_enc, base_enc)
    row("juki encode (外字 5%)", n_mixed, mix_enc, mix_base_enc)
    row("utf-16-be decode (baseline, JIS)", n_plain, base_dec, base_dec)
    row("juki decode (JIS)", n_plain, our_dec, base_dec)
    row("juki decode_file (JIS)", n_plain, file_dec, base_dec)
    row("juki decode (外字 5%)", n_mixed, mix_dec, mix_base_dec)
    print("(ratio = speed relative to utf-16-be on the same text; 1.00x = as fast; "
          "target of issue #19: juki encode/decode >= 0.70x)")  # fmt: skip


if __name__ == "__main__":
    main()
    juki_main()
