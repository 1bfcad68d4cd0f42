"""The line connection (``renkei boundary sync``) while the TUI is open: at most
every ``EVERY`` seconds, one at a time, on the core thread."""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING

from tui.shell.jobs import Job
from tui.text import tr

if TYPE_CHECKING:
    from core.boundary import BoundaryStatus, ExportRefusal, SyncResult
    from core.terminal import Terminal
    from tui.shell.app import RenkeiApp

EVERY = 30.0  # seconds between two syncs


class BoundarySync:
    """The sync's state: when it last ran, what it holds back, the error shown last."""

    def __init__(self, app: RenkeiApp) -> None:
        self._app = app
        self.held: tuple[ExportRefusal, ...] = ()  # export files held back
        self._at: float | None = None  # when the last sync started (monotonic)
        self._error = ""  # the error shown last: not shown again until it changes

    def reset(self) -> None:
        """Locked: nothing of the last session is kept."""
        self.held, self._at, self._error = (), None, ""

    def tick(self) -> None:
        app = self._app
        settings = app.config.boundary
        terminal = app.terminal
        if (
            terminal is None
            or settings.linkage != "line"
            or not (settings.export_dir and settings.import_dir)
            or "boundary" in app.busy
        ):
            return
        started = time.monotonic()
        if self._at is not None and started - self._at < EVERY:
            return
        self._at = started

        def call() -> tuple[SyncResult, BoundaryStatus]:
            return terminal.sync_boundary(datetime.now()), terminal.boundary_status()

        app.jobs.start(
            Job("boundary", call, lambda found: self._finished(terminal, found), self._failed)
        )

    def _finished(self, terminal: Terminal, found: tuple[SyncResult, BoundaryStatus]) -> None:
        app = self._app
        if app.terminal is not terminal:
            return
        result, status = found
        self._error = ""
        changed = status.refused != self.held
        self.held = status.refused
        if result.exported or result.imported:
            app.notify(
                tr(
                    "boundary.synced",
                    exported=len(result.exported),
                    imported=len(result.imported),
                    records=result.queued_records,
                ),
                severity="warning" if result.problems else "information",
                markup=False,
            )
        if changed or result.imported:
            app.data_changed()

    def _failed(self, exc: BaseException) -> None:
        text = self._app.error_text(exc)
        if text != self._error:  # once, not every 30 s
            self._error = text
            self._app.show_error(exc)
