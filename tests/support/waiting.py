"""Synthetic 未入力 entries for tests of the list, its search and the screens.

Deterministic (a fixed seed), synthetic people only.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from core.model import WaitingEntry

_FAMILY = [
    ("KIM", "金"),
    ("LEE", "李"),
    ("PARK", "朴"),
    ("CHOI", "崔"),
    ("TAKAHASHI", "髙橋"),
    ("YOSHIDA", "𠮷田"),
    ("CHANG", "張"),
    ("WANG", "王"),
    ("HAN", "韓"),
    ("KANG", "姜"),
]
_GIVEN = [
    ("MINJUN", "民俊"),
    ("SEOYEON", "瑞妍"),
    ("JIHO", "智浩"),
    ("HANA", "花"),
    ("YUNA", "裕奈"),
    ("TAEYANG", "太陽"),
    ("SORA", "空"),
    ("HARU", "春"),
]


def entry(
    card_number: str,
    name_alpha: str = "KIM MINJUN",
    name_kanji: str = "金 民俊",
    birth_date: date = date(1950, 1, 2),
    **changes: object,
) -> WaitingEntry:
    values: dict[str, object] = {
        "card_number": card_number,
        "notice_id": f"N{card_number}",
        "card_made_date": date(2024, 3, 1),
        "application_text": "更新",
        "name_alpha": name_alpha,
        "name_kanji": name_kanji,
        "name_class_code": "2",
        "birth_date": birth_date,
        "sex_code": "1",
        "nationality": "韓国",
        "nationality_code": "410",
        "address": "東京都千代田区霞が関1丁目1番1号",
        "lasdec_code": "131016",
        "received_at": datetime(2024, 4, 1, 8, 30),
    }
    values.update(changes)
    return WaitingEntry(**values)  # type: ignore[arg-type]


def many(n: int, seed: int = 7) -> list[WaitingEntry]:
    """``n`` distinct synthetic entries (card numbers SP00000000AB…)."""
    rng = random.Random(seed)
    out = []
    base = date(1930, 1, 1)
    for i in range(n):
        fa, fk = rng.choice(_FAMILY)
        ga, gk = rng.choice(_GIVEN)
        out.append(
            entry(
                f"SP{i:08d}{chr(65 + i % 26)}{chr(65 + (i // 26) % 26)}",
                name_alpha=f"{fa} {ga}",
                name_kanji=f"{fk}\u3000{gk}",
                birth_date=base + timedelta(days=rng.randrange(30000)),
            )
        )
    return out


def spr_csv(entries: list[WaitingEntry], lasdec: str) -> bytes:
    """``entries`` as a certificate notice file (``spr``) for the reference server:
    fixed test data that does not move when ``core.reference.synth`` changes."""
    from core import formats

    def ymd(day: date) -> str:
        return day.strftime("%Y%m%d")

    records = [
        {
            "notice_id": f"S{lasdec}20240401{i + 1:07d}",
            "card_number": e.card_number,
            "card_made_date": ymd(e.card_made_date),
            "card_delivered_date": "",
            "application_text": e.application_text,
            "name_alpha": e.name_alpha,
            "name_kanji": e.name_kanji,
            "name_class_code": e.name_class_code,
            "birth_date": ymd(e.birth_date),
            "sex_code": e.sex_code,
            "nationality": e.nationality,
            "nationality_code": e.nationality_code,
            "address": e.address,
            "lasdec_code": lasdec,
        }
        for i, e in enumerate(entries)
    ]
    return formats.write("spr", records)
