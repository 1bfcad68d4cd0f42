"""PC/SC through pyscard: readers, card presence, transmit — and the error mapping.

pyscard is imported here only, lazily, so ``core`` imports without it (it is
the optional extra ``renkei[card]``). Its low-level ``scard`` API is used so
every PC/SC return code can be told apart: no service (pcscd not running), no
reader, no card, card removed, and a reader that cannot carry extended-length
APDUs each raise their own error. Nothing read from the card is logged.
"""

from __future__ import annotations

import importlib
import time
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from core.card import apdu
from core.card.errors import (
    CardError,
    CardRemoved,
    CardUnavailable,
    NoCard,
    NoCardService,
    NoExtendedLength,
    NoReader,
)


def _scard() -> ModuleType:
    try:  # by name: pyscard ships no type information, its calls are checked at run time
        return importlib.import_module("smartcard.scard")
    except ImportError as exc:  # pyscard not installed (or built without libpcsclite)
        raise CardUnavailable(f"pyscard: {exc}") from exc


def support() -> tuple[bool, str]:
    """Whether card support is installed, and if not, why (for the UI and commands)."""
    try:
        _scard()
    except CardUnavailable as exc:
        return False, exc.params["reason"]
    return True, ""


def _code(scard: ModuleType, name: str, default: int) -> int:
    value = getattr(scard, name, default)
    return value & 0xFFFFFFFF if isinstance(value, int) else default


def _raise_for(scard: ModuleType, hresult: int, reader: str = "") -> None:
    """Map a PC/SC return code to the product's error (nothing if it is success)."""
    code = hresult & 0xFFFFFFFF
    if code == 0:
        return
    if code in (
        _code(scard, "SCARD_E_NO_SERVICE", 0x8010001D),
        _code(scard, "SCARD_E_SERVICE_STOPPED", 0x8010001E),
    ):
        raise NoCardService(f"0x{code:08X}")
    if code == _code(scard, "SCARD_E_NO_READERS_AVAILABLE", 0x8010002E):
        raise NoReader()
    if code in (
        _code(scard, "SCARD_E_UNKNOWN_READER", 0x80100009),
        _code(scard, "SCARD_E_READER_UNAVAILABLE", 0x80100017),
    ):
        raise NoReader(reader)
    if code in (
        _code(scard, "SCARD_E_NO_SMARTCARD", 0x8010000C),
        _code(scard, "SCARD_W_UNRESPONSIVE_CARD", 0x80100066),
        _code(scard, "SCARD_W_UNPOWERED_CARD", 0x80100067),
    ):
        raise NoCard()
    if code in (
        _code(scard, "SCARD_W_REMOVED_CARD", 0x80100069),
        _code(scard, "SCARD_W_RESET_CARD", 0x80100068),
    ):
        raise CardRemoved()
    raise CardError("card.pcsc", code=f"0x{code:08X}")


@dataclass(frozen=True)
class ReaderInfo:
    name: str
    card_present: bool
    atr: bytes = b""


class Context:
    """A PC/SC context: list readers, watch them, connect."""

    def __init__(self) -> None:
        self._s = _scard()
        hresult, self._ctx = self._s.SCardEstablishContext(self._s.SCARD_SCOPE_USER)
        if hresult & 0xFFFFFFFF:
            # pyscard's high-level API raises EstablishContextException here
            raise NoCardService(f"0x{hresult & 0xFFFFFFFF:08X}")

    def close(self) -> None:
        self._s.SCardReleaseContext(self._ctx)

    def __enter__(self) -> Context:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def reader_names(self) -> list[str]:
        hresult, names = self._s.SCardListReaders(self._ctx, [])
        if (hresult & 0xFFFFFFFF) == _code(self._s, "SCARD_E_NO_READERS_AVAILABLE", 0x8010002E):
            return []
        _raise_for(self._s, hresult)
        return list(names)

    def readers(self) -> list[ReaderInfo]:
        names = self.reader_names()
        if not names:
            return []
        s = self._s
        hresult, states = s.SCardGetStatusChange(
            self._ctx, 0, [(name, s.SCARD_STATE_UNAWARE) for name in names]
        )
        if (hresult & 0xFFFFFFFF) == _code(s, "SCARD_E_TIMEOUT", 0x8010000A):
            return [ReaderInfo(name, False) for name in names]
        _raise_for(s, hresult)
        return [
            ReaderInfo(name, bool(state & s.SCARD_STATE_PRESENT), bytes(atr))
            for name, state, atr in states
        ]

    def pick(self, name: str | None = None) -> str:
        """The reader to use: ``name``, else the first with a card, else the first."""
        infos = self.readers()
        if not infos:
            raise NoReader()
        if name:
            for info in infos:
                if info.name == name:
                    return name
            raise NoReader(name)
        for info in infos:
            if info.card_present:
                return info.name
        return infos[0].name

    def wait(self, name: str, present: bool, timeout: float) -> bool:
        """Block until a card is (``present``) or is not in ``name``; False on timeout."""
        s = self._s
        deadline = time.monotonic() + timeout
        state = s.SCARD_STATE_UNAWARE
        while True:
            left = max(0, int((deadline - time.monotonic()) * 1000))
            hresult, states = s.SCardGetStatusChange(self._ctx, min(left, 500), [(name, state)])
            code = hresult & 0xFFFFFFFF
            if code == _code(s, "SCARD_E_TIMEOUT", 0x8010000A):
                if time.monotonic() >= deadline:
                    return False
                continue
            _raise_for(s, hresult, name)
            _, event, _ = states[0]
            if bool(event & s.SCARD_STATE_PRESENT) == present:
                return True
            state = event & ~s.SCARD_STATE_CHANGED
            if time.monotonic() >= deadline:
                return False

    def connect(self, name: str | None = None) -> Connection:
        reader = self.pick(name)
        s = self._s
        hresult, card, protocol = s.SCardConnect(
            self._ctx, reader, s.SCARD_SHARE_EXCLUSIVE, s.SCARD_PROTOCOL_T0 | s.SCARD_PROTOCOL_T1
        )
        if (hresult & 0xFFFFFFFF) == _code(s, "SCARD_E_SHARING_VIOLATION", 0x8010000B):
            raise CardError("card.busy", reader=reader)
        _raise_for(s, hresult, reader)
        return Connection(s, card, protocol, reader)


class Connection:
    """One card in one reader. Closing it resets the card, ending any session."""

    def __init__(self, scard: ModuleType, card: Any, protocol: int, reader: str) -> None:
        self._s, self._card, self._protocol, self.reader = scard, card, protocol, reader

    def transmit(self, command: apdu.Command) -> apdu.Response:
        s = self._s
        hresult, raw = s.SCardTransmit(self._card, self._protocol, list(command.to_bytes()))
        code = hresult & 0xFFFFFFFF
        if code and not self._card_present():
            raise CardRemoved()
        if (
            code
            and command.is_extended
            and code
            in (
                _code(s, "SCARD_E_NOT_TRANSACTED", 0x80100016),
                _code(s, "SCARD_E_INSUFFICIENT_BUFFER", 0x80100008),
                _code(s, "SCARD_E_INVALID_PARAMETER", 0x80100004),
            )
        ):
            raise NoExtendedLength()
        if code == _code(s, "SCARD_E_NOT_TRANSACTED", 0x80100016):
            raise CardRemoved()  # the card stopped answering mid-exchange
        _raise_for(s, hresult, self.reader)
        if len(raw) < 2:  # vpcd and some drivers answer nothing when the card leaves
            if self._gone(2.0):
                raise CardRemoved()
            raise CardError("card.no_answer")
        response = apdu.Response.from_bytes(bytes(raw))
        if command.is_extended and response.sw == apdu.SW_WRONG_LENGTH:
            raise NoExtendedLength()
        return response

    def _card_present(self) -> bool:
        s = self._s
        try:
            hresult, _reader, state, _protocol, _atr = s.SCardStatus(self._card)
        except Exception:  # pyscard raises on some return codes
            return False
        # pcsc-lite's SCardStatus states: SCARD_ABSENT 0x0002, SCARD_PRESENT 0x0004
        return not (hresult & 0xFFFFFFFF) and bool(state & 0x0004) and not state & 0x0002

    def _gone(self, within: float) -> bool:
        """Whether the card leaves the reader within ``within`` seconds (the service
        notices a removal only at its next poll)."""
        deadline = time.monotonic() + within
        while self._card_present():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)
        return True

    def close(self) -> None:
        self._s.SCardDisconnect(self._card, self._s.SCARD_RESET_CARD)

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
