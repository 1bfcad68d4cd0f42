"""Card errors: one class per failure a clerk must tell apart, all exit code 5.

Each carries its catalogue key (``core/i18n/messages/card.toml``) so the counter
reads a precise Japanese sentence and the tests assert on the key.
"""

from __future__ import annotations

from core.errors import EXIT_CARD, RenkeiError


class CardError(RenkeiError):
    exit_code = EXIT_CARD


class CardUnavailable(CardError):
    """pyscard is not installed: card support is off, the rest works."""

    def __init__(self, reason: str) -> None:
        super().__init__("card.unavailable", reason=reason)


class NoCardService(CardError):
    def __init__(self, detail: str = "") -> None:
        super().__init__("card.no_service", detail=detail)


class NoReader(CardError):
    def __init__(self, name: str = "") -> None:
        super().__init__("card.no_reader_named" if name else "card.no_reader", name=name)


class NoCard(CardError):
    def __init__(self) -> None:
        super().__init__("card.no_card")


class CardRemoved(CardError):
    def __init__(self) -> None:
        super().__init__("card.removed")


class NoExtendedLength(CardError):
    def __init__(self) -> None:
        super().__init__("card.no_extended")


class CardNumberForm(CardError):
    def __init__(self, number: str) -> None:
        super().__init__("card.number_form", number=number)


class WrongCardNumber(CardError):
    """The chip refused the number (MUTUAL AUTHENTICATE or VERIFY answered 6300)."""

    def __init__(self, number: str, step: str) -> None:
        super().__init__("card.wrong_number", number=number, step=step)


class CardProofFailed(CardError):
    """The chip answered, but its own proof (MAC, echoed challenge) did not verify."""

    def __init__(self, what: str) -> None:
        super().__init__("card.proof_failed", what=what)


class UnsupportedCard(CardError):
    def __init__(self, card_type: str) -> None:
        super().__init__("card.unsupported", card_type=card_type)


class MyNumberCombined(CardError):
    """Types 07/08 (combined with the My Number card) follow another specification."""

    def __init__(self, card_type: str) -> None:
        super().__init__("card.mynumber", card_type=card_type, what=card_type)

    def message(self, lang: str | None = None) -> str:
        """Names the card in ``lang`` (特定在留カード / 特定特別永住者証明書)."""
        from core.i18n import t

        card_type = self.params["card_type"]
        what = t(f"card.specified.{card_type}", lang) if card_type in ("07", "08") else card_type
        return t(self.key, lang, card_type=card_type, what=what)


class CardStatus(CardError):
    """The card answered a status word other than success.

    Status words are data: ``card.sw.<SW>`` in the catalogue says what each means;
    an unlisted one falls back to ``card.status``.
    """

    def __init__(self, command: str, sw: int) -> None:
        from core.card.apdu import sw_key

        super().__init__(sw_key(sw), command=command, sw=f"{sw:04X}")
        self.sw = sw


class CardDataError(CardError):
    """What the card sent does not have the shape the specification gives it."""

    def __init__(self, what: str) -> None:
        super().__init__("card.malformed", what=what)


class CardMismatch(CardError):
    """The chip's own card number differs from the number it was opened with."""

    def __init__(self, expected: str, found: str) -> None:
        super().__init__("card.mismatch", expected=expected, found=found)
