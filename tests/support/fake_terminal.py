"""An in-memory stand-in for ``core.terminal.Terminal`` — only while the real
one (exchange part) is not on main. Follows the contract: the data check of
an entry, the outbox states, progress callbacks.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from pathlib import Path

from core.config import Config
from core.report import Problem
from core.terminal import (
    EntryResult,
    FetchResult,
    HistoryEvent,
    InboxFile,
    OutboxItem,
    Progress,
    ProgressFn,
    SendResult,
    Status,
    WaitingEntry,
)
from core.waiting import WaitingList

NOW = datetime(2024, 4, 1, 9, 0)


class FakeTerminal:
    def __init__(self, data_dir: Path, entries: list[WaitingEntry], today: date | None = None):
        self.data_dir = data_dir
        self.config = Config()
        self.today = today or NOW.date()
        self._pending = list(entries)
        self._waiting = WaitingList()
        self._inbox: list[InboxFile] = []
        self._outbox: dict[str, OutboxItem] = {}
        self._history: list[HistoryEvent] = []
        self.closed = False

    def close(self) -> None:
        self.closed = True

    def fetch(self, progress: ProgressFn | None = None) -> FetchResult:
        entries, self._pending = self._pending, []
        if progress:
            progress(Progress("exchange.step.download", 0, 1))
        for entry in entries:
            self._waiting.upsert(entry)
        n = len(self._inbox) + 1
        if entries:
            self._inbox.append(
                InboxFile(f"F{n}", "moj", f"MOJ_2024040{n}.csv", len(entries), NOW, "ok")
            )
        if progress:
            progress(Progress("exchange.step.download", 1, 1))
        self._history.append(HistoryEvent(NOW, "history.fetch", f"{len(entries)}", "ok"))
        return FetchResult(1 if entries else 0, len(entries), len(entries))

    def inbox(self) -> list[InboxFile]:
        return list(self._inbox)

    def inbox_records(self, file_id: str) -> tuple[list[dict[str, str]], list[Problem]]:
        rows = [
            {
                "card_number": e.card_number,
                "name_kanji": e.name_kanji,
                "name_alpha": e.name_alpha,
                "birth_date": e.birth_date.isoformat(),
                "card_delivered_date": "",
            }
            for e in self._waiting
        ]
        return rows, [Problem(3, "name_alpha", "common.error.file_not_found", {"path": "x"})]

    def waiting(self) -> WaitingList:
        return self._waiting

    def check_entry(self, card_number: str, delivered: date) -> list[Problem]:
        entry = self._waiting.get(card_number)
        if entry is None:
            return [Problem(0, "card_number", "common.error.file_not_found", {"path": card_number})]
        if delivered > self.today:
            return [
                Problem(
                    0,
                    "card_delivered_date",
                    "common.error.file_not_found",
                    {"path": f"future {delivered}"},
                )
            ]
        return []

    def enter(self, card_number: str, delivered: date, operator: str = "") -> EntryResult:
        entry = self._waiting.get(card_number)
        assert entry is not None and not self.check_entry(card_number, delivered)
        replaced = entry.entered_date
        self._waiting.upsert(dataclasses.replace(entry, entered_date=delivered))
        self._outbox[card_number] = OutboxItem(
            entry.notice_id, card_number, "queued", delivered, NOW
        )
        return EntryResult(card_number, delivered, replaced)

    def outbox(self) -> list[OutboxItem]:
        return list(self._outbox.values())

    def send(self, progress: ProgressFn | None = None) -> SendResult:
        queued = [i for i in self._outbox.values() if i.state == "queued"]
        for n, item in enumerate(queued):
            if progress:
                progress(Progress("exchange.step.upload", n, len(queued)))
            self._outbox[item.card_number] = dataclasses.replace(
                item, state="sent", sent_at=NOW, receipt_id=f"R{n:04d}"
            )
            self._waiting.remove(item.card_number)
        return SendResult(1 if queued else 0, len(queued), 0)

    def status(self) -> Status:
        states = [i.state for i in self._outbox.values()]
        return Status(
            len(self._waiting),
            states.count("queued"),
            states.count("sending"),
            states.count("sent"),
            states.count("rejected"),
            NOW,
            None,
            datetime(2024, 4, 2, 8, 30),
            datetime(2024, 4, 1, 17, 15),
        )

    def history(self, limit: int = 200) -> list[HistoryEvent]:
        return self._history[-limit:]
