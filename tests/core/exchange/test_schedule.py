"""起動時間監視: due times, catch up once (never twice), robust to clock changes."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from core.config import ScheduleSettings
from core.exchange.schedule import FETCH, SEND, Schedule
from tests.support.vault import new_vault, reopen

SETTINGS = ScheduleSettings(fetch_at_start=True, fetch_time="08:30", send_time="17:15")


def actions(schedule: Schedule, now: datetime) -> list[tuple[str, str]]:
    return [(d.action, d.reason) for d in schedule.due(now)]


def run_all(schedule: Schedule, now: datetime) -> list[str]:
    ran = []
    for due in schedule.due(now):
        schedule.done(due.action, due.slot)
        ran.append(due.action)
    return ran


def test_start_fetch_daily_fetch_and_end_of_business_send(tmp_path: Path) -> None:
    with new_vault(tmp_path / "d") as vault:
        s = Schedule(vault.store, SETTINGS)
        morning = datetime(2026, 11, 20, 8, 0)
        # first ever start: yesterday's slots count once, plus the start-up fetch merges in
        assert sorted(run_all(s, morning)) == [FETCH, SEND]
        assert run_all(s, morning) == []
        assert run_all(s, datetime(2026, 11, 20, 8, 29)) == []
        assert run_all(s, datetime(2026, 11, 20, 8, 30)) == [FETCH]
        assert run_all(s, datetime(2026, 11, 20, 17, 14)) == []
        assert actions(s, datetime(2026, 11, 20, 17, 15)) == [(SEND, "daily")]
        assert run_all(s, datetime(2026, 11, 20, 17, 16)) == [SEND]
        assert run_all(s, datetime(2026, 11, 20, 17, 20)) == []
        assert s.next_times(datetime(2026, 11, 20, 18, 0)) == (
            datetime(2026, 11, 21, 8, 30),
            datetime(2026, 11, 21, 17, 15),
        )


def test_missed_days_catch_up_once_even_across_restarts(tmp_path: Path) -> None:
    with new_vault(tmp_path / "d") as vault:
        s = Schedule(vault.store, SETTINGS)
        run_all(s, datetime(2026, 11, 20, 18, 0))
    with reopen(tmp_path / "d") as vault:  # the machine slept three days
        s = Schedule(vault.store, SETTINGS)
        due = actions(s, datetime(2026, 11, 23, 10, 0))
        assert due == [(FETCH, "catch-up"), (SEND, "catch-up")]
        run_all(s, datetime(2026, 11, 23, 10, 0))
        assert run_all(s, datetime(2026, 11, 23, 10, 1)) == []
    with reopen(tmp_path / "d") as vault:  # a restart: only the start-up fetch again
        s = Schedule(vault.store, SETTINGS)
        assert actions(s, datetime(2026, 11, 23, 10, 5)) == [(FETCH, "start")]


def test_clock_set_back_never_runs_twice(tmp_path: Path) -> None:
    with new_vault(tmp_path / "d") as vault:
        s = Schedule(vault.store, SETTINGS)
        run_all(s, datetime(2026, 11, 20, 17, 30))
        # the clock jumps back an hour, across the send time: not sent again
        assert run_all(s, datetime(2026, 11, 20, 16, 30)) == []
        assert run_all(s, datetime(2026, 11, 20, 17, 20)) == []
        # a jump forward a day: once
        assert run_all(s, datetime(2026, 11, 21, 17, 20)) == [FETCH, SEND]


def test_failure_waits_before_trying_again(tmp_path: Path) -> None:
    with new_vault(tmp_path / "d") as vault:
        s = Schedule(vault.store, ScheduleSettings(fetch_at_start=False, send_time="17:15"))
        run_all(s, datetime(2026, 11, 20, 9, 0))
        now = datetime(2026, 11, 20, 17, 15)
        assert [d.action for d in s.due(now)] == [SEND]
        s.failed(SEND, now)
        assert s.due(datetime(2026, 11, 20, 17, 16)) == []
        assert [d.action for d in s.due(datetime(2026, 11, 20, 17, 21))] == [SEND]
