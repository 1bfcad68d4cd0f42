"""The renkei App, in rooms named for what they hold.

- ``app``: ``RenkeiApp`` — global keys, navigation, unlock and lock, the tick;
- ``modes``: the screen of each mode, imported when the mode is first shown
  (the unlock screen paints without loading the others);
- ``core_thread``: the one thread every ``Terminal`` call runs on;
- ``jobs``: ``Job[T]``, an exclusive job (one fetch at a time) with typed results;
- ``exchange``: fetch, send, the list PDF and the schedule (起動時間監視);
- ``boundary``: the line connection synced while the TUI is open;
- ``idle``: the idle lock's clock;
- ``unlocking``: the default way in (``core.unlock``, refused while the operator
  must first change an initial passphrase or enrol).
"""

from __future__ import annotations

from tui.shell.app import RenkeiApp

__all__ = ["RenkeiApp"]
