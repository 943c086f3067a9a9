"""evaluate(): every part equals the computation it delegates to, problems instead of crashes,
no identifier anywhere, and the summaries."""

from __future__ import annotations

import attrs
import numpy as np
import pandas as pd
import pytest

import activemeasures as am
from activemeasures.estimators import balance_table, cumulative_incidence, weekly_effects
from activemeasures.fidelity import evaluate_fidelity, municipality_effects, municipality_means
from activemeasures.testing import example_dataset

PROGRAMMES = ("jobfirst", "flereskalmed", "mentorpilot")
N_CITIZENS = 80


@pytest.fixture(scope="module")
def registry():
    registry = am.Registry()
    registry.discover()
    return registry


@pytest.fixture(scope="module")
def datasets(registry):
    return {
        name: example_dataset(registry.programme(name), n_citizens=N_CITIZENS, seed=3)
        for name in PROGRAMMES
    }


@pytest.fixture(scope="module")
def results(registry, datasets):
    return {
        name: am.evaluate(datasets[name], name, registry=registry, bands=name == "mentorpilot")
        for name in PROGRAMMES
    }


def _same(left: pd.DataFrame, right: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        left.reset_index(drop=True), right.reset_index(drop=True), check_dtype=False
    )


# ------------------------------------------------------------------------------ running


@pytest.mark.parametrize("name", PROGRAMMES)
def test_evaluate_runs_and_records_parameters(name, results, datasets, registry):
    result = results[name]
    assert isinstance(result, am.Evaluation)
    assert result.programme == registry.programme(name)
    params = result.parameters
    assert params["programme"] == name
    assert params["horizon"] == 78  # visits 2016-02..2017-01, cut-off 2017-12-31: > 78 weeks
    assert params["alpha"] == 0.05 and params["round"] is None
    assert params["method"] == ("blocked" if name != "flereskalmed" else "descriptive")
    assert params["municipal_weeks"] == (53, 78)
    assert params["n_citizens"] == N_CITIZENS
    panel = datasets[name].panel(78)
    # The dataset's report, then the programme's data rules (prepare_dataset), then the panel.
    prepared = registry.prepare_dataset(name, datasets[name])
    assert result.quality.entries == prepared.quality.entries + panel.quality.entries
    _same(result.plugins.drop(columns="contributed"), registry.distributions())
    contributed = set(result.plugins.loc[result.plugins["contributed"], "plugin"])
    assert contributed == set(result.programme.plugins)
    assert result.problems.empty


def test_programme_object_without_registry_looks_up_installed_versions(registry, datasets):
    programme = registry.programme("mentorpilot")
    result = am.evaluate(datasets["mentorpilot"], programme, bands=False)
    expected = registry.distributions()
    expected = expected[expected["plugin"].isin(["activemeasures", "mentorpilot"])]
    _same(result.plugins.drop(columns="contributed"), expected)


def test_unknown_programme(datasets, registry):
    with pytest.raises(am.UnknownProgrammeError, match="no programme 'nosuch'"):
        am.evaluate(datasets["jobfirst"], "nosuch", registry=registry)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"method": "lin"}, "method must be"),
        ({"alpha": 1.5}, "alpha must be"),
        ({"covariates": ["shoe_size"]}, "shoe_size"),
        ({"municipal_weeks": (10, 90)}, "municipal_weeks"),
    ],
)
def test_bad_parameters(options, message, datasets, registry):
    with pytest.raises(ValueError, match=message):
        am.evaluate(datasets["mentorpilot"], "mentorpilot", registry=registry, **options)


# ------------------------------------------------------------------------------ the parts


@pytest.mark.parametrize("name", ["jobfirst", "mentorpilot"])
def test_effect_curves_equal_weekly_effects(name, results, datasets):
    result, panel = results[name], datasets[name].panel(78)
    assert list(result.effects) == [o.name for o in result.programme.outcomes]
    bands = name == "mentorpilot"
    for outcome in result.programme.outcomes:
        direct = weekly_effects(panel, outcome, method="blocked", bands=bands)
        _same(result.effects[outcome.name].to_frame(), direct.to_frame())


def test_raw_method_is_passed_on(registry, datasets):
    data = datasets["mentorpilot"]
    result = am.evaluate(data, "mentorpilot", registry=registry, method="raw", bands=False)
    assert result.parameters["method"] == "raw" and result.parameters["blocks"] is None
    direct = weekly_effects(data.panel(78), "hours", method="raw", bands=False)
    _same(result.effects["hours"].to_frame(), direct.to_frame())


def test_incidence_for_the_spell_criteria_equals_cumulative_incidence(results, datasets):
    result, panel = results["jobfirst"], datasets["jobfirst"].panel(78)
    # JobFirst's spell outcomes: the 13-week criterion, at one workplace, and by week 26.
    assert set(result.incidence) == {
        "criterion_13w_gap4",
        "criterion_13w_gap4_same_workplace",
        "phase12_within_26w",
    }
    outcomes = {o.name: o for o in result.programme.outcomes}
    arm = panel.citizens["arm"].to_numpy(dtype=object)
    keep = np.isin(arm, ["treatment", "control"])
    for name, curve in result.incidence.items():
        outcome = outcomes[name]
        source = outcome if hasattr(outcome, "met_week") else outcome.outcome
        met = source.met_week(panel)
        direct = cumulative_incidence(met[keep], panel.observed_weeks[keep], arm[keep], horizon=78)
        _same(curve.to_frame(), direct.to_frame())
    differences = result.tables()["incidence_difference"]
    first = differences[differences["outcome"] == "criterion_13w_gap4"].drop(columns="outcome")
    _same(first, result.incidence["criterion_13w_gap4"].difference("treatment", "control"))


def test_balance_equals_balance_table(results, datasets):
    result, citizens = results["jobfirst"], datasets["jobfirst"].citizens
    assert result.parameters["covariates"] == ("age",)  # the only numeric non-reserved column
    frame = citizens.assign(t=(citizens["arm"] == "treatment").astype(int))
    direct = balance_table(frame, "t", ["age"], blocks="municipality")
    _same(result.balance.to_frame(), direct.to_frame())
    assert result.balance.omnibus.p_value == pytest.approx(direct.omnibus.p_value)


@pytest.mark.parametrize("name", PROGRAMMES)
def test_criteria_equal_their_kinds(name, results, datasets):
    result, data = results[name], datasets[name]
    programme = result.programme
    assert list(dict.fromkeys(result.criteria["key"])) == [
        c.key for c in programme.success_criteria
    ]
    for criterion in programme.success_criteria:
        rows = result.criteria[result.criteria["key"] == criterion.key]
        direct = criterion.kind.compute(data, criterion.population or programme.participants)
        assert rows["unit"].iloc[0] == "national"
        merged = rows.merge(direct, on="unit", suffixes=("", "_direct"), validate="1:1")
        assert len(merged) == len(direct) == len(rows)
        for column in ("numerator", "denominator", "value"):
            np.testing.assert_array_equal(merged[column], merged[f"{column}_direct"].astype(float))
        for value, met in zip(rows["value"], rows["met"], strict=True):
            if criterion.target is None or np.isnan(value):
                assert met is pd.NA
            else:
                assert met == (value >= criterion.target)
        assert (rows["label"] == criterion.label).all()


@pytest.mark.parametrize("name", PROGRAMMES)
def test_fidelity_equals_evaluate_fidelity(name, results, datasets):
    result = results[name]
    direct = evaluate_fidelity(datasets[name], result.programme)
    _same(result.fidelity.indicators, direct.indicators)
    _same(result.fidelity.ratings, direct.ratings)


def test_fidelity_round_is_passed_on(registry, datasets):
    data = datasets["flereskalmed"]
    result = am.evaluate(data, "flereskalmed", registry=registry, round="baseline")
    direct = evaluate_fidelity(data, result.programme, round="baseline")
    _same(result.fidelity.indicators, direct.indicators)


def test_municipal_effects_equal_municipality_effects(results, datasets):
    result, panel = results["jobfirst"], datasets["jobfirst"].panel(78)
    for outcome in result.programme.outcomes:
        rows = result.municipal[result.municipal["outcome"] == outcome.name]
        assert (rows["first_week"] == 53).all() and (rows["last_week"] == 78).all()
        direct = municipality_effects(panel, outcome, weeks=(53, 78))
        _same(rows.drop(columns=["outcome", "first_week", "last_week"]), direct)


def test_visitation_design_is_descriptive(results, datasets):
    result, panel = results["flereskalmed"], datasets["flereskalmed"].panel(78)
    assert result.effects == {} and result.balance is None and result.incidence == {}
    assert "not effects" in str(result)
    groups = panel.citizens["group"].astype(str).to_numpy()
    table = result.descriptive
    for outcome in result.programme.outcomes:
        values = outcome.values(panel)
        rows = table[table["outcome"] == outcome.name]
        # Slow reference: loop over groups, weeks and citizens.
        for group in sorted(set(groups)):
            for week in (1, 13, 60, 78):
                observed = [
                    values[i, week - 1]
                    for i in range(panel.n_citizens)
                    if groups[i] == group and panel.observed_weeks[i] >= week
                ]
                row = rows[(rows["group"] == group) & (rows["week"] == week)]
                assert int(row["n_observed"].iloc[0]) == len(observed)
                expected = np.mean(observed) if observed else np.nan
                np.testing.assert_allclose(row["mean"].iloc[0], expected, rtol=1e-12)
        direct = municipality_means(panel, outcome, weeks=(53, 78), by_arm=False)
        municipal = result.municipal[result.municipal["outcome"] == outcome.name]
        _same(municipal.drop(columns=["outcome", "first_week", "last_week"]), direct)


def test_default_horizon_is_the_longest_follow_up(registry):
    programme = registry.programme("mentorpilot")
    data = example_dataset(programme, n_citizens=40, seed=1, cutoff="2016-09-30")
    result = am.evaluate(data, programme, registry=registry, bands=False)
    # Reference: whole weeks from each visitation date to the cut-off, day by day.
    longest = 0
    for visit in data.citizens["visitation_date"]:
        days = (data.cutoff - visit).days + 1
        longest = max(longest, days // 7)
    assert result.parameters["horizon"] == min(longest, 78) < 78
    assert result.parameters["municipal_weeks"] == (1, result.parameters["horizon"])
    assert set(result.headline()["week"]) <= {13, 26, 35, 52}
    given = am.evaluate(data, programme, registry=registry, horizon=20, bands=False)
    assert given.parameters["horizon"] == 20 and len(given.effects["hours"].week) == 20


# ------------------------------------------------------------------------------ problems


def _without(data: am.Dataset, *tables: str) -> am.Dataset:
    kept = {name: frame for name, frame in data.tables.items() if name not in tables}
    return am.Dataset.from_frames(**kept, cutoff=data.cutoff)


def test_missing_events_are_recorded_not_raised(registry, datasets):
    data = _without(datasets["jobfirst"], "events")
    result = am.evaluate(data, "jobfirst", registry=registry, bands=False)
    programme = result.programme
    needs_events = {
        ind.key: element.key
        for element in programme.core_elements
        for ind in element.indicators
        if "events" in ind.kind.tables
    }
    assert needs_events  # the example must exercise the rule
    fidelity = result.problems[result.problems["part"] == "fidelity"]
    assert sorted(fidelity["item"]) == sorted(f"indicator {k}" for k in needs_events)
    assert fidelity["reason"].str.contains("events").all()
    kept = [e.key for e in programme.core_elements if e.key not in set(needs_events.values())]
    assert list(dict.fromkeys(result.fidelity.ratings["element"])) == kept
    direct = evaluate_fidelity(data, programme, elements=kept)
    _same(result.fidelity.indicators, direct.indicators)
    # Everything else is still there.
    assert len(result.effects) == len(programme.outcomes)
    assert set(result.criteria["key"]) == {c.key for c in programme.success_criteria}


def test_missing_hours_and_activities_are_recorded(registry, datasets):
    data = _without(datasets["jobfirst"], "hours", "activities", "events", "survey")
    result = am.evaluate(data, "jobfirst", registry=registry, bands=False)
    problems = result.problems
    assert set(problems["part"]) == {"panel", "criteria", "fidelity"}
    assert set(problems.loc[problems["part"] == "panel", "item"]) == {"activities", "hours"}
    # Every criterion but the progression share (citizens only) reads activities or hours.
    assert set(result.criteria["key"]) == {"progression_75"}
    assert {c.key for c in result.programme.success_criteria if "hours" in c.kind.tables} == {
        "criterion_13w",
        "criterion_13w_same_workplace",
        "wage_hours_x2",
    }
    assert set(problems.loc[problems["part"] == "criteria", "item"]) == {
        "criterion_13w",
        "criterion_13w_same_workplace",
        "wage_hours_x2",
    }
    assert result.fidelity is None
    assert "Fidelity:\nnot computed" in str(result)
    assert set(result.tables()) >= {"fidelity_indicators", "problems"}


# ------------------------------------------------------------------------------ output


@pytest.mark.parametrize("name", PROGRAMMES)
def test_no_identifier_anywhere(name, results, datasets):
    result, data = results[name], datasets[name]
    ids = set(data.citizens["citizen_id"].astype(str))
    ids |= set(data.survey["respondent_id"].astype(str))
    assert all(len(i) >= 6 for i in ids)  # distinctive: "P" and 8 hex digits, "R..."
    texts = [str(result), repr(result), result._repr_html_()]
    texts += [frame.to_csv() for frame in result.tables().values()]
    texts += [str(value) for value in result.parameters.values()]
    for text in texts:
        assert not any(i in text for i in ids)


@pytest.mark.parametrize("name", PROGRAMMES)
def test_tables_are_tidy_frames(name, results):
    tables = results[name].tables()
    assert set(tables) == {
        "parameters",
        "plugins",
        "quality",
        "sample",
        "effects",
        "headline",
        "incidence",
        "incidence_difference",
        "balance",
        "criteria",
        "fidelity_indicators",
        "fidelity_sub_components",
        "fidelity_ratings",
        "municipal",
        "descriptive",
        "problems",
    }
    assert all(isinstance(t, pd.DataFrame) for t in tables.values())
    assert list(tables["criteria"].columns) == [
        "key", "label", "unit", "numerator", "denominator", "value", "target", "met",
    ]  # fmt: skip
    sample = tables["sample"]
    assert sample["n_citizens"].sum() == N_CITIZENS


def test_headline_rows_are_the_curves_at_the_weeks(results):
    result = results["jobfirst"]
    headline = result.headline()
    assert set(headline["week"]) == {13, 26, 35, 52, 78}
    for _, row in headline.sample(5, random_state=0).iterrows():
        curve = result.effects[row["outcome"]]
        assert row["estimate"] == curve.estimate[row["week"] - 1]
        assert row["n_treatment"] == curve.n_treatment[row["week"] - 1]


def test_text_and_html_summaries(results):
    result = results["jobfirst"]
    text = str(result)
    for part in (
        "Evaluation of JobFirst",
        "method blocked by municipality",
        "control",
        "week 35",
        "wage_hours_x2",
        "Fidelity element ratings",
        "activemeasures-jobfirst",
        "Problems:\n(none)",
    ):
        assert part in text
    html = result._repr_html_()
    assert html.startswith("<div>") and "<table" in html and "wage_hours_x2" in html
    assert repr(result).startswith("<Evaluation: jobfirst")


def test_frozen(results):
    result = results["mentorpilot"]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        result.balance = None
    with pytest.raises(TypeError):
        result.parameters["alpha"] = 0.1
    with pytest.raises(TypeError):
        result.effects["hours"] = None
    copy = result.tables()["criteria"]
    copy.loc[0, "value"] = -1.0
    assert result.criteria.loc[0, "value"] != -1.0


def test_visitation_groups_come_from_the_visitations_table_when_citizens_lack_them(registry):
    from activemeasures.datasets import simulate_trial

    data = simulate_trial("flereskalmed", n_citizens=160, n_municipalities=2, seed=8)
    without = am.Dataset.from_frames(
        **{**data.tables, "citizens": data.citizens.drop(columns="group")}, cutoff=data.cutoff
    )
    resolved = registry.resolve_visitations("flereskalmed", data.visitations)
    given = am.evaluate(data, "flereskalmed", registry=registry, bands=False)
    derived = am.evaluate(without, "flereskalmed", registry=registry, bands=False)
    # The simulated citizens carry the group the de-duplication rule gives.
    pd.testing.assert_frame_equal(derived.sample, given.sample)
    pd.testing.assert_frame_equal(derived.criteria, given.criteria)
    pd.testing.assert_frame_equal(derived.descriptive, given.descriptive)
    # The rule's counts join the data-quality report.
    rules = set(derived.quality.to_frame()["rule"]) - set(given.quality.to_frame()["rule"])
    assert rules == set(resolved.quality.to_frame()["rule"]) - set(given.quality.to_frame()["rule"])


def test_the_programmes_data_rules_run_before_the_evaluation(registry):
    from activemeasures.datasets import simulate_trial
    from activemeasures_jobfirst.checks import clean_dataset

    data = simulate_trial("jobfirst", n_citizens=200, n_municipalities=2, seed=9)
    events = data.events.copy()
    events.loc[:4, "date"] = pd.Timestamp("2015-01-01")  # before every draw date: excluded
    dirty = am.Dataset.from_frames(**{**data.tables, "events": events}, cutoff=data.cutoff)
    result = am.evaluate(dirty, "jobfirst-midterm", registry=registry, bands=False)
    cleaned = clean_dataset(dirty)
    assert result.quality.excluded("events") == cleaned.quality.excluded("events") >= 5
    direct = evaluate_fidelity(cleaned, registry.programme("jobfirst-midterm"))
    _same(result.fidelity.indicators, direct.indicators)


# ------------------------------------------------ bugs found by fuzzing (tests/fuzz, issue 9)


def _two_arms(registry, **columns) -> am.Dataset:
    data = example_dataset(registry.programme("mentorpilot"), n_citizens=40, seed=5)
    citizens = data.citizens.assign(**columns)
    return am.Dataset.from_frames(citizens, events=data.events, cutoff=data.cutoff)


def test_a_randomised_programme_without_a_control_arm_raises_a_design_error(registry):
    """Was: a bare ValueError "no citizen has treatment value 'control'" from the estimator."""
    from activemeasures.estimators import DesignError

    for arm in ("treatment", "control", "comparison"):
        with pytest.raises(DesignError, match="both arms"):
            am.evaluate(_two_arms(registry, arm=arm), "mentorpilot", registry=registry)


def test_a_randomised_programme_on_citizens_with_groups_only_raises_a_design_error(registry):
    """Was: a bare ValueError "column 'arm' is not in the panel's citizens table"."""
    from activemeasures.estimators import DesignError

    data = _two_arms(registry, group="1")
    data = am.Dataset.from_frames(data.citizens.drop(columns="arm"), cutoff=data.cutoff)
    with pytest.raises(DesignError, match="no arm column"):
        am.evaluate(data, "mentorpilot", registry=registry)


def test_the_default_horizon_is_computed_in_days_for_dates_centuries_apart():
    """Was: OverflowError "Overflow in int64 addition": cut-off minus visitation date in
    nanoseconds overflows beyond 292 years."""
    from activemeasures.evaluation.run import _default_horizon

    citizens = pd.DataFrame(
        {
            "citizen_id": ["a", "b"],
            "municipality": ["X", "X"],
            "visitation_date": ["1700-01-10", "2199-12-01"],
            "arm": ["treatment", "control"],
        }
    )
    late = am.Dataset.from_frames(citizens, cutoff="2199-12-31")
    assert _default_horizon(late) == 78  # 1700: far more than 78 weeks observed
    early = am.Dataset.from_frames(citizens, cutoff="1700-01-23")
    assert _default_horizon(early) == 2  # 14 days: weeks 1 and 2 observed
