"""起動時間監視 in the TUI: every tick the schedule says what is due; each due
fetch or send runs as the App's own job and is reported back as done or failed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from core.terminal import FetchResult, ProgressFn, SendResult

if TYPE_CHECKING:
    from core.exchange.schedule import Due, Schedule
    from tui.shell.app import RenkeiApp


class ScheduleRunner:
    def __init__(self, app: RenkeiApp, choice: Schedule | Literal[False] | None) -> None:
        self._app = app
        self._choice = choice

    def schedule(self) -> Schedule | None:
        if self._choice is False:
            return None
        if self._choice is not None:
            return self._choice
        terminal = self._app.terminal
        return terminal.schedule if terminal is not None else None

    def run(self, now: datetime) -> None:
        """Ask the schedule what is due and start it."""
        app = self._app
        schedule = self.schedule()
        if schedule is None or app.terminal is None or app.busy & {"fetch", "send"}:
            return

        def report(action: str, slot: str, result: FetchResult | SendResult | None) -> None:
            if result is not None:
                app.run_core(schedule.done, action, slot, name="schedule")
            else:
                app.run_core(schedule.failed, action, datetime.now(), name="schedule")

        def reporter(action: str, slot: str) -> Callable[[FetchResult | SendResult | None], None]:
            return lambda result: report(action, slot, result)

        def start(jobs: list[Due]) -> None:
            for job in jobs:
                if job.action == "fetch":
                    self._fetch(reporter("fetch", job.slot))
                elif job.action == "send":
                    app.start_send(done=reporter("send", job.slot))

        app.run_core(schedule.due, now, done=start, name="schedule")

    def _fetch(self, report: Callable[[FetchResult | None], None], waited: int = 0) -> None:
        """A fetch the schedule started (at unlock, at the fetch time): its progress
        shows on the screen in front when that screen has a progress line (right
        after unlock that screen may still be mounting: wait a few refreshes)."""
        app = self._app
        screen = app.mode_screen(app.current_mode)
        if screen is not None and not screen.is_mounted and waited < 20:
            app.call_after_refresh(self._fetch, report, waited + 1)
            return
        if screen is None or not screen.is_mounted or not screen.query("#progress-text"):
            app.start_fetch(done=report)
            return
        from tui.screens.base import BaseScreen

        if not isinstance(screen, BaseScreen):
            app.start_fetch(done=report)
            return

        def begin(progress: ProgressFn, shown: Callable[[FetchResult | None], None]) -> None:
            def done(result: FetchResult | None) -> None:
                shown(result)
                report(result)

            app.start_fetch(progress, done)

        screen.run_with_progress("fetch", begin)
