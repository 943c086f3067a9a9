"""The plugin contract suite: good plugins pass; each broken one fails naming its problem.

Plugins are built inline as modules with ``activemeasures.hookimpl``-marked functions; their
indicator kinds are small stubs defined here (vectorised pandas, obviously correct).
"""

from __future__ import annotations

import ast
import types
from pathlib import Path

import attrs
import numpy as np
import pandas as pd
import pytest

import activemeasures as am
from activemeasures.fidelity import INDICATOR_VALUE_COLUMNS, NATIONAL
from activemeasures.outcomes import MeanHours, ShareInState
from activemeasures.testing import PluginContract, check_installed, check_plugin
from activemeasures.testing._checks import frame_failures
from activemeasures.testing.contract import CHECKS, _installed_failures

SRC = Path(__file__).resolve().parents[2] / "src" / "activemeasures"

# ---------------------------------------------------------------------------------- stub kinds


def _value_table(municipality: pd.Series, numerator: pd.Series, counted: pd.Series):
    """Rows per municipality (sorted as text) and a national row: sums of num and den."""
    parts = pd.DataFrame(
        {"numerator": numerator.to_numpy(float), "denominator": counted.to_numpy(float)}
    )
    grouped = parts.groupby(municipality.astype(str).to_numpy(), sort=True).sum()
    frame = pd.DataFrame(
        {
            "unit": [*grouped.index, NATIONAL],
            "numerator": [*grouped["numerator"], parts["numerator"].sum()],
            "denominator": [*grouped["denominator"], parts["denominator"].sum()],
        }
    )
    frame["value"] = frame["numerator"] / frame["denominator"].where(frame["denominator"] > 0)
    return frame


@attrs.frozen
class EventShare:
    """Share of the population with at least one event of ``code``."""

    code: str
    tables = ("citizens", "events")

    @property
    def codes(self):
        return {"events": (self.code,)}

    def compute(self, dataset, population, *, round=None):
        citizens = dataset.citizens.loc[population.select(dataset.citizens)]
        events = dataset.events
        met = citizens["citizen_id"].isin(events.loc[events["event"] == self.code, "citizen_id"])
        return _value_table(citizens["municipality"], met, pd.Series(1.0, index=citizens.index))

    def describe(self):
        return f"share of citizens with at least one {self.code!r} event"


@attrs.frozen
class SurveyMean:
    """Mean answer to ``item`` (in one round, or all)."""

    item: str
    tables = ("survey",)

    @property
    def codes(self):
        return {"survey": (self.item,)}

    def compute(self, dataset, population, *, round=None):
        survey = dataset.survey.loc[dataset.survey["item"] == self.item]
        if round is not None:
            survey = survey.loc[survey["round"] == round]
        return _value_table(
            survey["municipality"], survey["value"], pd.Series(1.0, index=survey.index)
        )

    def describe(self):
        return f"mean answer to {self.item!r}"


@attrs.frozen
class ActivityShare:
    """Share of the population with at least one activity ``state``."""

    state: str
    tables = ("citizens", "activities")

    @property
    def codes(self):
        return {"activities": (self.state,)}

    def compute(self, dataset, population, *, round=None):
        citizens = dataset.citizens.loc[population.select(dataset.citizens)]
        acts = dataset.activities
        met = citizens["citizen_id"].isin(acts.loc[acts["activity"] == self.state, "citizen_id"])
        return _value_table(citizens["municipality"], met, pd.Series(1.0, index=citizens.index))

    def describe(self):
        return f"share of citizens with a {self.state} activity"


@attrs.frozen(eq=False)
class Broken:
    """A kind whose compute() result is ``fix(result of a good kind, dataset)``."""

    fix: object
    good: object = EventShare("conversation")
    description: str = "a broken kind"
    tables = ("citizens", "events")

    def compute(self, dataset, population, *, round=None):
        return self.fix(self.good.compute(dataset, population, round=round), dataset)

    def describe(self):
        return self.description


# ---------------------------------------------------------------------------------- plugins


def indicator(key, kind, **options):
    options.setdefault("citation", "(000, L1-2)")
    return am.Indicator(key=key, label=f"Indicator {key}", kind=kind, **options)


def element(key, *indicators, sub="1.1"):
    return am.CoreElement(
        key=key,
        label=f"Element {key}",
        sub_components=[am.SubComponent(key=sub, label="Sub", indicators=indicators)],
    )


GOOD_INDICATORS = (
    indicator("1.1a", EventShare("conversation")),
    indicator("1.1b", SurveyMean("q_trust")),
    indicator("1.1c", ActivityShare("SNIFFING")),
)


def plugin(module_name="pilot_plugin", *, programme="pilot", **hooks):
    """A plugin module: the given hooks (marked), defaults for the programme and elements.

    A hook given as ``None`` is left out; a list is returned for *programme* only.
    """
    module = types.ModuleType(module_name)
    defaults = {
        "register_programmes": [am.Programme(name=programme, label="Pilot", citation="(000)")],
        "register_core_elements": [element("roles", GOOD_INDICATORS[0])],
        "register_success_criteria": [
            am.SuccessCriterion(
                key="sc1",
                label="Job goals",
                kind=EventShare("job_goal"),
                target=0.5,
                citation="(001, L3)",
            )
        ],
        "register_outcomes": [ShareInState(am.State.INTERNSHIP), MeanHours()],
    }
    defaults.update(hooks)
    for hook, returned in defaults.items():
        if returned is None:
            continue
        if callable(returned):
            function = returned
        elif hook == "register_programmes":
            function = _constant(returned)
        else:
            function = _for_programme(programme, returned)
        setattr(module, hook, am.hookimpl(function))
    return module


def _constant(value):
    def register_programmes():
        return value

    return register_programmes


def _for_programme(name, value):
    def hook(programme):
        return value if programme == name else []

    return hook


def failures_of(plugin_object, **options) -> str:
    with pytest.raises(AssertionError) as info:
        check_plugin(plugin_object, **options)
    return str(info.value)


# ---------------------------------------------------------------------------------- passing


def test_a_good_plugin_passes():
    check_plugin(plugin(register_core_elements=[element("roles", *GOOD_INDICATORS)]))


def test_a_visitation_programme_with_its_own_resolution_rule_passes():
    def resolve_visitations(programme, records):
        if programme != "visits":
            return None
        first = records.sort_values(["start", "group"]).drop_duplicates("citizen_id")
        return am.ResolvedVisitations(table=first)

    groups = [
        am.VisitationGroup(code="1", key="intervention", label="Intervention", intervention=True),
        am.VisitationGroup(code="2", key="rehab", label="Rehabilitation", rank=1),
    ]
    module = plugin(
        "visits_plugin",
        programme="visits",
        register_programmes=[
            am.Programme(
                name="visits",
                label="Visits",
                design="visitation",
                participants=am.Population(groups=("1",)),
            )
        ],
        register_visitation_groups=groups,
        resolve_visitations=resolve_visitations,
    )
    check_plugin(module)


def test_a_plugin_adding_a_local_indicator_to_another_programme_passes():
    local = plugin(
        "local_plugin",
        register_programmes=None,
        register_core_elements=None,
        register_success_criteria=None,
        register_outcomes=None,
        register_indicators=[
            indicator("local.1", EventShare("cv_update"), element="roles", sub_component="1.1")
        ],
    )
    check_plugin(local, programmes=["pilot"], alongside=[plugin()])


def test_only_the_plugins_own_contributions_are_checked():
    """The programme's owner has an uncited indicator: not the local plugin's failure."""
    owner = plugin(
        register_core_elements=[element("roles", indicator("x", EventShare("x"), citation=""))]
    )
    local = plugin(
        "local_plugin",
        register_programmes=None,
        register_core_elements=None,
        register_success_criteria=None,
        register_outcomes=None,
        register_indicators=[
            indicator("local.1", EventShare("cv_update"), element="roles", sub_component="1.1")
        ],
    )
    check_plugin(local, programmes=["pilot"], alongside=[owner])
    assert "indicator 'x'" in failures_of(owner)


def test_the_built_in_kinds_pass_the_contract():
    from activemeasures.fidelity.kinds import Contrast, EventWithin, SurveyShare

    module = plugin(
        register_core_elements=[
            element(
                "roles",
                indicator("1.2a", EventWithin(event="conversation", days=35)),
                indicator("1.1", SurveyShare(item="q_roles")),
                indicator("5.2", Contrast(of=EventWithin(event="work_agreement"))),
            )
        ]
    )
    check_plugin(module)


# ---------------------------------------------------------------------------------- broken


def test_a_misspelled_marked_hook_is_named_with_the_hook_it_resembles():
    module = plugin()
    module.register_programme = am.hookimpl(lambda: [])
    message = failures_of(module)
    assert "register_programme() is marked" in message
    assert "did you mean 'register_programmes'" in message
    assert "does not register" in message  # the registry refuses it too


def test_an_unmarked_hook_function_is_named():
    module = plugin(register_outcomes=None)
    module.register_outcomes = lambda programme: []
    message = failures_of(module)
    assert "register_outcomes() is named after a hook but not marked" in message


def test_an_unmarked_misspelled_hook_is_named():
    module = plugin()
    module.register_visitation_group = lambda programme: []
    message = failures_of(module)
    assert "register_visitation_group() is not a hook" in message
    assert "'register_visitation_groups'" in message


def test_unrelated_helper_functions_are_fine():
    module = plugin()
    module.make_indicators = lambda: []
    module.register = lambda: None
    module.register_indicator_kinds = lambda: None  # not close enough to a hook name
    check_plugin(module)


def test_a_hook_implemented_under_another_name_with_specname_is_accepted():
    module = plugin(register_outcomes=None)
    module.pilot_outcomes = am.hookimpl(specname="register_outcomes")(
        _for_programme("pilot", [MeanHours()])
    )
    check_plugin(module)


@pytest.mark.parametrize(
    ("returned", "expected"),
    [
        ({"roles": "x"}, "register_core_elements returned str, expected CoreElement"),
        ("roles", "must return a list of CoreElement, got str"),
        ([GOOD_INDICATORS[0]], "returned Indicator '1.1a', expected CoreElement"),
    ],
)
def test_a_hook_returning_the_wrong_type_fails(returned, expected):
    message = failures_of(plugin(register_core_elements=returned))
    assert "programme 'pilot' does not resolve" in message
    assert expected in message


def test_register_programmes_returning_the_wrong_type_fails():
    message = failures_of(plugin(register_programmes=[element("roles")]))
    assert "Registry.programmes() fails" in message
    assert "expected Programme" in message


def test_duplicate_element_keys_fail():
    module = plugin(
        register_core_elements=[element("roles", sub="1.1"), element("roles", sub="2.1")]
    )
    message = failures_of(module)
    assert "core element 'roles' (CoreElement) is already defined" in message


def test_duplicate_indicator_keys_fail():
    twice = [GOOD_INDICATORS[0], GOOD_INDICATORS[0]]
    message = failures_of(plugin(register_core_elements=[element("roles", *twice)]))
    assert "indicator '1.1a' is already defined" in message


def test_an_indicator_without_citation_fails_unless_citations_are_not_required():
    uncited = indicator("1.1z", EventShare("conversation"), citation="")
    module = plugin(register_core_elements=[element("roles", uncited)])
    message = failures_of(module)
    assert "indicator '1.1z' of programme 'pilot' has no citation" in message
    assert "(1 failure)" in message
    check_plugin(module, require_citations=False)


def test_a_success_criterion_with_a_target_but_no_citation_fails():
    criterion = am.SuccessCriterion(key="sc9", label="x", kind=EventShare("job_goal"), target=0.4)
    message = failures_of(plugin(register_success_criteria=[criterion]))
    assert (
        "success criterion 'sc9' of programme 'pilot' has a target (0.4) but no citation" in message
    )
    unrated = attrs.evolve(criterion, target=None)
    check_plugin(plugin(register_success_criteria=[unrated]))


def test_an_infinite_target_fails():
    criterion = am.SuccessCriterion(
        key="sc9", label="x", kind=EventShare("job_goal"), target=float("inf"), citation="(1)"
    )
    assert "the target must be finite" in failures_of(plugin(register_success_criteria=[criterion]))


def test_a_plugin_declaring_and_naming_nothing_fails():
    module = plugin(register_programmes=None)
    assert "declares no programme" in failures_of(module)


def test_a_contributor_needs_the_programme_declared_alongside():
    local = plugin(
        "local_plugin",
        register_programmes=None,
        register_indicators=[
            indicator("l1", EventShare("x"), element="roles", sub_component="1.1")
        ],
        register_core_elements=None,
        register_success_criteria=None,
        register_outcomes=None,
    )
    message = failures_of(local, programmes=["pilot"])
    assert "programme 'pilot' is declared neither by the plugin nor by a plugin given" in message


def test_a_named_programme_the_plugin_adds_nothing_to_fails():
    bystander = types.ModuleType("bystander")
    bystander.register_outcomes = am.hookimpl(lambda programme: [])
    message = failures_of(bystander, programmes=["pilot"], alongside=[plugin()])
    assert "contributes nothing to programme 'pilot'" in message


def test_a_kind_returning_wrong_columns_fails_naming_them():
    renamed = Broken(lambda frame, data: frame.rename(columns={"value": "share"}))
    message = failures_of(plugin(register_core_elements=[element("e", indicator("w", renamed))]))
    assert "indicator 'w' of programme 'pilot': compute(round=None) returned the columns" in message
    assert "['unit', 'numerator', 'denominator', 'share'], expected exactly" in message


def test_a_kind_that_raises_fails_with_the_error():
    def fail(frame, data):
        raise KeyError("the kind needs a column 'cv'")

    message = failures_of(
        plugin(register_core_elements=[element("e", indicator("k", Broken(fail)))])
    )
    assert "compute(round=None) raised KeyError" in message and "'cv'" in message


def test_survey_kinds_are_computed_for_every_round():
    rounds_asked: list = []

    @attrs.frozen(eq=False)
    class EmptyInFinal(SurveyMean):
        """Correct, except that the final round's table lacks every row."""

        def compute(self, dataset, population, *, round=None):
            rounds_asked.append(round)
            frame = SurveyMean.compute(self, dataset, population, round=round)
            return frame.iloc[:0] if round == "final" else frame

    module = plugin(register_core_elements=[element("e", indicator("s", EmptyInFinal("q1")))])
    message = failures_of(module)
    assert "compute(round='final') the last row must be the 'national' row" in message
    assert "round='midterm'" not in message
    assert set(rounds_asked) == {None, "baseline", "midterm", "final"}


def test_an_empty_description_fails():
    kind = Broken(lambda frame, data: frame, description=" ")
    message = failures_of(plugin(register_core_elements=[element("e", indicator("d", kind))]))
    assert "describe() fails: ValueError: describe() must be a non-empty string" in message


def test_a_kind_that_changes_the_dataset_fails():
    def scribble(frame, data):
        data.citizens["scribbled"] = 1
        return frame

    message = failures_of(
        plugin(register_core_elements=[element("e", indicator("m", Broken(scribble)))])
    )
    assert "compute() changed the dataset's citizens table in place" in message


def test_a_kind_that_is_not_deterministic_fails():
    draws = np.random.default_rng(0)

    def random_value(frame, data):
        frame = frame.copy()
        frame.loc[frame.index[0], "denominator"] += draws.integers(1, 1000)
        frame["value"] = frame["numerator"] / frame["denominator"]
        return frame

    module = plugin(register_core_elements=[element("e", indicator("r", Broken(random_value)))])
    assert "compute() gives a different table the second time" in failures_of(module)


def test_a_kind_with_bad_tables_or_codes_fails():
    @attrs.frozen
    class Odd(EventShare):
        tables = ("citizens", "benefits")

        @property
        def codes(self):
            return {"events": ("x",), "hours": ("y",)}

    message = failures_of(plugin(register_core_elements=[element("e", indicator("o", Odd("x")))]))
    assert "kind Odd.tables must be a tuple of table names" in message
    assert "codes name the tables ['hours']" in message
    assert "the example data for programme 'pilot' cannot be built" in message


def test_a_programme_with_an_arm_the_schema_refuses_fails_on_the_example_data():
    odd = am.Programme(name="pilot", label="Pilot", arms=("treatment", "placebo"))
    message = failures_of(plugin(register_programmes=[odd]))
    assert "the example data for programme 'pilot' cannot be built: ValidationError" in message


@attrs.frozen
class OddOutcome:
    name: str = "odd"
    label: str = "Odd"
    result: str = "shape"

    def values(self, panel, *, compact=False):
        if self.result == "raise":
            raise RuntimeError("no values")
        if self.result == "list":
            return [[0.0]]
        if self.result == "int":
            return np.zeros((panel.n_citizens, panel.horizon), dtype=np.int64)
        return np.zeros((panel.n_citizens, panel.horizon + 1))


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        ("shape", "has shape (240, 53), expected (citizens, weeks) = (240, 52)"),
        ("int", "has dtype int64, expected floats"),
        ("list", "returned list, expected a numpy array"),
        ("raise", "values(panel) raised RuntimeError: no values"),
    ],
)
def test_outcome_values_must_be_a_citizens_by_weeks_float_array(result, expected):
    message = failures_of(plugin(register_outcomes=[OddOutcome(result=result)]))
    assert "outcome 'odd' of programme 'pilot': " in message
    assert expected in message


def test_an_outcome_without_a_label_fails():
    message = failures_of(plugin(register_outcomes=[OddOutcome(label="")]))
    assert "outcome OddOutcome of programme 'pilot' has an empty or non-text label" in message


@pytest.mark.parametrize(
    ("resolve", "expected"),
    [
        (lambda programme, records: records, "returned DataFrame, expected ResolvedVisitations"),
        (
            lambda programme, records: am.ResolvedVisitations(
                table=pd.DataFrame(
                    {"citizen_id": ["stranger"], "group": ["1"], "start": [pd.NaT], "end": [pd.NaT]}
                )
            ),
            "returned 1 citizens that are not in the records",
        ),
        (
            lambda programme, records: records.insert(4, "extra", 1),
            "changed the records it was given",
        ),
        (lambda programme, records: 1 / 0, "raised ZeroDivisionError"),
    ],
)
def test_resolve_visitations_must_return_resolved_visitations_or_none(resolve, expected):
    message = failures_of(plugin(resolve_visitations=resolve))
    assert "resolve_visitations(programme='pilot')" in message
    assert expected in message


def test_no_output_may_show_a_citizen_id():
    def leak(frame, data):
        raise ValueError(f"citizen {data.citizens['citizen_id'].iloc[3]} has no events")

    def ids_as_units(frame, data):
        ids = sorted(data.citizens["citizen_id"].iloc[:2])
        return pd.DataFrame(
            {"unit": [*ids, NATIONAL], "numerator": 1.0, "denominator": 2.0, "value": 0.5}
        )

    module = plugin(
        register_core_elements=[
            element("e", indicator("leak", Broken(leak)), indicator("units", Broken(ids_as_units)))
        ]
    )
    message = failures_of(module)
    assert "2 units are not municipalities of the dataset" in message
    assert (
        "compute(round=None) of indicator 'leak' of programme 'pilot' shows an identifier"
        in message
    )
    assert (
        "compute(round=None) of indicator 'units' of programme 'pilot' shows an identifier"
        in message
    )


def test_every_failure_is_listed_in_one_error():
    uncited = indicator("u", EventShare("conversation"), citation="")
    renamed = Broken(lambda frame, data: frame.rename(columns={"unit": "municipality"}))
    module = plugin(
        register_core_elements=[element("e", uncited, indicator("w", renamed))],
        register_outcomes=[OddOutcome(result="int")],
    )
    module.register_outcome = lambda programme: []
    message = failures_of(module)
    assert message.startswith("plugin 'pilot_plugin' breaks the plugin contract (4 failures):")
    for expected in ("register_outcome()", "'u'", "'w'", "dtype int64"):
        assert expected in message


# ---------------------------------------------------------------------------------- frames

NAN = float("nan")


def frame(rows, columns=INDICATOR_VALUE_COLUMNS):
    return pd.DataFrame(rows, columns=list(columns))


GOOD_ROWS = [("M1", 1.0, 2.0, 0.5), ("M2", 0.0, 0.0, NAN), (NATIONAL, 1.0, 2.0, 0.5)]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([(NATIONAL, 1.0, 2.0, 0.5), ("M1", 1.0, 2.0, 0.5)], "last row must be the 'national'"),
        ([], "last row must be the 'national'"),
        ([(NATIONAL, 1, 2, 0.5), (NATIONAL, 1, 2, 0.5)], "'national' row appears more than once"),
        ([("M2", 1, 2, 0.5), ("M1", 1, 2, 0.5), (NATIONAL, 2, 4, 0.5)], "not in sorted order"),
        ([("M1", 1, 2, 0.5), ("M1", 1, 2, 0.5), (NATIONAL, 2, 4, 0.5)], "1 municipalities repeat"),
        ([("Nowhere", 1, 2, 0.5), (NATIONAL, 1, 2, 0.5)], "1 units are not municipalities"),
        ([("M1", 1, -2, -0.5), (NATIONAL, 1, 2, 0.5)], "denominator must be a finite number >= 0"),
        ([("M1", 1, NAN, NAN), (NATIONAL, 1, 2, 0.5)], "denominator must be a finite number >= 0"),
        (
            [("M1", 0, 0, 0.0), (NATIONAL, 1, 2, 0.5)],
            "value must be NaN where the denominator is 0",
        ),
        ([("M1", 1, 2, NAN), (NATIONAL, 1, 2, 0.5)], "value must be numerator / denominator"),
        ([("M1", 1, 2, 0.25), (NATIONAL, 1, 2, 0.5)], "(1 rows differ)"),
        ([("M1", "1", 2, 0.5), (NATIONAL, "1", 2, 0.5)], "numerator has dtype"),
    ],
)
def test_value_table_rules(rows, expected):
    found = frame_failures(frame(rows), {"M1", "M2"})
    assert any(expected in failure for failure in found), found


def test_a_valid_value_table_passes_and_a_kind_without_numerator_may_leave_values_missing():
    assert frame_failures(frame(GOOD_ROWS), {"M1", "M2"}) == []
    contrast = [("M1", NAN, 4.0, NAN), ("M2", NAN, 3.0, -0.25), (NATIONAL, NAN, 7.0, 0.1)]
    assert frame_failures(frame(contrast), {"M1", "M2"}) == []


def test_wrong_columns_or_type_are_reported_alone():
    assert frame_failures(frame(GOOD_ROWS, ("unit", "num", "den", "value")), {"M1"}) == [
        "returned the columns ['unit', 'num', 'den', 'value'], expected exactly "
        "['unit', 'numerator', 'denominator', 'value']"
    ]
    assert frame_failures({"unit": []}, {"M1"}) == ["returned dict, expected a pandas DataFrame"]


# ---------------------------------------------------------------------------------- pytest class


class TestGoodPluginUnderThePytestContract(PluginContract):
    """Collected by pytest: every contract check runs as its own (passing) test."""

    plugin = plugin(register_core_elements=[element("roles", *GOOD_INDICATORS)])


class _BrokenContract(PluginContract):  # not collected: driven by hand below
    plugin = plugin(
        register_core_elements=[element("e", indicator("u", EventShare("x"), citation=""))]
    )


def test_the_pytest_class_runs_each_check_as_its_own_test():
    assert {name for name in dir(PluginContract) if name.startswith("test_")} == {
        f"test_{check}" for check in CHECKS
    } | {"test_installed"}
    broken = _BrokenContract()
    with pytest.raises(AssertionError, match="indicator 'u' of programme 'pilot' has no citation"):
        broken.test_citations()
    broken.test_indicator_kinds()  # the other checks pass
    broken.test_registers()
    with pytest.raises(pytest.skip.Exception, match="does not implement resolve_visitations"):
        broken.test_resolve_visitations()
    with pytest.raises(pytest.skip.Exception, match="no entry_point set"):
        broken.test_installed()


def test_checks_depending_on_a_failed_one_are_skipped_in_the_class_and_silent_in_check_plugin():
    class Unregistrable(PluginContract):
        plugin = plugin(register_outcomes=None)

    Unregistrable.plugin.register_outcomes = lambda programme: []
    case = Unregistrable()
    with pytest.raises(AssertionError, match="does not register"):
        case.test_registers()
    with pytest.raises(pytest.skip.Exception, match="the plugin does not register"):
        case.test_indicator_kinds()
    message = failures_of(Unregistrable.plugin)
    assert "could not run" not in message
    assert "(2 failures)" in message  # the unmarked hook, and the registry refusing it


def test_the_class_needs_a_plugin():
    class Empty(PluginContract):
        pass

    with pytest.raises(TypeError, match="set the plugin attribute"):
        Empty().test_registers()


# ---------------------------------------------------------------------------------- installed


@pytest.mark.parametrize("entry_point", ["jobfirst", "flereskalmed"])
def test_an_installed_plugin_is_discovered_with_its_distribution_and_version(entry_point):
    assert _installed_failures(entry_point) == []


def test_a_plugin_that_is_not_installed_fails_check_installed():
    with pytest.raises(AssertionError, match="no entry point 'no-such-plugin' in the group"):
        check_installed("no-such-plugin")


# ---------------------------------------------------------------------------------- layering


def test_nothing_in_the_core_imports_the_testing_package():
    offenders = []
    for path in SRC.rglob("*.py"):
        if "testing" in path.relative_to(SRC).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [
                    f"{node.module}.{alias.name}" for alias in node.names
                ]
            if any(name.startswith("activemeasures.testing") for name in names):
                offenders.append(str(path.relative_to(SRC)))
    assert offenders == []


def _top_level_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add((node.module or "").split(".")[0])
    return names


@pytest.mark.parametrize("module", ["__init__.py", "simulate.py", "contract.py"])
def test_the_example_data_and_the_contract_import_without_hypothesis_or_pytest(module):
    """Only the strategies need hypothesis at import; pytest is imported where it skips."""
    assert not _top_level_imports(SRC / "testing" / module) & {"hypothesis", "pytest"}


def test_the_testing_package_imports_its_modules_on_first_use():
    import activemeasures.testing as testing
    from activemeasures.testing import simulate, strategies

    assert testing.example_dataset is simulate.example_dataset
    assert testing.strategies is strategies
    assert testing.check_plugin is check_plugin
    assert set(testing.__all__) <= set(dir(testing))
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        testing.nothing
