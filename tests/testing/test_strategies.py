"""The hypothesis strategies and the example dataset produce valid, documented tables.

Every drawn table must pass the library's own validation; the documented ranges (dates,
sizes, codes) are checked row by row with plain loops; the example dataset is deterministic
for a seed and contains every code a programme asks for.
"""

from __future__ import annotations

import attrs
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import activemeasures as am
from activemeasures import validate_tables
from activemeasures.dataset import TABLES
from activemeasures.states import ACTIVITY_STATES
from activemeasures.testing import example_dataset, required_codes
from activemeasures.testing import strategies as ams
from activemeasures.testing.simulate import EVENT_CODES, GROUP_CODES, ROUNDS, SURVEY_ITEMS

# Each example validates frames with pandera (tens of milliseconds): fewer examples than the
# profile's default keep the module fast; the input space per example is still large.
VALIDATING = settings(max_examples=20, suppress_health_check=[HealthCheck.too_slow])
BUILDING = settings(max_examples=8, suppress_health_check=[HealthCheck.too_slow])

DAY = pd.Timedelta(days=1)


def draw_once(strategy) -> None:
    """Draw one example inside a test (``.example()`` is for interactive use only)."""

    @settings(max_examples=1, database=None)
    @given(strategy)
    def run(value):
        pass

    run()


def days_after_visitation(records: pd.DataFrame, citizens: pd.DataFrame, column: str) -> list:
    """Days from the owner's visitation to each record's *column*, by a plain loop."""
    visit = dict(zip(citizens["citizen_id"], citizens["visitation_date"], strict=True))
    return [
        (pd.Timestamp(row[column]) - pd.Timestamp(visit[row["citizen_id"]])) // DAY
        for _, row in records.iterrows()
    ]


# ---------------------------------------------------------------------------------- citizens


@VALIDATING
@given(ams.citizens(max_size=12, covariates=True))
def test_citizens_validate_with_unique_ids_dates_and_arms(citizens):
    validated = validate_tables(citizens)["citizens"]
    assert 1 <= len(validated) <= 12
    assert len(set(validated["citizen_id"])) == len(validated)
    for _, row in validated.iterrows():
        assert pd.Timestamp("2016-01-01") <= row["visitation_date"] <= pd.Timestamp("2017-12-30")
        assert row["arm"] in ("treatment", "control")
        assert row["municipality"] in ams.MUNICIPALITIES
        assert 18 <= row["age"] <= 64 and row["sex"] in ("F", "M")
        assert len(row["citizen_id"]) == 10  # never ten digits: no CPR look-alikes


@VALIDATING
@given(ams.citizens(0, 6, arms=None, groups=("1", "2"), municipalities=["A"]))
def test_citizens_can_have_groups_instead_of_arms_and_be_empty(citizens):
    assert list(citizens.columns) == ["citizen_id", "municipality", "visitation_date", "group"]
    validate_tables(citizens)
    assert set(citizens["group"]) <= {"1", "2"}


def test_citizens_refuses_a_table_without_arm_or_group_and_bad_sizes():
    with pytest.raises(ValueError, match="arm or group"):
        draw_once(ams.citizens(arms=None))
    with pytest.raises(ValueError, match="min_size <= max_size"):
        draw_once(ams.citizens(5, 2))
    with pytest.raises(ValueError, match="municipalities"):
        draw_once(ams.citizens(municipalities=[]))


# ---------------------------------------------------------------------------------- records


@st.composite
def citizens_with_records(draw):
    citizens = draw(ams.citizens(0, 8))
    return (
        citizens,
        draw(ams.activities(citizens, max_size=12)),
        draw(ams.hours(citizens, max_size=12)),
        draw(ams.events(citizens, max_size=12, participants=True)),
        draw(ams.visitations(citizens, max_size=12)),
    )


@VALIDATING
@given(citizens_with_records())
def test_record_tables_validate_and_stay_in_their_documented_ranges(tables):
    citizens, activities, hours, events, visitations = tables
    validate_tables(citizens, activities, hours, events=events, visitations=visitations)
    if citizens.empty:
        assert all(len(t) == 0 for t in (activities, hours, events, visitations))
        return
    for start in days_after_visitation(activities, citizens, "start"):
        assert -60 <= start <= 450
    for _, row in activities.iterrows():
        assert 0 <= (row["end"] - row["start"]) // DAY <= 180
        assert row["activity"] in ACTIVITY_STATES
        assert pd.isna(row["hours_per_week"]) or 0 <= row["hours_per_week"] <= 37
    for start in days_after_visitation(hours, citizens, "period_start"):
        assert -60 <= start <= 450
    for _, row in hours.iterrows():
        assert 0 <= (row["period_end"] - row["period_start"]) // DAY <= 61
        assert 0 <= row["hours"] <= 200
    assert set(events["event"]) <= set(EVENT_CODES)
    for _, row in visitations.iterrows():
        assert row["group"] in GROUP_CODES
        assert pd.isna(row["end"]) or -60 <= (row["end"] - row["start"]) // DAY <= 400


@VALIDATING
@given(ams.citizens(1, 5, groups=("7", "8")).flatmap(ams.visitations))
def test_visitation_groups_default_to_the_citizens_groups(visitations):
    assert set(visitations["group"]) <= {"7", "8"}


def test_record_strategies_take_their_options():
    citizens = pd.DataFrame(
        {
            "citizen_id": ["a", "b"],
            "municipality": ["X", "Y"],
            "visitation_date": pd.to_datetime(["2016-03-01", "2016-06-01"]),
            "arm": ["treatment", "control"],
        }
    )

    @settings(max_examples=20)
    @given(
        ams.activities(citizens, min_size=3, max_size=3, states=("MENTOR",), workplaces=False),
        ams.hours(citizens, min_size=1, max_hours=0.0, workplaces=False),
        ams.events(citizens, codes=("x",), min_size=2, max_size=2),
        ams.visitations(citizens, groups=[1], open_ends=False, reversed_ends=False),
    )
    def check(activities, hours, events, visitations):
        assert len(activities) == 3 and set(activities["activity"]) == {"MENTOR"}
        assert "workplace_id" not in activities and "workplace_id" not in hours
        assert (hours["hours"] == 0).all()
        assert list(events["event"]) == ["x", "x"]
        assert set(visitations["group"]) <= {"1"}
        assert (visitations["end"] >= visitations["start"]).all()

    check()


@VALIDATING
@given(
    ams.survey(
        ("A", "B"),
        items=("i1", "i2"),
        rounds=("r1",),
        respondent="staff",
        values=(0, 10),
        max_respondents=6,
    )
)
def test_survey_answers_are_valid_and_unique_per_respondent_round_and_item(survey):
    citizens = pd.DataFrame(
        {"citizen_id": ["c"], "municipality": ["A"], "visitation_date": ["2016-01-01"]}
    ).assign(arm="control")
    validate_tables(citizens, survey=survey)
    seen = set()
    for _, row in survey.iterrows():
        key = (row["respondent_id"], row["round"], row["item"])
        assert key not in seen
        seen.add(key)
        assert row["municipality"] in ("A", "B") and row["respondent"] == "staff"
        assert row["item"] in ("i1", "i2") and row["round"] == "r1"
        assert 0 <= row["value"] <= 10 and row["value"] == int(row["value"])
        assert row["respondent_id"].startswith("S")


def test_survey_refuses_reversed_values():
    with pytest.raises(ValueError, match="smallest, largest"):
        draw_once(ams.survey(values=(5, 1)))


# ---------------------------------------------------------------------------------- datasets


@BUILDING
@given(
    ams.datasets(max_citizens=8, tables=("activities", "survey"), event_codes=("e",)),
    st.integers(53, 80),
)
def test_datasets_have_the_tables_asked_for_and_censor_some_citizens(data, horizon):
    assert isinstance(data, am.Dataset)
    assert set(data.tables) == {"citizens", "activities", "survey"}
    visit = data.citizens["visitation_date"]
    assert visit.min() - 14 * DAY <= data.cutoff <= visit.max() + 364 * DAY
    # The citizen visited last is observed for at most 52 weeks, so some are censored.
    assert (data.panel(horizon).observed_weeks < horizon).any()


@BUILDING
@given(ams.datasets(max_citizens=6))
def test_datasets_hold_every_table_by_default(data):
    """Drawing one validates it (Dataset.from_frames): a draw that did not would raise."""
    assert tuple(data.tables) == TABLES
    assert pd.api.types.is_datetime64_any_dtype(data.visitations["end"])
    assert set(data.survey["round"]) <= set(ROUNDS)
    assert {"age", "sex"} <= set(data.citizens.columns)


def test_datasets_refuse_unknown_tables():
    with pytest.raises(ValueError, match="unknown tables"):
        draw_once(ams.datasets(tables=("benefits",)))


# ---------------------------------------------------------------------------------- example


def assert_same_dataset(a: am.Dataset, b: am.Dataset) -> None:
    assert list(a.tables) == list(b.tables)
    assert a.cutoff == b.cutoff
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name])


@attrs.frozen
class Reads:
    """A stub kind that only declares codes (enough for the example data)."""

    codes: dict = attrs.field(factory=dict, hash=False)
    tables = ("citizens",)

    def compute(self, dataset, population, *, round=None):  # pragma: no cover - not called
        raise NotImplementedError

    def describe(self):
        return "reads codes"


def programme_reading(codes: dict, **options) -> am.Programme:
    indicator = am.Indicator(key="i", label="I", kind=Reads(codes))
    sub = am.SubComponent(key="s", label="S", indicators=[indicator])
    element = am.CoreElement(key="e", label="E", sub_components=[sub])
    return am.Programme(name="p", label="P", core_elements=[element], **options)


def test_example_dataset_is_deterministic_for_a_seed_and_changes_with_it():
    third = example_dataset(seed=3)
    assert_same_dataset(third, example_dataset(seed=3))
    assert not example_dataset(seed=4).citizens.equals(third.citizens)


def test_example_dataset_has_every_table_every_state_code_and_round():
    data = example_dataset()
    assert tuple(data.tables) == TABLES
    assert data.n_citizens == 240
    assert set(data.activities["activity"]) == set(ACTIVITY_STATES)
    assert set(data.events["event"]) == set(EVENT_CODES)
    cells = {
        (m, r, rnd, item)
        for m, r, rnd, item in data.survey[
            ["municipality", "respondent", "round", "item"]
        ].itertuples(index=False)
    }
    for municipality in data.citizens["municipality"].unique():
        for respondent in ("staff", "citizen"):
            for round in ROUNDS:
                for item in SURVEY_ITEMS:
                    assert (municipality, respondent, round, item) in cells
    assert set(data.survey["value"]) <= {1.0, 2.0, 3.0, 4.0, 5.0}
    assert not set(data.survey["respondent_id"]) & set(data.citizens["citizen_id"])


def test_example_dataset_balances_arms_within_municipalities_and_staggers_visitation():
    data = example_dataset(n_citizens=50, n_municipalities=3)
    counts: dict = {}
    for _, row in data.citizens.iterrows():
        counts.setdefault(row["municipality"], {}).setdefault(row["arm"], 0)
        counts[row["municipality"]][row["arm"]] += 1
    assert sorted(counts) == ["M1", "M2", "M3"]
    for arms in counts.values():
        assert set(arms) == {"treatment", "control"}
        assert abs(arms["treatment"] - arms["control"]) <= 1
    visit = data.citizens["visitation_date"]
    assert visit.nunique() > 25
    assert pd.Timestamp("2016-02-01") <= visit.min() and visit.max() <= pd.Timestamp("2017-01-31")
    observed = data.panel(78).observed_weeks
    assert (observed < 78).any() and (observed == 78).any()


def test_every_citizen_has_a_visitation_record_from_the_visitation_date():
    data = example_dataset(n_citizens=30)
    visit = dict(zip(data.citizens["citizen_id"], data.citizens["visitation_date"], strict=True))
    starts: dict = {}
    for _, row in data.visitations.iterrows():
        starts.setdefault(row["citizen_id"], []).append(row["start"])
    assert set(starts) == set(visit)
    for citizen, dates in starts.items():
        assert visit[citizen] in dates
    assert data.visitations["end"].isna().any()
    assert (data.visitations["end"] < data.visitations["start"]).any()


def test_a_visitation_programme_gets_its_groups_and_no_arms():
    groups = [
        am.VisitationGroup(code="1", key="a", label="A", intervention=True),
        am.VisitationGroup(code="2", key="b", label="B"),
    ]
    programme = am.Programme(
        name="v",
        label="V",
        design="visitation",
        participants=am.Population(groups=(1,)),
        visitation_groups=groups,
    )
    data = example_dataset(programme, n_citizens=20, n_municipalities=2)
    assert "arm" not in data.citizens
    assert set(data.citizens["group"]) == {"1", "2"}
    assert set(data.visitations["group"]) <= {"1", "2"}
    assert programme.participants.select(data.citizens).sum() == 10


def test_a_programme_measured_on_arms_and_groups_gets_both_columns():
    groups = am.Population(groups=("9",))
    programme = am.Programme(
        name="x", label="X", arms=("treatment", "comparison"), participants=groups
    )
    data = example_dataset(programme, n_citizens=12, n_municipalities=1)
    assert set(data.citizens["arm"]) == {"treatment", "comparison"}
    assert set(data.citizens["group"]) == {"9"}  # the groups it names; GROUP_CODES otherwise
    assert set(data.visitations["group"]) == {"9"}
    assert set(example_dataset(n_citizens=12).visitations["group"]) == set(GROUP_CODES)


@BUILDING
@given(
    codes=st.fixed_dictionaries(
        {},
        optional={
            "events": st.lists(st.sampled_from(["meeting", "call", "conversation"]), min_size=1),
            "survey": st.lists(st.from_regex(r"q_[a-z]{1,3}", fullmatch=True), min_size=1),
            "activities": st.lists(st.sampled_from(ACTIVITY_STATES), min_size=1),
            "citizens": st.lists(st.sampled_from(["cv", "mentor"]), min_size=1, unique=True),
            "visitations": st.lists(st.sampled_from(["4", "5"]), min_size=1),
        },
    ),
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 12),
)
def test_example_dataset_is_deterministic_and_contains_every_code_asked_for(codes, seed, n):
    data = example_dataset(programme_reading(codes), n_citizens=n, seed=seed)
    assert_same_dataset(data, example_dataset(programme_reading(codes), n_citizens=n, seed=seed))
    column = {"events": "event", "survey": "item", "activities": "activity"}
    for table, wanted in codes.items():
        if table == "citizens":
            for name in wanted:
                assert set(data.citizens[name].dropna()) <= {0.0, 1.0}
        elif table == "visitations":
            assert set(wanted) <= set(data.visitations["group"])
        else:
            assert set(wanted) <= set(data.tables[table][column[table]])


def test_required_codes_merges_the_kinds_codes_in_order_of_first_mention():
    programme = programme_reading({"events": ["b", "a"], "survey": "q"})
    criterion = am.SuccessCriterion(key="c", label="C", kind=Reads({"events": ("a", "c")}))
    programme = attrs.evolve(programme, success_criteria=[criterion])
    assert required_codes(programme) == {"events": ("b", "a", "c"), "survey": ("q",)}
    assert required_codes(None) == {}


def test_required_codes_refuses_codes_the_example_cannot_hold():
    with pytest.raises(ValueError, match="codes of table 'hours'"):
        required_codes(programme_reading({"hours": ("x",)}))
    with pytest.raises(TypeError, match="must be a mapping"):
        required_codes(programme_reading(["x"]))


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"n_citizens": 0}, ValueError),
        ({"n_citizens": 2.5}, TypeError),
        ({"n_municipalities": True}, TypeError),
        ({"cutoff": "not a date"}, ValueError),
    ],
)
def test_example_dataset_refuses_bad_arguments(options, error):
    with pytest.raises(error):
        example_dataset(**options)


def test_example_dataset_takes_a_cutoff_and_sizes():
    data = example_dataset(n_citizens=7, n_municipalities=12, cutoff="2016-12-31")
    assert data.cutoff == pd.Timestamp("2016-12-31")
    assert data.n_citizens == 7
    assert data.citizens["municipality"].str.fullmatch(r"M\d\d").all()
    assert np.isfinite(data.hours["hours"]).all()
