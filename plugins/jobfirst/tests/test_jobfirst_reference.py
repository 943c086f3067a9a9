"""The table of published values: integrity, internal consistency, and the comparison."""

from __future__ import annotations

import math
import re
from importlib import resources

import attrs
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from activemeasures import Programme
from activemeasures.fidelity import Anova, evaluate_fidelity
from activemeasures.fidelity.regression import COEFFICIENT_COLUMNS
from activemeasures.testing import example_dataset
from activemeasures_jobfirst.elements import ELEMENT_KEYS, core_elements
from activemeasures_jobfirst.municipal import REGRESSIONS
from activemeasures_jobfirst.reference import (
    COMPARISON_COLUMNS,
    COUNT_INDICATORS,
    PUBLISHED_COLUMNS,
    PUBLISHED_KINDS,
    ROUNDS,
    compare_with_published,
    published_values,
)

CITATION = re.compile(r"^\(.*\b00[0-4], L\d+")

#: SPEC.md §6.2 "Summary of element ratings" (001, L373-385; 000, L41-174).
SUMMARY = {
    "clear_roles_from_start": ("medium", "medium"),
    "job_goal_sets_course": ("medium", "medium"),
    "sniffing_period": ("high", "high"),
    "try_and_adjust": ("high", "high"),
    "match_and_work_agreement": ("high", "high"),
    "intensive_retention_support": ("medium", "medium"),
    "internship_with_ordinary_hours": ("medium", "medium"),
    "springboard_min_plan_for_job": ("high", "medium"),
    "kickstart_and_duration": ("not rated", "not rated"),
}

#: SPEC.md §6.2: indicators with a national number (mid-term, final).
NATIONAL_NUMBERS = {
    "midterm": {
        "1.1": 0.84, "1.2a": 0.90, "1.2b": 0.84, "1.3": 0.77, "2.1": 1.00, "2.2": 0.82,
        "2.3a": 0.61, "2.3b": 0.55, "3.1": 0.99, "3.2": 0.95, "3.3": 0.66, "4.1": 0.80,
        "5.1a": 0.80, "5.1b": 0.98, "5.2": 0.33, "5.2-any": 0.47, "6.1": 0.79, "6.2": 0.91,
        "7.1": 115 / 540, "7.2": 292, "8.1": 0.85, "8.2": 1.00,
    },
    "final": {
        "1.2a": 0.88, "1.2b": 0.72, "1.3": 0.76, "2.1": 1.00, "2.2": 0.84, "2.3a": 0.49,
        "2.3b": 0.11, "3.1": 1.00, "3.2": 0.86, "3.3": 0.74, "4.1": 0.75, "5.1a": 0.80,
        "5.1b": 0.97, "5.2": 0.59, "5.2-any": 0.64, "6.1": 0.97, "6.2": 0.88, "6.3": 0.66,
        "7.1": 544 / 1430, "8.1": 0.76, "8.2": 0.08,
    },
}  # fmt: skip

#: SPEC.md §6.2: municipal numbers.
MUNICIPAL_NUMBERS = {
    ("1.2a", "final", "Syddjurs"): 0.64,
    ("1.2b", "midterm", "Syddjurs"): 0.61,
    ("1.2b", "midterm", "Hillerød"): 0.74,
    ("3.2", "midterm", "Hillerød"): 0.88,
    ("3.2", "midterm", "Vallensbæk"): 0.79,
    ("3.2", "final", "Hillerød"): 0.58,
    ("3.2", "final", "Lolland"): 0.69,
    ("3.2", "final", "Vallensbæk-Ishøj"): 0.60,
    ("3.3", "midterm", "Sorø"): 0.47,
    ("7.1", "final", "Hedensted"): 0.64,
    ("8.1", "midterm", "København"): 0.65,
    ("8.1", "midterm", "Jammerbugt"): 0.71,
    ("8.1", "final", "Skanderborg"): 0.90,
}


@pytest.fixture(scope="module")
def table():
    return published_values()


# ============================================================================ integrity


def test_columns_types_and_vocabularies(table):
    assert tuple(table.columns) == PUBLISHED_COLUMNS
    assert table["value"].dtype == np.float64
    assert set(table["kind"]) == set(PUBLISHED_KINDS)
    assert set(table["round"]) == set(ROUNDS)
    assert not table.duplicated(["kind", "key", "round", "unit"]).any()
    assert (table["text"].str.strip() != "").all()
    assert table["citation"].str.match(CITATION).all()


def test_the_data_file_ships_inside_the_package():
    assert (
        resources.files("activemeasures_jobfirst")
        .joinpath("data", "published_values.csv")
        .is_file()
    )


def test_indicator_keys_exist_in_the_core_elements(table):
    for preset in ROUNDS:
        elements = core_elements(preset)
        known = {i.key for e in elements for i in e.indicators}
        known |= {s.key for e in elements for s in e.sub_components}
        keys = set(table.loc[(table["kind"] == "indicator") & (table["round"] == preset), "key"])
        assert keys <= known, keys - known
    ratings = table[table["kind"] == "rating"]
    assert set(ratings["key"]) == set(ELEMENT_KEYS)


def test_ratings_are_the_summary_table(table):
    ratings = table[table["kind"] == "rating"].set_index(["key", "round"])["text"]
    for key, (midterm, final) in SUMMARY.items():
        assert ratings[(key, "midterm")] == midterm
        assert ratings[(key, "final")] == final
    assert len(ratings) == 2 * len(SUMMARY)


def test_every_published_number_is_in_the_table(table):
    indicators = table[table["kind"] == "indicator"].set_index(["key", "round", "unit"])["value"]
    for round, numbers in NATIONAL_NUMBERS.items():
        for key, value in numbers.items():
            assert indicators[(key, round, "national")] == pytest.approx(value), (key, round)
    for (key, round, unit), value in MUNICIPAL_NUMBERS.items():
        assert indicators[(key, round, unit)] == pytest.approx(value)
    shares = table[(table["kind"] == "indicator") & ~table["key"].isin(COUNT_INDICATORS)]
    shares = shares[~shares["key"].str.contains("vs-control")]
    assert shares["value"].dropna().between(0, 1).all()


# ============================================================================ regressions


def _regression(table, name):
    rows = table[(table["kind"] == "regression") & table["key"].str.startswith(f"{name}:")]
    parts = rows["key"].str.split(":", expand=True)
    return rows.assign(variable=parts[1], stat=parts[2])


@pytest.mark.parametrize("name", ["reg1", "reg2", "reg3"])
def test_variable_order_is_stata_order(table, name):
    rows = _regression(table, name)
    variables = list(dict.fromkeys(rows.loc[rows["variable"] != "anova", "variable"]))
    assert variables == [*REGRESSIONS[name], "_cons"]
    stats_ = list(dict.fromkeys(rows.loc[rows["variable"] != "anova", "stat"]))
    assert stats_ == ["coef", "std_error", "t", "p_value", "ci_lower", "ci_upper"]
    assert stats_ == list(COEFFICIENT_COLUMNS[1:])


@pytest.mark.parametrize("name", ["reg1", "reg2", "reg3"])
def test_published_regressions_are_internally_consistent(table, name):
    """The identities of SPEC.md §5.3 hold for the transcribed numbers (to print precision)."""
    rows = _regression(table, name)
    anova = rows[rows["variable"] == "anova"].set_index("stat")["value"]
    n, k, df = int(anova["n_obs"]), int(anova["df_model"]), int(anova["df_resid"])
    assert df == n - k - 1 and k == len(REGRESSIONS[name])
    computed = Anova.from_sums_of_squares(
        ss_model=anova["ss_model"], ss_resid=anova["ss_resid"], n_obs=n, df_model=k
    )
    assert computed.ss_total == pytest.approx(anova["ss_total"], abs=2e-6)
    for stat, places in (
        ("ms_model", 6),
        ("ms_resid", 6),
        ("ms_total", 6),
        ("r_squared", 4),
        ("adj_r_squared", 4),
        ("f_statistic", 2),
        ("f_p_value", 4),
    ):
        assert getattr(computed, stat) == pytest.approx(anova[stat], abs=0.51 * 10**-places), stat
    assert computed.root_mse == pytest.approx(anova["root_mse"], rel=1e-4)
    coefficients = rows[rows["variable"] != "anova"].pivot_table(
        index="variable", columns="stat", values="value", aggfunc="first"
    )
    t975 = stats.t.ppf(0.975, df)
    for variable, row in coefficients.iterrows():
        assert row["coef"] / row["std_error"] == pytest.approx(row["t"], abs=0.0051), variable
        p = 2 * stats.t.sf(abs(row["coef"] / row["std_error"]), df)
        assert p == pytest.approx(row["p_value"], abs=0.0006), variable
        half = t975 * row["std_error"]
        assert row["coef"] - half == pytest.approx(row["ci_lower"], rel=1e-5, abs=1e-6)
        assert row["coef"] + half == pytest.approx(row["ci_upper"], rel=1e-5, abs=1e-6)


def test_the_bivariate_figure_is_recorded(table):
    rows = _regression(table, "fig1_3").set_index("stat")["value"]
    assert rows.to_dict() == {"coef": 0.32, "t": 1.98, "r_squared": 0.23}


def test_effect_reference_values(table):
    effects = table[table["kind"] == "effect"].set_index(["key", "round"])["value"]
    # 001, L127, L251-260, L351: 2 h 05 min - 1 h 20 min = 45 min.
    d, k = effects[("mean_hours_week35_d", "midterm")], effects[("mean_hours_week35_k", "midterm")]
    assert d - k == pytest.approx(effects[("mean_hours_week35_effect", "midterm")])
    # 000, L648: 544 / 1,430 = 38.0 %.
    share = (
        effects[("same_workplace_completers_with_hours", "final")]
        / effects[("same_workplace_completers", "final")]
    )
    assert round(share, 2) == 0.38
    assert effects[("criterion_13w_by_week78", "final")] == 0.64
    assert effects[("participants", "final")] == 2406


# ============================================================================ comparison


@pytest.fixture(scope="module")
def report():
    programme = attrs.evolve(
        Programme(name="jobfirst", label="JobFirst"), core_elements=core_elements("final")
    )
    citizens = example_dataset(programme, n_citizens=120, n_municipalities=3)
    frame = citizens.citizens.copy()
    frame["municipality"] = frame["municipality"].map(
        {"M1": "Syddjurs", "M2": "Hillerød", "M3": "Aarhus"}
    )
    from activemeasures import Dataset

    data = Dataset.from_frames(
        frame,
        citizens.activities,
        citizens.hours,
        events=citizens.events,
        survey=citizens.survey.assign(
            municipality=citizens.survey["municipality"].map(
                {"M1": "Syddjurs", "M2": "Hillerød", "M3": "Aarhus"}
            )
        ),
        cutoff=citizens.cutoff,
    )
    return evaluate_fidelity(data, programme, round="final")


def test_comparison_sets_published_beside_this_data(report, table):
    frame = compare_with_published(report, round="final")
    assert tuple(frame.columns) == COMPARISON_COLUMNS
    national = frame[frame["unit"] == "national"]
    assert national["indicator"].tolist() == report.indicator_keys
    ours = report.indicators.set_index(["indicator", "unit"])
    published = table[(table["kind"] == "indicator") & (table["round"] == "final")].set_index(
        ["key", "unit"]
    )
    for row in frame.itertuples(index=False):
        expected = (
            ours.loc[(row.indicator, row.unit)] if (row.indicator, row.unit) in ours.index else None
        )
        if expected is None:
            assert math.isnan(row.this_data) and pd.isna(row.light)
        else:
            assert row.this_data == pytest.approx(expected[row.measure], nan_ok=True)
            assert row.light == expected["light"]
        if (row.indicator, row.unit) in published.index:
            assert row.published == pytest.approx(
                published.loc[(row.indicator, row.unit), "value"], nan_ok=True
            )
            assert row.citation == published.loc[(row.indicator, row.unit), "citation"]
        else:
            assert row.unit == "national" and math.isnan(row.published)
    municipal = frame[frame["unit"] != "national"]
    # Final: Syddjurs on 1.2a and 1.3, Hillerød on 1.3 and 3.2 are in the data; Lolland is not.
    pairs = set(zip(municipal["indicator"], municipal["unit"], strict=True))
    assert {("1.2a", "Syddjurs"), ("1.3", "Hillerød"), ("3.2", "Hillerød")} <= pairs
    lolland = frame[(frame["indicator"] == "3.2") & (frame["unit"] == "Lolland")]
    assert lolland["published"].tolist() == [0.69] and lolland["this_data"].isna().all()
    assert frame.loc[frame["indicator"] == "7.2", "measure"].tolist() == ["numerator"]


def test_comparison_checks_its_arguments(report):
    with pytest.raises(ValueError, match="round"):
        compare_with_published(report, round="baseline")
    with pytest.raises(TypeError, match="FidelityReport"):
        compare_with_published(pd.DataFrame())
    midterm = compare_with_published(report, round="midterm")
    assert midterm.loc[midterm["indicator"] == "7.2", "published"].tolist() == [292.0]
