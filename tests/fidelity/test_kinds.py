"""What every built-in kind promises: the protocol, the table shape, no identifiers anywhere."""

from __future__ import annotations

import functools

import attrs
import numpy as np
import pandas as pd
import pytest

from activemeasures import ActiveMeasuresError, Dataset, MissingTableError, SpellRule
from activemeasures.fidelity import (
    INDICATOR_VALUE_COLUMNS,
    NATIONAL,
    Cadence,
    Contrast,
    EventWithin,
    IndicatorKind,
    Passivity,
    Population,
    SpellShare,
    SurveyMean,
    SurveyShare,
)
from activemeasures.fidelity import kinds as kinds_module

SECRET = "SECRET-ID-"
CITIZEN_IDS = [f"{SECRET}C{i}" for i in range(6)]
RESPONDENT_IDS = [f"{SECRET}R{i}" for i in range(4)]

KINDS = [
    EventWithin(event="conversation"),
    Cadence(event="conversation", every_days=30.4375, mode="rate"),
    Cadence(event="progression_tool", end_column="exit_date"),
    Passivity(),
    SpellShare(rule=SpellRule(min_weeks=2, max_gap=1), by_week=6, horizon=8),
    SpellShare(same_workplace=True, horizon=8),
    SurveyShare(item="q1"),
    SurveyMean(item=("q1", "q2"), recode={1: 1, 2: 2, 3: 3, 4: 4, 5: 5}),
    Contrast(of=EventWithin(event="conversation")),
]


def _frames():
    citizens = pd.DataFrame(
        {
            "citizen_id": CITIZEN_IDS,
            "municipality": [101, 101, 53, 53, 2, 2],  # codes: sorted as text 101, 2, 53
            "visitation_date": ["2016-03-01"] * 3 + ["2016-04-01"] * 3,
            "arm": ["treatment", "control"] * 3,
            "exit_date": [None, "2016-05-01", None, None, "2016-09-01", None],
        }
    )
    events = pd.DataFrame(
        {
            "citizen_id": CITIZEN_IDS[:4] * 2,
            "date": ["2016-03-10"] * 4 + ["2016-05-20"] * 4,
            "event": ["conversation", "progression_tool"] * 4,
        }
    )
    activities = pd.DataFrame(
        {
            "citizen_id": CITIZEN_IDS[:3] * 2,
            "activity": ["SNIFFING", "INTERNSHIP", "SNIFFING"] * 2,
            "start": ["2016-03-01"] * 3 + ["2016-04-20"] * 3,
            "end": ["2016-03-31"] * 3 + ["2016-05-31"] * 3,
            "workplace_id": ["W1", "W1", None] * 2,
        }
    )
    hours = pd.DataFrame(
        {
            "citizen_id": CITIZEN_IDS[1:3],
            "period_start": ["2016-03-01"] * 2,
            "period_end": ["2016-03-31"] * 2,
            "hours": [31.0, 0.0],
            "workplace_id": ["W1", None],
        }
    )
    survey = pd.DataFrame(
        {
            "respondent_id": RESPONDENT_IDS * 2,
            "municipality": [101, 101, 53, 2] * 2,
            "respondent": "staff",
            "round": "final",
            "item": ["q1"] * 4 + ["q2"] * 4,
            "value": [1, 3, 5, 4, 2, 2, 5, 1],
        }
    )
    return citizens, activities, hours, events, survey


def _dataset(**drop: bool) -> Dataset:
    return _cached_dataset(tuple(sorted(name for name, gone in drop.items() if gone)))


@functools.cache
def _cached_dataset(dropped: tuple[str, ...]) -> Dataset:
    # Datasets are frozen; building one (validation) is the slow part of these tests.
    drop = dict.fromkeys(dropped, True)
    citizens, activities, hours, events, survey = _frames()
    return Dataset.from_frames(
        citizens,
        None if drop.get("activities") else activities,
        None if drop.get("hours") else hours,
        events=None if drop.get("events") else events,
        survey=None if drop.get("survey") else survey,
        cutoff="2016-12-31",
    )


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: type(k).__name__)
def test_every_kind_keeps_the_protocol_and_the_table_shape(kind):
    assert isinstance(kind, IndicatorKind)
    assert attrs.has(type(kind))
    hash(kind)  # frozen and hashable: indicators holding it stay hashable
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        setattr(kind, attrs.fields(type(kind))[0].name, None)
    assert isinstance(kind.tables, tuple) and kind.tables
    assert all(isinstance(c, str) for codes in kind.codes.values() for c in codes)
    text = kind.describe()
    assert text and "\n" not in text and not text.endswith(".")

    frame = kind.compute(_dataset(), Population(arms="treatment"), round="final")
    assert tuple(frame.columns) == INDICATOR_VALUE_COLUMNS
    units = frame["unit"].tolist()
    assert units[-1] == NATIONAL
    assert units[:-1] == sorted(units[:-1]) and set(units[:-1]) <= {"101", "2", "53"}
    numerator, denominator, value = (
        frame[c].to_numpy(dtype=float) for c in ("numerator", "denominator", "value")
    )
    assert np.isnan(value[denominator == 0]).all()
    if not isinstance(kind, Contrast | SurveyMean):
        with np.errstate(invalid="ignore"):
            np.testing.assert_allclose(value, numerator / denominator)


def test_kinds_are_keyword_only():
    with pytest.raises(TypeError):
        EventWithin("conversation")  # type: ignore[misc]


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: type(k).__name__)
def test_each_needed_table_is_required_by_name(kind):
    needed = {"citizens", *kind.tables} - {"citizens"}
    if isinstance(kind, SpellShare):
        needed = set()  # works with the citizens table alone
        kind.compute(_dataset(activities=True, hours=True), Population())
    for table in needed:
        with pytest.raises(MissingTableError, match=f"{table} table") as info:
            kind.compute(_dataset(**{table: True}), Population())
        assert kind.describe() in str(info.value)


def _errors():
    """Every error the kinds raise on data, with the identifiers present in the data."""
    data = _dataset()
    yield from (
        lambda: EventWithin(event="x").compute(_dataset(events=True), Population()),
        lambda: Passivity().compute(_dataset(activities=True), Population()),
        lambda: SurveyShare(item="q1").compute(_dataset(survey=True), Population()),
        lambda: Cadence(event="x", end_column="no_such_column").compute(data, Population()),
        lambda: Cadence(event="x", end_column="arm").compute(data, Population()),
        lambda: SurveyMean(item="q1", recode={1: 1}).compute(data, Population()),
    )


def test_no_identifier_appears_in_any_description_error_or_output():
    for kind in KINDS:
        assert SECRET not in kind.describe()
        assert SECRET not in repr(kind)
        frame = kind.compute(_dataset(), Population(), round="final")
        assert not frame.astype(str).apply(lambda c: c.str.contains(SECRET)).any().any()
    raised = 0
    for call in _errors():
        with pytest.raises(ActiveMeasuresError) as info:
            call()
        assert SECRET not in str(info.value)
        raised += 1
    assert raised == 6


def test_the_subpackage_exports_every_kind():
    assert sorted(kinds_module.__all__) == [
        "Cadence",
        "Contrast",
        "EventWithin",
        "Passivity",
        "SpellShare",
        "SurveyMean",
        "SurveyShare",
    ]
