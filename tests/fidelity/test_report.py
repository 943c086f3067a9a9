"""evaluate_fidelity and FidelityReport: numerators, lights, ratings, frames, text, plot.

Indicator kinds here are small stubs (the built-in kinds are tested on their own): ``ShareOf``
is the share of citizens whose citizens-table column is 1 among those with it recorded;
``Fixed`` returns a given table. Every result is checked against hand arithmetic (shown in
comments) or a slow reference written with plain loops over citizens.
"""

from __future__ import annotations

import math

import attrs
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from activemeasures import (
    ActiveMeasuresError,
    CoreElement,
    Dataset,
    Indicator,
    Population,
    Programme,
    RatingRule,
    SubComponent,
    Thresholds,
)
from activemeasures.fidelity import (
    NATIONAL,
    FidelityReport,
    evaluate_fidelity,
)

# ----------------------------------------------------------------------------- stub kinds


@attrs.frozen(kw_only=True)
class ShareOf:
    """Share of population citizens with ``column == 1`` among those with it recorded."""

    column: str
    tables = ("citizens",)

    def compute(self, dataset, population, *, round=None):
        citizens = dataset.citizens[population.select(dataset.citizens)]
        x = citizens[self.column]
        met = (x == 1).astype(float).groupby(citizens["municipality"]).sum()
        recorded = x.notna().astype(float).groupby(citizens["municipality"]).sum()
        rows = [(unit, met[unit], recorded[unit]) for unit in sorted(met.index)]
        rows.append((NATIONAL, float((x == 1).sum()), float(x.notna().sum())))
        frame = pd.DataFrame(rows, columns=["unit", "numerator", "denominator"])
        frame["value"] = np.where(
            frame["denominator"] > 0, frame["numerator"] / frame["denominator"].clip(1), np.nan
        )
        return frame

    def describe(self):
        return f"share with {self.column} = 1"


@attrs.frozen(kw_only=True, eq=False)
class Fixed:
    """Returns the same table whatever the data (or, per round, ``by_round[round]``)."""

    table: object = None
    by_round: dict = attrs.field(factory=dict)
    tables = ()

    def compute(self, dataset, population, *, round=None):
        return self.by_round[round] if self.by_round else self.table

    def describe(self):
        return "a fixed table"


def fixed_table(values: dict, national: float = 0.5) -> pd.DataFrame:
    """Unit → value (denominator 10, numerator 10·value; NaN value → denominator 0)."""
    rows = [*values.items(), (NATIONAL, national)]
    return pd.DataFrame(
        {
            "unit": [u for u, _ in rows],
            "numerator": [0.0 if math.isnan(v) else 10 * v for _, v in rows],
            "denominator": [0.0 if math.isnan(v) else 10.0 for _, v in rows],
            "value": [v for _, v in rows],
        }
    )


# ----------------------------------------------------------------------------- builders

# Distinctive identifiers: none of them may ever appear in any output.
IDS = [f"CPRX{i:04d}ZQ" for i in range(40)]


def dataset(municipalities, arms=None, **columns) -> Dataset:
    n = len(municipalities)
    citizens = pd.DataFrame(
        {
            "citizen_id": IDS[:n],
            "municipality": municipalities,
            "visitation_date": "2016-03-01",
            "arm": arms if arms is not None else ["treatment"] * n,
            **columns,
        }
    )
    return Dataset.from_frames(citizens, cutoff="2016-12-31")


def indicator(key, column=None, *, kind=None, **options) -> Indicator:
    return Indicator(
        key=key,
        label=f"label {key}",
        kind=kind if kind is not None else ShareOf(column=column),
        **options,
    )


def element(key, *subs, **options) -> CoreElement:
    """``subs``: (sub-component key, [indicators]) pairs."""
    return CoreElement(
        key=key,
        label=f"element {key}",
        sub_components=[
            SubComponent(key=sub_key, label=f"sub {sub_key}", indicators=inds)
            for sub_key, inds in subs
        ],
        **options,
    )


def programme(*elements, **options) -> Programme:
    return Programme(name="pilot", label="Pilot", core_elements=list(elements), **options)


def cell(frame: pd.DataFrame, unit, column: str, **where):
    mask = frame["unit"] == unit
    for name, wanted in where.items():
        mask &= frame[name] == wanted
    (value,) = frame.loc[mask, column].tolist()
    return value


NAN = float("nan")

# ----------------------------------------------------------------------------- hand-computed


def hand_example():
    # Municipality A: 4 citizens, B: 5 citizens, C: 3 citizens; plus 2 control citizens in A
    # (who are not participants and must not count).
    municipalities = ["A"] * 4 + ["B"] * 5 + ["C"] * 3 + ["A", "A"]
    arms = ["treatment"] * 12 + ["control", "control"]
    data = dataset(
        municipalities,
        arms,
        #     A: 1 1 1 1      B: 1 1 1 1 0   C: 1 0 0    controls
        x1=[1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0],
        #     A: 1 1 1 0      B: 1 1 1 1 1   C: 1 1 1
        x2=[1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0],
        #     A: 1 1 1 1      B: 1 1 1 1 1   C: missing (empty denominator)
        x3=[1, 1, 1, 1, 1, 1, 1, 1, 1, NAN, NAN, NAN, 0, 0],
    )
    model = programme(
        # element e1: sub-components s1 = {i1 (x1), i2 (x2)}, s2 = {i3 (x3)}
        element(
            "e1",
            ("s1", [indicator("i1", "x1"), indicator("i2", "x2")]),
            ("s2", [indicator("i3", "x3")]),
        ),
        # element e2: one sub-component s3 = {i4 (x2)} with its own thresholds
        element(
            "e2",
            ("s3", [indicator("i4", "x2", thresholds=Thresholds(red_below=0.8, green_from=0.95))]),
        ),
    )
    return data, model


def test_hand_computed_values_lights_and_levels():
    data, model = hand_example()
    report = evaluate_fidelity(data, model)
    assert isinstance(report, FidelityReport)
    ind = report.indicators
    # i1 (x1 == 1): A 4/4 = 1.0 green; B 4/5 = 0.8 yellow; C 1/3 = 0.333 red;
    #               national (participants only) 9/12 = 0.75 yellow (pooled, not mean of shares).
    expected_i1 = {
        "A": (4, 4, "green"),
        "B": (4, 5, "yellow"),
        "C": (1, 3, "red"),
        NATIONAL: (9, 12, "yellow"),
    }
    for unit, (num, den, light) in expected_i1.items():
        assert cell(ind, unit, "numerator", indicator="i1") == num
        assert cell(ind, unit, "denominator", indicator="i1") == den
        assert cell(ind, unit, "value", indicator="i1") == pytest.approx(num / den)
        assert cell(ind, unit, "light", indicator="i1") == light
    # i2 (x2): A 3/4 = 0.75 yellow; B 5/5 green; C 3/3 green; national 11/12 = 0.917 green.
    assert [cell(ind, u, "light", indicator="i2") for u in (NATIONAL, "A", "B", "C")] == [
        "green",
        "yellow",
        "green",
        "green",
    ]
    # i3 (x3): A 4/4 green, B 5/5 green, C 0/0 → no data (never 0 %), national 9/9 green.
    assert cell(ind, "C", "denominator", indicator="i3") == 0
    assert math.isnan(cell(ind, "C", "value", indicator="i3"))
    assert cell(ind, "C", "light", indicator="i3") == "no data"
    # i4 (x2 with red < 0.80, green ≥ 0.95): A 0.75 red, B 1.0 green, C 1.0 green,
    #     national 11/12 = 0.917 yellow.
    assert [cell(ind, u, "light", indicator="i4") for u in (NATIONAL, "A", "B", "C")] == [
        "yellow",
        "red",
        "green",
        "green",
    ]

    sub = report.sub_components
    # s1 = worst of (i1, i2): national (yellow, green) → yellow; A (green, yellow) → yellow;
    #      B (yellow, green) → yellow; C (red, green) → red.
    assert [cell(sub, u, "light", sub_component="s1") for u in (NATIONAL, "A", "B", "C")] == [
        "yellow",
        "yellow",
        "yellow",
        "red",
    ]
    assert cell(sub, "C", "light", sub_component="s2") == "no data"

    levels = report.ratings
    # e1: national (yellow, green) → high; A (yellow, green) → high; B → high;
    #     C (red, no data): the only rated sub-component is red → all rated red → low.
    assert [cell(levels, u, "level", element="e1") for u in (NATIONAL, "A", "B", "C")] == [
        "high",
        "high",
        "high",
        "low",
    ]
    # e2 (one sub-component): national yellow → high; A red → low; B, C green → high.
    assert [cell(levels, u, "level", element="e2") for u in (NATIONAL, "A", "B", "C")] == [
        "high",
        "low",
        "high",
        "high",
    ]
    assert report.population == "arm treatment"
    assert report.programme == "pilot"
    assert report.definitions["i1"] == "share with x1 = 1"


def test_medium_when_some_but_not_all_sub_components_are_red():
    # Municipality A: y1 1/2 = 0.5 red, y2 2/2 green → medium; B: y1 0/2 red, y2 0/2 red → low;
    # C: 2/2, 2/2 → high. National y1 3/6 red, y2 4/6 red → low.
    data = dataset(["A", "A", "B", "B", "C", "C"], y1=[1, 0, 0, 0, 1, 1], y2=[1, 1, 0, 0, 1, 1])
    model = programme(element("e", ("s1", [indicator("a", "y1")]), ("s2", [indicator("b", "y2")])))
    levels = evaluate_fidelity(data, model).ratings
    assert levels["unit"].tolist() == [NATIONAL, "A", "B", "C"]
    assert levels["level"].tolist() == ["low", "medium", "low", "high"]
    assert levels["element_label"].tolist() == ["element e"] * 4


def test_ge7_floor_override_and_per_element_rule():
    # 7.1: share with ordinary hours, low everywhere (A 1/4, B 0/4 → red; national 1/8 red).
    # 7.d: D − K difference (not rated, no target): A +0.08, B −0.02, national +0.03.
    data = dataset(["A"] * 4 + ["B"] * 4, z=[1, 0, 0, 0, 0, 0, 0, 0])
    diff = Fixed(table=fixed_table({"A": 0.08, "B": -0.02}, national=0.03))
    ge7_rule = RatingRule(floor="medium", floor_if_positive="7.d")
    ge7 = element(
        "ge7",
        ("7.1", [indicator("7.1", "z"), indicator("7.d", kind=diff, rated=False)]),
        rating_rule=ge7_rule,
    )
    # The same indicators under the programme's default rule, for contrast.
    plain = element("plain", ("p.1", [indicator("p.1", "z")]))
    report = evaluate_fidelity(data, programme(ge7, plain))
    levels = report.ratings
    # ge7: all rated sub-components red → low, lifted to medium where 7.d > 0 (national, A).
    assert [cell(levels, u, "level", element="ge7") for u in (NATIONAL, "A", "B")] == [
        "medium",
        "medium",
        "low",
    ]
    assert [cell(levels, u, "level", element="plain") for u in (NATIONAL, "A", "B")] == [
        "low",
        "low",
        "low",
    ]
    # the difference indicator is reported but not graded
    assert cell(report.indicators, "A", "light", indicator="7.d") == "not rated"
    assert cell(report.indicators, "A", "value", indicator="7.d") == pytest.approx(0.08)


def test_programme_rule_and_element_override():
    # A: w1 0/2 red, w2 2/2 green. Default rule → medium; high_max_red=1 → high.
    data = dataset(["A", "A"], w1=[0, 0], w2=[1, 1])
    subs = (("s1", [indicator("a", "w1")]), ("s2", [indicator("b", "w2")]))
    lenient = RatingRule(high_max_red=1)
    by_default = evaluate_fidelity(data, programme(element("e", *subs)))
    by_programme = evaluate_fidelity(data, programme(element("e", *subs), rating_rule=lenient))
    by_element = evaluate_fidelity(data, programme(element("e", *subs, rating_rule=lenient)))
    assert cell(by_default.ratings, "A", "level") == "medium"
    assert cell(by_programme.ratings, "A", "level") == "high"
    assert cell(by_element.ratings, "A", "level") == "high"


def test_programme_thresholds_apply_unless_the_indicator_has_its_own():
    # A: 0.6 (3/5). Programme thresholds red < 0.5, green ≥ 0.6 → green; indicator b keeps
    # its own (red < 0.75) → red.
    data = dataset(["A"] * 5, v=[1, 1, 1, 0, 0])
    model = programme(
        element(
            "e",
            (
                "s",
                [indicator("a", "v"), indicator("b", "v", thresholds=Thresholds(red_below=0.75))],
            ),
        ),
        thresholds=Thresholds(red_below=0.5, green_from=0.6),
    )
    ind = evaluate_fidelity(data, model).indicators
    assert cell(ind, "A", "light", indicator="a") == "green"
    assert cell(ind, "A", "light", indicator="b") == "red"


def test_empty_denominator_is_no_data_never_zero():
    # B has citizens but none with u recorded: denominator 0 → value missing, light no data,
    # sub-component no data, element level missing.
    data = dataset(["A", "A", "B", "B"], u=[1, 1, NAN, NAN], never=[NAN] * 4)
    model = programme(
        element("e", ("s", [indicator("a", "u")])),
        element("f", ("t", [indicator("none", "never")])),
    )
    report = evaluate_fidelity(data, model)
    row = report.indicators[report.indicators["unit"] == "B"].iloc[0]
    assert row["denominator"] == 0 and math.isnan(row["value"]) and row["light"] == "no data"
    assert cell(report.sub_components, "B", "light", sub_component="s") == "no data"
    assert pd.isna(cell(report.ratings, "B", "level", element="e"))
    # nationally nobody has `never` recorded: shown as "–", not 0 %
    assert cell(report.indicators, NATIONAL, "light", indicator="none") == "no data"
    national_line = next(line for line in str(report).splitlines() if "label none" in line)
    assert national_line.split()[-4:] == ["–", "0", "no", "data"]
    assert " 0.0 %" not in str(report)
    assert math.isnan(report.wide().loc["B", "a"])


def test_not_rated_indicators_are_left_out_of_ratings():
    # a (rated): A 2/2 green. n (not rated): A 0/2 = 0 — would be red if rated.
    data = dataset(["A", "A"], good=[1, 1], bad=[0, 0])
    model = programme(
        element(
            "e", ("s1", [indicator("a", "good")]), ("s2", [indicator("n", "bad", rated=False)])
        ),
        element("only_unrated", ("s3", [indicator("n2", "bad", rated=False)])),
    )
    report = evaluate_fidelity(data, model)
    assert cell(report.indicators, "A", "light", indicator="n") == "not rated"
    assert cell(report.indicators, "A", "value", indicator="n") == 0.0
    assert cell(report.sub_components, "A", "light", sub_component="s2") == "not rated"
    assert cell(report.ratings, "A", "level", element="e") == "high"  # not medium
    assert pd.isna(cell(report.ratings, "A", "level", element="only_unrated"))


def test_municipality_missing_from_one_indicator_gets_no_data():
    data = dataset(["A", "B"], q=[1, 1])
    only_a = Fixed(table=fixed_table({"A": 1.0}, national=1.0))
    with_c = Fixed(table=fixed_table({"A": 1.0, "C": 0.5}, national=0.9))
    model = programme(
        element(
            "e",
            ("s", [indicator("a", kind=only_a), indicator("b", kind=with_c), indicator("c", "q")]),
        )
    )
    report = evaluate_fidelity(data, model)
    # units: national and every municipality in any table: A, B (from c), C (from b)
    assert report.municipalities == ["A", "B", "C"]
    ind = report.indicators
    assert ind["unit"].tolist() == [NATIONAL, "A", "B", "C"] * 3
    for key, unit in (("a", "B"), ("a", "C"), ("b", "B"), ("c", "C")):
        row = ind[(ind["indicator"] == key) & (ind["unit"] == unit)].iloc[0]
        assert row["light"] == "no data"
        assert row[["numerator", "denominator", "value"]].isna().all()
    # sub-component B: (no data, no data, green) → green; C: (no data, red, no data) → red
    assert cell(report.sub_components, "B", "light") == "green"
    assert cell(report.sub_components, "C", "light") == "red"


def test_population_default_is_the_participants_and_can_be_changed():
    data = dataset(["A"] * 4, arms=["treatment", "treatment", "control", "control"], k=[1, 1, 0, 0])
    model = programme(element("e", ("s", [indicator("a", "k")])))
    assert cell(evaluate_fidelity(data, model).indicators, NATIONAL, "value") == 1.0
    controls = evaluate_fidelity(data, model, population=Population(arms="control"))
    assert cell(controls.indicators, NATIONAL, "value") == 0.0
    assert controls.population == "arm control"


def test_round_is_passed_to_every_kind_and_recorded():
    by_round = {"baseline": fixed_table({"A": 0.5}), "final": fixed_table({"A": 0.95})}
    model = programme(element("e", ("s", [indicator("a", kind=Fixed(by_round=by_round))])))
    data = dataset(["A"], k=[1])
    for name, light in (("baseline", "red"), ("final", "green")):
        report = evaluate_fidelity(data, model, round=name)
        assert cell(report.indicators, "A", "light") == light
        for frame in (report.indicators, report.sub_components, report.ratings):
            assert (frame["round"] == name).all()
        assert report.round == name


def test_elements_selects_core_elements_in_programme_order():
    data, model = hand_example()
    report = evaluate_fidelity(data, model, elements=["e2"])
    assert report.indicator_keys == ["i4"]
    assert report.ratings["element"].unique().tolist() == ["e2"]
    both = evaluate_fidelity(data, model, elements=["e2", "e1"])
    assert both.indicator_keys == ["i1", "i2", "i3", "i4"]
    with pytest.raises(KeyError, match="nope"):
        evaluate_fidelity(data, model, elements=["nope"])


def test_repeated_indicator_keys_are_refused():
    data = dataset(["A"], k=[1])
    model = programme(
        element("e", ("s", [indicator("a", "k")])), element("f", ("t", [indicator("a", "k")]))
    )
    with pytest.raises(ActiveMeasuresError, match="'a'"):
        evaluate_fidelity(data, model)


def _frame(**changes):
    frame = fixed_table({"A": 0.5, "B": 0.9})
    for column, values in changes.items():
        frame[column] = values
    return frame


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        ([1, 2], "is a list, not a pandas DataFrame"),
        (_frame().drop(columns="denominator"), r"lacks the columns \['denominator'\]"),
        (_frame().iloc[:0], "has no rows"),
        (_frame().iloc[[2, 0, 1]], "does not end with the 'national' row"),
        (_frame(unit=["A", "A", NATIONAL]), "has 1 repeated units"),
        (_frame(unit=["A", None, NATIONAL]), "has 1 rows without a unit"),
        (_frame(value=["high", 0.9, 0.5]), "1 non-numeric values in column 'value'"),
        (_frame(numerator=[True, False, True]), "boolean column 'numerator'"),
        (_frame(value=[np.inf, 0.9, 0.5]), "1 infinite values in column 'value'"),
        (_frame(denominator=[-1.0, 10.0, 10.0]), "1 negative denominators"),
        (_frame(denominator=[0.0, 0.0, 10.0]), "2 values where the denominator is 0"),
    ],
)
def test_a_broken_indicator_table_raises_naming_the_indicator(table, problem):
    data = dataset(["A", "B"], k=[1, 1])
    model = programme(element("e", ("s", [indicator("GE9.x", kind=Fixed(table=table))])))
    with pytest.raises(ActiveMeasuresError, match=problem) as caught:
        evaluate_fidelity(data, model)
    assert "indicator 'GE9.x' (kind Fixed)" in str(caught.value)


def test_integer_municipality_codes_are_kept_and_sorted():
    data = dataset([851, 101, 101, 851], k=[1, 0, 1, 1])
    report = evaluate_fidelity(data, programme(element("e", ("s", [indicator("a", "k")]))))
    assert report.indicators["unit"].tolist() == [NATIONAL, 101, 851]
    assert report.wide().index.tolist() == [101, 851]


# ----------------------------------------------------------------------------- vs a slow reference


def reference_report(citizens: pd.DataFrame, layout, thresholds: Thresholds, rules):
    """Plain loops: per unit numerator/denominator, lights, worst-of and level by the rule."""
    participants = [
        person for person in citizens.to_dict("records") if person["arm"] == "treatment"
    ]
    units = [NATIONAL, *sorted({person["municipality"] for person in participants})]
    values, rows = {}, []
    for element_key, subs in layout:
        for sub_key, columns in subs:
            for column, rated in columns:
                key = f"{sub_key}:{column}"
                for unit in units:
                    num = den = 0
                    for person in participants:
                        if unit != NATIONAL and person["municipality"] != unit:
                            continue
                        if not pd.isna(person[column]):
                            den += 1
                            num += person[column] == 1
                    value = num / den if den else NAN
                    if den == 0:
                        light = "no data"
                    elif not rated:
                        light = "not rated"
                    elif value < thresholds.red_below:
                        light = "red"
                    elif value >= thresholds.green_from:
                        light = "green"
                    else:
                        light = "yellow"
                    values[(key, unit)] = value
                    rows.append((element_key, sub_key, key, unit, num, den, value, light))
    ind = pd.DataFrame(
        rows,
        columns=[
            "element",
            "sub_component",
            "indicator",
            "unit",
            "numerator",
            "denominator",
            "value",
            "light",
        ],
    )
    ratings = []
    for element_key, subs in layout:
        rule = rules[element_key]
        for unit in units:
            sub_lights = []
            for sub_key, _ in subs:
                lights = set(
                    ind[(ind["sub_component"] == sub_key) & (ind["unit"] == unit)]["light"]
                )
                graded = [lt for lt in ("red", "yellow", "green") if lt in lights]
                sub_lights.append(graded[0] if graded else None)
            graded = [lt for lt in sub_lights if lt is not None]
            n_red = graded.count("red")
            if not graded:
                level = None
            elif n_red == 0:
                level = "high"
            elif n_red == len(graded):
                level = "low"
            else:
                level = "medium"
            if rule is not None and level == "low":  # floor: medium if trigger > 0
                trigger = values[(rule, unit)]
                if trigger > 0:
                    level = "medium"
            ratings.append((element_key, unit, level))
    return ind, pd.DataFrame(ratings, columns=["element", "unit", "level"])


@st.composite
def scenarios(draw):
    n = draw(st.integers(1, 14))
    municipalities = draw(
        st.lists(
            st.sampled_from(["Ry", "Ebeltoft", "Aabenraa", "Holstebro"]), min_size=n, max_size=n
        )
    )
    arms = draw(st.lists(st.sampled_from(["treatment", "control"]), min_size=n, max_size=n))
    if "treatment" not in arms:
        arms[0] = "treatment"
    answer = st.sampled_from([0.0, 1.0, NAN])
    columns = {f"x{j}": draw(st.lists(answer, min_size=n, max_size=n)) for j in range(4)}
    layout = []
    for e in range(draw(st.integers(1, 2))):
        subs = []
        for s in range(draw(st.integers(1, 2))):
            chosen = draw(
                st.lists(st.sampled_from(list(columns)), min_size=1, max_size=2, unique=True)
            )
            subs.append((f"{e}.{s}", [(c, draw(st.booleans())) for c in chosen]))
        layout.append((f"e{e}", subs))
    red = draw(st.sampled_from([0.25, 0.5, 0.75]))
    thresholds = Thresholds(red_below=red, green_from=draw(st.sampled_from([red, 0.9, 1.0])))
    floor = draw(st.booleans())
    return municipalities, arms, columns, layout, thresholds, floor


# Each example builds and validates a Dataset and runs several indicators end to end (~50 ms),
# so fewer examples than the profile's default keep the suite fast.
@settings(max_examples=40)
@given(scenarios())
def test_report_matches_a_slow_reference(scenario):
    municipalities, arms, columns, layout, thresholds, floor = scenario
    data = dataset(municipalities, arms, **columns)
    elements, rules = [], {}
    for element_key, subs in layout:
        first_key = f"{subs[0][0]}:{subs[0][1][0][0]}"
        rule = RatingRule(floor="medium", floor_if_positive=first_key) if floor else None
        rules[element_key] = first_key if floor else None
        elements.append(
            element(
                element_key,
                *[
                    (sub_key, [indicator(f"{sub_key}:{c}", c, rated=rated) for c, rated in cols])
                    for sub_key, cols in subs
                ],
                rating_rule=rule,
            )
        )
    report = evaluate_fidelity(data, programme(*elements, thresholds=thresholds))
    expected, expected_ratings = reference_report(data.citizens, layout, thresholds, rules)
    got = report.indicators
    for column in ("element", "sub_component", "indicator", "unit", "light"):
        assert got[column].tolist() == expected[column].tolist(), column
    for column in ("numerator", "denominator", "value"):
        np.testing.assert_allclose(
            got[column].to_numpy(float), expected[column].to_numpy(float), equal_nan=True
        )
    assert got["label"].tolist() == [f"label {k}" for k in expected["indicator"]]
    assert (got["source"] == "register").all()
    assert report.ratings["unit"].tolist() == expected_ratings["unit"].tolist()

    def levels(values):
        return [None if pd.isna(v) else v for v in values]

    assert levels(report.ratings["level"]) == levels(expected_ratings["level"])

    # wide() and lights(): the same cells, municipality × indicator
    wide, lights, sizes = report.wide(), report.lights(), report.wide("denominator")
    municipal = expected[expected["unit"] != NATIONAL]
    assert wide.shape == (municipal["unit"].nunique(), expected["indicator"].nunique())
    for row in municipal.to_dict("records"):
        np.testing.assert_equal(wide.loc[row["unit"], row["indicator"]], row["value"])
        assert lights.loc[row["unit"], row["indicator"]] == row["light"]
        assert sizes.loc[row["unit"], row["indicator"]] == row["denominator"]
    # light counts per indicator across municipalities
    counts = report.light_counts()
    for key in expected["indicator"].unique():
        rows = municipal[municipal["indicator"] == key]
        for light in ("red", "yellow", "green", "no data", "not rated"):
            assert counts.loc[key, light] == (rows["light"] == light).sum()


# ----------------------------------------------------------------------------- frames and text


def test_frames_have_the_documented_columns_and_are_copies():
    data, model = hand_example()
    report = evaluate_fidelity(data, model)
    assert report.to_frame().columns.tolist() == [
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
    ]
    assert report.sub_components.columns.tolist() == [
        "round",
        "element",
        "sub_component",
        "unit",
        "light",
    ]
    assert report.ratings.columns.tolist() == ["round", "element", "element_label", "unit", "level"]
    frame = report.to_frame()
    frame.loc[0, "value"] = 99.0
    assert report.indicators.loc[0, "value"] != 99.0
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        report.round = "x"
    with pytest.raises(ValueError, match="value must be"):
        report.wide("light")


def test_text_and_html_show_national_values_ratings_and_counts_without_identifiers():
    data, model = hand_example()
    report = evaluate_fidelity(data, model, round="final")
    text = str(report)
    # i1 national 9/12 = 75.0 %, n 12; i3 national 9/9 = 100.0 %
    assert "75.0 %" in text and "100.0 %" in text
    assert "Element ratings (national)" in text and "element e1" in text
    line_i1 = next(line for line in text.splitlines()[-5:] if line.split()[0] == "i1")
    # i1 across municipalities: red C, yellow B, green A, no data 0, not rated 0
    assert line_i1.split() == ["i1", "1", "1", "1", "0", "0"]
    line_i3 = next(line for line in text.splitlines()[-5:] if line.split()[0] == "i3")
    assert line_i3.split() == ["i3", "0", "0", "2", "1", "0"]
    page = report._repr_html_()
    assert "<table" in page and "75.0 %" in page
    for shown in (text, page, repr(report), report.to_frame().to_string()):
        for identifier in IDS:
            assert identifier not in shown


def test_html_escapes_labels():
    data = dataset(["A"], k=[1])
    model = programme(
        element(
            "e", ("s", [Indicator(key="a", label="<b>CV & goal</b>", kind=ShareOf(column="k"))])
        )
    )
    page = evaluate_fidelity(data, model)._repr_html_()
    assert "<b>CV" not in page and "&lt;b&gt;CV &amp; goal&lt;/b&gt;" in page


def test_scores_are_not_shown_as_percentages():
    # A mean score on 1–5 (e.g. an FSM element score) is printed as a number.
    score = Fixed(
        table=pd.DataFrame(
            {
                "unit": ["A", NATIONAL],
                "numerator": [38.0, 38.0],
                "denominator": [10.0, 10.0],
                "value": [3.8, 3.8],
            }
        )
    )
    model = programme(element("e", ("s", [indicator("ke1", kind=score, rated=False)])))
    report = evaluate_fidelity(dataset(["A"], k=[1]), model)
    assert report.scales["ke1"] == "score"
    assert "3.80" in str(report) and "380" not in str(report)


# ----------------------------------------------------------------------------- plot


def test_plot_draws_one_coloured_cell_per_municipality_and_indicator():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_rgba

    from activemeasures.fidelity._heatmap import COLOURS

    data, model = hand_example()
    model = programme(
        *model.core_elements, element("e3", ("s4", [indicator("n", "x1", rated=False)]))
    )
    report = evaluate_fidelity(data, model)
    try:
        ax = report.plot()
        assert isinstance(ax, matplotlib.axes.Axes)
        lights = report.lights()
        assert len(ax.patches) == lights.size == 3 * 5
        # cells row by row: municipality i, indicator j
        for patch, light in zip(ax.patches, lights.to_numpy().ravel(), strict=True):
            assert patch.get_facecolor() == to_rgba(COLOURS[light])
            assert (patch.get_hatch() is not None) == (light == "not rated")
        texts = [t.get_text() for t in ax.texts]
        # A: i1 100 %, i2 75 %, ...; C: i3 has no data → no text
        assert texts[:2] == ["100 %", "75 %"]
        assert len(texts) == lights.size - 1
        assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B", "C"]
        assert [t.get_text() for t in ax.get_xticklabels()] == ["i1", "i2", "i3", "i4", "n"]
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert set(legend) == {"green", "yellow", "red", "no data", "not rated"}
        everything = " ".join([*texts, *legend, ax.get_title()])
        assert not any(identifier in everything for identifier in IDS)

        _, given_ax = plt.subplots()
        assert report.plot(given_ax, annotate=False) is given_ax
        assert len(given_ax.texts) == 0 and len(given_ax.patches) == 15
    finally:
        plt.close("all")


def test_a_programme_without_indicators_gives_an_empty_report():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = dataset(["A"], k=[1])
    report = evaluate_fidelity(data, programme(CoreElement(key="e", label="E")))
    assert report.indicators.empty and report.sub_components.empty
    # an element without sub-components has no level
    assert report.ratings["unit"].tolist() == [NATIONAL]
    assert pd.isna(report.ratings["level"].iloc[0])
    assert "(none)" in str(report)
    assert report.wide().shape == (0, 0) and report.spread().empty
    try:
        assert len(report.plot().patches) == 0
    finally:
        plt.close("all")


def test_shares_print_in_percent_contrasts_in_points_and_scores_as_numbers():
    from activemeasures.fidelity import kinds

    citizens = pd.DataFrame(
        {
            "citizen_id": [f"c{i}" for i in range(8)],
            "municipality": ["Aarhus"] * 8,
            "visitation_date": "2016-03-01",
            "arm": ["treatment"] * 4 + ["control"] * 4,
        }
    )
    # Treatment 3 of 4 within 35 days, control 1 of 4: 75 %, D − K = +50 pp.
    events = pd.DataFrame(
        {"citizen_id": ["c0", "c1", "c2", "c4"], "date": "2016-03-10", "event": "conversation"}
    )
    survey = pd.DataFrame(
        {
            "respondent_id": [1, 2],
            "municipality": "Aarhus",
            "respondent": "staff",
            "round": "final",
            "item": "q1",
            "value": [3, 4],
        }
    )
    data = Dataset.from_frames(citizens, events=events, survey=survey, cutoff="2016-12-31")
    within = kinds.EventWithin(event="conversation", days=35)
    indicators = [
        Indicator(key="a", label="share", kind=within),
        Indicator(key="b", label="contrast", kind=kinds.Contrast(of=within), rated=False),
        Indicator(key="c", label="ratio", kind=kinds.Contrast(of=within, ratio=True), rated=False),
        Indicator(key="d", label="mean", kind=kinds.SurveyMean(item="q1"), rated=False),
    ]
    element = CoreElement(
        key="e", label="E", sub_components=[SubComponent(key="s", label="S", indicators=indicators)]
    )
    report = evaluate_fidelity(data, Programme(name="p", label="P", core_elements=[element]))
    assert dict(report.scales) == {"a": "share", "b": "difference", "c": "score", "d": "score"}
    text = str(report)
    assert "75.0 %" in text and "+50.0 pp" in text and "3.00" in text and "3.50" in text
