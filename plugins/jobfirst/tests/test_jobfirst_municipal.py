"""The municipality table and the regressions of SPEC.md §5.3, against slow references."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest

from activemeasures import State
from activemeasures.fidelity.regression import COEFFICIENT_COLUMNS
from activemeasures.testing import example_dataset
from activemeasures_jobfirst.municipal import (
    MUNICIPALITY_TABLE_COLUMNS,
    REGRESSIONS,
    municipality_table,
    regressions,
)
from activemeasures_jobfirst.reference import published_values

FIDELITY, EFFECT = (1, 52), (53, 78)


def _internship_13w_met(weeks_in_internship: list[bool]) -> int:
    """Week 13 counted internship weeks are reached in one spell (gaps <= 4 not counted)."""
    count, gap, started = 0, 0, False
    for week, active in enumerate(weeks_in_internship, start=1):
        if active:
            if not started or gap > 4:
                count, started = 0, True
            count, gap = count + 1, 0
            if count >= 13:
                return week
        elif started:
            gap += 1
    return 0


def reference_table(data) -> pd.DataFrame:
    """Loops over citizens and weeks: weekly means per municipality × arm, then over weeks."""
    panel = data.panel(78)
    citizens = data.citizens
    visit = [pd.Timestamp(v).date() for v in citizens["visitation_date"]]
    conversations = defaultdict(lambda: defaultdict(int))  # row -> week -> count
    row_of = {cid: i for i, cid in enumerate(citizens["citizen_id"])}
    for event in data.events.itertuples(index=False):
        if event.event != "conversation" or event.citizen_id not in row_of:
            continue
        row = row_of[event.citizen_id]
        days = (pd.Timestamp(event.date).date() - visit[row]).days
        if days >= 0:
            conversations[row][days // 7 + 1] += 1

    municipalities = citizens["municipality"].tolist()
    arms = citizens["arm"].tolist()
    observed = [int(w) for w in panel.observed_weeks]
    met_13w = [
        _internship_13w_met(
            [bool(int(b) & State.INTERNSHIP) for b in panel.states[row]][: observed[row]]
        )
        for row in range(len(citizens))
    ]

    def value(row: int, week: int, name: str) -> float:
        bits = int(panel.states[row, week - 1])
        if name == "praktik":
            return float(bits & State.INTERNSHIP != 0)
        if name == "mentor":
            return float(bits & State.MENTOR != 0)
        if name == "meet":
            return 4.0 * conversations[row][week]
        if name == "besk":
            return float(panel.hours[row, week - 1] > 0)
        return float(0 < met_13w[row] <= week)

    def weekly(municipality: str, arm: str, name: str, week: int) -> float | None:
        values = [
            value(i, week, name)
            for i in range(len(citizens))
            if municipalities[i] == municipality and arms[i] == arm and observed[i] >= week
        ]
        return sum(values) / len(values) if values else None

    rows = []
    for municipality in sorted(citizens["municipality"].unique()):
        row = {"municipality": municipality}
        for name, scale in (("praktik", 100), ("mentor", 100), ("meet", 1), ("praktik13", 100)):
            for arm, suffix in (("control", "k"), ("treatment", "d")):
                means = [weekly(municipality, arm, name, w) for w in range(1, 53)]
                means = [m for m in means if m is not None]
                row[f"{name}_{suffix}"] = scale * sum(means) / len(means) if means else np.nan
            row[f"d{name}"] = row[f"{name}_d"] - row[f"{name}_k"]
        differences = []
        for week in range(53, 79):
            d = weekly(municipality, "treatment", "besk", week)
            k = weekly(municipality, "control", "besk", week)
            if d is not None and k is not None:
                differences.append(d - k)
        row["besk"] = 100 * sum(differences) / len(differences) if differences else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def test_municipality_table_matches_the_slow_reference():
    data = example_dataset(n_citizens=90, n_municipalities=3, seed=2, cutoff="2018-06-30")
    table = municipality_table(data)
    assert tuple(table.columns) == MUNICIPALITY_TABLE_COLUMNS
    expected = reference_table(data)
    assert table["municipality"].tolist() == expected["municipality"].tolist()
    for column in expected.columns[1:]:
        np.testing.assert_allclose(
            table[column].to_numpy(float), expected[column].to_numpy(float), err_msg=column
        )
    # Not vacuous: the measures vary and the effect window is observed.
    assert table["besk"].notna().all()
    assert (table[["praktik_d", "mentor_d", "meet_d", "praktik13_d"]] > 0).any().all()


def test_windows_and_arms_are_parameters():
    data = example_dataset(n_citizens=60, n_municipalities=2, seed=1)
    short = municipality_table(data, fidelity_weeks=(1, 4), effect_weeks=(5, 8), horizon=8)
    assert short["besk"].notna().any()
    with pytest.raises(ValueError, match="horizon"):
        municipality_table(data, effect_weeks=(53, 90))
    swapped = municipality_table(data, treatment="control", control="treatment")
    regular = municipality_table(data)
    np.testing.assert_allclose(swapped["besk"], -regular["besk"])
    np.testing.assert_allclose(swapped["praktik_d"], regular["praktik_k"])


def test_meet_counts_conversations_per_four_weeks():
    # One citizen per arm, drawn 1 March 2016, cut-off after 10 weeks: treatment has 5
    # conversations in weeks 1-4 (days 0, 3, 10, 20, 27), control 1 (day 8). Weeks 1-4:
    # weekly counts (2, 1, 1, 1) × 4 → mean 5 × 4 / 4 = 5; control (0, 1, 0, 0) × 4 → 1.
    from activemeasures import Dataset

    citizens = pd.DataFrame(
        {
            "citizen_id": ["d", "k"],
            "municipality": "X",
            "visitation_date": "2016-03-01",
            "arm": ["treatment", "control"],
        }
    )
    start = dt.date(2016, 3, 1)
    events = pd.DataFrame(
        {
            "citizen_id": ["d"] * 5 + ["k"],
            "date": [start + dt.timedelta(days=n) for n in (0, 3, 10, 20, 27, 8)],
            "event": "conversation",
        }
    )
    data = Dataset.from_frames(citizens, events=events, cutoff="2016-05-31")
    table = municipality_table(data, fidelity_weeks=(1, 4), effect_weeks=(5, 8), horizon=10)
    assert table[["meet_d", "meet_k", "dmeet"]].iloc[0].tolist() == [5.0, 1.0, 4.0]


# ============================================================================ regressions


@pytest.fixture(scope="module")
def fifteen():
    data = example_dataset(n_citizens=450, n_municipalities=15, seed=4)
    return municipality_table(data)


def test_regressions_have_the_stata_variables_in_stata_order(fifteen):
    fits = regressions(fifteen)
    assert list(fits) == ["reg1", "reg2", "reg3", "fig1_2", "fig1_3", "fig1_4", "fig1_5"]
    published = published_values()
    for name, fit in fits.items():
        assert fit.y == "besk"
        assert fit.x == REGRESSIONS[name]
        frame = fit.to_frame()
        assert tuple(frame.columns) == COEFFICIENT_COLUMNS
        assert frame["variable"].tolist() == [*REGRESSIONS[name], "_cons"]
        assert fit.anova.n_obs == 15
        if name.startswith("reg"):  # as the published Stata tables (SPEC.md §5.3)
            keys = published.loc[published["key"].str.startswith(f"{name}:"), "key"]
            variables = [k.split(":")[1] for k in keys if k.split(":")[1] != "anova"]
            assert list(dict.fromkeys(variables)) == frame["variable"].tolist()
            printed = str(fit).splitlines()
            names = [line.split("|")[0].strip() for line in printed if "|" in line]
            assert names[-len(frame) :] == frame["variable"].tolist()
    assert fits["reg1"].x == ("praktik_k", "praktik_d")
    assert fits["reg2"].x == ("meet_k", "meet_d", "mentor_k", "mentor_d", "praktik_k", "praktik_d")
    assert fits["reg3"].x == ("dmeet", "dmentor", "dpraktik")


def test_regression_coefficients_are_least_squares(fifteen):
    """Against the normal equations solved directly (numpy lstsq)."""
    fits = regressions(fifteen, only=["reg2", "fig1_3"])
    for name, fit in fits.items():
        x = fifteen[list(REGRESSIONS[name])].to_numpy(float)
        design = np.column_stack([x, np.ones(len(x))])
        beta, *_ = np.linalg.lstsq(design, fifteen["besk"].to_numpy(float), rcond=None)
        np.testing.assert_allclose(fit.to_frame()["coef"].to_numpy(), beta, rtol=1e-8, atol=1e-9)


def test_regressions_name_what_cannot_be_fitted():
    small = municipality_table(example_dataset(n_citizens=80, n_municipalities=4, seed=0))
    with pytest.raises(ValueError, match=r"reg2 \(reg besk meet_k .*\): .*too few"):
        regressions(small)
    assert list(regressions(small, only="fig1_3")) == ["fig1_3"]
    with pytest.raises(ValueError, match="unknown regressions"):
        regressions(small, only=["reg9"])
