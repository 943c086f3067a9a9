"""Per-municipality window means and effects against slow loops over citizens and weeks."""

from __future__ import annotations

import math

import attrs
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from activemeasures import Panel, SpellRule, State
from activemeasures.fidelity.municipal import (
    ALL_ARMS,
    MUNICIPALITY_EFFECT_COLUMNS,
    MUNICIPALITY_MEAN_COLUMNS,
    municipality_effects,
    municipality_means,
)
from activemeasures.outcomes import AnyHours, CumulativeCriterion, MeanHours, ShareInState
from activemeasures.panel import WorkplaceWeeks, _example_panel

# ------------------------------------------------------------------------------ test data


def small_panel() -> Panel:
    """Nine citizens in three municipalities, staggered visitation, built from frames.

    Cut-off 2016-05-31 with horizon 10: a citizen visited on 2016-03-01 is observed for 13
    weeks (capped at 10), on 2016-04-05 for 8, on 2016-05-03 for 4.
    """
    citizens = pd.DataFrame(
        {
            "citizen_id": [f"c{i}" for i in range(9)],
            "municipality": ["Vejle", "Vejle", "Vejle", "Aarhus", "Aarhus", "Aarhus", "Holbæk",
                             "Holbæk", "Holbæk"],
            "visitation_date": ["2016-03-01", "2016-04-05", "2016-05-03", "2016-03-01",
                                "2016-04-05", "2016-03-01", "2016-05-03", "2016-03-01",
                                "2016-04-05"],
            "arm": ["treatment", "control", "treatment", "control", "treatment", "treatment",
                    "treatment", "treatment", "comparison"],
        }
    )  # fmt: skip
    activities = pd.DataFrame(
        {
            "citizen_id": ["c0", "c1", "c2", "c3", "c4", "c6", "c7", "c8"],
            "activity": ["INTERNSHIP", "INTERNSHIP", "MENTOR", "INTERNSHIP", "INTERNSHIP",
                         "INTERNSHIP", "INTERNSHIP", "INTERNSHIP"],
            "start": ["2016-03-10", "2016-04-05", "2016-05-03", "2016-03-20", "2016-04-20",
                      "2016-05-10", "2016-03-01", "2016-04-05"],
            "end": ["2016-04-20", "2016-04-30", "2016-05-31", "2016-05-31", "2016-05-15",
                    "2016-05-20", "2016-03-31", "2016-05-31"],
        }
    )  # fmt: skip
    hours = pd.DataFrame(
        {
            "citizen_id": ["c0", "c3", "c4", "c5", "c7"],
            "period_start": ["2016-04-01", "2016-03-01", "2016-05-01", "2016-04-01",
                             "2016-04-15"],
            "period_end": ["2016-05-31", "2016-03-31", "2016-05-31", "2016-04-30", "2016-05-31"],
            "hours": [120.0, 60.0, 40.0, 80.0, 50.0],
        }
    )  # fmt: skip
    return Panel.from_frames(citizens, activities, hours, cutoff="2016-05-31", horizon=10)


def random_panel(seed: int, n: int, horizon: int, n_municipalities: int, junk: bool) -> Panel:
    """A panel from random arrays; ``junk`` puts states and hours in unobserved weeks too,
    which the functions must never read."""
    rng = np.random.default_rng(seed)
    arm = rng.choice(np.array(["treatment", "control", "comparison", None], dtype=object), n)
    citizens = pd.DataFrame(
        {
            "citizen_id": np.arange(n),
            "municipality": rng.choice([f"m{j}" for j in range(n_municipalities)], n),
            "visitation_date": pd.Timestamp("2016-03-01"),
            "arm": arm,
        }
    )
    observed = rng.integers(0, horizon + 1, n)
    bits = int(State.INTERNSHIP | State.MENTOR)
    states = rng.integers(0, bits + 1, size=(n, horizon)) & bits
    hours = rng.choice([0.0, 0.0, 4.5, 12.25, 37.0], size=(n, horizon)).astype(np.float32)
    states |= np.where(hours > 0, int(State.ORDINARY_HOURS), 0)
    if not junk:
        unobserved = np.arange(horizon) >= observed[:, None]
        states[unobserved] = 0
        hours[unobserved] = 0
    return Panel(
        citizens=citizens,
        states=states,
        hours=hours,
        observed_weeks=observed,
        cutoff=pd.Timestamp("2017-12-31"),
        horizon=horizon,
        workplace_weeks=WorkplaceWeeks.concat([], pd.Index([])),
    )


@attrs.frozen
class HoursWithGaps:
    """A custom outcome: hours, but missing (NaN) whenever hours are exactly 4.5."""

    name = "hours_with_gaps"
    label = "Hours with gaps"

    def values(self, panel: Panel, *, compact: bool = False) -> np.ndarray:
        hours = panel.hours.astype(np.float64)
        return np.where(hours == 4.5, np.nan, hours)


# ------------------------------------------------------- slow, obviously-correct references


def _is_arm(value) -> bool:
    return isinstance(value, str)


def reference_means(panel, values, first, last, by_arm):
    """Loop over groups, weeks and citizens."""
    municipality = panel.citizens["municipality"].tolist()
    arm = panel.citizens["arm"].tolist()
    observed = panel.observed_weeks.tolist()
    keys = sorted(
        {
            (m, a if by_arm else ALL_ARMS)
            for m, a in zip(municipality, arm, strict=True)
            if not by_arm or _is_arm(a)
        }
    )
    rows = []
    for m, a in keys:
        members = [
            i
            for i in range(panel.n_citizens)
            if municipality[i] == m and (not by_arm or arm[i] == a)
        ]
        weekly_means, seen = [], set()
        for w in range(first, last + 1):
            cell_values = []
            for i in members:
                if w <= observed[i] and not math.isnan(values[i][w - 1]):
                    cell_values.append(values[i][w - 1])
                    seen.add(i)
            if cell_values:
                weekly_means.append(sum(cell_values) / len(cell_values))
        mean = sum(weekly_means) / len(weekly_means) if weekly_means else math.nan
        rows.append((m, a, len(seen), len(weekly_means), mean))
    return pd.DataFrame(rows, columns=list(MUNICIPALITY_MEAN_COLUMNS))


def reference_effects(panel, values, first, last, treatment="treatment", control="control"):
    municipality = panel.citizens["municipality"].tolist()
    arm = panel.citizens["arm"].tolist()
    observed = panel.observed_weeks.tolist()
    rows = []
    for m in sorted(set(municipality)):
        seen = {treatment: set(), control: set()}
        differences, means = [], {treatment: [], control: []}
        for w in range(first, last + 1):
            weekly = {}
            for a in (treatment, control):
                cell_values = []
                for i in range(panel.n_citizens):
                    here = municipality[i] == m and arm[i] == a and w <= observed[i]
                    if here and not math.isnan(values[i][w - 1]):
                        cell_values.append(values[i][w - 1])
                        seen[a].add(i)
                if cell_values:
                    weekly[a] = sum(cell_values) / len(cell_values)
            if len(weekly) == 2:
                differences.append(weekly[treatment] - weekly[control])
                for a in (treatment, control):
                    means[a].append(weekly[a])
        n_weeks = len(differences)
        rows.append(
            (
                m,
                len(seen[treatment]),
                len(seen[control]),
                n_weeks,
                sum(means[treatment]) / n_weeks if n_weeks else math.nan,
                sum(means[control]) / n_weeks if n_weeks else math.nan,
                sum(differences) / n_weeks if n_weeks else math.nan,
            )
        )
    return pd.DataFrame(rows, columns=list(MUNICIPALITY_EFFECT_COLUMNS))


def assert_frames_close(actual: pd.DataFrame, expected: pd.DataFrame, scale: float = 1.0):
    assert list(actual.columns) == list(expected.columns)
    assert len(actual) == len(expected)
    for column in expected.columns:
        a, e = actual[column].to_numpy(), expected[column].to_numpy()
        if column in ("mean", "mean_treatment", "mean_control", "effect"):
            expected_values = e.astype(float) * scale
            np.testing.assert_allclose(
                a.astype(float), expected_values, rtol=1e-12, atol=1e-12, equal_nan=True
            )
        else:
            assert a.tolist() == e.tolist(), column


OUTCOMES = [
    ShareInState(State.INTERNSHIP),
    ShareInState(State.MENTOR),
    MeanHours(),
    AnyHours(),
    CumulativeCriterion(SpellRule(min_weeks=2, max_gap=1)),
    HoursWithGaps(),
]


# ------------------------------------------------------------------- against the reference


@pytest.mark.parametrize("outcome", OUTCOMES, ids=lambda o: o.name)
@pytest.mark.parametrize("weeks", [(1, 10), (1, 4), (5, 10), (9, 9)])
def test_means_match_the_loops_on_a_panel_built_from_frames(outcome, weeks):
    panel = small_panel()
    values = outcome.values(panel).tolist()
    for by_arm in (True, False):
        actual = municipality_means(panel, outcome, weeks=weeks, by_arm=by_arm)
        assert_frames_close(actual, reference_means(panel, values, *weeks, by_arm))


@pytest.mark.parametrize("outcome", OUTCOMES, ids=lambda o: o.name)
@pytest.mark.parametrize("weeks", [(1, 10), (1, 4), (5, 10), (9, 9)])
def test_effects_match_the_loops_on_a_panel_built_from_frames(outcome, weeks):
    panel = small_panel()
    values = outcome.values(panel).tolist()
    actual = municipality_effects(panel, outcome, weeks=weeks)
    assert_frames_close(actual, reference_effects(panel, values, *weeks))


@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(0, 40),
    horizon=st.integers(1, 8),
    n_municipalities=st.integers(1, 4),
    outcome=st.sampled_from(OUTCOMES),
    window=st.tuples(st.integers(1, 8), st.integers(0, 7)),
    by_arm=st.booleans(),
    junk=st.booleans(),
    scale=st.sampled_from([1.0, 100.0]),
)
def test_property_means_and_effects_match_the_loops(
    seed, n, horizon, n_municipalities, outcome, window, by_arm, junk, scale
):
    panel = random_panel(seed, n, horizon, n_municipalities, junk)
    first = min(window[0], horizon)
    last = min(first + window[1], horizon)
    values = outcome.values(panel).tolist()
    means = municipality_means(panel, outcome, weeks=(first, last), by_arm=by_arm, scale=scale)
    assert_frames_close(means, reference_means(panel, values, first, last, by_arm), scale)
    effects = municipality_effects(panel, outcome, weeks=(first, last), scale=scale)
    assert_frames_close(effects, reference_effects(panel, values, first, last), scale)
    np.testing.assert_allclose(
        effects["effect"], effects["mean_treatment"] - effects["mean_control"], equal_nan=True
    )


# ------------------------------------------------------------------- the rules themselves


def test_hand_computed_means_and_effect():
    # Vejle: c0 treatment (weeks 1-10 observed), c1 control (visited 5 weeks later: 8 weeks
    # observed), c2 treatment (4 weeks observed). Share in internship in weeks 1-4:
    # c0 internship 2016-03-10 .. 04-20 covers its weeks 2-8 (week 1 = 03-01..03-07);
    # c2 has only a mentor. Weekly treatment shares: w1 0/2, w2 1/2, w3 1/2, w4 1/2 -> 0.375.
    # c1 internship 2016-04-05 .. 04-30 covers its weeks 1-4: control shares 1, 1, 1, 1 -> 1.
    means = municipality_means(small_panel(), "internship", weeks=(1, 4))
    vejle = means[means["municipality"] == "Vejle"].set_index("arm")
    assert vejle.loc["treatment", "mean"] == pytest.approx(0.375)
    assert vejle.loc["control", "mean"] == pytest.approx(1.0)
    assert vejle["n_citizens"].to_dict() == {"control": 1, "treatment": 2}
    effects = municipality_effects(small_panel(), "internship", weeks=(1, 4), scale=100)
    row = effects.set_index("municipality").loc["Vejle"]
    assert row["effect"] == pytest.approx(37.5 - 100.0)
    assert (row["n_treatment"], row["n_control"], row["n_weeks"]) == (2, 1, 4)


def test_unobserved_weeks_are_never_counted():
    # The same random panel with and without states and hours in censored weeks.
    for seed in range(5):
        clean = random_panel(seed, 60, 6, 3, junk=False)
        dirty = random_panel(seed, 60, 6, 3, junk=True)
        assert (dirty.hours != clean.hours).any()
        for outcome in ("internship", "hours", "any_hours"):
            pd.testing.assert_frame_equal(
                municipality_means(dirty, outcome, weeks=(1, 6)),
                municipality_means(clean, outcome, weeks=(1, 6)),
            )
            pd.testing.assert_frame_equal(
                municipality_effects(dirty, outcome, weeks=(2, 6)),
                municipality_effects(clean, outcome, weeks=(2, 6)),
            )


def test_a_municipality_without_control_citizens_gets_no_effect():
    # Holbæk has treatment and comparison citizens but no control.
    effects = municipality_effects(small_panel(), "any_hours", weeks=(1, 10))
    row = effects.set_index("municipality").loc["Holbæk"]
    assert row["n_control"] == 0 and row["n_weeks"] == 0 and row["n_treatment"] == 2
    assert np.isnan(row["effect"]) and np.isnan(row["mean_treatment"])
    assert effects["municipality"].tolist() == ["Aarhus", "Holbæk", "Vejle"]


def test_a_group_observed_only_before_the_window_is_listed_with_no_data():
    # Vejle's c2 (treatment) and Holbæk's c6 (treatment) are observed for 4 weeks only.
    means = municipality_means(small_panel(), "internship", weeks=(5, 10)).set_index(
        ["municipality", "arm"]
    )
    assert means.loc[("Vejle", "treatment"), "n_citizens"] == 1  # c0 only
    assert means.loc[("Holbæk", "treatment"), "n_citizens"] == 1  # c7 only
    assert means.loc[("Holbæk", "comparison"), "n_weeks"] == 4  # c8: weeks 5-8 observed
    panel = _example_panel()  # b (control) is observed for 3 weeks
    late = municipality_means(panel, "any_hours", weeks=(4, 4)).set_index("arm")
    assert late.loc["control", "n_citizens"] == 0 and late.loc["control", "n_weeks"] == 0
    assert np.isnan(late.loc["control", "mean"])


def test_citizens_without_an_arm_are_left_out_by_arm_and_counted_when_pooled():
    panel = random_panel(3, 50, 5, 2, junk=False)
    assert panel.citizens["arm"].isna().any()
    by_arm = municipality_means(panel, "hours", weeks=(1, 5))
    assert set(by_arm["arm"]) <= {"treatment", "control", "comparison"}
    pooled = municipality_means(panel, "hours", weeks=(1, 5), by_arm=False)
    assert set(pooled["arm"]) == {ALL_ARMS}
    observed = panel.observed_weeks > 0
    assert pooled["n_citizens"].sum() == observed.sum() > by_arm["n_citizens"].sum()


def test_scale_and_arm_names():
    panel = small_panel()
    base = municipality_effects(panel, "any_hours", weeks=(1, 10))
    scaled = municipality_effects(panel, "any_hours", weeks=(1, 10), scale=100)
    np.testing.assert_allclose(scaled["effect"], 100 * base["effect"], equal_nan=True)
    swapped = municipality_effects(
        panel, "any_hours", weeks=(1, 10), treatment="control", control="treatment"
    )
    np.testing.assert_allclose(swapped["effect"], -base["effect"], equal_nan=True)
    np.testing.assert_array_equal(swapped["n_treatment"], base["n_control"])
    renamed = panel.citizens.assign(arm=panel.citizens["arm"].replace({"control": "K"}))
    panel_k = attrs.evolve(panel, citizens=renamed)
    np.testing.assert_allclose(
        municipality_effects(panel_k, "any_hours", weeks=(1, 10), control="K")["effect"],
        base["effect"],
        equal_nan=True,
    )


def test_output_dtypes():
    means = municipality_means(small_panel(), "internship", weeks=(1, 10))
    assert tuple(means.columns) == MUNICIPALITY_MEAN_COLUMNS
    assert means["n_citizens"].dtype == np.int64 and means["mean"].dtype == np.float64
    effects = municipality_effects(small_panel(), "internship", weeks=(1, 10))
    assert tuple(effects.columns) == MUNICIPALITY_EFFECT_COLUMNS
    assert effects["n_weeks"].dtype == np.int64 and effects["effect"].dtype == np.float64


def test_bad_arguments():
    panel = small_panel()
    with pytest.raises(ValueError, match=r"1 <= first <= last <= 10"):
        municipality_means(panel, "internship")  # default weeks 1-52 beyond horizon 10
    with pytest.raises(ValueError, match=r"1 <= first <= last <= 10"):
        municipality_effects(panel, "internship", weeks=(5, 4))
    with pytest.raises(ValueError, match="pair"):
        municipality_effects(panel, "internship", weeks=5)
    with pytest.raises(ValueError, match="different arms"):
        municipality_effects(panel, "internship", weeks=(1, 2), control="treatment")
    with pytest.raises(ValueError, match="finite"):
        municipality_means(panel, "internship", weeks=(1, 2), scale=np.inf)
    with pytest.raises(ValueError, match="unknown outcome"):
        municipality_means(panel, "nonsense", weeks=(1, 2))
    with pytest.raises(TypeError, match="needs a Panel"):
        municipality_means(panel.citizens, "internship", weeks=(1, 2))
    no_arm = attrs.evolve(panel, citizens=panel.citizens.drop(columns="arm"))
    with pytest.raises(ValueError, match="no column 'arm'"):
        municipality_effects(no_arm, "internship", weeks=(1, 2))
    pooled = municipality_means(no_arm, "internship", weeks=(1, 2), by_arm=False)
    assert pooled["arm"].tolist() == [ALL_ARMS] * 3
