"""End-to-end benchmark: ``evaluate`` against reading its input tables from Parquet.

``evaluate_vs_read_<programme>``
    ``activemeasures.evaluate(dataset, programme)`` (defaults: blocked effects with the
    sup-t bands, incidence, balance, criteria, fidelity, municipal effects) ÷ reading the
    same trial back from Parquet files (``read_tables`` + ``Dataset.from_frames``, which
    validates every table), for three simulated trials the size of the real ones:

    * JobFirst at the mid-term (``jobfirst-midterm``, 4,800 citizens, the simulator's
      mid-term cut-off: 44 weeks of follow-up at most);
    * JobFirst final (``jobfirst``, the same 4,800 citizens with a cut-off that follows
      everyone 78 weeks);
    * 'Flere skal med' (``flereskalmed``, 26,000 target-group citizens plus the comparison
      group).

    Report only: the ratio says how much an evaluation costs beyond getting the data in.
    One ``evaluate`` call is then run under :mod:`cProfile`; the record lists the three
    largest costs (the library functions ``evaluate`` calls directly, by cumulative time,
    with their share of the call) and the ten library functions with the largest
    cumulative time (these nest).

The data come from :func:`activemeasures.datasets.simulate_trial` (seeded) and are written
with ``write_tables(..., format="parquet")`` to a temporary folder. Reading and evaluating are
timed in interleaved rounds; each ``evaluate`` gets the dataset with its panel cache emptied,
so every call builds its panel.
"""

from __future__ import annotations

import cProfile
import pstats
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
from _timing import interleaved

import activemeasures as am
from activemeasures.datasets import read_tables, simulate_trial, write_tables

SEED = 20160301

#: (programme evaluated, programme simulated, citizens, cut-off or None for the default).
#: JobFirst final: the last visitation is 2017-02-28, so this cut-off follows all 78 weeks.
TRIALS = (
    ("jobfirst-midterm", "jobfirst", 4_800, None),
    ("jobfirst", "jobfirst", 4_800, "2018-08-31"),
    ("flereskalmed", "flereskalmed", 26_000, None),
)

#: Fewest citizens of a scaled-down trial (at least two per municipality).
MIN_CITIZENS = {"jobfirst": 100, "flereskalmed": 200}

TOP_COSTS = 3
TOP_FUNCTIONS = 10


def _label(key: tuple[str, int, str]) -> str:
    """``package.module.function`` of a profile entry (the path below site-packages/src)."""
    path, _, function = key
    parts = Path(path).with_suffix("").parts
    roots = [i for i, part in enumerate(parts) if part.startswith("activemeasures")]
    module = ".".join(parts[roots[0] :]) if roots else Path(path).stem
    return f"{module}.{function}"


def _is_library(key: tuple[str, int, str]) -> bool:
    return any(part.startswith("activemeasures") for part in Path(key[0]).parts)


def profile_costs(call) -> dict[str, Any]:
    """Run ``call()`` under cProfile; its top costs as library function names and shares."""
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        call()
    finally:
        profiler.disable()
    stats = pstats.Stats(profiler).stats  # key -> (calls, primitive, tottime, cumtime, callers)
    entry = max(
        (key for key in stats if key[2] == "evaluate" and _is_library(key)),
        key=lambda key: stats[key][3],
    )
    total = stats[entry][3]
    direct = []
    for key, (*_, callers) in stats.items():
        if entry in callers and _is_library(key):
            direct.append((callers[entry][3], key))
    direct.sort(reverse=True)
    nested = sorted(
        ((value[3], key) for key, value in stats.items() if _is_library(key) and key != entry),
        reverse=True,
    )

    def rows(items, limit):
        return [
            {"function": _label(key), "seconds": seconds, "share": seconds / total}
            for seconds, key in items[:limit]
        ]

    return {
        "profiled_seconds": total,
        "top_costs": rows(direct, TOP_COSTS),
        "top_functions": rows(nested, TOP_FUNCTIONS),
    }


def _trial(
    registry: am.Registry,
    programme: str,
    simulated: str,
    n: int,
    cutoff: str | None,
    repeat: int,
    seed: int,
) -> dict[str, Any]:
    """Simulate, write Parquet, time reading and evaluating, profile one evaluation."""
    with tempfile.TemporaryDirectory(prefix="am_bench_evaluate_") as tmp:
        folder = Path(tmp)
        simulated_data = simulate_trial(simulated, n_citizens=n, seed=seed, cutoff=cutoff)
        write_tables(simulated_data, folder, format="parquet")
        rows = {name: len(frame) for name, frame in simulated_data.tables.items()}
        del simulated_data
        files = {p.name: p.stat().st_size for p in sorted(folder.iterdir())}

        def read() -> am.Dataset:
            tables = read_tables(folder)
            cutoff_text = (folder / "cutoff.txt").read_text(encoding="utf-8").strip()
            return am.Dataset.from_frames(**tables, cutoff=pd.Timestamp(cutoff_text))

        dataset = read()

        def evaluate() -> am.Evaluation:
            dataset._panels.clear()  # every call builds its panel
            return am.evaluate(dataset, programme, registry=registry)

        measured, results = interleaved({"read": read, "evaluate": evaluate}, rounds=repeat)
        horizon = int(results["evaluate"].parameters["horizon"])
        del results
        profile = profile_costs(evaluate)
    read_t, evaluate_t = measured["read"], measured["evaluate"]
    return {
        "name": f"evaluate_vs_read_{programme}",
        "description": (
            f"evaluate(dataset, {programme!r}) (bands on) ÷ read_tables + Dataset.from_frames "
            f"of its Parquet files; simulate_trial({simulated!r}, n_citizens={n:,})"
        ),
        "sizes": {"citizens": n, "horizon": horizon, "rows": rows},
        "data": {"seed": seed, "cutoff": str(dataset.cutoff.date()), "file_bytes": files},
        "timings": {"read": read_t.as_dict(), "evaluate": evaluate_t.as_dict()},
        "profile": profile,
        "metrics": [
            {
                "metric": f"evaluate_vs_read_{programme}",
                "value": evaluate_t.best / read_t.best,
                "unit": "x",
                "direction": "<=",
                "target": None,
            }
        ],
    }


def run(scale: float = 1.0, repeat: int = 3, seed: int = SEED) -> list[dict[str, Any]]:
    """Run the three trials; return one record each."""
    registry = am.Registry()
    registry.discover()
    return [
        _trial(
            registry,
            programme,
            simulated,
            max(MIN_CITIZENS[simulated], round(n_full * scale)),
            cutoff,
            repeat,
            seed,
        )
        for programme, simulated, n_full, cutoff in TRIALS
    ]
