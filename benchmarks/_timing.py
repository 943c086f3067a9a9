"""Timing and memory helpers shared by the benchmarks (standard library only, no psutil).

* :func:`best_of` calls a function ``repeat`` times and keeps every wall-clock time
  (``time.perf_counter``); the benchmarks report the best one. As in :mod:`timeit`, the
  garbage collector is run before and switched off during each timed call, so a collection
  triggered by earlier allocations does not land in one of the timings.
* :func:`interleaved` times several functions in rounds (one call of each per round), so
  that a slow phase of a shared machine (other processes, frequency changes) hits the library
  and its baseline alike instead of one of them; each keeps its best time.
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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")

__all__ = ["MemoryTrace", "Timing", "best_of", "interleaved", "peak_traced"]


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


def _timed_call(func: Callable[[], T]) -> tuple[float, T]:
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        result = func()
        return time.perf_counter() - start, result
    finally:
        if was_enabled:
            gc.enable()


def interleaved(
    funcs: Mapping[str, Callable[[], Any]],
    rounds: int = 3,
    *,
    calls: Mapping[str, int] | None = None,
) -> tuple[dict[str, Timing], dict[str, Any]]:
    """Time several functions in ``rounds`` rounds, one call of each per round, in order.

    ``calls`` gives a function fewer or more calls (say, 1 for a slow baseline): it is called
    in the first ``calls[name]`` rounds (or several times per round when above ``rounds``).
    Returns the timings and the result of each function's last call. Results are dropped
    before the next call of the same function, so at most one result per function is alive.
    """
    if rounds < 1:
        raise ValueError(f"rounds must be >= 1, got {rounds}")
    wanted = {name: (calls or {}).get(name, rounds) for name in funcs}
    times: dict[str, list[float]] = {name: [] for name in funcs}
    results: dict[str, Any] = {}
    for _ in range(max(rounds, *wanted.values())):
        for name, func in funcs.items():
            per_round = -(-wanted[name] // rounds)  # calls in this round
            for _call in range(per_round):
                if len(times[name]) >= wanted[name]:
                    break
                results[name] = None
                elapsed, results[name] = _timed_call(func)
                times[name].append(elapsed)
    return {name: Timing(tuple(t)) for name, t in times.items()}, results


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
