"""The six core elements, the shipped question → element map and its validation."""

import numpy as np
import pandas as pd
import pytest

import activemeasures as am
from activemeasures.fidelity import Population, SurveyMean
from activemeasures_flereskalmed import constants
from activemeasures_flereskalmed.elements import (
    ELEMENTS,
    ITEM_MAP_COLUMNS,
    core_elements,
    item_recode,
    load_item_map,
    validate_item_map,
)
from activemeasures_flereskalmed.fidelity_kinds import ElementScore, ShareHigh

#: SPEC.md §6.4 table of the six core elements (003, L98-106, L978-1008).
SPEC_ELEMENTS = [
    (1, "own_job_goal", "Borgerens eget jobmål sætter retning"),
    (
        2,
        "personal_job_broker",
        "Borger får en personlig jobformidler med kendskab til arbejdsmarkedet (Individuel støtte)",
    ),
    (
        3,
        "individual_match",
        "Borger finder et individuelt jobmatch med kolleger og "
        'arbejdsopgaver "der kan vokse" (Individuelt match)',
    ),
    (
        4,
        "clear_agreements",
        "Borger og virksomhed indgår klare aftaler om timer, opgaver, opfølgning og ordinære timer",
    ),
    (5, "resource_focus", "Borger støttes gennem en ressourcefokuseret tilgang"),
    (
        6,
        "follow_up_progression",
        "Borger får løbende opfølgning med fokus på fastholdelse og progression mod ordinære timer",
    ),
]


def test_six_elements_with_spec_keys_numbers_and_danish_labels():
    elements = core_elements()
    assert [(e.number, e.key, e.label_da) for e in elements] == SPEC_ELEMENTS
    assert tuple(e.key for e in elements) == constants.CORE_ELEMENTS
    assert all(e.label and e.citation.startswith("(003, L98-106") for e in elements)


def test_ke5_has_no_indicator_and_says_so():
    ke5 = core_elements()[4]
    assert ke5.key == "resource_focus"
    assert ke5.indicators == ()
    assert "No specific survey indicator" in ke5.description
    assert [s.key for s in ke5.sub_components] == ["KE5"]


def test_shipped_item_map_is_valid_and_every_row_cited():
    items = load_item_map()
    assert tuple(items.columns) == ITEM_MAP_COLUMNS
    assert items["item"].is_unique
    assert items["citation"].str.fullmatch(r"\(003, L\d+(-\d+)?(, L\d+(-\d+)?)*\)").all()
    assert set(items["element"]) == set(constants.CORE_ELEMENTS) - {"resource_focus"}
    # The banded share questions of SPEC.md §6.4: CV, concrete job goal, ordinary hours.
    assert set(items.loc[items["banded"], "item"]) == {
        "ke1_cv_share",
        "ke1_job_goal_share",
        "ke4_ordinary_hours_agreement",
    }


def test_every_element_indicator_is_an_unrated_staff_survey_indicator_on_mapped_items():
    items = load_item_map().set_index("item")
    for element in core_elements():
        (sub,) = element.sub_components
        assert sub.key == f"KE{element.number}"
        for indicator in sub.indicators:
            assert indicator.rated is False
            assert indicator.source is am.DataSource.STAFF_SURVEY
            assert indicator.citation
            for item in indicator.kind.codes["survey"]:
                assert items.loc[item, "element"] == element.key
            kind = indicator.kind
            if isinstance(kind, SurveyMean):
                assert kind.national == "municipality_mean"
                assert kind.respondent == "staff"
                assert (kind.recode is not None) == bool(items.loc[kind.item[0], "banded"])
            elif isinstance(kind, ShareHigh):
                assert kind.at_least == 4.0
            else:
                assert isinstance(kind, ElementScore)
                assert kind.item == tuple(items.index[items["element"] == element.key])


def test_banded_items_recode_band_k_to_score_k():
    assert item_recode({"scale": "1;2;3;4;5", "banded": True}) == {1: 1, 2: 2, 3: 3, 4: 4, 5: 5}
    assert item_recode({"scale": "10;30;50;70;90", "banded": "true"}) == {
        10: 1,
        30: 2,
        50: 3,
        70: 4,
        90: 5,
    }
    assert item_recode({"scale": "1-5", "banded": "false"}) is None


def test_a_users_item_map_replaces_the_shipped_one():
    mine = pd.DataFrame(
        {
            "item": ["r1", "r2", "n1"],
            "element": ["resource_focus", "resource_focus", "follow_up_progression"],
            "label": ["Resources first", "Strengths talk", "Network"],
            "scale": ["1-5", "0;20;40;60;80", "1-5"],
            "banded": ["false", "true", "false"],
            "citation": ["part report 2, q1", "part report 2, q2", "part report 2, q3"],
        }
    )
    elements = {e.key: e for e in core_elements(mine)}
    assert [i.key for i in elements["resource_focus"].indicators] == [
        "KE5",
        "KE5.r1",
        "KE5.r1.high",
        "KE5.r2",
        "KE5.r2.high",
    ]
    assert elements["own_job_goal"].indicators == ()
    assert elements["resource_focus"].indicators[0].kind.recodes[1] == {
        0: 1,
        20: 2,
        40: 3,
        60: 4,
        80: 5,
    }


def test_validate_item_map_lists_every_problem_at_once_without_identifiers():
    bad = pd.DataFrame(
        {
            "item": ["a", "a", ""],
            "element": ["own_job_goal", "jobs", "own_job_goal"],
            "label": ["x", "y", "z"],
            "scale": ["1-5", "1;2;3", "1-5"],
            "banded": ["false", "maybe", "true"],
            "citation": ["c", "c", ""],
        }
    )
    with pytest.raises(am.ValidationError) as info:
        validate_item_map(bad)
    failures = info.value.failures
    assert set(failures["table"]) == {"item map"}
    assert sorted(zip(failures["column"], failures["n_rows"], strict=True)) == [
        ("banded", 1),
        ("citation", 1),
        ("element", 1),
        ("item", 1),
        ("item", 2),
        ("scale", 1),
    ]
    with pytest.raises(am.ValidationError, match="column present"):
        validate_item_map(bad.drop(columns="scale"))
    with pytest.raises(TypeError):
        validate_item_map([1, 2])


def test_element_info_matches_the_core_elements():
    assert [e.key for e in ELEMENTS] == [e.key for e in core_elements()]


def _survey_data(rows):
    citizens = pd.DataFrame(
        {
            "citizen_id": [1],
            "municipality": ["A"],
            "visitation_date": ["2018-01-31"],
            "group": ["1"],
        }
    )
    survey = pd.DataFrame(
        rows, columns=["respondent_id", "municipality", "respondent", "round", "item", "value"]
    )
    return am.Dataset.from_frames(citizens, survey=survey, cutoff="2019-05-31")


def test_share_high_counts_municipalities_with_mean_at_least_4():
    # A: (4 + 4) / 2 = 4.0 -> high (>= 4); B: (5 + 2) / 2 = 3.5 -> not high (3.5 only with
    # at_least=3.5); C: 5 -> high; D answers another item only -> no value.
    data = _survey_data(
        [
            (1, "A", "staff", "final", "net", 4),
            (2, "A", "staff", "final", "net", 4),
            (3, "B", "staff", "final", "net", 5),
            (4, "B", "staff", "final", "net", 2),
            (5, "C", "staff", "final", "net", 5),
            (6, "D", "staff", "final", "other", 1),
            (7, "C", "citizen", "final", "net", 1),
            (1, "A", "staff", "baseline", "net", 1),
        ]
    )
    table = ShareHigh(item="net").compute(data, Population(), round="final")
    assert table["unit"].tolist() == ["A", "B", "C", "D", "national"]
    assert table["numerator"].tolist() == [1, 0, 1, 0, 2]
    assert table["denominator"].tolist() == [1, 1, 1, 0, 3]
    assert np.isnan(table["value"].iloc[3])
    assert table["value"].iloc[-1] == pytest.approx(2 / 3)
    lenient = ShareHigh(item="net", at_least=3.5).compute(data, Population(), round="final")
    assert lenient["numerator"].iloc[-1] == 3
    assert "at least 4" in ShareHigh(item="net").describe()


def test_element_score_uses_each_items_own_recode_and_counts_respondents():
    # A: item p (1-5) answers 2, 4 -> 3; banded item b coded 60 -> band 4; score (3 + 4) / 2
    # = 3.5 from respondents 1, 2 (2 people). B: b coded 0 -> 1; score 1 from 1 person.
    # National = (3.5 + 1) / 2 = 2.25.
    data = _survey_data(
        [
            (1, "A", "staff", "final", "p", 2),
            (2, "A", "staff", "final", "p", 4),
            (1, "A", "staff", "final", "b", 60),
            (3, "B", "staff", "final", "b", 0),
        ]
    )
    kind = ElementScore(item=("p", "b"), recodes=(None, {0: 1, 20: 2, 40: 3, 60: 4, 80: 5}))
    table = kind.compute(data, Population(), round="final")
    assert table["value"].tolist() == [3.5, 1.0, 2.25]
    assert table["denominator"].tolist() == [2, 1, 2]
    assert table["numerator"].tolist() == [7.0, 1.0, 4.5]
    assert kind.scale == "score" and kind.codes == {"survey": ("p", "b")}
    with pytest.raises(am.ValidationError):  # an answer off a recode is an error in the kind
        ElementScore(item="b", recodes=({0: 1},)).compute(data, Population())
    with pytest.raises(ValueError, match="one entry"):
        ElementScore(item=("p", "b"), recodes=(None,))
    with pytest.raises(ValueError):
        ElementScore(item=("p", "p"))
