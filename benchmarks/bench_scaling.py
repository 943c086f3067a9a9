"""Scaling: each hot path at 1×, 4× and 16× a base size; time(4k) ÷ time(k) must stay below 5.

A path whose cost grows linearly with the data shows a ratio of about 4 per 4× of data (less
while fixed costs still weigh); a ratio of 5 or more means something grows faster than the
data (a quadratic step, a cache cliff, memory swapping). The paths and their sizes:

``scaling_spells``
    ``SpellRule().first_met_week`` on the first ``k`` rows of a boolean matrix × 156 weeks
    (``bench_spells``' generator); ``k`` = 62,500, 250,000, 1,000,000.
``scaling_panel``
    ``Panel.from_frames`` (validation included) on ``k`` citizens with ``5k`` activity records
    (``bench_panel``' generator, generated per size); ``k`` = 62,500 … 1,000,000.
``scaling_effects``
    ``weekly_effects(method="blocked", bands=False)`` of the five JobFirst outcomes on the
    first ``k`` citizens of a ``bench_effects`` panel (78 weeks, 15 blocks); ``k`` = 125,000,
    500,000, 2,000,000 (at 62,500 the panel still fits in the processor's L3 cache).
``scaling_fidelity``
    The three register indicators of ``bench_fidelity`` on its first ``k`` participants and
    their records; ``k`` = 62,500 … 1,000,000.
``scaling_evaluate``
    ``evaluate(dataset, "jobfirst-midterm")`` (defaults, bands on) on
    ``simulate_trial("jobfirst", n_citizens=k)``; ``k`` = 2,400, 9,600, 38,400.

Two ratios per path: ``_4x`` is time(4k) ÷ time(k), ``_16x`` is time(16k) ÷ time(4k). The
three sizes of a path are timed in interleaved rounds (best of each).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from _timing import interleaved
from bench_effects import head as effects_head
from bench_effects import library_curves
from bench_effects import make_panel as make_effects_panel
from bench_fidelity import head as fidelity_head
from bench_fidelity import library_tables
from bench_fidelity import make_dataset as make_fidelity_dataset
from bench_panel import build_panel, make_tables
from bench_spells import N_WEEKS, make_active_matrix

import activemeasures as am
from activemeasures import SpellRule
from activemeasures.datasets import simulate_trial

SEED = 20240808
FACTORS = (1, 4, 16)
TARGET = 5.0

#: Base size ``k`` of each path at full scale (16k is the size of the main benchmarks). The
#: effects panel starts at 125,000 citizens (59 MB), above the 32 MB L3 cache: from 62,500
#: (29 MB, in cache) to 250,000 the ratio measured 5.6, a one-time cache step.
BASE = {
    "spells": 62_500,
    "panel": 62_500,
    "effects": 125_000,
    "fidelity": 62_500,
    "evaluate": 2_400,
}
#: Smallest base size when scaled down (``--quick``).
MIN_BASE = {"spells": 500, "panel": 500, "effects": 500, "fidelity": 500, "evaluate": 100}


def _spells(sizes: list[int], rng: np.random.Generator) -> dict[str, Callable[[], Any]]:
    matrix = make_active_matrix(rng, max(sizes), N_WEEKS)
    rule = SpellRule()
    return {f"{n}": (lambda n=n: rule.first_met_week(matrix[:n])) for n in sizes}


def _panel(sizes: list[int], rng: np.random.Generator) -> dict[str, Callable[[], Any]]:
    tables = {n: make_tables(rng, n, 5 * n) for n in sizes}
    return {f"{n}": (lambda n=n: build_panel(*tables[n])) for n in sizes}


def _effects(sizes: list[int], rng: np.random.Generator) -> dict[str, Callable[[], Any]]:
    panel = make_effects_panel(rng, max(sizes))
    heads = {n: effects_head(panel, n) for n in sizes}
    return {f"{n}": (lambda n=n: library_curves(heads[n], "blocked")) for n in sizes}


def _fidelity(sizes: list[int], rng: np.random.Generator) -> dict[str, Callable[[], Any]]:
    data = make_fidelity_dataset(rng, max(sizes))
    heads = {n: fidelity_head(data, n) for n in sizes}
    return {f"{n}": (lambda n=n: library_tables(heads[n])) for n in sizes}


def _evaluate(sizes: list[int], rng: np.random.Generator) -> dict[str, Callable[[], Any]]:
    registry = am.Registry()
    registry.discover()
    seed = int(rng.integers(2**31))
    datasets = {n: simulate_trial("jobfirst", n_citizens=n, seed=seed) for n in sizes}

    def call(n: int) -> am.Evaluation:
        datasets[n]._panels.clear()  # every call builds its panel
        return am.evaluate(datasets[n], "jobfirst-midterm", registry=registry)

    return {f"{n}": (lambda n=n: call(n)) for n in sizes}


PATHS = {
    "spells": _spells,
    "panel": _panel,
    "effects": _effects,
    "fidelity": _fidelity,
    "evaluate": _evaluate,
}


def run(scale: float = 1.0, repeat: int = 3, seed: int = SEED) -> list[dict[str, Any]]:
    """Time every path at its three sizes; return one record per path."""
    records = []
    for offset, (path, setup) in enumerate(PATHS.items()):
        base = max(MIN_BASE[path], round(BASE[path] * scale))
        sizes = [base * f for f in FACTORS]
        funcs = setup(sizes, np.random.default_rng(seed + offset))
        timings, _ = interleaved(funcs, rounds=repeat)
        del funcs, _
        best = [timings[f"{n}"].best for n in sizes]
        metrics = [
            {
                "metric": f"scaling_{path}_{FACTORS[i + 1] // FACTORS[0]}x",
                "value": best[i + 1] / best[i],
                "unit": "x",
                "direction": "<",
                "target": TARGET,
            }
            for i in range(len(sizes) - 1)
        ]
        records.append(
            {
                "name": f"scaling_{path}",
                "description": (
                    f"{path} at {', '.join(f'{n:,}' for n in sizes)}: time(4k) ÷ time(k) "
                    f"(_4x: {sizes[1]:,} vs {sizes[0]:,}; _16x: {sizes[2]:,} vs {sizes[1]:,})"
                ),
                "sizes": {f"size_{f}x": n for f, n in zip(FACTORS, sizes, strict=True)},
                "data": {"seed": seed + offset},
                "timings": {
                    f"{f}x": timings[f"{n}"].as_dict() for f, n in zip(FACTORS, sizes, strict=True)
                },
                "metrics": metrics,
            }
        )
    return records
