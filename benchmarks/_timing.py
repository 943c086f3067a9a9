"""Timing and memory helpers shared by the benchmarks (standard library only, no psutil).

* :func:`best_of` calls a function ``repeat`` times and keeps every wall-clock time
  (``time.perf_counter``); the benchmarks report the best one. As in :mod:`timeit`, the
  garbage collector is run before and switched off during each timed call, so a collection
  triggered by earlier allocations does not land in one of the timings.
* :func:`peak_traced` runs a function once under :mod:`tracemalloc` and returns the peak of
  memory allocated *during* the call (memory held before the call is not counted). NumPy and
  pandas report their buffers to tracemalloc, so this covers the arrays; buffers allocated by
  Apache Arrow's own memory pool (pandas' default ``str`` columns when pyarrow is installed)
  are not traced. Tracing slows Python-level allocation, so never combine it with timing.
"""

from __future__ import annotations

import gc
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")

__all__ = ["MemoryTrace", "Timing", "best_of", "peak_traced"]


@dataclass(frozen=True)
class Timing:
    """Wall-clock times in seconds of repeated calls of one function."""

    times: tuple[float, ...]

    @property
    def best(self) -> float:
        return min(self.times)

    def as_dict(self) -> dict[str, Any]:
        return {"best_s": self.best, "times_s": list(self.times), "repeat": len(self.times)}


@dataclass(frozen=True)
class MemoryTrace:
    """Memory traced by tracemalloc during one call, in bytes."""

    peak_bytes: int
    retained_bytes: int

    def as_dict(self) -> dict[str, int]:
        return {"peak_bytes": self.peak_bytes, "retained_bytes": self.retained_bytes}


def best_of(func: Callable[[], T], repeat: int = 3) -> tuple[Timing, T]:
    """Call ``func()`` ``repeat`` times; return the timings and the result of the last call.

    The previous result is dropped before each call so that two results are never alive at
    once (a panel of a million citizens is several hundred megabytes).
    """
    if repeat < 1:
        raise ValueError(f"repeat must be >= 1, got {repeat}")
    times: list[float] = []
    result: T | None = None
    for _ in range(repeat):
        result = None
        gc.collect()
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            start = time.perf_counter()
            result = func()
            times.append(time.perf_counter() - start)
        finally:
            if was_enabled:
                gc.enable()
    return Timing(tuple(times)), result  # type: ignore[return-value]


def peak_traced(func: Callable[[], T]) -> tuple[MemoryTrace, T]:
    """Run ``func()`` once under tracemalloc; return its peak and retained allocations.

    ``peak_bytes`` is the highest amount of traced memory allocated since the call began (the
    result included, inputs that existed before excluded); ``retained_bytes`` is what is still
    allocated when it returns (essentially the result).
    """
    if tracemalloc.is_tracing():
        raise RuntimeError("tracemalloc is already tracing; peak_traced needs it to itself")
    gc.collect()
    tracemalloc.start()
    try:
        baseline, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        result = func()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return MemoryTrace(peak_bytes=peak - baseline, retained_bytes=current - baseline), result
