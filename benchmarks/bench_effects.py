"""Weekly-effects benchmarks: ``weekly_effects`` against a per-week statsmodels loop.

``effects_raw_vs_statsmodels``
    ``weekly_effects(panel, outcome, method="raw", bands=False)`` for five outcomes × 78
    weeks on 1,000,000 citizens in 15 blocks, against the straightforward loop: for every
    outcome and week, ``statsmodels`` OLS of the outcome on a constant and the treatment
    dummy over the citizens observed that week, HC2 covariance (the Welch standard error).
    The loop is timed (best of two) on 50,000 citizens and scaled linearly.
``effects_blocked_vs_statsmodels``
    The same for ``method="blocked"``; the loop fits OLS + HC2 in every block and week and
    combines the block estimates with weights ``N_bw / N_w`` (timed once).
``effects_bands_overhead``
    Report only: the five blocked curves with the sup-t band (``bands=True``, 10,000
    draws) ÷ without.

Both loops must agree with ``weekly_effects`` on the 50,000 citizens (estimates and
standard errors to 1e-9), or the run fails. The library and its baseline are timed in
interleaved rounds (``_timing.interleaved``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from _timing import interleaved
from bench_spells import make_active_matrix

from activemeasures import Panel, SpellRule, State
from activemeasures.estimators.curves import weekly_effects
from activemeasures.outcomes import AnyHours, CumulativeCriterion, MeanHours, ShareInState
from activemeasures.panel import WorkplaceWeeks

SEED = 20160301

#: Full-size problem; ``scale`` multiplies the citizen counts (weeks and blocks stay).
N_CITIZENS = 1_000_000
N_WEEKS = 78
N_BLOCKS = 15
N_STATSMODELS = 50_000

#: The five outcomes of the JobFirst figures (SPEC.md §5.1; 001, L290-297).
OUTCOMES = (
    ShareInState(State.INTERNSHIP),
    ShareInState(State.WAGE_SUBSIDY),
    MeanHours(),
    AnyHours(),
    CumulativeCriterion(SpellRule(min_weeks=13, max_gap=4)),
)

AGREEMENT = 1e-9

#: Calls of the slow baselines (the library runs ``repeat`` times, interleaved with them):
#: the per-week loop best of two, the per-block loop once; the band (report only) twice.
STATSMODELS_CALLS = {"raw": 2, "blocked": 1}
BANDS_CALLS = 2


def make_panel(rng: np.random.Generator, n: int, n_weeks: int = N_WEEKS) -> Panel:
    """A synthetic JobFirst-like panel built directly from arrays.

    15 municipalities of unequal size, 1:1 randomisation, staggered visitation (about half
    the citizens followed all 78 weeks, the rest 30 to 77 weeks). Internship, wage subsidy
    and employment are Markov chains as in ``bench_spells`` (internship 25 % of weeks,
    wage subsidy 3 %, employment 8 %); employed weeks get 3 to 37 ordinary hours.
    """
    sizes = rng.dirichlet(np.full(N_BLOCKS, 5.0))
    block = rng.choice(N_BLOCKS, size=n, p=sizes)
    arm = np.where(rng.random(n) < 0.5, "treatment", "control")
    observed = np.minimum(rng.integers(30, 127, n), n_weeks).astype(np.int16)
    internship = make_active_matrix(rng, n, n_weeks, active_share=0.25, stay_active=0.85)
    subsidy = make_active_matrix(rng, n, n_weeks, active_share=0.03, stay_active=0.9)
    employed = make_active_matrix(rng, n, n_weeks, active_share=0.08, stay_active=0.9)
    levels = np.array([3.0, 7.5, 10.0, 15.0, 20.0, 30.0, 37.0], dtype=np.float32)
    hours = levels[rng.integers(0, len(levels), size=(n, n_weeks), dtype=np.int8)]
    hours *= employed
    states = internship * np.uint16(State.INTERNSHIP)
    states |= subsidy * np.uint16(State.WAGE_SUBSIDY)
    states |= employed * np.uint16(State.ORDINARY_HOURS)
    unobserved = np.arange(n_weeks) >= observed[:, None]
    states[unobserved] = 0
    hours[unobserved] = 0
    citizens = pd.DataFrame(
        {
            "citizen_id": np.arange(n),
            "municipality": np.array([f"municipality {b:02d}" for b in range(N_BLOCKS)])[block],
            "visitation_date": pd.Timestamp("2016-03-01"),
            "arm": arm,
        }
    )
    return Panel(
        citizens=citizens,
        states=states,
        hours=hours,
        observed_weeks=observed,
        cutoff=pd.Timestamp("2017-12-31"),
        horizon=n_weeks,
        workplace_weeks=WorkplaceWeeks.concat([], pd.Index([])),
    )


def head(panel: Panel, n: int) -> Panel:
    """The first ``n`` citizens of a panel."""
    return Panel(
        citizens=panel.citizens.iloc[:n].reset_index(drop=True),
        states=panel.states[:n],
        hours=panel.hours[:n],
        observed_weeks=panel.observed_weeks[:n],
        cutoff=panel.cutoff,
        horizon=panel.horizon,
        workplace_weeks=panel.workplace_weeks,
    )


def _welch_hc2(y: np.ndarray, treated: np.ndarray) -> tuple[float, float]:
    """statsmodels OLS of y on (1, treated) with HC2: the Welch difference and its SE."""
    fit = sm.OLS(y, sm.add_constant(treated.astype(np.float64), has_constant="add")).fit(
        cov_type="HC2"
    )
    return float(fit.params[1]), float(fit.bse[1])


def statsmodels_curves(panel: Panel, method: str) -> np.ndarray:
    """The per-week loop: (outcomes, 2, weeks) estimates and standard errors."""
    treated = (panel.citizens["arm"] == "treatment").to_numpy()
    block = panel.citizens["municipality"].to_numpy()
    blocks = np.unique(block)
    out = np.full((len(OUTCOMES), 2, panel.horizon), np.nan)
    for k, outcome in enumerate(OUTCOMES):
        values = outcome.values(panel)
        for w in range(panel.horizon):
            here = panel.observed_weeks > w
            if method == "raw":
                out[k, :, w] = _welch_hc2(values[here, w], treated[here])
                continue
            sizes, estimates, variances = [], [], []
            for b in blocks:
                cell = here & (block == b)
                n1, n0 = int((cell & treated).sum()), int((cell & ~treated).sum())
                if n1 < 2 or n0 < 2:
                    continue
                estimate, se = _welch_hc2(values[cell, w], treated[cell])
                sizes.append(n1 + n0)
                estimates.append(estimate)
                variances.append(se**2)
            weights = np.array(sizes) / sum(sizes)
            out[k, 0, w] = weights @ np.array(estimates)
            out[k, 1, w] = np.sqrt(weights**2 @ np.array(variances))
    return out


def library_curves(panel: Panel, method: str, bands: bool = False) -> np.ndarray:
    out = np.empty((len(OUTCOMES), 2, panel.horizon))
    for k, outcome in enumerate(OUTCOMES):
        curve = weekly_effects(panel, outcome, method=method, bands=bands)
        out[k] = curve.estimate, curve.std_error
    return out


def _check_agreement(ours: np.ndarray, theirs: np.ndarray, method: str) -> float:
    difference = np.abs(ours - theirs)
    scale = np.maximum(np.abs(theirs), 1.0)
    worst = float(np.nanmax(difference / scale))
    if not np.array_equal(np.isnan(ours), np.isnan(theirs)) or worst > AGREEMENT:
        raise AssertionError(
            f"weekly_effects(method={method!r}) and the statsmodels loop disagree: "
            f"largest difference {worst:.3g} (tolerance {AGREEMENT:g})"
        )
    return worst


def run(scale: float = 1.0, repeat: int = 3, seed: int = SEED) -> list[dict[str, Any]]:
    """Run the weekly-effects benchmarks; return one record per benchmark."""
    n = max(2_000, round(N_CITIZENS * scale))
    n_small = max(1_000, round(N_STATSMODELS * scale))
    rng = np.random.default_rng(seed)
    panel = make_panel(rng, n)
    small = head(panel, n_small)
    sizes = {
        "citizens": n,
        "weeks": N_WEEKS,
        "blocks": N_BLOCKS,
        "outcomes": len(OUTCOMES),
        "statsmodels_citizens": n_small,
        "panel_bytes": int(panel.nbytes),
    }
    data = {
        "seed": seed,
        "outcomes": [o.name for o in OUTCOMES],
        "mean_observed_weeks": float(panel.observed_weeks.mean()),
        "share_observed_all_weeks": float((panel.observed_weeks >= N_WEEKS).mean()),
    }
    records: list[dict[str, Any]] = []
    timings: dict[str, Any] = {}
    for method in ("raw", "blocked"):
        funcs = {
            "weekly_effects": lambda m=method: library_curves(panel, m),
            "statsmodels": lambda m=method: statsmodels_curves(small, m),
        }
        calls = {"statsmodels": STATSMODELS_CALLS[method]}
        if method == "blocked":  # the band overhead, timed in the same rounds
            funcs["with_bands"] = lambda: library_curves(panel, "blocked", bands=True)
            calls["with_bands"] = BANDS_CALLS
        measured, results = interleaved(funcs, rounds=repeat, calls=calls)
        library, loop, theirs = (
            measured["weekly_effects"],
            measured["statsmodels"],
            results["statsmodels"],
        )
        with_bands = measured.get("with_bands")
        del results
        worst = _check_agreement(library_curves(small, method), theirs, method)
        scaled = loop.best * n / n_small
        timings[method] = library
        per_block = "per block, " if method == "blocked" else ""
        records.append(
            {
                "name": f"effects_{method}_vs_statsmodels",
                "description": (
                    f"per-week statsmodels OLS + HC2 loop ({per_block}{len(OUTCOMES)} outcomes "
                    f"× {N_WEEKS} weeks), best of {len(loop.times)} on {n_small:,} citizens "
                    f"scaled to {n:,}, ÷ weekly_effects(method={method!r}, bands=False) on {n:,} "
                    f"citizens (agree to {AGREEMENT:g} on the {n_small:,})"
                ),
                "sizes": sizes,
                "data": {**data, "largest_relative_difference": worst},
                "timings": {
                    "statsmodels_loop_measured": loop.as_dict(),
                    "statsmodels_loop_scaled_s": scaled,
                    "weekly_effects": library.as_dict(),
                },
                "metrics": [
                    {
                        "metric": f"effects_{method}_vs_statsmodels",
                        "value": scaled / library.best,
                        "unit": "x",
                        "direction": ">=",
                        "target": 50.0,
                    }
                ],
            }
        )
    records.append(
        {
            "name": "effects_bands_overhead",
            "description": (
                "weekly_effects(method='blocked', bands=True, n_draws=10_000) ÷ bands=False, "
                f"{len(OUTCOMES)} outcomes on {n:,} citizens"
            ),
            "sizes": sizes,
            "data": data,
            "timings": {
                "with_bands": with_bands.as_dict(),
                "without": timings["blocked"].as_dict(),
            },
            "metrics": [
                {
                    "metric": "effects_bands_overhead",
                    "value": with_bands.best / timings["blocked"].best,
                    "unit": "x",
                    "direction": "<=",
                    "target": None,
                }
            ],
        }
    )
    return records
