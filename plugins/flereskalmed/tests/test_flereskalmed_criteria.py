"""'Flere skal med' success criteria and their kinds (SPEC.md §4.7, A-32), against loops."""

from __future__ import annotations

import datetime
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import activemeasures as am
from activemeasures.fidelity import INDICATOR_VALUE_COLUMNS, NATIONAL, IndicatorKind, Population
from activemeasures.testing import check_plugin, example_dataset
from activemeasures_flereskalmed.criteria import success_criteria
from activemeasures_flereskalmed.kinds import EverShare, VisitationShare, WindowShare
from activemeasures_flereskalmed.outcomes import EnterpriseCourseEtc
from activemeasures_flereskalmed.visitation import deduplicate_visitations

ACTIVITIES = ["INTERNSHIP", "EDUCATION", "MENTOR", "FLEX_JOB", "PUBLIC_BENEFIT"]
DAY0 = datetime.date(2018, 1, 1)


@st.composite
def datasets(draw):
    """A few citizens, activities and visitation records from one random seed."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(1, 12))
    visit = [DAY0 + datetime.timedelta(days=int(d)) for d in rng.integers(0, 200, n)]
    citizens = pd.DataFrame(
        {
            "citizen_id": [f"P{i:09d}" for i in range(n)],
            "municipality": rng.choice(["M1", "M2", "M3"], n),
            "visitation_date": pd.to_datetime(visit),
            "group": rng.choice(["1", "2"], n),
        }
    )
    m = int(rng.integers(0, 3 * n + 1))
    owner = rng.integers(0, n, m)
    start = [
        visit[o] + datetime.timedelta(days=int(d))
        for o, d in zip(owner, rng.integers(-20, 400, m), strict=True)
    ]
    activities = pd.DataFrame(
        {
            "citizen_id": citizens["citizen_id"].to_numpy()[owner],
            "activity": rng.choice(ACTIVITIES, m),
            "start": pd.to_datetime(start),
            "end": pd.to_datetime(start) + pd.to_timedelta(rng.integers(0, 40, m), unit="D"),
        }
    )
    k = int(rng.integers(0, 2 * n + 1))
    who = rng.integers(0, n, k)
    vstart = pd.Timestamp("2018-01-31") + pd.to_timedelta(rng.integers(-60, 60, k), unit="D")
    visitations = pd.DataFrame(
        {
            "citizen_id": citizens["citizen_id"].to_numpy()[who],
            "group": rng.choice(np.array([1, 2, 3, 6, 9], dtype=object), k),
            "start": vstart,
            "end": vstart + pd.to_timedelta(rng.integers(-5, 100, k), unit="D"),
        }
    )
    cutoff = DAY0 + datetime.timedelta(days=int(rng.integers(60, 600)))
    return am.Dataset.from_frames(citizens, activities, visitations=visitations, cutoff=cutoff)


def per_unit(dataset, population, per_citizen):
    """Reference table from per-citizen (numerator, in denominator) pairs, plain Python."""
    citizens = dataset.citizens
    mask = population.select(citizens)
    sums: dict = {}
    for i in range(len(citizens)):
        if not mask[i]:
            continue
        y, d = per_citizen(i)
        for unit in (str(citizens["municipality"].iloc[i]), NATIONAL):
            num, den = sums.get(unit, (0.0, 0))
            sums[unit] = (num + (y if d else 0.0), den + int(d))
    units = [*sorted(u for u in sums if u != NATIONAL), NATIONAL]
    sums.setdefault(NATIONAL, (0.0, 0))
    return [(u, *sums[u]) for u in units]


def assert_table(got, expected):
    assert tuple(got.columns) == INDICATOR_VALUE_COLUMNS
    assert got["unit"].tolist() == [e[0] for e in expected]
    assert got["numerator"].tolist() == [e[1] for e in expected]
    assert got["denominator"].tolist() == [e[2] for e in expected]
    for value, (_, num, den) in zip(got["value"], expected, strict=True):
        assert math.isnan(value) if den == 0 else value == pytest.approx(num / den)


# ------------------------------------------------------------------ references and properties


def month_add(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def reference_windows(data, population, kind):
    """Every window's (unit, start, numerator, denominator) by loops over citizens and days."""
    citizens = data.citizens
    visit = [d.date() for d in citizens["visitation_date"]]
    mask = population.select(citizens)
    if not mask.any():
        return [], []
    first = min(v for v, m in zip(visit, mask, strict=True) if m).replace(day=1)
    if kind.windows == "calendar":
        first = first.replace(month=(first.month - 1) // kind.months * kind.months + 1)
    step = 1 if kind.windows == "rolling" else kind.months
    cutoff = data.cutoff.date()
    starts = []
    a = first
    while month_add(a, kind.months) - datetime.timedelta(days=1) <= cutoff:
        starts.append(a)
        a = month_add(a, step)
    panel = data.panel(kind.horizon)
    active = kind.outcome.values(panel) > 0
    rows = []
    for a in starts:
        b = month_add(a, kind.months) - datetime.timedelta(days=1)

        def in_window(i, a=a, b=b):
            if visit[i] > a:
                return 0.0, False
            # Weeks since visitation (0-based) holding any day of the window.
            days = ((a + datetime.timedelta(days=k)) for k in range((b - a).days + 1))
            weeks = {(day - visit[i]).days // 7 for day in days}
            usable = min(int(panel.observed_weeks[i]), kind.horizon)
            if max(weeks) >= usable:
                return 0.0, False
            return float(any(active[i, w] for w in weeks)), True

        rows += [(u, a, n, d) for u, n, d in per_unit(data, population, in_window)]
    units = list(dict.fromkeys(r[0] for r in rows))
    rows.sort(key=lambda r: (units.index(r[0]), starts.index(r[1])))
    return starts, rows


def reference_select(starts, rows, select):
    chosen = []
    for unit in dict.fromkeys(r[0] for r in rows):
        mine = [r for r in rows if r[0] == unit and r[3] > 0]
        if not mine:
            chosen.append((unit, 0.0, 0))
            continue
        if select == "best":
            best = max(r[2] / r[3] for r in mine)
            pick = next(r for r in mine if r[2] / r[3] == best)
        else:
            pick = mine[-1]
        chosen.append((unit, pick[2], pick[3]))
    return chosen


# One dataset per example serves the three kinds (building a Dataset is the costly part).
@settings(max_examples=20, deadline=None)
@given(
    data=datasets(),
    windows=st.sampled_from(["rolling", "calendar"]),
    select=st.sampled_from(["best", "latest"]),
    horizon=st.sampled_from([20, 60]),
)
def test_the_kinds_equal_per_citizen_loops(data, windows, select, horizon):
    population = Population(groups=("1",))

    # Window share: every window, then the selected one.
    kind = WindowShare(windows=windows, select=select, horizon=horizon)
    starts, rows = reference_windows(data, population, kind)
    table = kind.window_values(data, population)
    assert len(table) == len(rows)
    if rows:
        assert table["unit"].tolist() == [r[0] for r in rows]
        assert [d.date() for d in table["window_start"]] == [r[1] for r in rows]
        assert table["numerator"].tolist() == [r[2] for r in rows]
        assert table["denominator"].tolist() == [r[3] for r in rows]
        assert_table(kind.compute(data, population), reference_select(starts, rows, select))
    else:
        assert kind.compute(data, population)["denominator"].sum() == 0

    # Cumulative share.
    panel = data.panel(horizon)
    active = EnterpriseCourseEtc().values(panel) > 0

    def ever(i):
        weeks = range(min(int(panel.observed_weeks[i]), horizon))
        return float(any(active[i, w] for w in weeks)), panel.observed_weeks[i] > 0

    got = EverShare(horizon=horizon).compute(data, population)
    assert_table(got, per_unit(data, population, ever))

    # Visitation as planned, on everybody: the rule applied one citizen at a time.
    ids = data.citizens["citizen_id"]

    def visited(i):
        mine = data.visitations[data.visitations["citizen_id"] == ids.iloc[i]]
        resolved = deduplicate_visitations(mine).table
        return float(len(resolved) == 1 and int(resolved["group"].iloc[0]) in (1, 2, 3)), True

    got = VisitationShare().compute(data, Population())
    assert_table(got, per_unit(data, Population(), visited))


def test_window_share_hand_example_calendar_quarters():
    # Citizens A (visited 2018-01-01) and B (visited 2018-02-01); A in an internship in
    # February, B in May; data to 2018-07-08. Q1 2018 counts only A (B was visited after
    # 1 January): 1/1. Q2 counts A and B, B is in: 1/2. Best = Q1 (100 %), latest = Q2.
    citizens = pd.DataFrame(
        {
            "citizen_id": ["a", "b"],
            "municipality": ["M", "M"],
            "visitation_date": ["2018-01-01", "2018-02-01"],
            "group": ["1", "1"],
        }
    )
    activities = pd.DataFrame(
        {
            "citizen_id": ["a", "b"],
            "activity": ["INTERNSHIP", "INTERNSHIP"],
            "start": ["2018-02-05", "2018-05-10"],
            "end": ["2018-02-06", "2018-05-11"],
        }
    )
    data = am.Dataset.from_frames(citizens, activities, cutoff="2018-07-08")
    best = WindowShare(windows="calendar", horizon=40).compute(data, Population())
    assert best["numerator"].tolist() == [1.0, 1.0] and best["denominator"].tolist() == [1, 1]
    latest = WindowShare(windows="calendar", select="latest", horizon=40)
    assert latest.compute(data, Population())["value"].tolist() == [0.5, 0.5]


# ------------------------------------------------------------------ the criteria


def test_success_criteria_declare_targets_citations_and_populations():
    criteria = {c.key: c for c in success_criteria()}
    assert list(criteria) == [
        "visitation_as_planned",
        "enterprise_course_etc_rolling",
        "enterprise_course_etc_quarter",
        "enterprise_course_etc_cumulative",
    ]
    assert criteria["enterprise_course_etc_rolling"].target == 0.40  # (003, L130-132)
    assert criteria["enterprise_course_etc_quarter"].kind.windows == "calendar"
    assert criteria["visitation_as_planned"].target is None
    assert criteria["visitation_as_planned"].population == Population()
    for c in criteria.values():
        assert isinstance(c.kind, IndicatorKind)
        assert c.citation.startswith("(003, L")
        assert c.kind.describe()
    for key in ("enterprise_course_etc_rolling", "enterprise_course_etc_cumulative"):
        assert criteria[key].population == Population(groups=("1",))


def test_the_wired_hooks_pass_the_plugin_contract():
    """The functions the lead wires into hooks, in a module of their own, pass the contract."""
    import types

    import activemeasures_flereskalmed as fsm
    from activemeasures_flereskalmed.outcomes import outcomes
    from activemeasures_flereskalmed.visitation import resolve

    module = types.ModuleType("fsm_part_a")

    def register_programmes():
        return fsm.register_programmes()

    def register_visitation_groups(programme):
        return fsm.register_visitation_groups(programme)

    def register_success_criteria(programme):
        return success_criteria() if programme == "flereskalmed" else []

    def register_outcomes(programme):
        return outcomes() if programme == "flereskalmed" else []

    def resolve_visitations(programme, records):
        return resolve(programme, records)

    for function in (
        register_programmes,
        register_visitation_groups,
        register_success_criteria,
        register_outcomes,
        resolve_visitations,
    ):
        setattr(module, function.__name__, am.hookimpl(function))
    check_plugin(module)


def test_kinds_refuse_bad_parameters():
    with pytest.raises(ValueError, match="months dividing 12"):
        WindowShare(windows="calendar", months=5)
    with pytest.raises(ValueError, match="select"):
        WindowShare(select="median")
    with pytest.raises(ValueError, match="windows"):
        WindowShare(windows="weekly")
    with pytest.raises(TypeError, match="weekly outcome"):
        EverShare(outcome="internship")
    with pytest.raises(ValueError, match="groups"):
        VisitationShare(groups=(4,))
    data = example_dataset(n_citizens=20, n_municipalities=2)
    with pytest.raises(am.MissingTableError):
        VisitationShare().compute(
            am.Dataset.from_frames(data.citizens, cutoff=data.cutoff), Population()
        )
