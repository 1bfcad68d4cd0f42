"""``renkei demo``: the whole day on one machine, in a minute.

Starts the reference linkage server on loopback (real HTTPS, its own CA) with
a synthetic day — a few hundred certificates waiting for their 交付年月日 and
several MOJ notice files, all from ``core.reference.synth`` (no real people) — makes a
throw-away terminal data directory (low-cost scrypt, the passphrase shown on
the unlock screen) and opens the TUI on it. Everything is deleted on exit
unless ``--keep`` — also with ``--dir``, and also when the terminal goes away
(SIGHUP) or the demo is told to stop (SIGTERM); a demo killed outright (SIGKILL)
is swept at the next demo's start.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import tomli_w

PASSPHRASE = "demo-passphrase"
TOKEN = "demo-token"


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "demo",
        parents=[common],
        help="try renkei: reference server + synthetic day + the TUI, all throw-away",
        description=(
            "Start the reference linkage server on 127.0.0.1 with a synthetic day and "
            "open the TUI on a temporary data directory. Fetch (F9), search, enter a "
            "date, send (F10) and see it acknowledged. Nothing is kept unless --keep."
        ),
    )
    parser.add_argument(
        "--waiting",
        type=int,
        default=300,
        metavar="N",
        help="certificates waiting for a date (default 300)",
    )
    parser.add_argument(
        "--dir", metavar="DIR", help="put the demo here (default: a new temporary directory)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the demo directory on exit")
    parser.add_argument(
        "--schedule",
        action="store_true",
        help="let the automatic fetch/send schedule run (off by default)",
    )
    parser.set_defaults(func=run)


@dataclass
class Demo:
    """A prepared demo: the running server and the terminal's data directory."""

    root: Path
    data_dir: Path
    server: Any  # core.reference.runner.Running
    passphrase: str = PASSPHRASE

    def stop(self) -> None:
        self.server.stop()


def prepare(root: Path, waiting: int = 300, day: date | None = None) -> Demo:
    """Server root with the day's notice files, the server started, the terminal made."""
    from core.config import Config, ScheduleSettings, ServerSettings, TerminalSettings
    from core.datadir.unlock import init_vault
    from core.reference import synth
    from core.reference.runner import Running

    day = day or date.today()
    lasdec = synth.DEFAULT_LASDEC
    server_root = root / "server"
    (server_root / lasdec / "moj").mkdir(parents=True, exist_ok=True)
    (server_root / "tokens.toml").write_text(
        tomli_w.dumps({"terminals": {lasdec: {"token": TOKEN}}}), encoding="utf-8"
    )
    stamp = day.strftime("%Y%m%d")
    first = max(waiting * 2 // 3, 1)
    files = {
        # names as FORMATS.md gives them: {kind}-{lasdec}-{YYYYMMDD}-{seq4}.csv
        f"spr-{lasdec}-{stamp}-0001.csv": synth.spr_file(
            lasdec, first, seed=1, day=day, waiting_share=1.0
        ),
        f"spr-{lasdec}-{stamp}-0002.csv": synth.spr_file(
            lasdec, max(waiting - first, 0) or 1, seed=2, day=day, waiting_share=1.0
        ),
        f"moj-{lasdec}-{stamp}-0001.csv": synth.moj_file(lasdec, 40, seed=3, day=day),
        f"moj-{lasdec}-{stamp}-0002.csv": synth.moj_file(lasdec, 25, seed=4, day=day),
    }
    for name, content in files.items():
        (server_root / lasdec / "moj" / name).write_bytes(content)
    server = Running(server_root).start()
    try:
        data_dir = root / "terminal"
        config = Config(
            terminal=TerminalSettings(lasdec=lasdec, municipality="デモ市", terminal_id="demo"),
            server=ServerSettings(
                url=server.url,
                ca=str(server_root / "tls" / "ca.pem"),
                token=TOKEN,
                connect_timeout=5.0,
                read_timeout=30.0,
                retries=2,
            ),
            schedule=ScheduleSettings(fetch_at_start=False),
        )
        init_vault(data_dir, PASSPHRASE, cost="low", config=config).close()
    except BaseException:
        server.stop()
        raise
    return Demo(root, data_dir, server)


MARKER = ".renkei-demo"  # in a demo directory: the pid of the demo that made it
PREFIX = "renkei-demo-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_stale(folder: Path | None = None) -> list[Path]:
    """Remove the demo directories a killed demo (SIGKILL) left in the temp
    folder: those whose marker names a process that is gone. Returns them."""
    folder = folder or Path(tempfile.gettempdir())
    gone: list[Path] = []
    for path in folder.glob(f"{PREFIX}*"):
        marker = path / MARKER
        try:
            if path.is_symlink() or path.stat().st_uid != os.geteuid():
                continue
            pid = int(marker.read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            continue
        if not _alive(pid):
            shutil.rmtree(path, ignore_errors=True)
            gone.append(path)
    return gone


class _Hangup(Exception):
    """SIGHUP/SIGTERM: end the demo through its clean-up."""


def run(args: argparse.Namespace) -> int:
    from core.i18n import t

    sweep_stale()
    if args.dir:
        root = Path(args.dir)
        made_root = not root.exists()
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
    else:
        root = Path(tempfile.mkdtemp(prefix=PREFIX))
        made_root = True
    (root / MARKER).write_text(str(os.getpid()), encoding="ascii")
    running: list[Any] = []  # the App, once it runs

    def stop(signum: int, _frame: object) -> None:
        """SIGHUP/SIGTERM. Before the App runs: unwind through the clean-up below.
        Once it runs, never raise into it: an exception from a signal handler can
        land inside a lock of Textual's output thread and hang the exit for ever.
        The terminal is gone (SIGHUP, and the output would block on it): clean up
        here and leave at once. Told to stop (SIGTERM): the App exits as on Ctrl+Q,
        restoring the terminal, and the clean-up below runs."""
        if not running:
            raise _Hangup(signum)
        if signum == signal.SIGHUP:
            if not args.keep:
                _remove(root, made_root)
            os._exit(128 + signum)
        try:
            loop = asyncio.get_running_loop()  # the App's, in this (main) thread
        except RuntimeError:  # the App has ended: unwind through the clean-up
            raise _Hangup(signum) from None
        loop.call_soon_threadsafe(running[0].exit)  # what asyncio's own handlers do

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGHUP, signal.SIGTERM)}
    try:
        demo = prepare(root, waiting=args.waiting)
        try:
            print(
                t("ui.demo.started", url=demo.server.url, dir=str(root), passphrase=PASSPHRASE),
                file=sys.stderr,
                flush=True,
            )
            from core import config as core_config
            from tui.shell import RenkeiApp

            app = RenkeiApp(
                demo.data_dir,
                core_config.load(demo.data_dir),
                passphrase_hint=PASSPHRASE,
                schedule=None if args.schedule else False,
            )
            running.append(app)
            app.run()
        finally:
            demo.stop()
    except _Hangup:
        pass  # the terminal went away: clean up below, quietly
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if not args.keep:
            _remove(root, made_root)
    return 0


def _remove(root: Path, made_root: bool) -> None:
    """Everything the demo made (its server with the CA key, the terminal with
    its key file); the whole folder when the demo made it."""
    if made_root:
        shutil.rmtree(root, ignore_errors=True)
        return
    for name in ("server", "terminal", MARKER):
        path = root / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
