"""Validation of the input tables (DESIGN.md §4.1, §10).

Every bad input gives ONE ``ValidationError`` listing every problem (table, column, rule,
number of rows) before anything is computed, and no citizen identifier is ever shown.
"""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from activemeasures import ActiveMeasuresError, Panel, ValidationError, validate_tables

NOT_MISSING = "not missing"
UNIQUE = "unique"
IS_A_DATE = "is a date (ISO 8601, e.g. 2016-03-01)"
KNOWN_ACTIVITY = "a State name (see activemeasures.State)"
NOT_DERIVED = "not a derived state (ORDINARY_HOURS comes from the hours table)"
KNOWN_CITIZEN = "refers to a citizen in the citizens table"
KNOWN_ARM = "one of ('treatment', 'control', 'comparison')"
ARM_OR_GROUP = "column arm or group present"
END_AFTER_START = "end on or after start"
PERIOD_END_AFTER_START = "period_end on or after period_start"
COLUMN_PRESENT = "column present"
IS_A_DATAFRAME = "is a pandas DataFrame"


def citizens(**columns) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "citizen_id": ["c1", "c2", "c3"],
            "municipality": ["M1", "M1", "M2"],
            "visitation_date": ["2016-03-01", "2016-03-08", "2016-03-15"],
            "arm": ["treatment", "control", "treatment"],
        }
    )
    return frame.assign(**columns)


def activities(**columns) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "citizen_id": ["c1", "c2", "c2"],
            "activity": ["INTERNSHIP", "WAGE_SUBSIDY", "MENTOR"],
            "start": ["2016-03-10", "2016-03-08", "2016-03-20"],
            "end": ["2016-04-10", "2016-05-01", "2016-03-20"],
        }
    )
    return frame.assign(**columns)


def hours(**columns) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "citizen_id": ["c1", "c3"],
            "period_start": ["2016-03-01", "2016-04-01"],
            "period_end": ["2016-03-31", "2016-04-30"],
            "hours": [40.0, 12.5],
        }
    )
    return frame.assign(**columns)


def problems(*tables, **kw) -> set[tuple[str, str, str, int]]:
    """The (table, column, rule, n_rows) of the single ValidationError the tables raise."""
    with pytest.raises(ValidationError) as info:
        validate_tables(*tables, **kw)
    failures = info.value.failures
    assert list(failures.columns) == ["table", "column", "rule", "n_rows", "examples"]
    found = [(r.table, r.column, r.rule, int(r.n_rows)) for r in failures.itertuples(index=False)]
    assert len(found) == len(set(found)), "each (table, column, rule) is listed once"
    return set(found)


def examples(*tables) -> dict[tuple[str, str, str], str]:
    with pytest.raises(ValidationError) as info:
        validate_tables(*tables)
    return {
        (r.table, r.column, r.rule): r.examples for r in info.value.failures.itertuples(index=False)
    }


# ---------------------------------------------------------------------------------- good input


def test_valid_tables_are_returned_with_dates_and_numbers_coerced():
    tables = validate_tables(citizens(age=[30, 40, 50]), activities(), hours())
    assert set(tables) == {"citizens", "activities", "hours", "events", "survey", "visitations"}
    assert tables["events"] is None and tables["survey"] is None
    assert pd.api.types.is_datetime64_any_dtype(tables["citizens"]["visitation_date"])
    assert pd.api.types.is_datetime64_any_dtype(tables["activities"]["end"])
    assert pd.api.types.is_datetime64_any_dtype(tables["hours"]["period_start"])
    assert tables["hours"]["hours"].dtype == np.float64
    assert tables["citizens"]["age"].tolist() == [30, 40, 50]  # covariates kept untouched


def test_optional_tables_may_be_omitted():
    tables = validate_tables(citizens())
    assert tables["activities"] is None
    assert tables["hours"] is None


def test_a_group_column_can_replace_the_arm_column():
    tables = validate_tables(citizens().drop(columns="arm").assign(group=["g1", "g1", "g2"]))
    assert "group" in tables["citizens"].columns


def test_overlapping_activities_are_legal_and_nothing_is_dropped():
    """Overlaps are the heart of the JobFirst model (internship with ordinary hours)."""
    overlapping = activities(
        citizen_id=["c1", "c1", "c1"],
        start=["2016-03-01", "2016-03-05", "2016-03-05"],
        end=["2016-04-01", "2016-03-20", "2016-03-20"],
        activity=["INTERNSHIP", "WAGE_SUBSIDY", "WAGE_SUBSIDY"],  # an exact duplicate too
    )
    tables = validate_tables(citizens(), overlapping, hours())
    assert len(tables["activities"]) == len(overlapping)
    panel = Panel.from_frames(citizens(), overlapping, hours(), cutoff="2016-12-31", horizon=10)
    report = panel.quality.to_frame()
    read = report[(report["action"] == "read")].set_index("table")["n_records"]
    assert read.to_dict() == {"citizens": 3, "activities": 3, "hours": 2}
    assert panel.quality.excluded() == 0


# ---------------------------------------------------------------------------------- one rule each


def test_activities_ending_before_they_start_are_reported():
    bad = activities(end=["2016-03-09", "2016-05-01", "2016-03-19"])  # rows 0 and 2
    assert problems(citizens(), bad) == {("activities", "end", END_AFTER_START, 2)}


def test_hours_periods_ending_before_they_start_are_reported():
    bad = hours(period_end=["2016-02-28", "2016-04-30"])
    assert problems(citizens(), None, bad) == {("hours", "period_end", PERIOD_END_AFTER_START, 1)}


def test_a_one_day_activity_is_not_ending_before_it_starts():
    validate_tables(citizens(), activities(end=activities()["start"]))


def test_unknown_activity_names_are_reported_with_examples():
    bad = activities(activity=["INTERNSHIP", "HOLIDAY", "internship"])  # names are exact
    assert problems(citizens(), bad) == {("activities", "activity", KNOWN_ACTIVITY, 2)}
    shown = examples(citizens(), bad)[("activities", "activity", KNOWN_ACTIVITY)]
    assert set(shown.split(", ")) == {"HOLIDAY", "internship"}


def test_ordinary_hours_cannot_be_registered_as_an_activity():
    """ORDINARY_HOURS is derived from the hours table (SPEC.md §4.3)."""
    bad = activities(activity=["ORDINARY_HOURS", "WAGE_SUBSIDY", "MENTOR"])
    assert problems(citizens(), bad) == {("activities", "activity", NOT_DERIVED, 1)}


def test_composite_states_are_not_activity_names():
    bad = activities(activity=["ENTERPRISE_DIRECTED", "WAGE_SUBSIDY", "MENTOR"])
    assert problems(citizens(), bad) == {("activities", "activity", KNOWN_ACTIVITY, 1)}


def test_records_of_citizens_not_in_the_citizens_table_are_reported():
    assert problems(
        citizens(), activities(citizen_id=["c1", "c9", "c8"]), hours(citizen_id=["c7", "c3"])
    ) == {
        ("activities", "citizen_id", KNOWN_CITIZEN, 2),
        ("hours", "citizen_id", KNOWN_CITIZEN, 1),
    }


def test_missing_citizen_keys_are_reported():
    assert problems(citizens(citizen_id=["c1", None, "c3"])) == {
        ("citizens", "citizen_id", NOT_MISSING, 1)
    }


def test_missing_citizen_keys_in_records_are_reported():
    found = problems(citizens(), activities(citizen_id=["c1", None, "c2"]))
    assert ("activities", "citizen_id", NOT_MISSING, 1) in found


def test_duplicate_citizen_keys_are_reported_counting_every_row_involved():
    assert problems(citizens(citizen_id=["c1", "c1", "c3"])) == {
        ("citizens", "citizen_id", UNIQUE, 2)
    }


def test_missing_visitation_dates_are_reported():
    bad = citizens(visitation_date=[None, "2016-03-08", None])
    assert problems(bad) == {("citizens", "visitation_date", NOT_MISSING, 2)}


def test_unparseable_dates_are_reported_with_examples():
    bad = citizens(visitation_date=["2016-03-01", "someday", "2016-02-30"])
    assert problems(bad) == {("citizens", "visitation_date", IS_A_DATE, 2)}
    shown = examples(bad)[("citizens", "visitation_date", IS_A_DATE)]
    assert set(shown.split(", ")) == {"someday", "2016-02-30"}


def test_unparseable_record_dates_are_reported():
    found = problems(
        citizens(),
        activities(start=["2016-03-10", "soon", "2016-03-20"]),
        hours(period_end=["2016-03-31", "end of April"]),
    )
    assert found == {("activities", "start", IS_A_DATE, 1), ("hours", "period_end", IS_A_DATE, 1)}


def test_negative_hours_are_reported():
    assert problems(citizens(), None, hours(hours=[-1.0, 12.5])) == {("hours", "hours", ">= 0", 1)}


def test_infinite_hours_are_reported():
    assert problems(citizens(), None, hours(hours=[np.inf, 12.5])) == {
        ("hours", "hours", "finite", 1)
    }
    assert problems(citizens(), None, hours(hours=[-np.inf, np.inf])) == {
        ("hours", "hours", ">= 0", 1),
        ("hours", "hours", "finite", 2),
    }


def test_missing_hours_are_reported():
    assert problems(citizens(), None, hours(hours=[np.nan, 12.5])) == {
        ("hours", "hours", NOT_MISSING, 1)
    }


def test_negative_or_infinite_hours_per_week_in_activities_are_reported():
    bad = activities(hours_per_week=[-1.0, np.inf, 37.0])
    assert problems(citizens(), bad) == {
        ("activities", "hours_per_week", ">= 0", 1),
        ("activities", "hours_per_week", "finite", 1),
    }


def test_an_unknown_arm_is_reported():
    assert problems(citizens(arm=["treatment", "placebo", "control"])) == {
        ("citizens", "arm", KNOWN_ARM, 1)
    }


def test_a_missing_required_column_is_reported():
    found = problems(citizens().drop(columns="municipality"))
    assert {(table, rule) for table, _, rule, _ in found} == {("citizens", COLUMN_PRESENT)}


def test_neither_an_arm_nor_a_group_column_is_reported():
    assert problems(citizens().drop(columns="arm")) == {("citizens", "arm", ARM_OR_GROUP, 3)}


@pytest.mark.parametrize("bad", [[1, 2], {"citizen_id": ["c1"]}, "citizens.csv"])
def test_a_citizens_table_that_is_not_a_dataframe_is_reported(bad):
    assert problems(bad) == {("citizens", "", IS_A_DATAFRAME, 0)}


def test_record_tables_that_are_not_dataframes_are_reported():
    assert problems(citizens(), activities().to_dict(), [[1, 2]]) == {
        ("activities", "", IS_A_DATAFRAME, 0),
        ("hours", "", IS_A_DATAFRAME, 0),
    }


# ---------------------------------------------------------------------------------- all at once


def test_every_problem_of_every_table_is_listed_in_one_error():
    """One error lists all problems of all tables: nothing is raised half-way."""
    bad_citizens = pd.DataFrame(
        {
            "citizen_id": ["c1", "c1", None, "c4"],
            "municipality": ["M1", "M1", "M1", "M1"],
            "visitation_date": ["2016-03-01", None, "someday", "2016-03-01"],
            "arm": ["treatment", "control", "control", "none"],
        }
    )
    bad_activities = pd.DataFrame(
        {
            "citizen_id": ["c1", "c9", "c4", "c4"],
            "activity": ["INTERNSHIP", "HOLIDAY", "ORDINARY_HOURS", "MENTOR"],
            "start": ["2016-03-10", "2016-03-10", "2016-03-10", "2016-03-10"],
            "end": ["2016-03-09", "2016-03-20", "2016-03-20", "2016-03-01"],
        }
    )
    bad_hours = pd.DataFrame(
        {
            "citizen_id": ["c1", "c4", "c8"],
            "period_start": ["2016-03-01", "2016-03-01", "2016-03-01"],
            "period_end": ["2016-03-31", "2016-03-31", "2016-03-31"],
            "hours": [-3.0, np.inf, 1.0],
        }
    )
    assert problems(bad_citizens, bad_activities, bad_hours) == {
        ("citizens", "citizen_id", NOT_MISSING, 1),
        ("citizens", "citizen_id", UNIQUE, 2),
        ("citizens", "visitation_date", NOT_MISSING, 1),
        ("citizens", "visitation_date", IS_A_DATE, 1),
        ("citizens", "arm", KNOWN_ARM, 1),
        ("activities", "end", END_AFTER_START, 2),
        ("activities", "activity", KNOWN_ACTIVITY, 1),
        ("activities", "activity", NOT_DERIVED, 1),
        ("activities", "citizen_id", KNOWN_CITIZEN, 1),
        ("hours", "hours", ">= 0", 1),
        ("hours", "hours", "finite", 1),
        ("hours", "citizen_id", KNOWN_CITIZEN, 1),
    }


def test_the_panel_validates_before_computing_anything():
    """Panel.from_frames raises the same single error as validate_tables."""
    bad = (citizens(arm=["treatment", "x", "control"]), activities(activity=["A", "B", "C"]))
    with pytest.raises(ValidationError) as direct:
        validate_tables(*bad)
    with pytest.raises(ValidationError) as via_panel:
        Panel.from_frames(*bad, cutoff="2016-12-31", horizon=10)
    pd.testing.assert_frame_equal(via_panel.value.failures, direct.value.failures)


def test_the_message_counts_the_problems_and_shows_the_table():
    with pytest.raises(ValidationError) as info:
        validate_tables(citizens(visitation_date=[None, None, "x"], arm=["a", "b", "c"]))
    message = str(info.value)
    assert message.splitlines()[0] == "3 problems in the input tables:"
    for word in ("table", "column", "rule", "n_rows", "visitation_date", KNOWN_ARM):
        assert word in message


def test_the_error_is_a_value_error_of_the_library_and_survives_pickling():
    with pytest.raises(ValidationError) as info:
        validate_tables(citizens(arm=["treatment", "x", "control"]))
    error = info.value
    assert isinstance(error, ActiveMeasuresError)
    assert isinstance(error, ValueError)
    copy = pickle.loads(pickle.dumps(error))
    pd.testing.assert_frame_equal(copy.failures, error.failures)
    assert str(copy) == str(error)


# ------------------------------------------------------------------ bugs found and fixed


def test_each_missing_required_column_is_named():
    found = problems(citizens().drop(columns=["municipality", "visitation_date"]))
    assert found == {
        ("citizens", "municipality", COLUMN_PRESENT, 0),
        ("citizens", "visitation_date", COLUMN_PRESENT, 0),
    }


def test_a_missing_column_is_not_also_reported_as_a_broken_rule():
    found = problems(citizens(), activities().drop(columns="start"))
    assert {rule for _, _, rule, _ in found} == {COLUMN_PRESENT}


def test_a_bad_date_does_not_hide_other_problems_of_the_same_table():
    found = problems(
        citizens(),
        activities(
            start=["2016-03-10", "soon", "2016-03-20"], end=["2016-03-01", *["2016-05-01"] * 2]
        ),
        hours(hours=["a lot", -np.inf]),
    )
    assert ("activities", "end", END_AFTER_START, 1) in found
    assert ("hours", "hours", ">= 0", 1) in found
    assert ("hours", "hours", "finite", 1) in found


def test_rows_are_counted_whatever_the_index():
    """Two tables concatenated without ``ignore_index``: index 0, 1, 2, 0, 1, 2."""
    both = pd.concat([activities(activity=["X"] * 3), activities(activity=["Y"] * 3)])
    assert problems(citizens(), both) == {("activities", "activity", KNOWN_ACTIVITY, 6)}


def test_a_missing_citizens_table_is_reported():
    with pytest.raises(ValidationError):
        Panel.from_frames(None, cutoff="2016-12-31", horizon=4)


def test_dates_in_mixed_formats_are_reported_not_dropped():
    """ISO dates mixed with day/month/year: an error, not a panel without these activities."""
    mixed = activities(start=["2016-03-10", "03/08/2016", "2016-03-20"])
    with pytest.raises(ValidationError):
        Panel.from_frames(citizens(), mixed, cutoff="2016-12-31", horizon=10)


# ---------------------------------------------------------------------------------- identifiers

identifiers = st.one_of(
    st.from_regex(r"ID[0-9A-Za-z]{6,10}", fullmatch=True),
    st.integers(10**8, 10**12),
)
BAD_RULES = (
    "duplicate_key",
    "missing_key",
    "missing_visitation",
    "unparseable_visitation",
    "unknown_arm",
    "end_before_start",
    "unknown_activity",
    "ordinary_hours_activity",
    "unknown_citizen_activity",
    "unknown_citizen_hours",
    "negative_hours",
    "infinite_hours",
    "unparseable_hours_date",
    "missing_column",
    "no_arm_column",
    "duplicated_index",
)


@settings(max_examples=80)
@given(
    ids=st.lists(identifiers, min_size=3, max_size=6, unique_by=str),
    strangers=st.lists(identifiers, min_size=1, max_size=2, unique_by=str),
    bad=st.sets(st.sampled_from(BAD_RULES), min_size=1),
    data=st.data(),
)
def test_no_citizen_id_ever_appears_in_an_error(ids, strangers, bad, data):
    """For any combination of bad rows, str(error), repr(error) and the failures table show
    no citizen_id value, of the citizens table or of records of unknown citizens."""
    strangers = [s for s in strangers if str(s) not in {str(i) for i in ids}]
    known = list(ids)
    n = len(known)
    visitation = ["2016-03-01"] * n
    arm = ["treatment"] * n
    pick = st.integers(0, n - 1)
    if "duplicate_key" in bad:
        known[data.draw(st.integers(1, n - 1))] = known[0]
    if "missing_key" in bad:
        known[data.draw(st.integers(1, n - 1))] = None
    if "missing_visitation" in bad:
        visitation[data.draw(pick)] = None
    if "unparseable_visitation" in bad:
        visitation[data.draw(pick)] = "not a date"
    if "unknown_arm" in bad:
        arm[data.draw(pick)] = "placebo"
    citizen_frame = pd.DataFrame(
        {"citizen_id": known, "municipality": "M1", "visitation_date": visitation, "arm": arm}
    )
    if "no_arm_column" in bad:
        citizen_frame = citizen_frame.drop(columns="arm")
    if "missing_column" in bad:
        citizen_frame = citizen_frame.drop(columns="municipality")
    record_ids = [ids[i % n] for i in range(n + 2)]
    m = len(record_ids)
    names = ["INTERNSHIP"] * m
    ends = ["2016-04-01"] * m
    if "end_before_start" in bad:
        ends[data.draw(st.integers(0, m - 1))] = "2016-02-01"
    if "unknown_activity" in bad:
        names[data.draw(st.integers(0, m - 1))] = "HOLIDAY"
    if "ordinary_hours_activity" in bad:
        names[data.draw(st.integers(0, m - 1))] = "ORDINARY_HOURS"
    if "unknown_citizen_activity" in bad:
        record_ids[-1] = strangers[0] if strangers else "ID-never-shown-1"
    activity_frame = pd.DataFrame(
        {
            "citizen_id": record_ids,
            "activity": names,
            "start": "2016-03-01",
            "end": ends,
            "workplace_id": [f"WP{i}" for i in record_ids],
        }
    )
    hour_ids = list(ids)
    amounts = [10.0] * n
    hour_starts = ["2016-03-01"] * n
    if "unknown_citizen_hours" in bad:
        hour_ids[0] = strangers[-1] if strangers else "ID-never-shown-2"
    if "negative_hours" in bad:
        amounts[data.draw(pick)] = -5.0
    if "infinite_hours" in bad:
        amounts[data.draw(pick)] = np.inf
    if "unparseable_hours_date" in bad:
        hour_starts[data.draw(pick)] = "first monday"
    hours_frame = pd.DataFrame(
        {
            "citizen_id": hour_ids,
            "period_start": hour_starts,
            "period_end": "2016-03-31",
            "hours": amounts,
        }
    )
    if "duplicated_index" in bad:
        activity_frame.index = [i // 2 for i in range(m)]
        citizen_frame.index = pd.Index([str(i) for i in ids])  # identifiers as the index
    if bad == {"duplicated_index"}:  # legal on its own: rows are counted by position
        # (generated integer ids may look like CPR numbers: that rule is tested below)
        validate_tables(citizen_frame, activity_frame, hours_frame, allow_cpr=True)
        return

    with pytest.raises(ValidationError) as info:
        validate_tables(citizen_frame, activity_frame, hours_frame)
    error = info.value
    texts = [str(error), repr(error), error.failures.to_string(), str(error.args)]
    assert len(error.failures) >= 1
    for identifier in [*ids, *strangers]:
        for text in texts:
            assert str(identifier) not in text


# ---------------------------------------------------------------------- CPR numbers (§10)

CPR = "looks like a Danish CPR number (pass allow_cpr=True to accept)"


def _cpr_tables():
    # Two of three citizen_ids look like CPR numbers (one written with a hyphen, one read as
    # a number would be the same), one respondent_id too.
    cpr_ids = ["0101901234", "311299-0001", "c3"]
    people = citizens().assign(citizen_id=cpr_ids)
    events = pd.DataFrame(
        {"citizen_id": cpr_ids[:1], "date": ["2016-04-01"], "event": ["conversation"]}
    )
    survey = pd.DataFrame(
        {
            "respondent_id": ["1503801111", "R2"],
            "municipality": ["M1", "M1"],
            "respondent": ["staff", "staff"],
            "round": ["final", "final"],
            "item": ["q1", "q1"],
            "value": [3.0, 4.0],
        }
    )
    return cpr_ids, people, events, survey


def test_cpr_like_identifiers_are_refused_and_never_shown():
    cpr_ids, people, events, survey = _cpr_tables()
    with pytest.raises(ValidationError) as info:
        validate_tables(people, events=events, survey=survey)
    failures = info.value.failures
    assert failures[["table", "column", "rule", "n_rows"]].values.tolist() == [
        ["citizens", "citizen_id", CPR, 2],
        ["events", "citizen_id", CPR, 1],
        ["survey", "respondent_id", CPR, 1],
    ]
    assert (failures["examples"] == "").all()
    texts = [str(info.value), repr(info.value), failures.to_string(), str(info.value.args)]
    for value in [*cpr_ids[:2], "1503801111", "0101901234"[:6], "311299"]:
        for text in texts:
            assert value not in text


def test_cpr_like_identifiers_are_accepted_when_allowed():
    _, people, events, survey = _cpr_tables()
    tables = validate_tables(people, events=events, survey=survey, allow_cpr=True)
    assert tables["citizens"]["citizen_id"].tolist() == people["citizen_id"].tolist()


def test_cpr_refusal_is_reported_with_the_other_problems():
    people = citizens().assign(citizen_id=[101901234, 2, 3])  # a CPR read as a number
    people.loc[1, "visitation_date"] = None
    with pytest.raises(ValidationError) as info:
        validate_tables(people)
    rules = set(info.value.failures["rule"])
    assert rules == {CPR, NOT_MISSING}


def test_dataset_and_panel_pass_allow_cpr_through():
    from activemeasures import Dataset

    _, people, events, _ = _cpr_tables()
    with pytest.raises(ValidationError, match="CPR"):
        Dataset.from_frames(people, events=events, cutoff="2016-12-31")
    data = Dataset.from_frames(people, events=events, cutoff="2016-12-31", allow_cpr=True)
    assert data.n_citizens == 3
    with pytest.raises(ValidationError, match="CPR"):
        Panel.from_frames(people, cutoff="2016-12-31", horizon=4)
    assert Panel.from_frames(people, cutoff="2016-12-31", horizon=4, allow_cpr=True).n_citizens == 3


# ------------------------------------------------ bugs found by fuzzing (tests/fuzz, issue 9)

DATE_IN_RANGE = "a date from 1700-01-01 to 2199-12-31"
SINGLE_VALUE = "a single value (not a list, set or mapping)"
COLUMN_ONCE = "column name used once"
IS_A_NUMBER = "is a number"


def test_dates_outside_the_supported_range_are_reported_not_returned_as_a_missing_table():
    """Was: pandera could not coerce year 1 / 9999 to datetime64[ns] and validate_tables
    returned None for the citizens table without an error (AttributeError further on)."""
    bad = citizens(visitation_date=["0001-01-01", "9999-12-31", "2016-03-15"])
    assert problems(bad) == {("citizens", "visitation_date", DATE_IN_RANGE, 2)}
    already_dates = np.array(["0001-01-01", "2016-03-08", "2250-01-01"], dtype="datetime64[s]")
    assert problems(citizens(visitation_date=already_dates)) == {
        ("citizens", "visitation_date", DATE_IN_RANGE, 2)
    }
    # The limits themselves are dates; a nanosecond timestamp at pandas' minimum is not.
    validate_tables(citizens(visitation_date=["1700-01-01", "2199-12-31", "2016-03-15"]))
    at_minimum = citizens(visitation_date=[pd.Timestamp.min, "2016-03-08", "2016-03-15"])
    assert problems(at_minimum) == {("citizens", "visitation_date", DATE_IN_RANGE, 1)}


def test_a_duplicated_column_name_is_reported_and_its_first_column_checked():
    """Was: ValueError "cannot assemble with duplicate keys" from pd.to_datetime (a date
    column twice), or a citizen_id column twice accepted and failing later."""
    twice = pd.concat([citizens(), citizens()[["visitation_date", "citizen_id"]]], axis=1)
    assert problems(twice) == {
        ("citizens", "visitation_date", COLUMN_ONCE, 0),
        ("citizens", "citizen_id", COLUMN_ONCE, 0),
    }


def test_lists_and_mappings_in_code_and_identifier_columns_are_reported():
    """Was: TypeError "unhashable type: 'list'" from pandera's uniqueness check."""
    bad = citizens(citizen_id=[["c1"], "c2", {"c": 3}], municipality=["M1", ["M1"], "M2"])
    assert problems(bad) == {
        ("citizens", "citizen_id", SINGLE_VALUE, 2),
        ("citizens", "municipality", SINGLE_VALUE, 1),
    }
    found = problems(citizens(), activities(citizen_id=["c1", ["c1"], "c2"]))
    assert found == {("activities", "citizen_id", SINGLE_VALUE, 1)}


def test_complex_and_huge_integer_numbers_are_read_without_warnings_or_overflow():
    """Was: ComplexWarning (imaginary part dropped silently) and OverflowError "int too large
    to convert to float" for 10**400."""
    assert problems(citizens(), None, hours(hours=[1 + 2j, 3.0])) == {  # complex128 column
        ("hours", "hours", IS_A_NUMBER, 2)
    }
    assert problems(citizens(), None, hours(hours=pd.Series([1 + 2j, 3.0], dtype=object))) == {
        ("hours", "hours", IS_A_NUMBER, 1)
    }
    assert problems(citizens(), None, hours(hours=pd.Series([10**400, 3.0], dtype=object))) == {
        ("hours", "hours", "finite", 1)
    }
    objects = pd.Series([True, "2.5"], dtype=object)  # a boolean is not a number
    assert problems(citizens(), None, hours(hours=objects)) == {("hours", "hours", IS_A_NUMBER, 1)}


def test_hours_beyond_a_million_in_one_record_are_reported():
    """Was: 1e300 hours passed, overflowed the panel's float32 matrix to inf with a
    RuntimeWarning ("overflow encountered in cast")."""
    assert problems(citizens(), None, hours(hours=[1e300, 1_000_000.0])) == {
        ("hours", "hours", "<= 1000000", 1)
    }


def test_dates_with_time_zones_are_read_as_the_day_they_show():
    """Was: ValueError "Mixed timezones detected" for offsets in text; a time-zone-aware
    column passed as it was and evaluate() later failed subtracting naive from aware."""
    mixed = activities(
        start=["2016-03-10T23:30:00+05:00", "2016-03-08T00:15:00-08:00", "2016-03-20"],
        end=["2016-04-10", "2016-05-01", "2016-03-20T12:00:00Z"],
    )
    tables = validate_tables(citizens(), mixed)
    start = tables["activities"]["start"]
    assert start.dt.tz is None
    assert start.dt.strftime("%Y-%m-%d").tolist() == ["2016-03-10", "2016-03-08", "2016-03-20"]
    aware = pd.to_datetime(["2016-03-01 23:00", "2016-03-08 00:00", "2016-03-15 00:00"])
    aware = aware.tz_localize("America/Los_Angeles")
    visits = validate_tables(citizens(visitation_date=aware))["citizens"]["visitation_date"]
    assert visits.tolist() == list(pd.to_datetime(["2016-03-01", "2016-03-08", "2016-03-15"]))


def test_a_time_of_day_is_dropped_so_a_same_day_end_is_not_before_the_start():
    same_day = activities(start=["2016-03-10 15:00", "2016-03-08", "2016-03-20"])
    same_day = same_day.assign(end=["2016-03-10 09:00", "2016-05-01", "2016-03-20"])
    tables = validate_tables(citizens(), same_day)
    assert (tables["activities"]["start"] == tables["activities"]["end"]).iloc[0]


def test_incomplete_or_signed_dates_are_not_read_as_dates():
    """Was: "2016-03" silently read as 2016-03-01, "-1" as a date in year -1."""
    bad = citizens(visitation_date=["2016-03", "-1", "2016-03-15"])
    assert problems(bad) == {("citizens", "visitation_date", IS_A_DATE, 2)}


def test_the_survey_key_is_not_checked_when_a_key_column_is_missing():
    """Was: with ``round`` missing, pandera checked the key on respondent_id + item alone and
    reported it as not unique."""
    survey = pd.DataFrame(
        {
            "respondent_id": ["R1", "R1"],
            "municipality": ["M1", "M1"],
            "respondent": ["staff", "staff"],
            "item": ["q1", "q1"],
            "value": [3.0, 4.0],
        }
    )
    assert problems(citizens(), survey=survey) == {("survey", "round", COLUMN_PRESENT, 0)}


def test_a_record_without_a_citizen_id_is_not_also_counted_as_an_unknown_citizen():
    """A missing key is reported once; it used to count as unknown too, except when a citizen
    also had a missing key (then pandas' isin matched the two missing values)."""
    found = problems(citizens(), activities(citizen_id=["c1", None, "c2"]))
    assert found == {("activities", "citizen_id", NOT_MISSING, 1)}
    found = problems(citizens(citizen_id=["c1", None, "c3"]), activities(citizen_id=[None] * 3))
    assert found == {
        ("citizens", "citizen_id", NOT_MISSING, 1),
        ("activities", "citizen_id", NOT_MISSING, 3),
    }
