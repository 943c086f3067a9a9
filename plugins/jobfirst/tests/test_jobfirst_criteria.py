"""JobFirst success criteria (SPEC.md §4.3, §4.5) and their kinds, against slow references."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from activemeasures import Dataset, SuccessCriterion, ValidationError
from activemeasures.fidelity import INDICATOR_VALUE_COLUMNS, NATIONAL, IndicatorKind, Population
from activemeasures.fidelity.kinds import Contrast, SpellShare
from activemeasures.testing import example_dataset
from activemeasures.testing import strategies as ams
from activemeasures.testing._checks import frame_failures
from activemeasures_jobfirst.constants import CRITERION_13W, CRITERION_13W_STATES
from activemeasures_jobfirst.criteria import (
    NOT_CONFIGURED,
    MeanHoursInWindow,
    ProgressionShare,
    success_criteria,
)

DAY = pd.Timedelta(days=1)


def weekly_hours_reference(data: Dataset, i: int, week: int) -> float | None:
    """Hours of citizen row *i* in *week*, from the hours table day by day; None if censored."""
    visit = data.citizens["visitation_date"].iloc[i]
    first = visit + (7 * (week - 1)) * DAY
    last = first + 6 * DAY
    if last > data.cutoff:
        return None
    total = 0.0
    cid = data.citizens["citizen_id"].iloc[i]
    mine = data.hours[data.hours["citizen_id"] == cid]
    for start, end, hours in zip(
        mine["period_start"], mine["period_end"], mine["hours"], strict=True
    ):
        days = (end - start).days + 1
        overlap = (min(last, end) - max(first, start)).days + 1
        if overlap > 0:
            total += hours / days * overlap
    return total


def grouped_reference(data, mask, contribution, counted):
    """{unit: (numerator, denominator)} with a national row, by plain loops."""
    out: dict[str, list[float]] = {NATIONAL: [0.0, 0]}
    for i in range(len(mask)):
        if not mask[i]:
            continue
        unit = str(data.citizens["municipality"].iloc[i])
        for key in (unit, NATIONAL):
            row = out.setdefault(key, [0.0, 0])
            if counted[i]:
                row[0] += contribution[i]
                row[1] += 1
    return out


def assert_matches(frame, expected):
    assert list(frame.columns) == list(INDICATOR_VALUE_COLUMNS)
    assert frame["unit"].iloc[-1] == NATIONAL
    assert sorted(frame["unit"].iloc[:-1]) == frame["unit"].iloc[:-1].tolist()
    assert set(frame["unit"]) == set(expected)
    for _, row in frame.iterrows():
        numerator, denominator = expected[row["unit"]]
        assert row["denominator"] == denominator
        assert row["numerator"] == pytest.approx(numerator, rel=1e-5, abs=1e-4)
        if denominator == 0:
            assert np.isnan(row["value"])
        else:
            assert row["value"] == pytest.approx(numerator / denominator, rel=1e-5, abs=1e-4)


# ------------------------------------------------------------------ MeanHoursInWindow


@settings(max_examples=15, deadline=None)
@given(
    ams.datasets(min_citizens=1, max_citizens=8, tables=("hours",)),
    st.integers(1, 60),
    st.integers(0, 12),
    st.sampled_from([("treatment",), ("control",), None]),
)
def test_mean_hours_in_window_matches_day_by_day_reference(data, first, length, arms):
    kind = MeanHoursInWindow(weeks=(first, first + length))
    population = Population(arms=arms)
    frame = kind.compute(data, population)
    mask = population.select(data.citizens)
    means, counted = [], []
    for i in range(len(mask)):  # slow reference: citizens, then weeks
        weekly = [weekly_hours_reference(data, i, w) for w in range(first, first + length + 1)]
        observed = [h for h in weekly if h is not None]
        counted.append(bool(observed))
        means.append(sum(observed) / len(observed) if observed else 0.0)
    assert_matches(frame, grouped_reference(data, mask, means, counted))
    assert frame_failures(frame, set(data.citizens["municipality"].astype(str))) == []


def window_data():
    """Two treatment and two control citizens with hours in weeks 52, 53, 78 and 79."""
    visit = pd.Timestamp("2016-01-04")
    citizens = pd.DataFrame(
        {
            "citizen_id": ["d1", "d2", "k1", "k2"],
            "municipality": ["A", "B", "A", "B"],
            "visitation_date": visit,
            "arm": ["treatment", "treatment", "control", "control"],
        }
    )

    def week(w):
        return visit + 7 * (w - 1) * DAY

    rows = [
        ("d1", 52, 100.0),  # before the window: ignored
        ("d1", 53, 26.0),  # first week of the window
        ("d1", 78, 26.0),  # last week of the window
        ("d1", 79, 100.0),  # after the window: ignored
        ("k1", 60, 13.0),
        ("k2", 70, 13.0),
    ]
    hours = pd.DataFrame(
        {
            "citizen_id": [r[0] for r in rows],
            "period_start": [week(r[1]) for r in rows],
            "period_end": [week(r[1]) + 6 * DAY for r in rows],
            "hours": [r[2] for r in rows],
        }
    )
    return Dataset.from_frames(citizens, hours=hours, cutoff="2018-12-31")


def test_window_edges_by_hand():
    data = window_data()
    frame = MeanHoursInWindow().compute(data, Population(arms="treatment")).set_index("unit")
    # d1: (26 + 26) / 26 weeks = 2.0; d2: 0. National (2 + 0) / 2 = 1.
    assert frame.loc["A", "value"] == pytest.approx(2.0)
    assert frame.loc["B", "value"] == 0.0
    assert frame.loc[NATIONAL, ["numerator", "denominator", "value"]].tolist() == [2.0, 2, 1.0]
    # K: (13/26 + 13/26) / 2 = 0.5, so D / K = 1.0 / 0.5 = 2.0: the criterion is just met.
    ratio = Contrast(of=MeanHoursInWindow(), ratio=True).compute(data, Population())
    assert ratio.set_index("unit").loc[NATIONAL, "value"] == pytest.approx(2.0)
    wage = {c.key: c for c in success_criteria()}["wage_hours_x2"]
    value = wage.kind.compute(data, wage.population).set_index("unit").loc[NATIONAL, "value"]
    assert value >= wage.target


def test_window_censoring_drops_unobserved_weeks_and_citizens():
    data = window_data()
    # Cut-off after week 54 of everybody: only weeks 53-54 observed. d1: 26 / 2 = 13.
    short = Dataset.from_frames(
        data.citizens, hours=data.hours, cutoff=pd.Timestamp("2016-01-04") + (7 * 54 - 1) * DAY
    )
    frame = MeanHoursInWindow().compute(short, Population(arms="treatment")).set_index("unit")
    assert frame.loc["A", "value"] == pytest.approx(13.0)
    # Nobody reaches week 53: every denominator is 0, values missing (not 0 hours).
    early = Dataset.from_frames(data.citizens, hours=data.hours, cutoff="2016-12-31")
    frame = MeanHoursInWindow().compute(early, Population())
    assert frame["denominator"].tolist() == [0, 0, 0] and frame["value"].isna().all()


def test_mean_hours_needs_the_hours_table_and_a_valid_window():
    citizens = window_data().citizens
    with pytest.raises(LookupError, match="hours"):
        MeanHoursInWindow().compute(
            Dataset.from_frames(citizens, cutoff="2018-12-31"), Population()
        )
    for bad in [(0, 5), (10, 5), (1,), "ab"]:
        with pytest.raises(ValueError):
            MeanHoursInWindow(weeks=bad)
    assert MeanHoursInWindow(weeks=[53, 78]).weeks == (53, 78)
    assert "weeks 53-78" in MeanHoursInWindow().describe()


# ------------------------------------------------------------------ ProgressionShare


def progression_data(values):
    n = len(values)
    citizens = pd.DataFrame(
        {
            "citizen_id": [f"c{i}" for i in range(n)],
            "municipality": ["A", "B"] * (n // 2) + ["A"] * (n % 2),
            "visitation_date": "2016-03-01",
            "arm": "treatment",
            "progressed": pd.Series(values, dtype=object),
        }
    )
    return Dataset.from_frames(citizens, cutoff="2016-12-31")


codes = st.sampled_from(["work", "health", "social", "other"])
cells = st.one_of(
    st.none(),
    st.lists(codes, max_size=3).map(lambda c: ", ".join(c)),
    st.lists(codes, max_size=3).map(lambda c: ";".join(c)),
    st.lists(codes, max_size=3),
)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(cells, min_size=1, max_size=12),
    st.lists(codes, min_size=1, max_size=3),
    st.sampled_from(["any", "all"]),
    st.booleans(),
)
def test_progression_share_matches_a_loop(values, selected, require, count_missing):
    data = progression_data(values)
    kind = ProgressionShare(
        column="progressed", categories=selected, require=require, count_missing=count_missing
    )
    frame = kind.compute(data, Population())
    success, counted = [], []
    for value in values:  # slow reference
        if value is None:
            found = set()
        elif isinstance(value, list):
            found = set(value)
        else:
            found = {part.strip() for part in value.replace(";", ",").split(",")}
        hits = found & set(selected)
        ok = bool(hits) if require == "any" else hits == set(selected)
        success.append(1.0 if ok else 0.0)
        counted.append(count_missing or value is not None)
    mask = np.ones(len(values), dtype=bool)
    assert_matches(frame, grouped_reference(data, mask, success, counted))


def test_progression_not_configured_is_not_computable():
    data = progression_data(["work", None, ""])
    for kind in [
        ProgressionShare(),
        ProgressionShare(column="progressed"),
        ProgressionShare(categories="work"),
    ]:
        frame = kind.compute(data, Population())
        assert frame["unit"].tolist() == ["A", "B", NATIONAL]
        assert frame["denominator"].tolist() == [0, 0, 0]
        assert frame["value"].isna().all()
        assert kind.describe() == NOT_CONFIGURED
        assert kind.codes == {}
    assert "A-44" in NOT_CONFIGURED
    configured = ProgressionShare(column="progressed", categories=("work",))
    assert configured.codes == {"citizens": ("progressed",)}
    assert "'work'" in configured.describe()


def test_progression_missing_column_and_bad_parameters():
    data = progression_data(["work"])
    with pytest.raises(ValidationError, match="nonexistent"):
        ProgressionShare(column="nonexistent", categories=("work",)).compute(data, Population())
    with pytest.raises(ValueError):
        ProgressionShare(column=" ", categories=("work",))
    with pytest.raises(ValueError):
        ProgressionShare(column="progressed", categories=("",))
    with pytest.raises(ValueError):
        ProgressionShare(column="progressed", categories=("work",), require="most")


# ------------------------------------------------------------------ success_criteria()


def test_success_criteria_keys_targets_and_citations():
    criteria = success_criteria()
    assert [c.key for c in criteria] == [
        "criterion_13w",
        "criterion_13w_same_workplace",
        "wage_hours_x2",
        "progression_75",
    ]
    assert [c.target for c in criteria] == [None, None, 2.0, 0.75]
    for criterion in criteria:
        assert isinstance(criterion, SuccessCriterion)
        assert isinstance(criterion.kind, IndicatorKind)
        assert criterion.citation.startswith("(") and criterion.description
    spell, same, wage, progression = (c.kind for c in criteria)
    assert spell == SpellShare(rule=CRITERION_13W, states=CRITERION_13W_STATES, horizon=78)
    assert same.same_workplace and same.rule == CRITERION_13W
    assert wage == Contrast(of=MeanHoursInWindow(weeks=(53, 78)), ratio=True)
    assert progression.describe() == NOT_CONFIGURED


def test_success_criteria_are_configurable():
    criteria = success_criteria(
        post_weeks=(27, 52), progression_column="progressed", progression_categories=("work",)
    )
    by_key = {c.key: c for c in criteria}
    assert by_key["wage_hours_x2"].kind.of.weeks == (27, 52)
    assert "27-52" in by_key["wage_hours_x2"].description
    assert by_key["progression_75"].kind.categories == ("work",)


def test_success_criteria_compute_valid_tables_on_example_data():
    data = example_dataset(n_citizens=80)
    units = set(data.citizens["municipality"].astype(str))
    participants = Population(arms=("treatment",))
    for criterion in success_criteria():
        frame = criterion.kind.compute(data, criterion.population or participants)
        assert frame_failures(frame, units) == []
        again = criterion.kind.compute(data, criterion.population or participants)
        pd.testing.assert_frame_equal(frame, again)
