"""Records/s of the data check on a 100,000-record MOJ notice file, next to a
bare ``csv.reader`` pass over the same bytes in the same run.

The file comes from ``core.synth`` (every pattern A…BG, layout v2). Three figures, best
of ``ROUNDS`` each: the baseline (decode + ``csv.reader`` to lists, nothing
else), ``formats.read(check=False)`` (parse into records with line numbers and
header rules) and ``formats.read`` (parse + the full data check). The ratio
says how many times slower than the bare parse the checked read is.
Run: ``python benchmarks/validate.py [records]``.
"""

from __future__ import annotations

import csv
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import formats, synth

RECORDS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
ROUNDS = 5  # best of: the machine may be shared


def _best(fn) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    start = time.perf_counter()
    data = synth.moj_file(count=RECORDS, seed=1)
    made = time.perf_counter() - start
    print(f"file: {RECORDS:,} MOJ notice records, {len(data) / 1e6:.1f} MB (made in {made:.1f} s)")

    def bare() -> None:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
        assert len(rows) == RECORDS + 1

    def parse() -> None:
        assert len(formats.read("moj", data, check=False).records) == RECORDS

    def check() -> None:
        parsed = formats.read("moj", data)
        assert parsed.ok and not parsed.report.problems, parsed.report.lines("en")[:3]

    base, parsed, checked = _best(bare), _best(parse), _best(check)
    for name, seconds in (
        ("csv.reader (baseline)", base),
        ("formats.read, no check", parsed),
        ("formats.read + data check", checked),
    ):
        print(f"{name:28s} {seconds:7.3f} s  {RECORDS / seconds:>12,.0f} records/s")
    print(f"ratio checked / baseline: {checked / base:.2f}x the time of a bare csv.reader pass")
    print("targets: <= 4x (issue 15, layout v2 and its checks), <= 3x (issue 19)")


if __name__ == "__main__":
    main()
