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
    reader: str | None = None,
    trust: Path | None = None,
    today: date | None = None,
) -> HandOver:
    """Read the card on the reader with ``card_number`` (one attempt, never retried)."""
    number = residence.normalize_number(card_number)
    chip = residence.read_with_reader(number, reader=reader, trust=trust)
    return proposal(number, chip, today or date.today())
