"""Keys in the order they were typed: each key is handled to the end before the next.

Why: Textual forwards a key to the focused widget's queue and reads the next key
at once. A key the widget does not take (Esc, Ctrl+N, F3) travels up through
its parents' queues to the App, which runs the screen's binding only then; by
that time the keys typed after it were already delivered to the old field.
Found in CI: Ctrl+N and a number typed at once, and Ctrl+N then cleared the
number it had been typed to start. A barcode scanner, a paste, a fast typist or
a slow SSH line all deliver keys together.

So the App holds the keys that come while one is under way. Behind each key it
posts a :class:`KeyDone` marker to the same widget: the marker follows the key
through the same queues (each is first in, first out), so when it reaches the
App the key has been handled wherever it went, its bindings included, and the
next key is delivered to whatever has the focus then. Only public Textual API:
``post_message``, bubbling, ``is_forwarded``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable
from functools import partial

from textual import events
from textual.dom import DOMNode
from textual.message import Message

# A widget removed while a key was under way (a question answered and closed)
# never passes the marker on: after this long without it, the next key goes on.
CHECK_SECONDS = 0.05
GIVE_UP_SECONDS = 1.0


class KeyDone(Message):
    """Behind a key, in the queue of the widget it went to: bubbles to the App."""

    def __init__(self, key: events.Key) -> None:
        super().__init__()
        self.key = key


class KeyOrder:
    """The App's keys under way and held.

    ``deliver`` is Textual's own delivery (priority bindings, then forward to the
    focused widget), true when the key went on to a queue; ``focus`` names where
    it went; ``later`` runs a callback after a delay (the App's ``set_timer``).
    """

    def __init__(
        self,
        deliver: Callable[[events.Key], Awaitable[bool]],
        focus: Callable[[], DOMNode],
        later: Callable[[float, Callable[[], Awaitable[None]]], object],
    ) -> None:
        self._deliver = deliver
        self._focus = focus
        self._later = later
        self._held: deque[events.Key] = deque()
        self._under_way: KeyDone | None = None
        self._target: DOMNode | None = None
        self._waited = 0.0

    @property
    def busy(self) -> bool:
        return self._under_way is not None

    async def key(self, event: events.Key) -> None:
        """A key from the terminal: delivered now, or held behind the one under way."""
        if self.busy:
            self._held.append(event)
            return
        if await self._deliver(event):  # not taken by a priority binding: in a queue
            target = self._focus()
            marker = KeyDone(event)
            self._under_way, self._target, self._waited = marker, target, 0.0
            target.post_message(marker)
            self._later(CHECK_SECONDS, partial(self._check, marker))

    async def done(self, marker: KeyDone) -> None:
        """The marker reached the App: the next held key goes now."""
        if marker is self._under_way:
            await self._next()

    async def _check(self, marker: KeyDone) -> None:
        """A target gone away (a question answered and closed) or a marker lost
        must not hold the keyboard."""
        if marker is not self._under_way:
            return
        self._waited += CHECK_SECONDS
        target = self._target
        if target is None or not target.is_attached or self._waited >= GIVE_UP_SECONDS:
            await self._next()
        else:
            self._later(CHECK_SECONDS, partial(self._check, marker))

    async def _next(self) -> None:
        self._under_way = self._target = None
        while self._held and not self.busy:
            await self.key(self._held.popleft())
