"""Rounds and spread: compare_rounds, FidelityReport.change and .spread vs slow references."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from activemeasures.fidelity import NATIONAL, FidelityReport, compare_rounds
from activemeasures.fidelity.report import evaluate_fidelity
from activemeasures.fidelity.rounds import change, spread

from .test_report import dataset, element, indicator, programme

NAN = float("nan")
UNITS = ["Herning", "Ikast", "Skive", "Viborg"]


def make_report(values: dict, *, round: str | None = "final", lights: dict | None = None):
    """A report straight from {indicator: {unit: value}} (the national row is added)."""
    rows = []
    for key, by_unit in values.items():
        units = [NATIONAL, *sorted(u for u in by_unit if u != NATIONAL)]
        for unit in units:
            value = by_unit.get(unit, NAN)
            light = (lights or {}).get((key, unit))
            if light is None:
                light = (
                    "no data"
                    if math.isnan(value)
                    else ("red" if value < 0.75 else "green" if value >= 0.9 else "yellow")
                )
            rows.append(
                (round, "e", key, key, f"label {key}", "register", unit, NAN, NAN, value, light)
            )
    indicators = pd.DataFrame(
        rows,
        columns=[
            "round",
            "element",
            "sub_component",
            "indicator",
            "label",
            "source",
            "unit",
            "numerator",
            "denominator",
            "value",
            "light",
        ],
    )
    return FidelityReport(
        programme="pilot",
        round=round,
        population="all citizens",
        indicators=indicators,
        sub_components=pd.DataFrame(),
        ratings=pd.DataFrame(),
        definitions=dict.fromkeys(values, ""),
    )


# ----------------------------------------------------------------------------- references


def ordered_pairs(reports):
    keys, units = [], set()
    for report in reports:
        for key, unit in zip(
            report.indicators["indicator"], report.indicators["unit"], strict=True
        ):
            if key not in keys:
                keys.append(key)
            if unit != NATIONAL:
                units.add(unit)
    present = {
        (k, u)
        for r in reports
        for k, u in zip(r.indicators["indicator"], r.indicators["unit"], strict=True)
    }
    return [(k, u) for k in keys for u in [NATIONAL, *sorted(units)] if (k, u) in present]


def values_of(report):
    return {
        (k, u): v
        for k, u, v in zip(
            report.indicators["indicator"],
            report.indicators["unit"],
            report.indicators["value"],
            strict=True,
        )
    }


def reference_change(report, other):
    rows = []
    now_values, before_values = values_of(report), values_of(other)
    for key, unit in ordered_pairs([report, other]):
        now = now_values.get((key, unit), NAN)
        before = before_values.get((key, unit), NAN)
        rows.append((key, unit, now, before, now - before))
    return pd.DataFrame(rows, columns=["indicator", "unit", "value", "other_value", "change"])


def reference_compare(reports, labels):
    rows = []
    tables = [values_of(report) for report in reports]
    for key, unit in ordered_pairs(reports):
        previous = None
        for table, label in zip(tables, labels, strict=True):
            value = table.get((key, unit), NAN)
            delta = NAN if previous is None else value - previous
            rows.append((key, unit, label, value, delta))
            previous = value
    return pd.DataFrame(rows, columns=["indicator", "unit", "round", "value", "change"])


def quantile(sorted_values, p):
    h = (len(sorted_values) - 1) * p
    lo = math.floor(h)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (h - lo) * (sorted_values[hi] - sorted_values[lo])


def reference_spread(report):
    rows = []
    keys = []
    for key in report.indicators["indicator"]:
        if key not in keys:
            keys.append(key)
    for key in keys:
        values, lights = [], []
        for k, u, v, light in zip(
            report.indicators["indicator"],
            report.indicators["unit"],
            report.indicators["value"],
            report.indicators["light"],
            strict=True,
        ):
            if k == key and u != NATIONAL:
                lights.append(light)
                if not math.isnan(v):
                    values.append(v)
        values.sort()
        stats = (
            [NAN] * 5
            if not values
            else [
                quantile(values, 0.5),
                quantile(values, 0.25),
                quantile(values, 0.75),
                values[0],
                values[-1],
            ]
        )
        rows.append(
            (
                key,
                len(values),
                *stats,
                *[lights.count(x) for x in ("red", "yellow", "green", "no data", "not rated")],
            )
        )
    return pd.DataFrame(
        rows,
        columns=[
            "indicator",
            "n_municipalities",
            "median",
            "p25",
            "p75",
            "min",
            "max",
            "red",
            "yellow",
            "green",
            "no_data",
            "not_rated",
        ],
    )


def assert_frames_equal(got, expected):
    assert got.columns.tolist() == expected.columns.tolist()
    assert len(got) == len(expected)
    for column in expected.columns:
        if pd.api.types.is_float_dtype(expected[column]):
            np.testing.assert_allclose(
                got[column].to_numpy(float),
                expected[column].to_numpy(float),
                equal_nan=True,
                err_msg=column,
            )
        else:
            assert got[column].tolist() == expected[column].tolist(), column


# ----------------------------------------------------------------------------- hand-computed


def test_three_rounds_hand_computed():
    baseline = make_report(
        {"1": {"Herning": 0.40, "Ikast": 0.50, NATIONAL: 0.45}}, round="baseline"
    )
    midterm = make_report({"1": {"Herning": 0.70, "Skive": 0.80, NATIONAL: 0.75}}, round="midterm")
    final = make_report(
        {"1": {"Herning": 0.90, "Ikast": 0.95, "Skive": 0.60, NATIONAL: 0.80}}, round="final"
    )
    table = compare_rounds([baseline, midterm, final])
    herning = table[table["unit"] == "Herning"]
    assert herning["round"].tolist() == ["baseline", "midterm", "final"]
    # Herning: 0.40 → 0.70 (+0.30) → 0.90 (+0.20)
    np.testing.assert_allclose(herning["change"], [NAN, 0.30, 0.20], equal_nan=True)
    # Ikast absent at mid-term: 0.50 → missing → 0.95, so no change can be computed
    ikast = table[table["unit"] == "Ikast"]
    np.testing.assert_allclose(ikast["value"], [0.50, NAN, 0.95], equal_nan=True)
    assert ikast["change"].isna().all()
    assert table["unit"].tolist()[::3] == [NATIONAL, "Herning", "Ikast", "Skive"]
    # final − mid-term: Herning +0.20, Skive 0.60 − 0.80 = −0.20, national +0.05
    delta = final.change(midterm).set_index("unit")["change"]
    assert delta["Herning"] == pytest.approx(0.20)
    assert delta["Skive"] == pytest.approx(-0.20)
    assert delta[NATIONAL] == pytest.approx(0.05)
    assert math.isnan(delta["Ikast"])


def test_spread_hand_computed():
    # Municipal values 0.2, 0.6, 0.9, 1.0 (national 0.7 is left out):
    # median (0.6 + 0.9) / 2 = 0.75; p25 at h = 3·0.25 = 0.75 → 0.2 + 0.75·0.4 = 0.5;
    # p75 at h = 2.25 → 0.9 + 0.25·0.1 = 0.925; red 2 (0.2, 0.6), yellow 0, green 2.
    report = make_report(
        {"a": {"Herning": 0.2, "Ikast": 0.6, "Skive": 0.9, "Viborg": 1.0, NATIONAL: 0.7}}
    )
    row = report.spread().iloc[0]
    assert row["n_municipalities"] == 4
    assert (row["median"], row["p25"], row["p75"]) == pytest.approx((0.75, 0.5, 0.925))
    assert (row["min"], row["max"]) == (0.2, 1.0)
    assert (row["red"], row["yellow"], row["green"], row["no_data"]) == (2, 0, 2, 0)


def test_spread_of_an_indicator_without_municipal_values():
    report = make_report({"a": {"Herning": NAN, NATIONAL: 0.5}, "b": {"Herning": 0.8}})
    table = report.spread()
    assert table["indicator"].tolist() == ["a", "b"]
    assert table.loc[0, "n_municipalities"] == 0 and table.loc[0, "no_data"] == 1
    assert table.loc[0, ["median", "p25", "p75", "min", "max"]].isna().all()
    assert table.loc[1, "median"] == 0.8


def test_labels():
    report = make_report({"a": {"Herning": 0.5}}, round=None)
    table = compare_rounds([report, report])
    assert table["round"].unique().tolist() == ["report 1", "report 2"]
    named = compare_rounds([report, report], labels=["midterm", "final"])
    assert named["round"].unique().tolist() == ["midterm", "final"]
    with pytest.raises(ValueError, match="distinct"):
        compare_rounds([make_report({"a": {}}), make_report({"a": {}})])
    with pytest.raises(ValueError, match="1 labels for 2 reports"):
        compare_rounds([report, report], labels=["x"])
    with pytest.raises(ValueError, match="at least one"):
        compare_rounds([])
    with pytest.raises(TypeError, match="FidelityReport"):
        compare_rounds([report, report.to_frame()])


def test_rounds_of_evaluated_reports():
    # Two evaluations of the same programme on different data (e.g. mid-term and final).
    model = programme(element("e", ("s", [indicator("a", "k"), indicator("b", "m")])))
    midterm = evaluate_fidelity(
        dataset(["A", "A", "B"], k=[1, 0, 1], m=[1, 1, 1]), model, round="midterm"
    )
    final = evaluate_fidelity(
        dataset(["A", "A", "C"], k=[1, 1, 0], m=[1, 0, NAN]), model, round="final"
    )
    table = compare_rounds([midterm, final])
    assert_frames_equal(table, reference_compare([midterm, final], ["midterm", "final"]))
    # a in A: 1/2 → 2/2 = +0.5
    cell = table[(table["indicator"] == "a") & (table["unit"] == "A")]["change"].tolist()
    assert cell[1] == pytest.approx(0.5)
    assert_frames_equal(final.change(midterm), reference_change(final, midterm))
    assert_frames_equal(final.spread(), reference_spread(final))
    assert_frames_equal(spread(midterm), reference_spread(midterm))


# ----------------------------------------------------------------------------- properties


@st.composite
def report_sets(draw):
    n_reports = draw(st.integers(1, 3))
    value = st.one_of(st.just(NAN), st.floats(0, 1, allow_nan=False).map(lambda v: round(v, 3)))
    reports = []
    for r in range(n_reports):
        keys = draw(
            st.lists(
                st.sampled_from(["1.1", "1.2", "2.1", "3.4"]), min_size=1, max_size=4, unique=True
            )
        )
        values = {}
        for key in keys:
            units = draw(st.lists(st.sampled_from(UNITS), max_size=4, unique=True))
            values[key] = {unit: draw(value) for unit in [*units, NATIONAL]}
        lights = {}
        if draw(st.booleans()):  # some not-rated cells
            for key in keys:
                for unit in values[key]:
                    if not math.isnan(values[key][unit]):
                        lights[(key, unit)] = "not rated"
        reports.append(make_report(values, round=f"round {r}", lights=lights))
    return reports


# Each example builds several small reports; pandas' fixed cost per call (~1-5 ms) makes
# examples dear, so one property test checks all three functions, on fewer examples than the
# profile's default.
@settings(max_examples=60)
@given(report_sets())
def test_compare_change_and_spread_match_references(reports):
    labels = [r.round for r in reports]
    assert_frames_equal(compare_rounds(reports), reference_compare(reports, labels))
    first, last = reports[0], reports[-1]
    assert_frames_equal(change(last, first), reference_change(last, first))
    assert_frames_equal(last.change(first), reference_change(last, first))
    assert_frames_equal(last.spread(), reference_spread(last))
