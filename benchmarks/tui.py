"""The TUI as a terminal sees it, next to a bare Textual app with one DataTable.

Every figure is taken the same way for both apps, in the same run: the app
runs in a child process on a pseudo-terminal (80x24, xterm-256color) and the
parent counts the bytes and the time of what the app writes.

- cold start to first paint: ``python -m tui`` up to its unlock screen, vs
  the bare app (one empty ``DataTable``) up to its header; best of 3 (ratio);
- search keystroke-to-repaint latency with 100,000 waiting certificates
  (median, p95): a key is written to the pty, the time is when the last byte
  of the repaint arrives (then 150 ms of quiet). The baseline filters the
  same ``core.waiting`` index and refills its ``DataTable`` (clear + add_rows);
- peak RSS of each child with the 100,000 certificates loaded (``wait4``);
- bytes written per search keystroke, per cursor move (Down) and per idle
  second; and over a walk of 200 Down moves, the mean per move and the worst
  single move (the moves that turn the page);
- ``--keys``: each key's latency and bytes, to find the slow ones.

Two renkei children, each next to the same bare app holding the same number
of entries:

- a real data directory: ``renkei init`` (the standard scrypt cost unless
  ``--cost low``), then 100,000 synthetic certificate notices
  (``core.reference.synth``, no real people) fetched from the reference server over
  loopback TLS; the child is ``python -m tui --data DIR`` as a clerk starts
  it, the passphrase is typed into its unlock screen, and *unlock to usable
  list* runs from the Enter key to the list's count drawn (the server keeps
  running: the fetch at start is part of a real start). It is measured on
  a later unlock; the first after the fetch (printed beside it) reads the
  list from the rows and seals the snapshot the next unlocks open
  (``core.exchange.snapshot``). Peak RSS is the child's own ``VmHWM``
  (``/proc``), read just before it quits. The same directory is also unlocked
  with the passphrase's scrypt run inside the terminal, as before
  ``core.vault.kdf`` moved it to a child process of its own: that start's
  figures are printed beside, with the key derivation alone, in-process and
  through its child (whose start is printed too);
- an in-memory terminal holding the same synthetic entries (the screen alone,
  without the store).

Each row is printed with its target (issue 19) and the baseline from the
same run. Run: ``python benchmarks/tui.py [count] [--cost low|standard] [--keys]``.
"""

from __future__ import annotations

import dataclasses
import fcntl
import os
import pty
import select
import statistics
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COUNT = 100_000
QUIET = 0.15
QUERY = "kim mi"  # then backspaced again: narrowing and widening
WALK = 200  # Down moves of the walk down the list


# -- the children ----------------------------------------------------------------


class MemoryTerminal:
    """Just enough of ``core.terminal.Terminal`` for the 未入力 screen."""

    def __init__(self, data_dir: Path, entries: list[Any]) -> None:
        from core.config import Config

        self.data_dir = data_dir
        self.config = Config()
        self.entries = entries

    def waiting(self) -> Any:
        from core.waiting import WaitingList

        return WaitingList(self.entries)

    def outbox(self) -> list[Any]:
        return []

    # the rest of what the App asks of a terminal at start, as an operator-less one answers
    operator = ""
    role = "admin"

    def check_ready(self) -> None:
        pass

    def allows(self, action: str) -> bool:
        return True

    def require(self, action: str) -> None:
        pass

    def record_lock(self) -> None:
        pass

    def changes_mark(self) -> tuple[int, int]:
        return (0, 0)

    def sweep_pdfs(self, now: Any, when: str = "due") -> int:
        return 0

    def close(self) -> None:
        pass


NAMES = ["KIM MINJUN", "KIM MIRAE", "LEE SORA", "PARK HANA", "CHOI JIHO"]


def _named(rows: list[Any]) -> list[Any]:
    """Every 7th row with a Latin name the query will meet (synth draws from
    its own name tables)."""
    return [
        dataclasses.replace(e, name_alpha=NAMES[i % len(NAMES)])
        if i % 7 == 0 and e.name_alpha  # a row with a Latin name (name class 3 has none)
        else e
        for i, e in enumerate(rows)
    ]


def _entries(count: int) -> list[Any]:
    from core.reference import synth

    return _named(synth.waiting_entries(count=count, seed=1))


def child_renkei(count: int) -> None:
    from tui.shell import RenkeiApp

    data = Path(tempfile.mkdtemp(prefix="renkei-bench-"))
    terminal = MemoryTerminal(data, _entries(count))
    RenkeiApp(data, terminal.config, terminal=terminal, schedule=False, theme="default").run()


def child_baseline(count: int) -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Input

    from core.waiting import WaitingList

    entries = _entries(count) if count else []
    index = WaitingList(entries)

    def cells(e: Any) -> tuple[str, ...]:
        return (e.card_number, e.name_kanji, e.name_alpha, e.birth_date.isoformat())

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Input(placeholder="search")
            yield DataTable()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("番号", "漢字氏名", "氏名", "生年月日")
            table.add_rows(cells(e) for e in index.search(""))
            self.query_one(Input).focus()

        def on_input_changed(self, event: Input.Changed) -> None:
            table = self.query_one(DataTable)
            table.clear()
            table.add_rows(cells(e) for e in index.search(event.value))

        def on_key(self, event: Any) -> None:
            if event.key == "down":
                self.query_one(DataTable).action_cursor_down()

    Bare().run()


# -- the parent: a pty, a clock and a byte counter --------------------------------


class Child:
    def __init__(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:
            os.environ.update(env or {})
            os.environ["TERM"] = "xterm-256color"
            os.environ.pop("NO_COLOR", None)
            os.chdir(ROOT)
            os.execv(sys.executable, [sys.executable, *argv])
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.buffer = bytearray()

    def read(self, timeout: float) -> tuple[int, float]:
        """Read for up to ``timeout`` s; (bytes read, time of the last byte)."""
        got, last = 0, 0.0
        deadline = time.perf_counter() + timeout
        while (left := deadline - time.perf_counter()) > 0:
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                break
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            got += len(chunk)
            last = time.perf_counter()
            self.buffer += chunk
        return got, last

    def until(self, marker: bytes, timeout: float = 300.0) -> float:
        """Seconds from start until ``marker`` was drawn."""
        deadline = time.perf_counter() + timeout
        while marker not in self.buffer:
            ended = os.waitpid(self.pid, os.WNOHANG)[0] == self.pid
            if ended or time.perf_counter() > deadline:
                tail = bytes(self.buffer[-400:])
                why = "the child ended" if ended else "timed out"
                raise RuntimeError(f"{marker!r} never drawn ({why}); last output {tail!r}")
            self.read(0.05)
        return time.perf_counter() - self.started

    def settle(self, first_wait: float = 60.0) -> tuple[int, float]:
        """Bytes of one repaint and when it ended (waits for output, then quiet)."""
        total, last = self.read_first(first_wait)
        while True:
            got, when = self.read(QUIET)
            if not got:
                return total, last
            total, last = total + got, when

    def read_first(self, timeout: float) -> tuple[int, float]:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return 0, time.perf_counter()
        return self.read(0.001)

    def key(self, data: bytes) -> tuple[float, int]:
        """(latency s, bytes) of one key's repaint."""
        self.read(0.01)  # drain
        sent = time.perf_counter()
        os.write(self.fd, data)
        count, last = self.settle()
        return (last - sent if count else 0.0), count

    def peak_kib(self, field: str = "VmHWM") -> int:
        """The child's own high-water mark of resident memory since its exec
        (``ru_maxrss`` would fold in the forking parent's memory); ``VmRSS``:
        what it holds now."""
        with open(f"/proc/{self.pid}/status") as status:
            line = next(ln for ln in status if ln.startswith(f"{field}:"))
        return int(line.split()[1])

    def quit(self) -> int:
        """Ctrl+Q; the child's peak RSS in KiB."""
        peak = self.peak_kib()
        os.write(self.fd, b"\x11")
        deadline = time.perf_counter() + 20
        while time.perf_counter() < deadline:
            self.read(0.1)
            pid, _status, _usage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return peak
        os.kill(self.pid, 9)
        os.wait4(self.pid, 0)
        os.close(self.fd)
        return peak


def cold_start(kind: str, data_dir: Path) -> float:
    if kind == "renkei":
        child = Child(["-m", "tui", "--data", str(data_dir)])
        marker = "パスフレーズ".encode()
    else:
        child = Child([__file__, "--child", "baseline", "0"])
        marker = "生年月日".encode()
    seconds = child.until(marker, 60)
    child.quit()
    return seconds


def interactive(kind: str, count: int, keystrokes: str) -> dict[str, Any]:
    child = Child([__file__, "--child", kind, str(count)])
    marker = f"{count} / {count}".encode() if kind == "renkei" else b"KIM MINJUN"
    ready = child.until(marker, 600)
    return _session(child, ready, keystrokes)


# ``python -m tui`` with the passphrase's scrypt run inside the terminal, as it
# was before core.vault.kdf moved it to a child process (the comparison row).
_KDF_IN_PROCESS = (
    "import runpy,sys;import core.vault.kdf as k;k.IN_PROCESS=True;sys.argv[0]='tui';"
    "runpy.run_module('tui',run_name='__main__',alter_sys=True)"
)


def unlock_real(
    data_dir: Path, count: int, keystrokes: str, kdf_in_process: bool = False
) -> dict[str, Any]:
    """``python -m tui --data DIR``: type the passphrase, Enter, until the list shows."""
    start = ["-c", _KDF_IN_PROCESS] if kdf_in_process else ["-m", "tui"]
    child, ready = _unlocked(start, data_dir, count)
    return _session(child, ready, keystrokes)


def _unlocked(start: list[str], data_dir: Path, count: int) -> tuple[Child, float]:
    """The TUI started by ``start``, the passphrase typed: the child and the
    seconds from Enter to the list's count drawn."""
    child = Child([*start, "--data", str(data_dir)], {"RENKEI_LANG": "ja"})
    child.until("パスフレーズ".encode(), 60)
    child.settle(1.0)
    os.write(child.fd, PASSPHRASE.encode())
    child.settle(1.0)
    child.buffer.clear()
    began = time.perf_counter()
    os.write(child.fd, b"\r")
    marker = f"{count} / {count}".encode()
    while marker not in child.buffer:
        if time.perf_counter() > began + 600:
            raise RuntimeError(f"list never drawn; last output {bytes(child.buffer[-400:])!r}")
        child.read(0.01)
    return child, time.perf_counter() - began


def unlock_first(data_dir: Path, count: int) -> float:
    """The first unlock after a fetch: the list is read from the rows (every
    unlock, before the sealed snapshot), and its snapshot written before quitting."""
    from core.paths import WAITING_SNAPSHOT_NAME

    snap = data_dir / WAITING_SNAPSHOT_NAME
    if snap.exists():
        snap.unlink()
    child, ready = _unlocked(["-m", "tui"], data_dir, count)
    deadline = time.perf_counter() + 120
    while not snap.exists() and time.perf_counter() < deadline:
        child.read(0.1)
    child.quit()
    if not snap.exists():
        raise RuntimeError("the first unlock wrote no snapshot of the list")
    return ready


def _session(child: Child, ready: float, keystrokes: str) -> dict[str, Any]:
    child.settle(1.0)
    idle_bytes, _ = child.read(3.0)
    latencies, sizes = [], []
    typed = [ch.encode() for ch in keystrokes] + [b"\x7f"] * len(keystrokes)  # then widened
    for key in typed:
        latency, size = child.key(key)
        latencies.append(latency)
        sizes.append(size)
        if "--keys" in sys.argv:
            print(f"    key {key!r:8} {latency * 1000:7.1f} ms {size:6d} B")
    moves = [child.key(b"\x1b[B")[1] for _ in range(10)]
    walk = moves + [child.key(b"\x1b[B")[1] for _ in range(WALK - len(moves))]
    held = child.peak_kib("VmRSS")
    rss = child.quit()
    latencies.sort()
    return {
        "ready": ready,
        "median_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))] * 1000,
        "max_ms": latencies[-1] * 1000,
        "bytes_key": statistics.mean(sizes),
        "bytes_move": statistics.mean(moves),
        "bytes_walk": statistics.mean(walk),
        "bytes_walk_worst": max(walk),
        "bytes_idle": idle_bytes / 3.0,
        "rss_mb": rss / 1024,
        "held_mb": held / 1024,
        "keys": len(latencies),
    }


# -- the real data directory -------------------------------------------------------

PASSPHRASE = "benchmark passphrase 19"


def real_directory(root: Path, count: int, cost: str) -> tuple[Any, Path]:
    """A data directory as a municipality has it: initialised, then ``count``
    waiting certificates fetched from the reference server (left running)."""
    from core import formats
    from core.config import Config, TerminalSettings
    from core.datadir.unlock import init_vault
    from core.reference import synth
    from core.session import unlock
    from tests.support.linkage import LinkageServer, Sleeps

    server = LinkageServer(root / "server").start()
    data = root / "terminal"
    config = Config(
        terminal=TerminalSettings(lasdec=server.lasdec, terminal_id="t1"),
        server=server.settings(),
    )
    init_vault(data, PASSPHRASE, cost=cost, config=config).close()
    rows = synth.certificates(server.lasdec, count, seed=1, waiting_share=1.0)
    body = formats.write("spr", (row.record() for row in _named(rows)))
    del rows
    server.put_notice(f"spr-{server.lasdec}-20261121-0001.csv", body)
    with unlock(data, PASSPHRASE, sleep=Sleeps()) as terminal:
        got = terminal.fetch()
    if got.waiting_added != count:
        raise RuntimeError(f"fetched {got.waiting_added} waiting, not {count}: {got}")
    return server, data


def scrypt_alone(cost: str) -> dict[str, float]:
    """The key derivation at ``cost``, each in a fresh process: the part of
    unlocking that is the passphrase's protection, not the list. ``here_s``,
    ``here_mb``: run in that process (as the terminal did before); ``child_s``:
    through ``core.vault.kdf``'s child, start included, and ``child_mb`` its
    peak (``RUSAGE_CHILDREN``); ``start_ms``: the child's interpreter alone
    (``python -I -S`` importing what it imports), median of 20."""
    import subprocess

    def run(code: str) -> list[str]:
        return subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.split()

    derive = (
        "import time,resource;from core.vault.keys import COSTS;from core.vault import kdf;"
        f"kdf.IN_PROCESS={{}};c=COSTS[{cost!r}];t=time.perf_counter();"
        "kdf.scrypt(b'x',bytes(16),**c);t=time.perf_counter()-t;"
        "hwm=[l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1];"
        "print(t,hwm,resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    here = run(derive.format(True))
    child = run(derive.format(False))
    from core.vault import kdf

    starts = []
    for _ in range(20):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-I", "-S", "-c", kdf._PRELUDE], check=True)
        starts.append(time.perf_counter() - t)
    return {
        "here_s": float(here[0]),
        "here_mb": int(here[1]) / 1024,
        "child_s": float(child[0]),
        "child_mb": int(child[2]) / 1024,
        "parent_mb": int(child[1]) / 1024,
        "start_ms": statistics.median(starts) * 1000,
    }


def _table(
    rows: list[tuple[str, str, str, int, str]], r: dict[str, Any], b: dict[str, Any]
) -> None:
    print(f"  {'':30s} {'baseline':>12s} {'renkei':>12s}   ratio   target")
    for label, key, unit, digits, target in rows:
        ratio = r[key] / b[key] if b[key] else float("nan")
        print(
            f"  {label:30s} {b[key]:>9.{digits}f} {unit:3s}"
            f"{r[key]:>9.{digits}f} {unit:3s}  {ratio:6.3f}   {target}"
        )
    print(f"  (keys measured: baseline {b['keys']}, renkei {r['keys']})")


def main() -> None:
    args = [a for a in sys.argv[1:] if a.isdigit()]
    count = int(args[0]) if args else COUNT
    cost = "low" if "low" in sys.argv[1:] else "standard"  # --cost low: tests' and demos' cost
    from core.config import Config
    from core.datadir.unlock import init_vault

    root = Path(tempfile.mkdtemp(prefix="renkei-bench-"))
    data = root / "empty"
    init_vault(data, "benchmark-passphrase", cost="low", config=Config()).close()

    ours = min(cold_start("renkei", data) for _ in range(3))
    base = min(cold_start("baseline", data) for _ in range(3))
    print("cold start to first paint (best of 3, 80x24 pty)                 target")
    print(f"  bare Textual + DataTable (baseline) {base * 1000:8.0f} ms")
    print(
        f"  renkei (python -m tui, unlock)      {ours * 1000:8.0f} ms   "
        f"ratio {ours / base:.2f}     <= 1.20x bare"
    )

    print(f"\nreal data directory: {count:,} waiting certificates fetched over loopback TLS")
    started = time.perf_counter()
    server, real = real_directory(root / "real", count, cost)
    print(f"  (prepared in {time.perf_counter() - started:.0f} s; scrypt cost {cost})")
    try:
        first = unlock_first(real, count)
        before = unlock_real(real, count, QUERY, kdf_in_process=True)
        r = unlock_real(real, count, QUERY)
    finally:
        server.stop()
    r["first"] = first
    b = interactive("baseline", count, QUERY[:3])
    b["first"] = b["ready"]
    kdf = scrypt_alone(cost)
    _table(
        [
            ("unlock to usable list", "ready", "s", 2, "<= 0.8 s (baseline: bare list)"),
            ("  the first after a fetch", "first", "s", 2, "(the list from the rows)"),
            ("keystroke-to-repaint median", "median_ms", "ms", 1, "<= 25 ms"),
            ("keystroke-to-repaint p95", "p95_ms", "ms", 1, "<= 50 ms"),
            ("peak RSS", "rss_mb", "MiB", 1, "<= 100 MB"),
            ("RSS with the list shown", "held_mb", "MiB", 1, "(after the keys below)"),
            ("bytes per search keystroke", "bytes_key", "B", 0, "<= 2,000"),
            ("bytes per cursor move", "bytes_move", "B", 0, "<= 300"),
            (f"  walk of {WALK}: mean per move", "bytes_walk", "B", 0, "<= 300"),
            (f"  walk of {WALK}: worst move", "bytes_walk_worst", "B", 0, "(a page turn)"),
            ("bytes per idle second", "bytes_idle", "B", 0, "0"),
        ],
        r,
        b,
    )
    print(
        f"  of which the passphrase's key derivation alone (scrypt {cost}, fresh process):"
        f" {kdf['child_s'] * 1000:.0f} ms in its child (peak RSS {kdf['child_mb']:.0f} MiB there,"
        f" the caller {kdf['parent_mb']:.0f} MiB); the child's start alone"
        f" {kdf['start_ms']:.0f} ms"
    )
    print(
        f"  the same directory unlocked with the key derivation in the terminal's own process"
        f" (as before core.vault.kdf): unlock to usable list {before['ready']:.2f} s,"
        f" peak RSS {before['rss_mb']:.1f} MiB, held {before['held_mb']:.1f} MiB;"
        f" scrypt alone there {kdf['here_s'] * 1000:.0f} ms, peak {kdf['here_mb']:.0f} MiB"
    )

    print(f"\nin-memory terminal with {count:,} waiting certificates (the screen alone)")
    r = interactive("renkei", count, QUERY)
    _table(
        [
            ("first paint of the list", "ready", "s", 1, ""),
            ("keystroke-to-repaint median", "median_ms", "ms", 1, "<= 25 ms"),
            ("keystroke-to-repaint p95", "p95_ms", "ms", 1, "<= 50 ms"),
            ("peak RSS", "rss_mb", "MiB", 1, ""),
            ("bytes per search keystroke", "bytes_key", "B", 0, "<= 2,000"),
            ("bytes per cursor move", "bytes_move", "B", 0, "<= 300"),
            (f"  walk of {WALK}: mean per move", "bytes_walk", "B", 0, "<= 300"),
            (f"  walk of {WALK}: worst move", "bytes_walk_worst", "B", 0, "(a page turn)"),
            ("bytes per idle second", "bytes_idle", "B", 0, "0"),
        ],
        r,
        b,
    )
    print(f"\nquery {QUERY!r} typed then backspaced (the baseline: {QUERY[:3]!r})")


if __name__ == "__main__":
    if len(sys.argv) > 3 and sys.argv[1] == "--child":
        {"renkei": child_renkei, "baseline": child_baseline}[sys.argv[2]](int(sys.argv[3]))
    else:
        main()
