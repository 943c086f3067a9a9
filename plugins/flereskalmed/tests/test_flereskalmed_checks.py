"""'Flere skal med' data-quality checks: counts, never identifiers."""

from __future__ import annotations

import numpy as np
import pandas as pd

import activemeasures as am
from activemeasures.testing import example_dataset
from activemeasures_flereskalmed.checks import check_dataset
from activemeasures_flereskalmed.visitation import deduplicate_visitations


def test_visitation_counts_are_the_deduplication_counts():
    data = example_dataset(n_citizens=80, n_municipalities=2, seed=5)
    report = check_dataset(data)
    visitations = [e for e in report.entries if e.table == "visitations"]
    assert tuple(visitations) == deduplicate_visitations(data.visitations).quality.entries
    # The example data have records ending before they start (step 0).
    assert any(e.rule.startswith("step 0") and e.n_records > 0 for e in visitations)


def test_survey_answers_outside_1_to_5_are_counted_as_excluded():
    values = [1, 5, 0, 6, 2.5, -3, 4, 5.0, 11]
    survey = pd.DataFrame(
        {
            "respondent_id": [f"R{i}" for i in range(len(values))],
            "municipality": "A",
            "respondent": "staff",
            "round": "final",
            "item": "q1",
            "value": values,
        }
    )
    citizens = pd.DataFrame(
        {
            "citizen_id": ["P1"],
            "municipality": ["A"],
            "visitation_date": ["2018-01-01"],
            "arm": ["comparison"],
        }
    )
    data = am.Dataset.from_frames(citizens, survey=survey, cutoff="2019-05-31")
    frame = check_dataset(data).to_frame().set_index("rule")
    outside = sum(1 for v in values if not 1 <= v <= 5)  # 0, 6, -3, 11
    fraction = sum(1 for v in values if 1 <= v <= 5 and v != int(v))  # 2.5
    assert frame.loc["answer outside the scale 1-5", "n_records"] == outside == 4
    assert frame.loc["answer outside the scale 1-5", "action"] == "excluded"
    assert frame.loc["answer inside the scale 1-5 but not a whole number", "n_records"] == fraction
    # No visitations table and no group column: nothing reported for them.
    assert set(frame["table"]) == {"survey"}


def test_citizens_with_unknown_group_codes_are_noted():
    citizens = pd.DataFrame(
        {
            "citizen_id": ["secret-1", "secret-2", "secret-3", "secret-4"],
            "municipality": ["A"] * 4,
            "visitation_date": ["2018-01-01"] * 4,
            "group": [1, "6", "7", None],
        }
    )
    report = check_dataset(am.Dataset.from_frames(citizens, cutoff="2019-05-31"))
    (entry,) = [e for e in report.entries if e.table == "citizens"]
    assert (entry.action, entry.n_records) == ("note", 1)
    assert "secret" not in str(report)


def test_the_report_never_shows_an_identifier():
    data = example_dataset(n_citizens=40, n_municipalities=2, seed=2)
    text = str(check_dataset(data))
    ids = np.concatenate(
        [data.citizens["citizen_id"].to_numpy(), data.survey["respondent_id"].to_numpy()]
    )
    assert not any(str(i) in text for i in ids)
