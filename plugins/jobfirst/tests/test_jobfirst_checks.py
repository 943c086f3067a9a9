"""JobFirst bad-input rules (004, L47-53; SPEC.md §3.1, §6.1): errors, exclusions, notes."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings

from activemeasures import Dataset, ValidationError
from activemeasures.testing import strategies as ams
from activemeasures_jobfirst.checks import (
    ANSWER_OUTSIDE_SCALE,
    EVENT_BEFORE_DRAW,
    NO_SCALE,
    check_dataset,
    clean_dataset,
)

IDS = [f"P{k:08x}" for k in range(8)]


def citizens(arms, municipalities=None):
    n = len(arms)
    return pd.DataFrame(
        {
            "citizen_id": IDS[:n],
            "municipality": municipalities or ["Aarhus"] * n,
            "visitation_date": "2016-03-01",
            "arm": arms,
        }
    )


def entries(report, action):
    frame = report.to_frame()
    return frame[frame["action"] == action].set_index("rule")["n_records"].to_dict()


def test_arms_other_than_treatment_and_control_are_an_error_without_ids():
    table = citizens(["treatment", "control", "comparison", "comparison", None])
    with pytest.raises(ValidationError) as info:
        check_dataset(Dataset.from_frames(table, cutoff="2016-12-31"))
    failures = info.value.failures
    assert failures[["table", "column", "n_rows"]].to_numpy().tolist() == [
        ["citizens", "arm", 1],  # missing
        ["citizens", "arm", 2],  # comparison x 2
    ]
    assert failures["rule"].tolist() == ["not missing", "one of treatment, control"]
    assert failures["examples"].tolist()[1] == "comparison"
    assert not any(i in str(info.value) for i in IDS)


def test_a_randomised_trial_needs_the_arm_column():
    table = citizens(["treatment"]).drop(columns="arm").assign(group="1")
    with pytest.raises(ValidationError, match="arm"):
        check_dataset(Dataset.from_frames(table, cutoff="2016-12-31"))


def test_municipality_with_one_arm_is_an_error_naming_it_and_the_arm():
    table = citizens(
        ["treatment", "control", "control", "control", "treatment"],
        ["Aarhus", "Aarhus", "Sorø", "Sorø", "Viborg"],
    )
    with pytest.raises(ValidationError) as info:
        check_dataset(Dataset.from_frames(table, cutoff="2016-12-31"))
    failures = info.value.failures
    assert failures["column"].tolist() == ["municipality", "municipality"]
    assert failures["n_rows"].tolist() == [2, 1]
    assert "Sorø has only control" in failures["rule"].iloc[0]
    assert "Viborg has only treatment" in failures["rule"].iloc[1]
    assert not any(i in str(info.value) for i in IDS)


def test_small_municipalities_get_a_note_not_an_error():
    # 004, L49-53: at least 100 per arm. Aarhus 2 + 1, Odense 1 + 1.
    table = citizens(
        ["treatment", "treatment", "control", "treatment", "control"],
        ["Aarhus", "Aarhus", "Aarhus", "Odense", "Odense"],
    )
    report = check_dataset(Dataset.from_frames(table, cutoff="2016-12-31"))
    notes = entries(report, "note")
    assert notes == {
        "municipality Aarhus: fewer than 100 citizens in arm treatment (004, L49-53)": 2,
        "municipality Aarhus: fewer than 100 citizens in arm control (004, L49-53)": 1,
        "municipality Odense: fewer than 100 citizens in arm treatment (004, L49-53)": 1,
        "municipality Odense: fewer than 100 citizens in arm control (004, L49-53)": 1,
    }
    only_aarhus_treatment = check_dataset(
        Dataset.from_frames(table, cutoff="2016-12-31"), min_per_arm=2
    )
    assert len(entries(only_aarhus_treatment, "note")) == 3
    assert (
        entries(
            check_dataset(Dataset.from_frames(table, cutoff="2016-12-31"), min_per_arm=0), "note"
        )
        == {}
    )
    assert report.excluded() == 0


def test_events_before_the_draw_are_counted_as_excluded_and_removed():
    table = citizens(["treatment", "control"])
    events = pd.DataFrame(
        {
            "citizen_id": [IDS[0], IDS[0], IDS[1], IDS[1]],
            # one day before, the draw date itself, after, long before
            "date": ["2016-02-29", "2016-03-01", "2016-04-01", "2015-01-01"],
            "event": "conversation",
        }
    )
    data = Dataset.from_frames(table, events=events, cutoff="2016-12-31")
    report = check_dataset(data)
    assert entries(report, "excluded") == {EVENT_BEFORE_DRAW: 2}
    clean = clean_dataset(data)
    assert clean.events["date"].dt.strftime("%Y-%m-%d").tolist() == ["2016-03-01", "2016-04-01"]
    assert clean.quality.excluded("events") == 2
    assert data.events.shape[0] == 4  # the input dataset is unchanged


@settings(max_examples=12, deadline=None)
@given(ams.datasets(min_citizens=2, max_citizens=10, tables=("events", "survey")))
def test_exclusion_counts_match_loops(data):
    arms = ["treatment", "control"] * len(data.citizens)
    table = data.citizens.assign(arm=arms[: len(data.citizens)], municipality="Aarhus")
    # Already validated: only the arm and municipality columns change.
    data = Dataset(citizens=table, events=data.events, survey=data.survey, cutoff=data.cutoff)
    scales = {"q1": (2, 4)}
    report = check_dataset(data, scales=scales)
    visit = dict(zip(table["citizen_id"], table["visitation_date"], strict=True))
    before = sum(  # slow reference over records
        date < visit[cid]
        for cid, date in zip(data.events["citizen_id"], data.events["date"], strict=True)
    )
    outside = unchecked = 0
    for respondent, item, value in zip(
        data.survey["respondent"], data.survey["item"], data.survey["value"], strict=True
    ):
        if item in scales:
            low, high = scales[item]
        elif respondent == "staff":
            low, high = 1, 5
        else:
            unchecked += 1
            continue
        outside += not low <= value <= high
    assert entries(report, "excluded") == {EVENT_BEFORE_DRAW: before, ANSWER_OUTSIDE_SCALE: outside}
    assert entries(report, "note").get(NO_SCALE, 0) == unchecked
    clean = clean_dataset(data, scales=scales)
    assert len(clean.events) == len(data.events) - before
    assert len(clean.survey) == len(data.survey) - outside


def survey_data():
    table = citizens(["treatment", "control"])
    survey = pd.DataFrame(
        {
            "respondent_id": ["R1", "R1", "R2", "R3", "R3", "R3"],
            "municipality": "Aarhus",
            "respondent": ["staff", "staff", "staff", "citizen", "citizen", "citizen"],
            "round": "final",
            "item": ["roles", "roles2", "roles", "help", "help2", "other"],
            # staff on 1-5: 0 and 6 out; citizens on 1-10 (000, L482-492)
            "value": [0, 5, 6, 10, 11, 99],
        }
    )
    return Dataset.from_frames(table, survey=survey, cutoff="2016-12-31")


def test_staff_answers_outside_1_to_5_are_excluded_and_citizen_items_need_a_scale():
    data = survey_data()
    report = check_dataset(data)
    assert entries(report, "excluded") == {ANSWER_OUTSIDE_SCALE: 2}
    assert entries(report, "note")[NO_SCALE] == 3
    scaled = check_dataset(data, scales={"help": (1, 10), "help2": (1, 10), "other": (1, 10)})
    assert entries(scaled, "excluded") == {ANSWER_OUTSIDE_SCALE: 4}
    assert NO_SCALE not in entries(scaled, "note")
    # A scale for a staff item replaces 1-5.
    wide = check_dataset(data, scales={"roles": (0, 6)})
    assert entries(wide, "excluded") == {ANSWER_OUTSIDE_SCALE: 0}
    clean = clean_dataset(data, scales={"help": (1, 10)})
    assert clean.survey["value"].tolist() == [5.0, 10.0, 11.0, 99.0]
    assert not any(i in str(report) for i in ["R1", "R2", "R3", *IDS])


@pytest.mark.parametrize(
    "bad",
    [{"scales": {"q": (5, 1)}}, {"scales": {"q": (1,)}}, {"staff_scale": (1, float("inf"))}],
)
def test_bad_scales(bad):
    with pytest.raises(ValueError):
        check_dataset(survey_data(), **bad)


def test_bad_arguments():
    with pytest.raises(TypeError):
        check_dataset(citizens(["treatment"]))
    data = Dataset.from_frames(citizens(["treatment", "control"]), cutoff="2016-12-31")
    with pytest.raises(ValueError):
        check_dataset(data, min_per_arm=-1)
    with pytest.raises(TypeError):
        check_dataset(data, min_per_arm=1.5)
