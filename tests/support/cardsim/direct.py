"""The simulator without PC/SC: APDUs straight into a SimCard (for unit tests)."""

from __future__ import annotations

from core.card import apdu
from core.card.errors import CardRemoved
from tests.support.cardsim.card import Removed, SimCard


class Direct:
    def __init__(self, card: SimCard) -> None:
        self.card = card

    def transmit(self, command: apdu.Command) -> apdu.Response:
        try:
            return apdu.Response.from_bytes(self.card.process(command.to_bytes()))
        except Removed as exc:
            raise CardRemoved() from exc
