"""evaluate_fidelity runs the six core elements on example data, round by round."""

import attrs
import numpy as np
import pytest

import activemeasures as am
from activemeasures.fidelity import compare_rounds, evaluate_fidelity
from activemeasures.testing import example_dataset, required_codes
from activemeasures_flereskalmed.elements import core_elements, load_item_map


@pytest.fixture(scope="module")
def programme():
    return attrs.evolve(
        am.Programme(
            name="flereskalmed",
            label="Flere skal med",
            design="visitation",
            participants=am.Population(groups=("1",)),
        ),
        core_elements=core_elements(),
    )


@pytest.fixture(scope="module")
def data(programme):
    return example_dataset(programme)


def test_example_data_contain_every_mapped_item(programme, data):
    items = set(load_item_map()["item"])
    assert set(required_codes(programme)["survey"]) == items
    assert items <= set(data.survey["item"])


@pytest.mark.parametrize("round_", ["baseline", "midterm", "final"])
def test_evaluate_fidelity_runs_for_each_round(programme, data, round_):
    report = evaluate_fidelity(data, programme, round=round_)
    frame = report.to_frame()
    assert set(frame["round"]) == {round_}
    assert set(frame["indicator"]) == {i.key for i in programme.indicators}
    assert set(frame["light"]) <= {"not rated", "no data"}
    national = frame[frame["unit"] == "national"].set_index("indicator")["value"]
    scores = national[~national.index.str.endswith(".high")]
    shares = national[national.index.str.endswith(".high")]
    assert scores.between(1, 5).all()
    assert shares.between(0, 1).all()
    assert report.ratings["level"].isna().all()  # scores are not traffic-lighted
    assert "KE1" in str(report)


def test_rounds_compare(programme, data):
    reports = [
        evaluate_fidelity(data, programme, round=r) for r in ("baseline", "midterm", "final")
    ]
    table = compare_rounds(reports)
    ke1 = table[(table["indicator"] == "KE1") & (table["unit"] == "national")]
    assert ke1["round"].tolist() == ["baseline", "midterm", "final"]
    assert np.isnan(ke1["change"].iloc[0])
    assert ke1["change"].iloc[2] == pytest.approx(ke1["value"].iloc[2] - ke1["value"].iloc[1])
