"""Timing for the benchmarks: a measure next to its baseline, in the same run.

On a shared 2-core machine one timing says little: another process may take
the core for part of it. So the baseline and the measure are run in turns,
``repeat`` rounds (baseline, measure, baseline, measure…), and what is printed
is the median of each and the median of the per-round ratios: a slow spell
hits the pair of one round, not one side of the comparison.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

REPEAT = 7  # rounds per pair; odd, so the median is one of the rounds


@dataclass(frozen=True)
class Paired:
    """Median seconds of a baseline and a measure, and the median of the ratios
    measure / baseline of the same round."""

    baseline: float
    measure: float
    ratio: float  # > 1: the measure takes longer than the baseline
    rounds: int


def seconds(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def paired(
    baseline: Callable[[], object], measure: Callable[[], object], repeat: int = REPEAT
) -> Paired:
    """Time ``baseline`` and ``measure`` in turns, once each to warm up, then
    ``repeat`` rounds."""
    return in_turns(baseline, [measure], repeat)[0]


def in_turns(
    baseline: Callable[[], object], measures: list[Callable[[], object]], repeat: int = REPEAT
) -> list[Paired]:
    """Each of ``measures`` next to ``baseline``: rounds of the baseline then every
    measure, after one warm-up round."""
    for fn in (baseline, *measures):
        fn()
    base: list[float] = []
    ours: list[list[float]] = [[] for _ in measures]
    for _ in range(repeat):
        base.append(seconds(baseline))
        for times, fn in zip(ours, measures, strict=True):
            times.append(seconds(fn))
    return [
        Paired(
            statistics.median(base),
            statistics.median(times),
            statistics.median(o / b for o, b in zip(times, base, strict=True)),
            repeat,
        )
        for times in ours
    ]


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"
