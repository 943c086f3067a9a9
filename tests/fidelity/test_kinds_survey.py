"""SurveyShare and SurveyMean against plain-Python references and hand-computed examples."""

from __future__ import annotations

import math
from statistics import fmean

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from activemeasures import Dataset, MissingTableError, ValidationError
from activemeasures.fidelity import Population, SurveyMean, SurveyShare

from ._kinds_data import MUNICIPALITIES, assert_table

ITEMS = ["a", "b", "c"]
ROUNDS = ["midterm", "final"]
CITIZENS = pd.DataFrame(
    {
        "citizen_id": ["c1"],
        "municipality": ["Aarhus"],
        "visitation_date": ["2016-03-01"],
        "arm": ["treatment"],
    }
)


@st.composite
def surveys(draw):
    """Rows ``(respondent_id, municipality, respondent, round, item, value)``."""
    people = draw(
        st.lists(
            st.tuples(st.sampled_from(MUNICIPALITIES), st.sampled_from(["staff", "citizen"])),
            max_size=12,
        )
    )
    rows = []
    if people:
        answers = draw(
            st.lists(
                st.tuples(
                    st.integers(0, len(people) - 1),
                    st.sampled_from(ROUNDS),
                    st.sampled_from(ITEMS),
                    st.integers(1, 5),
                ),
                max_size=40,
                unique_by=lambda r: r[:3],
            )
        )
        for who, round_, item, value in answers:
            municipality, kind = people[who]
            rows.append((f"r-{who:03d}", municipality, kind, round_, item, float(value)))
    return rows


def _dataset(rows):
    survey = pd.DataFrame(
        rows or None,
        columns=["respondent_id", "municipality", "respondent", "round", "item", "value"],
    ).astype({"value": float})
    return Dataset.from_frames(CITIZENS, survey=survey, cutoff="2016-12-31")


def _selected(rows, respondent, round_):
    return [r for r in rows if r[2] == respondent and (round_ is None or r[3] == round_)]


def survey_share_reference(rows, kind: SurveyShare, round_):
    chosen = _selected(rows, kind.respondent, round_)
    expected = []
    for unit in [*sorted({r[1] for r in chosen}), None]:
        answers = [r[5] for r in chosen if (unit is None or r[1] == unit) and r[4] in kind.item]
        hits = sum(1 for a in answers if a in kind.answers)
        value = hits / len(answers) if answers else math.nan
        expected.append((unit or "national", float(hits), len(answers), value))
    return expected


def _score(answers, items):
    """(value, denominator, numerator) of a list of (respondent_id, item, score)."""
    if len(items) == 1:
        scores = [s for _, _, s in answers]
        if not scores:
            return math.nan, 0, 0.0
        return fmean(scores), len(scores), float(sum(scores))
    item_means = [
        fmean([s for _, i, s in answers if i == item])
        for item in items
        if any(i == item for _, i, _ in answers)
    ]
    people = len({who for who, _, _ in answers})
    if not item_means:
        return math.nan, 0, 0.0
    value = fmean(item_means)
    return value, people, value * people


def survey_mean_reference(rows, kind: SurveyMean, round_):
    chosen = _selected(rows, kind.respondent, round_)
    recode = dict(kind.recode) if kind.recode is not None else None
    expected = []
    for unit in sorted({r[1] for r in chosen}):
        answers = [
            (r[0], r[4], recode[r[5]] if recode else r[5])
            for r in chosen
            if r[1] == unit and r[4] in kind.item
        ]
        value, den, num = _score(answers, kind.item)
        expected.append((unit, num, den, value))
    if kind.national == "pooled":
        answers = [
            (r[0], r[4], recode[r[5]] if recode else r[5]) for r in chosen if r[4] in kind.item
        ]
        value, den, num = _score(answers, kind.item)
    else:
        values = [v for _, _, _, v in expected if not math.isnan(v)]
        value = fmean(values) if values else math.nan
        den, num = len(values), float(sum(values))
    expected.append(("national", num, den, value))
    return expected


item_sets = st.sampled_from([("a",), ("b",), ("a", "b"), ("a", "b", "c")])
rounds = st.sampled_from([None, *ROUNDS])
respondents = st.sampled_from(["staff", "citizen"])
recodes = st.none() | st.lists(st.sampled_from([0.0, 1.0, 2.5, 5.0]), min_size=5, max_size=5).map(
    lambda scores: {float(k): s for k, s in zip(range(1, 6), scores, strict=True)}
)


@settings(max_examples=40)
@given(
    rows=surveys(),
    items=item_sets,
    answers=st.sampled_from([(3, 4, 5), (2, 3, 4, 5), (1,)]),
    respondent=respondents,
    round_=rounds,
    recode=recodes,
    national=st.sampled_from(["pooled", "municipality_mean"]),
)
def test_survey_kinds_match_the_plain_references(
    rows, items, answers, respondent, round_, recode, national
):
    data = _dataset(rows)
    everyone = Population()
    share = SurveyShare(item=items, answers=answers, respondent=respondent)
    assert_table(
        share.compute(data, everyone, round=round_),
        survey_share_reference(rows, share, round_),
    )
    mean = SurveyMean(item=items, respondent=respondent, recode=recode, national=national)
    assert_table(
        mean.compute(data, everyone, round=round_), survey_mean_reference(rows, mean, round_)
    )


def _hand_survey():
    # Round "final", staff in two municipalities; one citizen answer and one midterm answer
    # that must be ignored.
    rows = [
        ("s1", "A", "staff", "final", "q1", 5.0),
        ("s1", "A", "staff", "final", "q2", 1.0),
        ("s2", "A", "staff", "final", "q1", 2.0),
        ("s3", "B", "staff", "final", "q1", 4.0),
        ("s3", "B", "staff", "final", "q2", 4.0),
        ("s4", "B", "staff", "final", "q2", 3.0),
        ("s5", "C", "staff", "final", "other", 3.0),  # C answered, but not q1/q2
        ("s1", "A", "staff", "midterm", "q1", 1.0),
        ("b1", "A", "citizen", "final", "q1", 5.0),
    ]
    return _dataset(rows)


def test_survey_share_counts_answers_3_to_5_per_municipality():
    got = SurveyShare(item="q1").compute(_hand_survey(), Population(), round="final")
    # A: q1 answers 5, 2 -> 1/2; B: 4 -> 1/1; C: no q1 answer -> no data; national 2/3.
    assert_table(
        got,
        [
            ("A", 1.0, 2, 0.5),
            ("B", 1.0, 1, 1.0),
            ("C", 0.0, 0, math.nan),
            ("national", 2.0, 3, 2 / 3),
        ],
    )
    # Without a round both rounds are pooled: A gets the midterm 1 too -> 1/3.
    pooled = SurveyShare(item="q1").compute(_hand_survey(), Population())
    assert pooled["value"].iloc[0] == pytest.approx(1 / 3)


def test_survey_mean_multi_item_is_the_unweighted_mean_of_item_means():
    kind = SurveyMean(item=("q1", "q2"))
    got = kind.compute(_hand_survey(), Population(), round="final")
    # A: q1 mean (5 + 2) / 2 = 3.5, q2 mean 1 -> (3.5 + 1) / 2 = 2.25 from 2 respondents.
    # B: q1 mean 4, q2 mean (4 + 3) / 2 = 3.5 -> 3.75 from 2 respondents.
    # National pooled: q1 (5 + 2 + 4) / 3 = 11/3, q2 (1 + 4 + 3) / 3 = 8/3 -> 19/6, 4 people.
    assert_table(
        got,
        [
            ("A", 4.5, 2, 2.25),
            ("B", 7.5, 2, 3.75),
            ("C", 0.0, 0, math.nan),
            ("national", 4 * 19 / 6, 4, 19 / 6),
        ],
    )
    by_municipality = SurveyMean(item=("q1", "q2"), national="municipality_mean")
    national = by_municipality.compute(_hand_survey(), Population(), round="final").iloc[-1]
    # (2.25 + 3.75) / 2 = 3 over the 2 municipalities with a value (C has none).
    assert (national["numerator"], national["denominator"], national["value"]) == (6.0, 2, 3.0)


def test_survey_mean_single_item_and_recode():
    # Banded answers 1..5 (0-20 % ... 80-100 %) scored 10, 30, 50, 70, 90 (band midpoints).
    recode = {1: 10, 2: 30, 3: 50, 4: 70, 5: 90}
    kind = SurveyMean(item="q1", recode=recode)
    got = kind.compute(_hand_survey(), Population(), round="final")
    # A: 90 and 30 -> 120 / 2 = 60; B: 70; national (90 + 30 + 70) / 3.
    assert_table(
        got,
        [
            ("A", 120.0, 2, 60.0),
            ("B", 70.0, 1, 70.0),
            ("C", 0.0, 0, math.nan),
            ("national", 190.0, 3, 190 / 3),
        ],
    )
    assert "5→90" in kind.describe()


def test_unmapped_answers_are_an_error_naming_item_and_count():
    kind = SurveyMean(item=("q1", "q2"), recode={1: 1, 2: 2, 3: 3})
    with pytest.raises(ValidationError) as info:
        kind.compute(_hand_survey(), Population(), round="final")
    failures = info.value.failures
    # q1: answers 5 and 4 unmapped (2 rows); q2: answer 4 (1 row).
    assert failures["rule"].str.contains("item 'q1'").tolist() == [True, False]
    assert failures["n_rows"].tolist() == [2, 1]
    assert "s1" not in str(info.value) and "s3" not in str(info.value)


def test_survey_kinds_need_the_survey_table_and_check_parameters():
    data = Dataset.from_frames(CITIZENS, cutoff="2016-12-31")
    for kind in (SurveyShare(item="q1"), SurveyMean(item="q1")):
        with pytest.raises(MissingTableError, match="survey table"):
            kind.compute(data, Population())
        assert kind.codes == {"survey": ("q1",)}
    with pytest.raises(ValueError, match="respondent"):
        SurveyShare(item="q1", respondent="manager")
    with pytest.raises(ValueError, match="answers"):
        SurveyShare(item="q1", answers=())
    with pytest.raises(ValueError, match="national"):
        SurveyMean(item="q1", national="median")


def test_survey_kinds_are_hashable_and_compare_by_value():
    a = SurveyMean(item=("q1", "q2"), recode={1: 1.0, 2: 2.0})
    b = SurveyMean(item=["q1", "q2"], recode={2.0: 2, 1.0: 1})
    assert a == b and hash(a) == hash(b)
    assert dict(a.recode) == {1.0: 1.0, 2.0: 2.0}
    assert SurveyShare(item="q", answers=range(2, 11)).answers == tuple(map(float, range(2, 11)))
