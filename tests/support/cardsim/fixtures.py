"""pytest fixtures of the card simulator; conftests import them by name."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.cardsim.card import SimCard
from tests.support.cardsim.holders import sim_ca
from tests.support.cardsim.stack import PcscStack, stack


@pytest.fixture
def pcsc() -> Iterator[PcscStack]:
    """The running pcscd + vpcd, with no card on the reader before and after the test."""
    s = stack()
    assert s.vcard is not None
    s.vcard.remove()
    s.wait_card(False)
    yield s
    s.vcard.remove()


@pytest.fixture
def place_card(pcsc: PcscStack) -> Callable[[SimCard], SimCard]:
    """Put a simulated card on the virtual reader and wait until pcscd sees it."""

    def place(card: SimCard) -> SimCard:
        assert pcsc.vcard is not None
        if pcsc.vcard.present:
            pcsc.vcard.remove()
            pcsc.wait_card(False)
        pcsc.vcard.insert(card)
        pcsc.wait_card(True)
        return card

    return place


@pytest.fixture
def card_data(tmp_path: Path) -> Path:
    """A data directory whose trust directory holds the test MOJ CA."""
    data = tmp_path / "data"
    sim_ca().install(data / "moj-ca")
    return data
