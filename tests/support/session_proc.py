"""A long-lived terminal session in its own process, driven line by line:
what the TUI does (one unlocked ``Session`` kept open for hours, sending and
fetching from its timer or a key), without the screen.

Run as ``python -m tests.support.session_proc DATA``; the passphrase comes from
``$RENKEI_PASSPHRASE``. Each line on stdin is a command, answered by one JSON
line on stdout::

    send | fetch | enter CARD YYYY-MM-DD | status | quit

An answer is ``{"ok": …}`` or ``{"error": catalogue key, "message": …}``; any
other exception ends the process with a traceback (a test then sees it).
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date

from core.errors import RenkeiError
from core.session import unlock


def main(data: str) -> int:
    with unlock(data, os.environ["RENKEI_PASSPHRASE"]) as session:
        print(json.dumps({"ok": "ready", "pid": os.getpid()}), flush=True)
        for line in sys.stdin:
            words = line.split()
            if not words:
                continue
            try:
                answer: object
                if words[0] == "quit":
                    print(json.dumps({"ok": "bye"}), flush=True)
                    return 0
                if words[0] == "send":
                    r = session.send()
                    answer = {"files": r.files, "accepted": r.accepted, "rejected": r.rejected}
                elif words[0] == "fetch":
                    f = session.fetch()
                    answer = {"files": f.files, "records": f.records}
                elif words[0] == "enter":
                    session.enter(words[1], date.fromisoformat(words[2]))
                    answer = "entered"
                elif words[0] == "status":
                    s = session.status()
                    answer = {"sent": s.sent, "queued": s.queued, "sending": s.sending}
                else:
                    answer = f"unknown command {words[0]}"
                print(json.dumps({"ok": answer}), flush=True)
            except RenkeiError as exc:
                print(json.dumps({"error": exc.key, "message": exc.message("en")}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
