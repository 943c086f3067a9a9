"""Contrast: treatment − control difference or ratio of another kind."""

from __future__ import annotations

import math

import attrs
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from activemeasures import Dataset, MissingTableError
from activemeasures.fidelity import Contrast, EventWithin, IndicatorKind, Population

from ._kinds_data import assert_table, tables
from .test_kinds_events import event_within_reference


def contrast_reference(treated, control, ratio):
    """Combine two lists of expected rows unit by unit, in plain Python."""
    d = {row[0]: row for row in treated}
    k = {row[0]: row for row in control}
    units = [*sorted((set(d) | set(k)) - {"national"}), "national"]
    rows = []
    for unit in units:
        dv = d[unit][3] if unit in d else math.nan
        kv = k[unit][3] if unit in k else math.nan
        if math.isnan(dv) or math.isnan(kv):
            value = math.nan
        elif ratio:
            value = dv / kv if kv != 0 else math.nan
        else:
            value = dv - kv
        den = (d[unit][2] if unit in d else 0) + (k[unit][2] if unit in k else 0)
        rows.append((unit, math.nan, den, value))
    return rows


@settings(max_examples=25)
@given(t=tables(), days=st.integers(0, 60), ratio=st.booleans())
def test_contrast_matches_the_reference_of_each_arm(t, days, ratio):
    of = EventWithin(event="conversation", days=days)
    kind = Contrast(of=of, ratio=ratio)
    got = kind.compute(t.dataset(activities=False), Population(arms="treatment"))
    expected = contrast_reference(
        event_within_reference(t, ("conversation",), days, True, ("treatment",)),
        event_within_reference(t, ("conversation",), days, True, ("control",)),
        ratio,
    )
    assert_table(got, expected)


@attrs.frozen
class Fixed:
    """A kind whose values per arm are given (to test the union of units and the ratio)."""

    values: dict = attrs.field(hash=False)
    tables: tuple[str, ...] = ("citizens",)

    def compute(self, dataset, population, *, round=None):
        rows = self.values[population.arms[0]]
        return pd.DataFrame(rows, columns=["unit", "numerator", "denominator", "value"])

    def describe(self):
        return "a fixed share"


def _dataset():
    citizens = pd.DataFrame(
        {"citizen_id": ["a"], "municipality": ["M"], "visitation_date": ["2016-03-01"]}
    ).assign(arm="treatment")
    return Dataset.from_frames(citizens, cutoff="2016-12-31")


def test_difference_and_ratio_by_hand_with_units_missing_on_one_side():
    of = Fixed(
        {
            "treatment": [
                ("X", 6, 10, 0.6),
                ("Y", 2, 4, 0.5),
                ("national", 8, 14, 8 / 14),
            ],
            "control": [
                ("X", 3, 10, 0.3),
                ("Z", 0, 5, 0.0),
                ("national", 3, 15, 0.2),
            ],
        }
    )
    assert isinstance(of, IndicatorKind)
    diff = Contrast(of=of).compute(_dataset(), Population())
    # X: 0.6 - 0.3 = 0.3 (20 citizens); Y and Z exist in one arm only -> NaN;
    # national 8/14 - 0.2.
    assert_table(
        diff,
        [
            ("X", math.nan, 20, 0.3),
            ("Y", math.nan, 4, math.nan),
            ("Z", math.nan, 5, math.nan),
            ("national", math.nan, 29, 8 / 14 - 0.2),
        ],
    )
    ratio = Contrast(of=of, ratio=True).compute(_dataset(), Population())
    # X: 0.6 / 0.3 = 2 ("about double the control group"); national (8/14) / 0.2.
    assert ratio["value"].iloc[0] == pytest.approx(2.0)
    assert ratio["value"].iloc[-1] == pytest.approx((8 / 14) / 0.2)
    assert ratio["value"].iloc[1:3].isna().all()


def test_ratio_with_a_control_value_of_zero_is_missing():
    of = Fixed(
        {
            "treatment": [("X", 1, 2, 0.5), ("national", 1, 2, 0.5)],
            "control": [("X", 0, 2, 0.0), ("national", 0, 2, 0.0)],
        }
    )
    got = Contrast(of=of, ratio=True).compute(_dataset(), Population())
    assert got["value"].isna().all()
    assert Contrast(of=of).compute(_dataset(), Population())["value"].tolist() == [0.5, 0.5]


def test_contrast_passes_the_groups_and_the_round_on():
    seen = []

    @attrs.frozen
    class Spy:
        tables: tuple[str, ...] = ("citizens",)

        def compute(self, dataset, population, *, round=None):
            seen.append((population, round))
            return pd.DataFrame(
                [("national", 0, 0, math.nan)],
                columns=["unit", "numerator", "denominator", "value"],
            )

        def describe(self):
            return "spy"

    kind = Contrast(of=Spy(), treatment="D", control="K")
    kind.compute(_dataset(), Population(arms="treatment", groups=(1,)), round="final")
    assert seen == [
        (Population(arms="D", groups=(1,)), "final"),
        (Population(arms="K", groups=(1,)), "final"),
    ]


def test_contrast_tables_codes_description_and_missing_tables():
    kind = Contrast(of=EventWithin(event="conversation"), ratio=True)
    assert kind.tables == ("citizens", "events")
    assert kind.codes == {"events": ("conversation",)}
    assert kind.describe().startswith("ratio treatment / control of: share of citizens")
    with pytest.raises(MissingTableError, match="events table"):
        kind.compute(_dataset(), Population())
    with pytest.raises(TypeError, match="indicator kind"):
        Contrast(of="share")
    with pytest.raises(ValueError, match="control"):
        Contrast(of=kind.of, control=" ")
