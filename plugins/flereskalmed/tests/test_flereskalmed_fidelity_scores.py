"""fidelity_scores against a slow, loop-by-loop reference of SPEC.md §6.4."""

import math
from collections import defaultdict

import attrs
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import activemeasures as am
from activemeasures.fidelity import evaluate_fidelity
from activemeasures.testing import example_dataset
from activemeasures_flereskalmed.elements import core_elements, load_item_map
from activemeasures_flereskalmed.fidelity_scores import COMBINED, fidelity_scores

ITEMS = pd.DataFrame(
    {
        "item": ["g1", "g2", "band", "b1", "n1"],
        "element": [
            "own_job_goal",
            "own_job_goal",
            "own_job_goal",
            "personal_job_broker",
            "follow_up_progression",
        ],
        "label": ["a", "b", "c", "d", "e"],
        "scale": ["1-5", "1-5", "0;20;40;60;80", "1-5", "1-5"],
        "banded": ["false", "false", "true", "false", "false"],
        "citation": ["(test)"] * 5,
    }
)
CODES = {
    "g1": [1, 2, 3, 4, 5],
    "g2": [1, 2, 3, 4, 5],
    "band": [0, 20, 40, 60, 80],
    "b1": [1, 2, 3, 4, 5],
    "n1": [1, 2, 3, 4, 5],
}
ELEMENT_OF = dict(zip(ITEMS["item"], ITEMS["element"], strict=True))
ROUNDS = ("baseline", "midterm", "final")


def dataset(rows):
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


# ----------------------------------------------------------------------- slow reference


def quantile(values, q):
    """Linear interpolation between order statistics (numpy's default), by hand."""
    v = sorted(values)
    h = (len(v) - 1) * q
    lo = math.floor(h)
    return v[lo] + (h - lo) * (v[min(lo + 1, len(v) - 1)] - v[lo])


def slow_scores(rows, weights=None):
    answers = defaultdict(list)
    people = defaultdict(set)
    excluded = 0
    for rid, m, who, rnd, item, value in rows:
        if who != "staff" or item not in CODES:
            continue
        if rnd not in ROUNDS or value not in CODES[item]:
            excluded += 1
            continue
        answers[(m, rnd, item)].append(CODES[item].index(value) + 1)
        people[(m, rnd, ELEMENT_OF[item])].add(rid)
    item_mean = {key: sum(v) / len(v) for key, v in answers.items()}
    by_element = defaultdict(list)
    for (m, rnd, item), mean in item_mean.items():
        by_element[(m, rnd, ELEMENT_OF[item])].append(mean)
    element = {key: sum(v) / len(v) for key, v in by_element.items()}
    combined_parts = defaultdict(list)
    for (m, rnd, e), s in element.items():
        w = 1.0 if weights is None else weights.get(e, 0.0)
        if w > 0:
            combined_parts[(m, rnd)].append((w, s))
    combined = {
        key: sum(w * s for w, s in parts) / sum(w for w, _ in parts)
        for key, parts in combined_parts.items()
    }
    return element, combined, excluded, people, item_mean


survey_rows = st.lists(
    st.tuples(
        st.integers(0, 7),  # respondent
        st.sampled_from(["baseline", "midterm", "final", "pilot"]),
        st.sampled_from(["g1", "g2", "band", "b1", "n1", "other"]),
        st.sampled_from([0, 1, 2, 3, 4, 5, 7, 20, 40, 60, 80]),
    ),
    min_size=1,
    max_size=60,
    unique_by=lambda t: (t[0], t[1], t[2]),
)


def expand(raw, homes):
    """Respondent r lives in municipality homes[r]; respondents 6 and 7 are citizens."""
    return [
        (r, homes[r], "citizen" if r >= 6 else "staff", rnd, item, value)
        for r, rnd, item, value in raw
    ]


@settings(max_examples=15, deadline=None)
@given(
    raw=survey_rows,
    homes=st.lists(st.sampled_from("ABC"), min_size=8, max_size=8),
    weighted=st.booleans(),
)
def test_scores_match_the_slow_reference(raw, homes, weighted):
    rows = expand(raw, homes)
    weights = {"own_job_goal": 2.0, "personal_job_broker": 1.0} if weighted else None
    element, combined, excluded, people, item_mean = slow_scores(rows, weights)
    result = fidelity_scores(dataset(rows), item_map=ITEMS, weights=weights)
    frame = result.to_frame()

    got = {
        (r.municipality, r.round, r.element): r.score
        for r in frame.itertuples()
        if r.element != COMBINED
    }
    assert got.keys() == element.keys()
    for key, value in element.items():
        assert got[key] == pytest.approx(value)
    got_people = {
        (r.municipality, r.round, r.element): r.n_respondents
        for r in frame.itertuples()
        if r.element != COMBINED
    }
    assert got_people == {key: len(v) for key, v in people.items()}
    got_combined = {
        (r.municipality, r.round): r.score
        for r in frame.itertuples()
        if r.element == COMBINED and np.isfinite(r.score)
    }
    assert got_combined.keys() == combined.keys()
    for key, value in combined.items():
        assert got_combined[key] == pytest.approx(value)
    assert result.quality.excluded() == excluded

    items = {(r.municipality, r.round, r.item): r.score for r in result.item_scores.itertuples()}
    assert items == pytest.approx(item_mean)

    # Medians, quartiles, range and the count of municipalities >= 4, per element x round.
    all_scores = {**element, **{(m, rnd, COMBINED): s for (m, rnd), s in combined.items()}}
    for row in result.summary.itertuples():
        values = [
            s for (m, rnd, e), s in all_scores.items() if e == row.element and rnd == row.round
        ]
        assert row.n_municipalities == len(values)
        if not values:  # e.g. a combined score with weight only on unanswered elements
            assert np.isnan(row.median) and row.n_high == 0 and np.isnan(row.share_high)
            continue
        assert row.median == pytest.approx(quantile(values, 0.5))
        assert row.p25 == pytest.approx(quantile(values, 0.25))
        assert row.p75 == pytest.approx(quantile(values, 0.75))
        assert (row.min, row.max) == pytest.approx((min(values), max(values)))
        assert row.n_high == sum(v >= 4 for v in values)
        assert row.share_high == pytest.approx(row.n_high / len(values))

    # Change between rounds.
    for row in result.change.itertuples():
        before = all_scores.get((row.municipality, row.from_round, row.element), np.nan)
        after = all_scores.get((row.municipality, row.to_round, row.element), np.nan)
        expected = after - before
        assert (np.isnan(expected) and np.isnan(row.change)) or row.change == pytest.approx(
            expected
        )

    # Readiness: below the baseline median, at or above the final median.
    base = {m: s for (m, rnd), s in combined.items() if rnd == "baseline"}
    final = {m: s for (m, rnd), s in combined.items() if rnd == "final"}
    both = sorted(set(base) & set(final))
    assert result.readiness["municipality"].tolist() == both
    if both:
        mb, mf = quantile(list(base.values()), 0.5), quantile(list(final.values()), 0.5)
        moved = [base[m] < mb and final[m] >= mf for m in both]
        assert result.readiness["moved"].tolist() == moved
        assert result.n_moved == sum(moved)


def test_hand_computed_example_with_banded_item_and_readiness():
    # Baseline: A g1 (2, 4) -> 3, band coded 20 -> 2: KE1 = 2.5; b1 = 1 -> KE2 1; combined 1.75.
    #           B g1 5 -> KE1 5; b1 4 -> KE2 4; combined 4.5. Baseline median (1.75, 4.5) 3.125.
    # Final:    A g1 4 -> KE1 4, b1 4 -> KE2 4, combined 4;  B g1 3, b1 2 -> combined 2.5.
    #           Final median 3.25; A: 1.75 < 3.125 and 4 >= 3.25 -> moved; B not.
    rows = [
        (1, "A", "staff", "baseline", "g1", 2),
        (2, "A", "staff", "baseline", "g1", 4),
        (1, "A", "staff", "baseline", "band", 20),
        (1, "A", "staff", "baseline", "b1", 1),
        (3, "B", "staff", "baseline", "g1", 5),
        (3, "B", "staff", "baseline", "b1", 4),
        (1, "A", "staff", "final", "g1", 4),
        (1, "A", "staff", "final", "b1", 4),
        (3, "B", "staff", "final", "g1", 3),
        (3, "B", "staff", "final", "b1", 2),
        (3, "B", "staff", "final", "band", 3),  # 3 is not a band code: excluded
    ]
    result = fidelity_scores(dataset(rows), item_map=ITEMS)
    wide = result.scores()
    assert wide.loc["A"].tolist()[0] == 1.75 and wide.loc["B", "baseline"] == 4.5
    assert wide.loc["A", "final"] == 4.0 and wide.loc["B", "final"] == 2.5
    assert result.readiness["moved"].tolist() == [True, False]
    assert result.readiness["from_median"].iloc[0] == 3.125
    assert result.quality.excluded() == 1
    assert "answer not on the scale of item 'band'" in result.quality.to_frame()["rule"].iloc[1]
    assert result.elements == ("own_job_goal", "personal_job_broker", "follow_up_progression")
    change = result.change.query("municipality == 'A' and element == 'combined'")
    assert change[["from_round", "to_round"]].to_numpy().tolist() == [
        ["baseline", "midterm"],
        ["midterm", "final"],
        ["baseline", "final"],
    ]
    assert change["change"].iloc[2] == pytest.approx(2.25)
    # Weights: KE1 only -> combined = KE1 score.
    only_ke1 = fidelity_scores(dataset(rows), item_map=ITEMS, weights={"own_job_goal": 1})
    assert only_ke1.scores().loc["A", "baseline"] == 2.5
    text = str(result)
    assert "KE1" in text and "1 of 2 municipalities moved" in text
    assert "excluded" in text
    assert "<table" in result._repr_html_()


def test_parameters_are_checked():
    data = dataset([(1, "A", "staff", "final", "g1", 3)])
    with pytest.raises(ValueError, match="unknown core elements"):
        fidelity_scores(data, item_map=ITEMS, weights={"nope": 1})
    with pytest.raises(ValueError, match="no positive weight"):
        fidelity_scores(data, item_map=ITEMS, weights={"resource_focus": 1})
    with pytest.raises(ValueError, match="readiness_rounds"):
        fidelity_scores(data, item_map=ITEMS, readiness_rounds=("baseline", "later"))
    with pytest.raises(ValueError, match="readiness_element"):
        fidelity_scores(data, item_map=ITEMS, readiness_element="resource_focus")
    with pytest.raises(am.MissingTableError):
        fidelity_scores(
            am.Dataset.from_frames(
                pd.DataFrame(
                    {
                        "citizen_id": [1],
                        "municipality": ["A"],
                        "visitation_date": ["2018-01-31"],
                        "group": ["1"],
                    }
                ),
                cutoff="2019-01-01",
            )
        )


def test_readiness_on_one_element_and_two_rounds():
    rows = [
        (1, "A", "staff", "baseline", "b1", 1),
        (2, "B", "staff", "baseline", "b1", 5),
        (1, "A", "staff", "midterm", "b1", 5),
        (2, "B", "staff", "midterm", "b1", 1),
    ]
    result = fidelity_scores(
        dataset(rows),
        item_map=ITEMS,
        readiness_element="personal_job_broker",
        readiness_rounds=("baseline", "midterm"),
    )
    # Baseline median 3, midterm median 3: A 1 < 3 and 5 >= 3 -> moved.
    assert result.readiness["moved"].tolist() == [True, False]
    # Ending exactly on the median counts ("at or above", SPEC.md §11 A-38): baseline A 1,
    # B 3, C 5 (median 3); final A 3, B 5, C 1 (median 3): A moved (1 < 3, 3 >= 3).
    rows = [
        (1, "A", "staff", "baseline", "b1", 1),
        (2, "B", "staff", "baseline", "b1", 3),
        (3, "C", "staff", "baseline", "b1", 5),
        (1, "A", "staff", "final", "b1", 3),
        (2, "B", "staff", "final", "b1", 5),
        (3, "C", "staff", "final", "b1", 1),
    ]
    result = fidelity_scores(dataset(rows), item_map=ITEMS)
    assert result.readiness["moved"].tolist() == [True, False, False]
    assert result.readiness["to_median"].iloc[0] == 3.0


def test_shipped_map_element_scores_equal_the_element_score_indicators_of_the_report():
    """Two independent routes to the same number: the vectorised fidelity_scores and the
    ElementScore kinds run by evaluate_fidelity (example data have only answers 1-5)."""
    programme = attrs.evolve(
        am.Programme(
            name="flereskalmed",
            label="Flere skal med",
            design="visitation",
            participants=am.Population(groups=("1",)),
        ),
        core_elements=core_elements(),
    )
    data = example_dataset(programme, n_municipalities=5, seed=3)
    scores = fidelity_scores(data)
    assert scores.quality.excluded() == 0
    numbers = {e.key: e.number for e in core_elements()}
    for round_ in ("baseline", "midterm", "final"):
        report = evaluate_fidelity(data, programme, round=round_).to_frame()
        for element in scores.elements:
            ours = scores.scores(element)[round_]
            theirs = report[
                (report["indicator"] == f"KE{numbers[element]}") & (report["unit"] != "national")
            ].set_index("unit")["value"]
            assert ours.to_dict() == pytest.approx(theirs.to_dict())
            national = report[
                (report["indicator"] == f"KE{numbers[element]}") & (report["unit"] == "national")
            ]["value"].iloc[0]
            assert national == pytest.approx(ours.mean())  # the mean of municipal means
        # The share-high indicators agree with the item summary's counts.
        for item in load_item_map()["item"]:
            row = report[
                report["indicator"].str.endswith(f".{item}.high") & (report["unit"] == "national")
            ].iloc[0]
            summary = scores.item_summary.query("element == @item and round == @round_").iloc[0]
            assert row["numerator"] == summary["n_high"]
            assert row["denominator"] == summary["n_municipalities"]


def test_plot_draws_one_box_per_element_and_round():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = example_dataset(n_municipalities=4, seed=1)
    survey = data.survey.copy()
    items = load_item_map()["item"].tolist()
    survey["item"] = [items[i % len(items)] for i in range(len(survey))]
    survey = survey.drop_duplicates(["respondent_id", "round", "item"])
    data = am.Dataset.from_frames(data.citizens, survey=survey, cutoff="2017-12-31")
    result = fidelity_scores(data)
    ax = result.plot()
    n_boxes = len(ax.patches)
    assert n_boxes == len(result.summary.query("n_municipalities > 0"))
    assert "median" in ax.get_title()
    plt.close(ax.figure)
