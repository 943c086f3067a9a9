"""The Dataset: every table validated together, frozen, with the cut-off and a panel cache."""

from __future__ import annotations

import pandas as pd
import pytest

import activemeasures as am
from activemeasures import Dataset, MissingTableError, ValidationError


def citizens():
    return pd.DataFrame(
        {
            "citizen_id": ["id-7731", "id-9902", "id-4410"],
            "municipality": ["Aarhus", "Aarhus", "Odense"],
            "visitation_date": ["2016-03-01", "2016-03-08", "2016-04-01"],
            "arm": ["treatment", "control", "treatment"],
        }
    )


def events():
    return pd.DataFrame(
        {
            "citizen_id": ["id-7731", "id-4410"],
            "date": ["2016-03-10", "2016-04-20"],
            "event": ["conversation", "cv_update"],
        }
    )


def survey():
    return pd.DataFrame(
        {
            "respondent_id": [1, 2, 1],
            "municipality": ["Aarhus", "Aarhus", "Odense"],
            "respondent": ["staff"] * 3,
            "round": ["final", "final", "midterm"],
            "item": ["q1"] * 3,
            "value": ["4", 3, 5],
        }
    )


def test_from_frames_validates_and_converts_every_table():
    data = Dataset.from_frames(citizens(), events=events(), survey=survey(), cutoff="2016-12-31")
    assert data.n_citizens == 3
    assert list(data.tables) == ["citizens", "events", "survey"]
    assert pd.api.types.is_datetime64_any_dtype(data.events["date"])
    assert data.survey["value"].tolist() == [4.0, 3.0, 5.0]
    assert data.cutoff == pd.Timestamp("2016-12-31")
    read = data.quality.to_frame().set_index("table")["n_records"].to_dict()
    assert read == {"citizens": 3, "events": 2, "survey": 3}


def test_all_problems_of_all_tables_are_reported_at_once_without_identifiers():
    bad_events = events().assign(citizen_id=["id-7731", "id-0000"], date=["x", "2016-04-01"])
    bad_survey = survey().assign(respondent=["staff", "boss", "staff"])
    with pytest.raises(ValidationError) as caught:
        Dataset.from_frames(citizens(), events=bad_events, survey=bad_survey, cutoff="2016-12-31")
    failures = caught.value.failures
    assert set(failures["table"]) == {"events", "survey"}
    assert "refers to a citizen in the citizens table" in failures["rule"].tolist()
    assert "id-0000" not in str(caught.value) and "id-7731" not in str(caught.value)


def test_survey_answers_are_unique_per_respondent_round_and_item():
    twice = pd.concat([survey(), survey().iloc[[0]]])
    with pytest.raises(ValidationError, match=r"respondent_id\+round\+item\s+unique\s+1"):
        Dataset.from_frames(citizens(), survey=twice, cutoff="2016-12-31")


def test_the_dataset_keeps_its_own_copy_of_the_tables():
    frame = citizens()
    data = Dataset.from_frames(frame, cutoff="2016-12-31")
    frame.loc[0, "municipality"] = "changed"
    assert data.citizens.loc[0, "municipality"] == "Aarhus"


def test_panel_is_built_once_per_horizon_from_the_validated_tables():
    activities = pd.DataFrame(
        {
            "citizen_id": ["id-7731"],
            "activity": ["INTERNSHIP"],
            "start": ["2016-03-10"],
            "end": ["2016-03-20"],
        }
    )
    data = Dataset.from_frames(citizens(), activities, cutoff="2016-12-31")
    panel = data.panel(horizon=10)
    assert data.panel(10) is panel
    expected = am.Panel.from_frames(citizens(), activities, cutoff="2016-12-31", horizon=10)
    assert (panel.states == expected.states).all()
    assert (panel.observed_weeks == expected.observed_weeks).all()
    with pytest.raises(ValueError, match="horizon"):
        data.panel(0)


def test_require_names_what_needs_the_missing_table():
    data = Dataset.from_frames(citizens(), cutoff="2016-12-31")
    data.require("citizens", by="anything")
    with pytest.raises(MissingTableError, match=r"indicator 1\.2a needs the events table"):
        data.require("events", by="indicator 1.2a")
    with pytest.raises(MissingTableError, match="events and survey tables"):
        data.require("events", "survey", by="x")


def test_repr_counts_rows_and_shows_no_identifier():
    data = Dataset.from_frames(citizens(), events=events(), cutoff="2016-12-31")
    assert repr(data) == "<Dataset: 3 citizens; events (2 rows); cut-off 2016-12-31>"


def test_cutoff_must_be_a_date():
    with pytest.raises(ValueError, match="cutoff"):
        Dataset.from_frames(citizens(), cutoff="soon")
