"""Timing helpers the benchmarks share: milliseconds of one call, and p50/p95/max rows."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence


def ms(f: Callable[[], object]) -> float:
    t = time.perf_counter_ns()
    f()
    return (time.perf_counter_ns() - t) / 1e6


def stats(samples: Sequence[float]) -> tuple[float, float, float]:
    """Median, 95th percentile (nearest rank) and maximum."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95, ordered[-1]


def row(label: str, samples: Sequence[float], width: int = 22) -> str:
    p50, p95, worst = stats(samples)
    return f"{label:<{width}}{p50:>9.2f}{p95:>9.2f}{worst:>9.2f}   (n={len(samples)})"
