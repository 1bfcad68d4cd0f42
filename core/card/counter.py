"""The hand-over at the counter: check that the card in the clerk's hand is the
certificate selected on the 未入力 list, then propose today as 交付年月日.

Authentication with the list's card number succeeds only on the chip of that
certificate (the keys come from the number), so success proves the card — not the
person holding it. The signature check says whether the chip is MOJ's; the date is
proposed only when it is 真正, or when it is 検証不能 (no CA installed for its
issuer) and the clerk confirms that explicitly — the caller then audits it
(:func:`audit_unverified`). 署名不一致 and 読取不可 get no proposal. The date is
entered by the caller through ``Terminal.enter`` after the clerk's confirmation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from core.card import genuine, residence
from core.card.residence import ChipData

AUDIT_UNVERIFIED = "card.handover_unverified"


@dataclass(frozen=True)
class HandOver:
    card_number: str
    chip: ChipData
    proposed: date | None  # None: do not offer the date (see ``reason``)
    reason: str = ""  # catalogue key of why there is no proposal
    confirm: bool = False  # 検証不能: the clerk must confirm explicitly (audited)


def proposal(card_number: str, chip: ChipData, today: date) -> HandOver:
    """The decision on a read chip, separate from the reading so it is testable alone."""
    if chip.card_number != residence.normalize_number(card_number):
        return HandOver(card_number, chip, None, "card.mismatch")
    status = chip.genuineness.status
    if status == genuine.GENUINE:
        return HandOver(chip.card_number, chip, today)
    if status == genuine.UNVERIFIABLE:
        return HandOver(chip.card_number, chip, today, chip.genuineness.reason, confirm=True)
    return HandOver(card_number, chip, None, chip.genuineness.reason)


def audit_unverified(audit: Any, record: str, handover: HandOver, operator: str = "") -> None:
    """Log that the clerk accepted a 検証不能 card (``audit``: ``core.store.audit.Audit``;
    ``record``: the store's reference of the certificate, never the number itself)."""
    audit.append(
        AUDIT_UNVERIFIED,
        actor=operator,
        record=record,
        result="confirmed",
        detail=handover.chip.genuineness.params.get("issuer", ""),
    )


EQUAL, DIFFERENT, ON_FACE, NOT_ON_CHIP = "equal", "different", "on_face", "not_on_chip"


@dataclass(frozen=True)
class Comparison:
    """One field of the list's row beside the chip's, and whether they agree.

    ``mark``: equal / different / on_face (the chip holds it as an image: compare
    with the card by eye) / not_on_chip (this card kind does not record it)."""

    field: str  # catalogue key card.field.<field>
    row: str
    chip: str
    mark: str


def _same_text(a: str, b: str) -> bool:
    import unicodedata

    def norm(v: str) -> str:
        return "".join(unicodedata.normalize("NFKC", v).split())

    return norm(a) == norm(b)


def compare(entry: Any, chip: ChipData) -> list[Comparison]:
    """The row (a ``core.model.WaitingEntry``) beside the chip, field by field."""
    out: list[Comparison] = []
    raw = {f.name: f.raw for f in chip.fields}
    shown = {f.name: f.value for f in chip.fields}

    def add(name: str, row: str, chip_raw: str | None, chip_shown: str, same: bool) -> None:
        if chip_raw is None:
            out.append(Comparison(name, row, "", NOT_ON_CHIP))
        else:
            out.append(Comparison(name, row, chip_shown, EQUAL if same else DIFFERENT))

    number = getattr(entry, "card_number", "")
    add("card_number", number, chip.card_number, chip.card_number, number == chip.card_number)
    birth = getattr(entry, "birth_date", None)
    row_birth = birth.isoformat() if birth else ""
    chip_birth = raw.get("birth_date")
    add(
        "birth_date",
        row_birth,
        chip_birth,
        shown.get("birth_date", ""),
        chip_birth is not None and row_birth.replace("-", "") == chip_birth,
    )
    sex = getattr(entry, "sex_code", "")
    add("sex", sex, raw.get("sex"), shown.get("sex", ""), sex == raw.get("sex"))
    row_nat = getattr(entry, "nationality", "")
    chip_nat = raw.get("nationality")
    known = residence.nationalities().get(chip_nat or "")
    same_nat = known is not None and known[2] == getattr(entry, "nationality_code", "")
    add("nationality", row_nat, chip_nat, shown.get("nationality", ""), same_nat)
    address = getattr(entry, "address", "")
    if chip.card.generation == 2:
        out.append(Comparison("address", address, "", ON_FACE))
        out.append(Comparison("name", getattr(entry, "name_kanji", "") or "", "", ON_FACE))
    else:
        chip_address = raw.get("address")
        add(
            "address",
            address,
            chip_address,
            chip_address or "",
            _same_text(address, chip_address or ""),
        )
    return out


def card_present(reader: str | None) -> bool:
    """Whether a card already lies on ``reader`` (default: the first reader)."""
    from core.card.reader import Context

    with Context() as ctx:
        name = ctx.pick(reader)
        return any(info.card_present for info in ctx.readers() if info.name == name)


def wait_for_card(
    reader: str | None,
    timeout: float,
    cancelled: Callable[[], bool] = lambda: False,
    present: bool = True,
) -> bool:
    """Block until a card is on ``reader`` (default: any) — or, with ``present=False``,
    gone from it — or ``timeout`` passes or ``cancelled()``; True if it happened."""
    import time

    from core.card.reader import Context

    deadline = time.monotonic() + timeout
    with Context() as ctx:
        name = ctx.pick(reader)
        while not cancelled():
            if ctx.wait(name, present, 0.3):
                return True
            if time.monotonic() > deadline:
                return False
    return False


def prove(
    card_number: str,
    *,
    number: str | None = None,
    reader: str | None = None,
    trust: Path | None = None,
    today: date | None = None,
) -> HandOver:
    """Read the card on the reader (one attempt, never retried) and decide for the
    row ``card_number``. ``number``: the number to authenticate with, when the clerk
    typed it from the card after the row's was refused (default: the row's)."""
    row = residence.normalize_number(card_number)
    chip = residence.read_with_reader(number or row, reader=reader, trust=trust)
    return proposal(row, chip, today or date.today())
