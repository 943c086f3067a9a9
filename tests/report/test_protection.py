"""Every table of the report passes disclosure control: no statistic rests on 1-4 persons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from activemeasures.disclosure import DisclosureControl, ProtectedTable
from activemeasures.report import disclosure_summary, protect_evaluation
from activemeasures.report.protection import TEXT_TABLES

MIN = 5


def _visible(table: ProtectedTable, column: str) -> np.ndarray:
    return ~table.suppressed[column].to_numpy(dtype=bool)


def _small(values) -> np.ndarray:
    n = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    return (n > 0) & (n < MIN)


@pytest.fixture(scope="module", params=["jobfirst", "flereskalmed"])
def protected(request, evaluations):
    evaluation = evaluations[request.param]
    return evaluation, protect_evaluation(evaluation)


def test_every_table_of_the_evaluation_is_protected_or_plain_text(protected):
    evaluation, tables = protected
    expected = set(evaluation.tables()) | {f"extra_{k}" for k in evaluation.extra_tables}
    assert set(tables) == expected
    for name, table in tables.items():
        assert isinstance(table, pd.DataFrame if name in TEXT_TABLES else ProtectedTable), name


@pytest.mark.parametrize(
    ("name", "value", "counts"),
    [
        ("effects", "mean_treatment", ["n_treatment"]),
        ("effects", "mean_control", ["n_control"]),
        ("effects", "estimate", ["n_treatment", "n_control"]),
        ("effects", "ci_upper", ["n_treatment", "n_control"]),
        ("headline", "estimate", ["n_treatment", "n_control"]),
        ("incidence", "cumulative_share", ["n_at_risk"]),
        ("incidence", "n_events", ["n_events"]),
        ("balance", "std_mean_diff", ["n_treatment", "n_control"]),
        ("criteria", "value", ["numerator", "denominator"]),
        ("fidelity_indicators", "light", ["denominator"]),
        ("municipal", "effect", ["n_treatment", "n_control"]),
        ("municipal", "mean", ["n_citizens"]),
        ("descriptive", "mean", ["n_observed"]),
        ("sample", "n_full_follow_up", ["n_full_follow_up"]),
        ("quality", "n_records", ["n_records"]),
        ("extra_monthly_outcomes", "share", ["n_observed", "n_in_state"]),
        ("extra_monthly_outcomes", "mean", ["n_observed", "n_in_state"]),
    ],
)
def test_no_visible_statistic_rests_on_fewer_than_min_cell_persons(protected, name, value, counts):
    evaluation, tables = protected
    everything = {**evaluation.tables()}
    everything.update({f"extra_{k}": v for k, v in evaluation.extra_tables.items()})
    original = everything.get(name, pd.DataFrame())
    if value not in original.columns or original.empty:
        pytest.skip(f"{name} has no {value} in this design")
    table = tables[name]
    shown = _visible(table, value)
    for count in counts:
        assert not (shown & _small(original[count])).any(), f"{name}.{value} on {count}"
        # The count itself is never shown when it is 1-4.
        assert not (_visible(table, count) & _small(original[count])).any()


def test_fidelity_shares_hide_small_complements_too(protected):
    evaluation, tables = protected
    original = evaluation.tables()["fidelity_indicators"]
    table = tables["fidelity_indicators"]
    scales = {i.key: getattr(i.kind, "scale", "share") for i in evaluation.programme.indicators}
    share = original["indicator"].map(scales).eq("share").to_numpy()
    counted = original["numerator"].notna().to_numpy()
    rest = original["denominator"] - original["numerator"]
    exposed = share & counted & _visible(table, "value") & _small(rest)
    assert not exposed.any()


def test_lights_and_ratings_are_hidden_where_their_indicators_are(protected):
    _, tables = protected
    indicators = tables["fidelity_indicators"]
    hidden = indicators.frame.loc[
        indicators.suppressed["light"].to_numpy(dtype=bool),
        ["round", "element", "sub_component", "unit"],
    ].astype(str)
    subs = tables["fidelity_sub_components"]
    keys = subs.frame.loc[:, ["round", "element", "sub_component", "unit"]].astype(str)
    merged = keys.merge(hidden.drop_duplicates(), how="left", indicator=True)
    must_hide = (merged["_merge"] == "both").to_numpy()
    assert (subs.suppressed["light"].to_numpy()[must_hide]).all()
    assert subs.frame["light"][must_hide].isna().all()
    # An element's level is hidden where one of its sub-components' lights is.
    element_keys = ["round", "element", "unit"]
    hidden_subs = subs.frame.loc[subs.suppressed["light"].to_numpy(dtype=bool), element_keys]
    ratings = tables["fidelity_ratings"]
    merged = (
        ratings.frame.loc[:, element_keys]
        .astype(str)
        .merge(hidden_subs.astype(str).drop_duplicates(), how="left", indicator=True)
    )
    must_hide = (merged["_merge"] == "both").to_numpy()
    assert ratings.suppressed["level"].to_numpy()[must_hide].all()


def test_switched_off_control_changes_nothing(evaluations):
    evaluation = evaluations["jobfirst"]
    tables = protect_evaluation(evaluation, DisclosureControl(enabled=False))
    original = evaluation.tables()
    for name, table in tables.items():
        if isinstance(table, ProtectedTable):
            assert not table.suppressed.to_numpy().any(), name
            pd.testing.assert_frame_equal(table.frame, original[name], check_dtype=False)


def test_the_summary_counts_every_suppression(protected):
    _, tables = protected
    summary = disclosure_summary(tables)
    assert summary["table"].iloc[-1] == "total"
    body = summary.iloc[:-1]
    for column in ("n_cells", "n_primary", "n_secondary"):
        assert summary[column].iloc[-1] == body[column].sum()
    by_name = body.set_index("table")
    for name, table in tables.items():
        if isinstance(table, ProtectedTable):
            assert by_name.loc[name, "n_primary"] == table.n_primary
            assert by_name.loc[name, "n_secondary"] == table.n_secondary


def test_indicators_without_data_go_out_as_they_are(evaluations):
    """An empty survey leaves survey indicators with no numerator, denominator or value in
    every municipality ("no data"): they rest on no person, are not examined, and the rest of
    the table is protected as before (found by the CLI fuzz test: a header-only survey file)."""
    import attrs

    evaluation = evaluations["jobfirst"]
    frame = evaluation.fidelity.indicators.copy()
    survey = frame["source"].str.contains("survey").to_numpy(dtype=bool)
    assert survey.any() and (~survey).any()
    frame.loc[survey, ["numerator", "denominator", "value"]] = np.nan
    frame.loc[survey, "light"] = "no data"
    emptied = attrs.evolve(evaluation, fidelity=attrs.evolve(evaluation.fidelity, indicators=frame))
    table = protect_evaluation(emptied)["fidelity_indicators"]
    assert not table.suppressed.to_numpy()[survey].any()
    assert (table.frame["light"].to_numpy()[survey] == "no data").all()
    before = protect_evaluation(evaluation)["fidelity_indicators"]
    pd.testing.assert_frame_equal(table.frame[~survey], before.frame[~survey])
    assert table.n_cells < before.n_cells
