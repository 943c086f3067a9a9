"""Golden values for ``tests/estimators/test_incidence.py``, computed with lifelines.

Run from the repository root (needs lifelines, a test-only dependency)::

    python tests/reference/incidence/make_golden.py

It writes, next to this script:

``inputs.csv``
    ``case, group, event_week, observed_weeks``: one row per citizen of each case, the
    arguments of ``cumulative_incidence`` (``event_week`` 0 = no event in the observed weeks).
``lifelines_km.csv``
    ``case, alpha, group, week, survival, ci_lower_survival, ci_upper_survival``: lifelines'
    ``KaplanMeierFitter(alpha=alpha).fit(durations, event_observed, timeline=0..horizon)`` per
    case and group, where ``durations`` is the event week when there is an event and the
    observed weeks otherwise, and ``event_observed`` is ``event_week > 0``. ``survival`` is
    ``survival_function_``; the bounds are ``confidence_interval_`` (lifelines' default
    "exponential Greenwood", i.e. log(-log), interval). Weeks 1..horizon.
``lifelines_km.json``
    The versions that produced the files.

The cases are drawn from seeded NumPy generators, so rerunning the script with the same
versions reproduces the files byte for byte.
"""

from __future__ import annotations

import json
import platform
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent


def _staggered(seed: int, n: int, horizon: int) -> pd.DataFrame:
    """Two arms, staggered visitation (40 % observed for the whole horizon), geometric events."""
    rng = np.random.default_rng(seed)
    group = np.where(rng.random(n) < 0.5, "treatment", "control")
    observed = np.where(rng.random(n) < 0.4, horizon, rng.integers(0, horizon + 1, n))
    hazard = np.where(group == "treatment", 0.05, 0.025)
    first = rng.geometric(hazard)
    event = np.where(first <= observed, first, 0)
    return pd.DataFrame({"group": group, "event_week": event, "observed_weeks": observed})


def _ties() -> pd.DataFrame:
    """Many ties; group 'c' has everyone at risk meet the event in week 2 (S drops to 0)."""
    rng = np.random.default_rng(7)
    n = 60
    group = rng.choice(["a", "b"], n)
    observed = rng.integers(1, 9, n)
    event = np.where(rng.random(n) < 0.5, rng.integers(1, 9, n), 0)
    event = np.where(event <= observed, event, 0)
    frame = pd.DataFrame({"group": group, "event_week": event, "observed_weeks": observed})
    extra = pd.DataFrame(
        {"group": ["c"] * 4, "event_week": [0, 2, 2, 2], "observed_weeks": [1, 5, 8, 2]}
    )
    return pd.concat([frame, extra], ignore_index=True)


def _edges() -> pd.DataFrame:
    """Citizens never observed, events in week 1 and at the last observed week."""
    return pd.DataFrame(
        {
            "group": ["all"] * 9,
            "event_week": [0, 0, 1, 1, 3, 0, 5, 0, 2],
            "observed_weeks": [0, 0, 1, 4, 3, 5, 5, 2, 6],
        }
    )


def cases() -> dict[str, pd.DataFrame]:
    return {
        "staggered": _staggered(seed=20160301, n=800, horizon=44),
        "ties": _ties(),
        "edges": _edges(),
    }


def lifelines_km(frame: pd.DataFrame, alpha: float, horizon: int) -> pd.DataFrame:
    from lifelines import KaplanMeierFitter

    out = []
    for group, part in frame.groupby("group", sort=True):
        event = part["event_week"].to_numpy()
        durations = np.where(event > 0, event, part["observed_weeks"].to_numpy())
        with np.errstate(all="ignore"):  # lifelines sets NumPy's global error state
            fitter = KaplanMeierFitter(alpha=alpha).fit(
                durations, event_observed=event > 0, timeline=np.arange(0, horizon + 1)
            )
        survival = fitter.survival_function_.iloc[:, 0]
        bounds = fitter.confidence_interval_
        weeks = np.arange(1, horizon + 1)
        out.append(
            pd.DataFrame(
                {
                    "group": group,
                    "week": weeks,
                    "survival": survival.loc[weeks].to_numpy(),
                    "ci_lower_survival": bounds.iloc[:, 0].loc[weeks].to_numpy(),
                    "ci_upper_survival": bounds.iloc[:, 1].loc[weeks].to_numpy(),
                }
            )
        )
    return pd.concat(out, ignore_index=True)


def main() -> None:
    import lifelines

    old = np.geterr()
    inputs, outputs = [], []
    for name, frame in cases().items():
        horizon = int(frame["observed_weeks"].max())
        inputs.append(frame.assign(case=name))
        for alpha in (0.05, 0.10):
            km = lifelines_km(frame, alpha, horizon)
            outputs.append(km.assign(case=name, alpha=f"{alpha:g}"))
    np.seterr(**old)
    columns = ["case", "group", "event_week", "observed_weeks"]
    pd.concat(inputs, ignore_index=True)[columns].to_csv(HERE / "inputs.csv", index=False)
    columns = [
        "case",
        "alpha",
        "group",
        "week",
        "survival",
        "ci_lower_survival",
        "ci_upper_survival",
    ]
    pd.concat(outputs, ignore_index=True)[columns].to_csv(
        HERE / "lifelines_km.csv", index=False, float_format="%.17g"
    )
    meta = {
        "lifelines": lifelines.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "python": platform.python_version(),
        "script": "tests/reference/incidence/make_golden.py",
    }
    (HERE / "lifelines_km.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
