"""Every PDF written is recorded and gone when its time is up, even after a crash."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from core.config import Config
from core.errors import RenkeiError
from core.pdf import lifetime
from core.pdf.export import default_path, export_list
from core.store import Store
from tests.support.poppler import text_of
from tests.support.waiting import many

ROOT = Path(__file__).resolve().parents[3]
MORNING = datetime(2026, 11, 20, 10, 0).astimezone()  # a Friday, well before end of business


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    with Store.open(data) as opened:
        yield opened


def _config(minutes: int = 30, close: str = "17:15") -> Config:
    config = Config()
    config.pdf.expiry_minutes = minutes
    config.schedule.send_time = close
    config.terminal.municipality = "千代田区"
    config.terminal.lasdec = "131016"
    return config


def test_a_pdf_is_recorded_private_and_deleted_after_its_lifetime(
    store: Store, tmp_path: Path
) -> None:
    rows = many(5)
    out = tmp_path / "list.pdf"
    done = export_list(rows, out, store=store, config=_config(30), now=MORNING)
    assert done.path == out and out.is_file()
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert done.expires_at == MORNING + timedelta(minutes=30)
    assert rows[0].card_number in text_of(out)
    assert [(r.path, r.expires_at, r.state) for r in lifetime.active(store)] == [
        (out, done.expires_at, lifetime.PRESENT)
    ]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]

    assert lifetime.sweep(store, MORNING + timedelta(minutes=29, seconds=59)) == []
    assert out.is_file()

    closed = lifetime.sweep(store, MORNING + timedelta(minutes=30))
    assert [(r.path, r.state, r.reason) for r in closed] == [
        (out, lifetime.DELETED, lifetime.EXPIRED)
    ]
    assert not out.exists()
    assert lifetime.active(store) == []
    assert lifetime.sweep(store, MORNING + timedelta(hours=1)) == []


def test_end_of_business_comes_first(store: Store, tmp_path: Path) -> None:
    late = datetime(2026, 11, 20, 17, 0).astimezone()
    done = export_list(many(2), tmp_path / "a.pdf", store=store, config=_config(60), now=late)
    assert done.expires_at == datetime(2026, 11, 20, 17, 15).astimezone()
    other = export_list(many(2), tmp_path / "b.pdf", store=store, config=_config(60), now=late)
    closed = lifetime.end_of_business(store, late + timedelta(minutes=10))
    assert {(r.path, r.reason) for r in closed} == {
        (done.path, lifetime.END_OF_BUSINESS),
        (other.path, lifetime.END_OF_BUSINESS),
    }
    assert not done.path.exists() and not other.path.exists()


def test_after_end_of_business_only_the_minutes_count(store: Store, tmp_path: Path) -> None:
    evening = datetime(2026, 11, 20, 18, 0).astimezone()
    done = export_list(many(1), tmp_path / "a.pdf", store=store, config=_config(20), now=evening)
    assert done.expires_at == evening + timedelta(minutes=20)


def test_a_file_put_there_by_someone_else_is_left_alone(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "list.pdf"
    export_list(many(1), out, store=store, config=_config(), now=MORNING)
    out.unlink()
    out.write_bytes(b"the operator's own file")
    closed = lifetime.sweep(store, MORNING + timedelta(hours=1))
    assert [r.state for r in closed] == [lifetime.REPLACED]
    assert out.read_bytes() == b"the operator's own file"


def test_a_pdf_removed_by_hand_is_closed_as_gone(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "list.pdf"
    export_list(many(1), out, store=store, config=_config(), now=MORNING)
    out.unlink()
    assert [r.state for r in lifetime.sweep(store, MORNING + timedelta(hours=1))] == [lifetime.GONE]


def _crashing_child(data: Path, body: str) -> None:
    """Run ``body`` in a child process that then dies by SIGKILL (a crash)."""
    code = (
        textwrap.dedent(
            f"""
        import os, signal
        from datetime import datetime
        from pathlib import Path
        from core.config import Config
        from core.pdf import lifetime
        from core.pdf.export import export_list
        from core.store import Store
        from tests.support.waiting import many
        store = Store.open(Path({str(data)!r}))
        now = datetime.fromisoformat({MORNING.isoformat()!r})
        """
        )
        + textwrap.dedent(body)
        + "\nos.kill(os.getpid(), signal.SIGKILL)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == -signal.SIGKILL, done.stderr


def test_a_pdf_held_by_a_crashed_tui_goes_at_the_next_start(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "held.pdf"
    cli = tmp_path / "cli.pdf"
    _crashing_child(
        store.path.parent,
        f"""
        export_list(many(3), Path({str(out)!r}), store=store, config=Config(), now=now, held=True)
        export_list(many(3), Path({str(cli)!r}), store=store, config=Config(), now=now)
        """,
    )
    assert out.is_file() and cli.is_file()
    assert {r.path for r in lifetime.active(store)} == {out, cli}

    closed = lifetime.sweep_at_startup(store, MORNING + timedelta(minutes=1))
    assert [(r.path, r.state, r.reason) for r in closed] == [
        (out, lifetime.DELETED, lifetime.OWNER_GONE)
    ]
    assert not out.exists()
    # A PDF from `renkei pdf` keeps the time the operator was told, then goes.
    assert cli.is_file()
    later = lifetime.sweep_at_startup(store, MORNING + timedelta(minutes=30))
    assert [(r.path, r.reason) for r in later] == [(cli, lifetime.EXPIRED)]
    assert not cli.exists()


def test_a_crash_while_writing_leaves_nothing_after_the_next_start(
    store: Store, tmp_path: Path
) -> None:
    out = tmp_path / "half.pdf"
    _crashing_child(
        store.path.parent,
        f"""
        from core.durable import atomic_writer
        target = Path({str(out)!r})
        lifetime.begin(store, target, now, now)
        with atomic_writer(target) as handle:
            handle.write(b"%PDF-1.6 half a list SP00000000AA")
            handle.flush()
            os.fsync(handle.fileno())
            os.kill(os.getpid(), signal.SIGKILL)
        """,
    )
    leftovers = [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]
    assert len(leftovers) == 1 and not out.exists()
    assert [r.state for r in lifetime.active(store)] == [lifetime.WRITING]

    closed = lifetime.sweep_at_startup(store, MORNING - timedelta(minutes=5))
    assert [(r.path, r.state, r.reason) for r in closed] == [(out, lifetime.GONE, lifetime.CRASHED)]
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")] == []
    assert lifetime.active(store) == []


def test_a_live_writer_is_not_disturbed(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "busy.pdf"
    lifetime.begin(store, out, MORNING, MORNING + timedelta(minutes=30))
    assert lifetime.sweep_at_startup(store, MORNING) == []
    assert [r.state for r in lifetime.active(store)] == [lifetime.WRITING]


def test_the_default_place_is_a_private_folder_in_the_data_directory(tmp_path: Path) -> None:
    path = default_path(tmp_path, MORNING)
    assert path.parent == tmp_path / "pdf"
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert path.name == "kofu-minyuryoku-20261120-100000.pdf"


def test_a_missing_folder_is_a_clear_error_and_nothing_is_recorded(
    store: Store, tmp_path: Path
) -> None:
    with pytest.raises(RenkeiError) as caught:
        export_list(many(1), tmp_path / "no" / "x.pdf", store=store, config=_config(), now=MORNING)
    assert caught.value.key == "pdf.out.directory"
    assert str(tmp_path / "no") in caught.value.message("ja")
    with pytest.raises(RenkeiError) as caught:
        export_list(many(1), tmp_path, store=store, config=_config(), now=MORNING)
    assert caught.value.key == "pdf.out.is_directory"
    assert lifetime.active(store) == []
