"""Two independent implementations agree: the weekly curve's week w is the difference in means
of the citizens observed in week w (DESIGN.md §7, SPEC.md §3.3)."""

import numpy as np
import pandas as pd
import pytest

import activemeasures as am
from activemeasures import estimators as est


def small_trial(seed: int = 11) -> am.Panel:
    rng = np.random.default_rng(seed)
    n = 900
    citizens = pd.DataFrame(
        {
            "citizen_id": np.arange(n),
            "municipality": rng.choice(["A", "B", "C", "D"], n),
            "visitation_date": pd.Timestamp("2016-03-07")
            + pd.to_timedelta(rng.integers(0, 200, n), unit="D"),
            "arm": rng.choice(["treatment", "control"], n),
        }
    )
    start = citizens["visitation_date"] + pd.to_timedelta(rng.integers(0, 90, n), unit="D")
    weeks = rng.integers(0, 25, n) + 4 * (citizens["arm"] == "treatment")
    activities = pd.DataFrame(
        {
            "citizen_id": citizens["citizen_id"],
            "activity": "INTERNSHIP",
            "start": start,
            "end": start + pd.to_timedelta(7 * weeks, unit="D"),
        }
    )[weeks > 0]
    hours = pd.DataFrame(
        {
            "citizen_id": citizens["citizen_id"],
            "period_start": start,
            "period_end": start + pd.to_timedelta(120, unit="D"),
            "hours": rng.exponential(80, n) * (rng.random(n) < 0.3),
        }
    )
    return am.Panel.from_frames(citizens, activities, hours, cutoff="2016-12-31", horizon=30)


@pytest.mark.parametrize("method", ["raw", "blocked"])
@pytest.mark.parametrize("outcome", ["hours", am.State.INTERNSHIP])
def test_every_week_equals_difference_in_means_on_that_weeks_observed_citizens(method, outcome):
    panel = small_trial()
    curve = est.weekly_effects(panel, outcome, method=method, bands=False).to_frame()
    values = panel.hours if outcome == "hours" else panel.active(outcome).astype(float)
    treated = (panel.citizens["arm"] == "treatment").to_numpy().astype(int)
    blocks = panel.citizens["municipality"].to_numpy()
    for week in (1, 10, 20):
        seen = panel.observed_weeks >= week
        reference = est.difference_in_means(
            values[seen, week - 1].astype(float),
            treated[seen],
            blocks=blocks[seen] if method == "blocked" else None,
        )
        row = curve.set_index("week").loc[week]
        assert row["estimate"] == pytest.approx(reference.estimate, rel=1e-10, abs=1e-12)
        assert row["std_error"] == pytest.approx(reference.std_error, rel=1e-10)
        assert row["ci_lower"] == pytest.approx(reference.ci_lower, rel=1e-9, abs=1e-12)
        assert row["p_value"] == pytest.approx(reference.p_value, rel=1e-8, abs=1e-15)
        assert row["n_treatment"] == reference.n_treatment
