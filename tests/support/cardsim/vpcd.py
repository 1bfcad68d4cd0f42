"""The card side of vsmartcard's virtual reader (vpcd).

vpcd (loaded by pcscd) listens on a TCP port; a "card" is present while a
client is connected. Every message is a 2-byte big-endian length and a payload:
one control byte (00 power off, 01 power on, 02 reset, 04 ATR — answered with
the ATR) or a command APDU (answered with the response APDU). Closing the
connection is taking the card off the reader.
"""

from __future__ import annotations

import socket
import struct
import threading
import time

from tests.support.cardsim.card import Removed, SimCard


class VirtualCard:
    """Places :class:`SimCard` objects on the vpcd reader at ``port`` and takes them off."""

    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        self.port, self.host = port, host
        self.card: SimCard | None = None
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def insert(self, card: SimCard, timeout: float = 10.0) -> None:
        self.remove()
        deadline = time.monotonic() + timeout
        while True:
            try:
                sock = socket.create_connection((self.host, self.port), timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        sock.settimeout(None)
        self.card, self._sock = card, sock
        self._thread = threading.Thread(target=self._serve, args=(sock, card), daemon=True)
        self._thread.start()

    def remove(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    @property
    def present(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _recv(self, sock: socket.socket, n: int) -> bytes:
        out = b""
        while len(out) < n:
            chunk = sock.recv(n - len(out))
            if not chunk:
                raise ConnectionError("vpcd closed the link")
            out += chunk
        return out

    def _send(self, sock: socket.socket, payload: bytes) -> None:
        sock.sendall(struct.pack(">H", len(payload)) + payload)

    def _serve(self, sock: socket.socket, card: SimCard) -> None:
        try:
            while True:
                (length,) = struct.unpack(">H", self._recv(sock, 2))
                message = self._recv(sock, length)
                if length == 1:
                    if message[0] in (0x00, 0x01, 0x02):
                        card.reset()
                    elif message[0] == 0x04:
                        self._send(sock, card.atr)
                    continue
                try:
                    answer = card.process(message)
                except Removed:
                    sock.shutdown(socket.SHUT_RDWR)
                    sock.close()
                    return
                self._send(sock, answer)
        except (ConnectionError, OSError):
            return
        except BaseException as exc:  # a bug in the simulator: keep it for the test
            self.error = exc
            sock.close()
