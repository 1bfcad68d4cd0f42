"""Records/s of the data check on a 100,000-record MOJ notice file, next to a
bare ``csv.reader`` pass over the same bytes in the same run.

The file comes from ``core.reference.synth`` (every pattern A…BG, layout v2). Three figures:
the baseline (decode + ``csv.reader`` to lists, nothing else),
``formats.read(check=False)`` (parse into records with line numbers and header
rules) and ``formats.read`` (parse + the full data check), run in turns for
``ROUNDS`` rounds (``timing.py``). Each ratio is the median over the rounds of
how many times the bare parse of the same round the read takes.
Run: ``python benchmarks/validate.py [records]``.
"""

from __future__ import annotations

import csv
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import in_turns, verdict

from core import formats
from core.reference import synth

RECORDS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
ROUNDS = 5  # the machine may be shared: medians of rounds in turns (timing.py)
TARGET = 3.0  # issue #19: the checked read <= 3x the time of a bare csv.reader pass


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

    parsed, checked = in_turns(bare, [parse, check], ROUNDS)
    print(f"median of {ROUNDS} rounds (csv.reader, read, read + check in turns)")
    print(f"{'':28s} {'median':>9s} {'records/s':>12s} {'x baseline':>11s}   target (#19)")
    rows = (
        ("csv.reader (baseline)", checked.baseline, 1.0, "-"),
        ("formats.read, no check", parsed.measure, parsed.ratio, "-"),
        (
            "formats.read + data check",
            checked.measure,
            checked.ratio,
            f"<= {TARGET:.0f}x {verdict(checked.ratio <= TARGET)}",
        ),
    )
    for name, seconds, ratio, target in rows:
        print(f"{name:28s} {seconds:7.3f} s {RECORDS / seconds:>12,.0f} {ratio:>10.2f}x   {target}")
    print("(x baseline: median over the rounds of the time over the same round's csv.reader)")


if __name__ == "__main__":
    main()
