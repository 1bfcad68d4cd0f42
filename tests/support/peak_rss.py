"""Peak RSS of one ``renkei`` command, measured in that process itself.

``os.wait4``'s ``ru_maxrss`` is not enough: on exec Linux folds the high-water
mark of the memory the child came from (the test process, when it is spawned
with vfork) into the child's figure, so a large test process would show up as
a large child. Here the child writes its own ``VmHWM`` (the high-water mark of
its address space since exec) from ``/proc/self/status`` at exit.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_WRAPPER = """
import atexit, sys
out = sys.argv.pop(1)
def _peak():
    with open("/proc/self/status") as f:
        line = next(l for l in f if l.startswith("VmHWM:"))
    with open(out, "w") as f:
        f.write(line.split()[1])
atexit.register(_peak)
from tui.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


def run_measured(args: list[str], env: dict[str, str], workdir: Path) -> tuple[int, int, str]:
    """``renkei ARGS`` → (exit code, peak RSS in KiB, stdout + stderr)."""
    peak_file = workdir / "peak-rss"
    peak_file.unlink(missing_ok=True)
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, str(peak_file), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return done.returncode, int(peak_file.read_text()), done.stdout + done.stderr
