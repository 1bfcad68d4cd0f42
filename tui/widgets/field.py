"""``Field``: Textual's ``Input`` that applies its editing keys in the order they came.

Why: a printable key is handled in the ``Input``'s own message queue, but a
key bound by the ``Input`` (Backspace, Delete, Enter, the cursor keys) is not
handled there: the key event bubbles up through every parent's queue to the
App, whose ``_on_key`` then runs the binding (textual ``app.py``
``App._on_key`` → ``_check_bindings``; ``Input._on_key`` handles only
``event.is_printable``). When Backspace arrives in the same read as the keys
after it (a laggy SSH line, a fast typist on a slow machine), those keys are
already inserted while the Backspace is still bubbling: ``R8.11.25``,
Backspace, ``6`` in one burst leaves ``R8.11.25`` instead of ``R8.11.26``.

``Field`` runs its own bindings when the key reaches it, before the next key
is read from its queue. Priority bindings (the App's Ctrl+Q) were already
checked by the App before the key was forwarded, and the focused widget's
bindings win over the screen's anyway, so no key changes meaning; a binding
that skips (``SkipAction``: Down in a one-line field) goes on to the screen.
"""

from __future__ import annotations

from functools import cache

from textual import events
from textual.binding import BindingsMap
from textual.widgets import Input


@cache
def _declared(cls: type[Input]) -> BindingsMap:
    """The bindings ``cls`` and its bases declare (``BINDINGS``, base first, as
    Textual merges them), from the public class attribute, not a private map."""
    bindings = [b for klass in reversed(cls.__mro__) for b in vars(klass).get("BINDINGS", [])]
    return BindingsMap(bindings)


class Field(Input):
    """An ``Input`` whose Backspace/Delete/Enter/cursor keys keep their place in a burst.

    ``?`` opens the help screen from a field that never holds one (a number, a
    date, a search); the passphrase and the settings (``free_text``) take it as
    a character.
    """

    @property
    def free_text(self) -> bool:
        return bool(self.password) or str(self.id or "").startswith("set-")

    def check_consume_key(self, key: str, character: str | None) -> bool:
        if character == "?" and not self.free_text:
            return False  # left to the App's help key
        return super().check_consume_key(key, character)

    async def _on_key(self, event: events.Key) -> None:
        if not event.is_printable:
            for binding in _declared(type(self)).key_to_bindings.get(event.key, ()):
                if binding.priority:
                    continue
                if await self.app.run_action(binding.action, self):
                    event.stop()
                    event.prevent_default()
                    return
                # Skipped (an Input at its end cannot scroll): on to the screen's key.
        await super()._on_key(event)
