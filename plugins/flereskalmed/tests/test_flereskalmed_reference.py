"""The published reference values: every row cited, tables internally consistent."""

import re

import pandas as pd
import pytest

from activemeasures_flereskalmed.constants import FIDELITY_RESULTS_REGRESSION
from activemeasures_flereskalmed.reference import (
    PUBLISHED_COLUMNS,
    published_value,
    published_values,
)

CITATION = re.compile(r"\(003, L\d+(-\d+)?(, L\d+(-\d+)?)*\)")


def test_every_row_is_cited_and_typed():
    table = published_values()
    assert tuple(table.columns) == PUBLISHED_COLUMNS
    assert table["citation"].map(lambda c: bool(CITATION.fullmatch(c))).all()
    assert (table["unit"].str.len() > 0).all() and (table["text"].str.len() > 0).all()
    assert not table.duplicated(["kind", "key", "round"]).any()
    assert set(table["round"]) <= {"", "baseline", "midterm", "final"}


def test_visitation_shares_sum_to_100_within_1pp_per_band_a34():
    shares = published_values("visitation_by_seniority")
    shares = shares[shares["unit"] == "percent"]
    totals = shares.groupby(shares["key"].str.split("/").str[0])["value"].sum()
    assert ((totals - 100).abs() <= 1).all()  # "> 15 years" sums to 99 (rounding)
    assert totals["> 15 years"] == 99


def test_band_counts_do_not_rebuild_the_published_total_a34():
    counts = published_values("visitation_by_seniority")
    counts = counts[counts["unit"] == "citizens"].set_index("key")["value"]
    bands = counts.drop("total/n")
    assert bands.sum() == 25_511  # 5,550 + 12,936 + 4,603 + 2,422
    assert counts["total/n"] == 25_461  # the published total is kept as printed


def test_spread_survey_counts_67_respondents_a35():
    survey = published_values("spread_survey").set_index("key")["value"]
    parts = ["decided_implemented", "decided_not_implemented", "no_decision", "dont_know"]
    assert survey[parts].sum() == survey["respondents"] == 67  # 31 + 9 + 22 + 5
    assert survey["no_answer_printed"] == 22 and 88 - survey["respondents"] == 21


def test_network_counts_are_used_and_the_printed_percentages_are_close_a36():
    high = published_value("fidelity_survey", "ke6_company_network/high", "baseline")
    n = published_value("fidelity_survey", "ke6_company_network/n", "baseline")
    printed = published_value("fidelity_survey", "ke6_company_network/printed_percent", "baseline")
    assert (high, n) == (50, 80)
    assert abs(100 * high / n - printed) <= 0.15  # 62.5 vs 62.6
    high = published_value("fidelity_survey", "ke6_company_network/high", "final")
    n = published_value("fidelity_survey", "ke6_company_network/n", "final")
    printed = published_value("fidelity_survey", "ke6_company_network/printed_percent", "final")
    assert abs(100 * high / n - printed) <= 0.4  # 81.4 vs 81.1
    # Local labour market: 57/79 = 72.2 % -> 72 %, 59/71 = 83.1 % -> 83 %.
    for round_ in ("baseline", "final"):
        ratio = (
            100
            * published_value("fidelity_survey", "ke2_local_labour_market/high", round_)
            / published_value("fidelity_survey", "ke2_local_labour_market/n", round_)
        )
        printed = published_value(
            "fidelity_survey", "ke2_local_labour_market/printed_percent", round_
        )
        assert round(ratio) == printed


def test_survey_counts_lie_within_the_stated_range_of_municipalities():
    survey = published_values("fidelity_survey")
    counts = survey[survey["key"].str.endswith("/n")]
    # N = 49-83 municipalities (003, L1028), except the progression-focus question (Fig 4-7),
    # which reports n = 48 at mid-term and final (003, L1719-1733): a slip in the source.
    outside = counts[~counts["value"].between(49, 83)]
    assert set(outside["key"]) == {"ke6_progression_focus/n"}
    assert outside["value"].tolist() == [48, 48]
    high = survey[survey["key"].str.endswith("/high")]
    for row in high.itertuples():
        item = row.key.split("/")[0]
        n_row = survey[(survey["key"] == f"{item}/n") & (survey["round"] == row.round)]
        if len(n_row):
            assert row.value <= n_row["value"].iloc[0]


def test_table_4_3_quantiles_are_ordered_and_the_44_percent_is_the_other_measure_a33():
    spread = published_values("enterprise_course_spread").set_index("key")["value"]
    assert spread[["min", "p25", "median", "p75", "max"]].is_monotonic_increasing
    narrower = published_value("enterprise_directed_spread", "min")
    assert narrower == 44 < spread["min"]


def test_table_4_4_complete_rows_and_means():
    ols = published_values("background_ols")
    assert len(ols) == 15  # two five-valued rows and the mean row
    assert published_value("background_ols", "historic_ordinary_hours/ordinary_hours") == 55
    unplaced = published_values("background_ols_unplaced")
    sizes = unplaced["key"].str.split("/").str[0].value_counts().to_dict()
    assert sizes == {
        "man": 3,
        "age_40_plus": 3,
        "immigrant": 1,
        "vocational_education": 4,
        "hospital_visit_2017_18": 4,
        "handicap": 4,
    }


def test_regression_reference_and_predictions():
    slope = published_value("fidelity_regression", "slope")
    intercept = published_value("fidelity_regression", "intercept")
    assert {
        "slope": slope,
        "intercept": intercept,
        "r2": published_value("fidelity_regression", "r2"),
        "n": published_value("fidelity_regression", "n"),
    } == FIDELITY_RESULTS_REGRESSION
    # SPEC.md §5.4 reference predictions: x = 1 -> 0.632, 3 -> 0.735, 4 -> 0.787, 5 -> 0.838.
    for x, y in ((1, 0.632), (3, 0.735), (4, 0.787), (5, 0.838)):
        assert intercept + slope * x == pytest.approx(y, abs=6e-4)


def test_table_3_1_and_4_2_have_three_bands_per_breakdown():
    for kind in ("fidelity_by_size", "results_by_size"):
        table = published_values(kind)
        breakdown = table["key"].str.split("/").str[0]
        assert set(breakdown) == {"municipality_population", "group_1_citizens"}
        assert table.groupby(breakdown)["key"].count().tolist() in ([3, 3], [6, 6])
    scores = published_values("fidelity_by_size")["value"]
    assert scores.between(3.8, 4.1).all()  # SPEC.md §6.4: about 3.8-4.1


def test_lookups_fail_loudly():
    with pytest.raises(KeyError, match="known kinds"):
        published_values("nope")
    with pytest.raises(KeyError, match="expected exactly one"):
        published_value("fidelity_survey", "ke6_company_network/high")  # needs a round
    assert isinstance(published_values(), pd.DataFrame)
