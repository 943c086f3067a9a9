"""Spell-engine benchmarks: ``SpellRule.first_met_week`` against two baselines.

``spells_vs_sum``
    The engine on a citizens × weeks boolean matrix ÷ ``active.sum(axis=1)`` on the same
    matrix: how many memory passes the engine costs compared with the cheapest possible
    reduction over the matrix.
``spells_vs_pandas``
    A straightforward pandas group-by/apply implementation of the rule (the loop of SPEC.md
    §4.3 over each citizen's weeks), timed once on a slice and scaled linearly to the full
    number of rows, ÷ the engine's time on the full matrix. Both must agree on the slice.

The three are timed in interleaved rounds (``_timing.interleaved``), each keeping its best.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from _timing import interleaved

from activemeasures import SpellRule
from activemeasures.spells import _threads

SEED = 20160104

#: Full-size problem; ``scale`` multiplies the row counts (weeks stay at three years).
N_ROWS = 1_000_000
N_WEEKS = 156
N_PANDAS_ROWS = 20_000

#: Markov chain of the generated activity: a week's state depends on the previous week's.
ACTIVE_SHARE = 0.30
STAY_ACTIVE = 0.85

#: The JobFirst rule (SPEC.md §4.3), as in ``SpellRule()``.
REQUIRED = 13
MAX_GAP = 4


def make_active_matrix(
    rng: np.random.Generator,
    n_rows: int,
    n_weeks: int,
    *,
    active_share: float = ACTIVE_SHARE,
    stay_active: float = STAY_ACTIVE,
) -> np.ndarray:
    """C-contiguous ``n_rows × n_weeks`` boolean matrix of activity runs with random gaps.

    Each row is a two-state Markov chain: an active week stays active with probability
    ``stay_active`` (runs of mean length ``1 / (1 - stay_active)``); an inactive week becomes
    active with the probability that makes ``active_share`` the stationary share of active
    weeks. The first week is drawn from the stationary distribution. Vectorised over rows;
    the loop runs over weeks.
    """
    become_active = active_share * (1.0 - stay_active) / (1.0 - active_share)
    by_week = np.empty((n_weeks, n_rows), dtype=bool)
    state = rng.random(n_rows, dtype=np.float32) < active_share
    for week in range(n_weeks):
        by_week[week] = state
        draw = rng.random(n_rows, dtype=np.float32)
        state = np.where(state, draw < stay_active, draw < become_active)
    return np.ascontiguousarray(by_week.T)


def to_long(active: np.ndarray) -> pd.DataFrame:
    """Long table ``citizen, week, active`` (one row per citizen-week, sorted)."""
    n_rows, n_weeks = active.shape
    return pd.DataFrame(
        {
            "citizen": np.repeat(np.arange(n_rows, dtype=np.int64), n_weeks),
            "week": np.tile(np.arange(1, n_weeks + 1, dtype=np.int64), n_rows),
            "active": active.reshape(-1),
        }
    )


def meets_13w(active: pd.Series, required: int = REQUIRED, max_gap: int = MAX_GAP) -> int:
    """SPEC.md §4.3 ``meets_13w`` on one citizen's weeks in order: week met, 0 if never."""
    counted = 0
    gap = 0
    for week, is_active in enumerate(active, start=1):
        if is_active:
            counted += 1
            gap = 0
            if counted == required:
                return week
        elif counted > 0:
            gap += 1
            if gap > max_gap:  # a 5th consecutive inactive week breaks the spell
                counted = 0
                gap = 0
    return 0


def pandas_first_met_week(long: pd.DataFrame) -> pd.Series:
    """The straightforward pandas implementation: group by citizen, apply the loop."""
    return long.groupby("citizen")["active"].apply(meets_13w)


def run(scale: float = 1.0, repeat: int = 3, seed: int = SEED) -> list[dict[str, Any]]:
    """Run both spell benchmarks; return one record per benchmark.

    The sum, the engine and the pandas baseline are timed in ``repeat`` interleaved rounds
    (the two cheap ones twice per round), each keeping its best time.
    """
    n_rows = max(1, round(N_ROWS * scale))
    n_pandas = max(1, round(N_PANDAS_ROWS * scale))
    rng = np.random.default_rng(seed)
    active = make_active_matrix(rng, n_rows, N_WEEKS)
    rule = SpellRule(min_weeks=REQUIRED, max_gap=MAX_GAP)
    long = to_long(active[:n_pandas])

    timings, results = interleaved(
        {
            "numpy_sum": lambda: active.sum(axis=1),
            "engine": lambda: rule.first_met_week(active),
            "pandas": lambda: pandas_first_met_week(long),
        },
        rounds=repeat,
        calls={"numpy_sum": 2 * repeat, "engine": 2 * repeat},
    )
    engine, numpy_sum, pandas_apply = timings["engine"], timings["numpy_sum"], timings["pandas"]
    met, pandas_met = results["engine"], results["pandas"]
    if not np.array_equal(pandas_met.to_numpy(), met[:n_pandas]):
        n_diff = int((pandas_met.to_numpy() != met[:n_pandas]).sum())
        raise AssertionError(f"engine and pandas disagree on {n_diff} of {n_pandas} rows")
    pandas_scaled = pandas_apply.best * n_rows / n_pandas

    data = {
        "seed": seed,
        "active_share": float(active.mean()),
        "share_met": float((met > 0).mean()),
        "stay_active": STAY_ACTIVE,
        "engine_threads": _threads(),
    }
    rule_text = f"SpellRule(min_weeks={REQUIRED}, max_gap={MAX_GAP}).first_met_week"
    return [
        {
            "name": "spells_vs_sum",
            "description": f"{rule_text} ÷ active.sum(axis=1), same boolean matrix",
            "sizes": {"rows": n_rows, "weeks": N_WEEKS, "matrix_bytes": int(active.nbytes)},
            "data": data,
            "timings": {"engine": engine.as_dict(), "numpy_sum": numpy_sum.as_dict()},
            "metrics": [
                {
                    "metric": "spells_vs_sum",
                    "value": engine.best / numpy_sum.best,
                    "unit": "x",
                    "direction": "<=",
                    "target": 3.0,
                }
            ],
        },
        {
            "name": "spells_vs_pandas",
            "description": (
                "groupby('citizen')['active'].apply(SPEC §4.3 loop), best of "
                f"{len(pandas_apply.times)} on {n_pandas:,} rows scaled linearly to "
                f"{n_rows:,} rows, ÷ {rule_text} on {n_rows:,} rows (results verified equal "
                f"on the {n_pandas:,} rows)"
            ),
            "sizes": {
                "rows": n_rows,
                "weeks": N_WEEKS,
                "pandas_rows": n_pandas,
                "pandas_long_table_rows": len(long),
            },
            "data": {**data, "agree_on_pandas_rows": True},
            "timings": {
                "pandas_apply_measured": pandas_apply.as_dict(),
                "pandas_apply_scaled_s": pandas_scaled,
                "engine": engine.as_dict(),
            },
            "metrics": [
                {
                    "metric": "spells_vs_pandas",
                    "value": pandas_scaled / engine.best,
                    "unit": "x",
                    "direction": ">=",
                    "target": 200.0,
                }
            ],
        },
    ]
