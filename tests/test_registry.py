"""The registry: explicit discovery, provenance, and programmes resolved from every plugin.

Each hook of :mod:`activemeasures.hookspecs` has at least one test here named after it
(``tests/test_hookspecs.py`` checks that).
"""

from __future__ import annotations

import sys
import types

import attrs
import pandas as pd
import pytest

import activemeasures as am
from activemeasures import Registry
from activemeasures.errors import PluginError, UnknownProgrammeError
from activemeasures.outcomes import MeanHours, ShareInState


@attrs.frozen
class ConstantKind:
    """A stub indicator kind (the real kinds have their own tests)."""

    tables: tuple[str, ...] = ("citizens",)

    def compute(self, dataset, population, *, round=None):
        return pd.DataFrame(
            {"unit": ["national"], "numerator": [1.0], "denominator": [2.0], "value": [0.5]}
        )

    def describe(self):
        return "a constant half"


def indicator(key, **kw):
    return am.Indicator(key=key, label=f"indicator {key}", kind=ConstantKind(), **kw)


def plugin(name, **hooks):
    """A plugin module whose functions are marked as hook implementations."""
    module = types.ModuleType(name)
    for hook, function in hooks.items():
        function.__name__ = hook
        setattr(module, hook, am.hookimpl(function))
    return module


def pilot_plugin(name="pilot_plugin", declares="pilot"):
    def register_programmes():
        return [am.Programme(name=declares, label="Pilot", design="randomised")]

    def register_core_elements(programme):
        if programme != declares:
            return []
        sub = am.SubComponent(key="1.1", label="First", indicators=[indicator("1.1a")])
        return [
            am.CoreElement(key="roles", label="Roles", number=1, sub_components=[sub]),
            am.CoreElement(key="goal", label="Goal", number=2),
        ]

    return plugin(
        name, register_programmes=register_programmes, register_core_elements=register_core_elements
    )


def test_a_new_registry_holds_only_the_builtins_and_declares_no_programme():
    registry = Registry()
    assert registry.plugins() == ("activemeasures",)
    assert registry.programmes() == ()


def test_importing_and_constructing_loads_no_plugin():
    for module in ("activemeasures_jobfirst", "activemeasures_flereskalmed"):
        sys.modules.pop(module, None)
    Registry()
    assert "activemeasures_jobfirst" not in sys.modules


def test_discover_loads_the_installed_plugins_once():
    registry = Registry()
    loaded = registry.discover()
    assert {"jobfirst", "flereskalmed"} <= set(loaded)
    assert registry.discover() == ()  # nothing new the second time


def test_block_keeps_a_plugin_out():
    registry = Registry(block=["jobfirst"])
    registry.discover()
    assert "jobfirst" not in registry.plugins()
    assert "flereskalmed" in registry.plugins()
    with pytest.raises(PluginError, match="blocked"):
        registry.register(pilot_plugin(), name="jobfirst")


def test_distributions_name_every_plugin_with_its_version():
    registry = Registry()
    registry.discover()
    registry.register(pilot_plugin())
    table = registry.distributions().set_index("plugin")
    assert list(table.columns) == ["distribution", "version"]
    assert table.loc["activemeasures", "version"] == am.__version__
    assert table.loc["jobfirst", "distribution"] == "activemeasures-jobfirst"
    assert table.loc["jobfirst", "version"]
    assert table.loc["pilot_plugin", "distribution"] == ""  # registered directly, not installed


def test_register_programmes_declares_and_programme_resolves_the_tree():
    registry = Registry()
    registry.register(pilot_plugin())
    assert registry.programmes() == ("pilot",)
    programme = registry.programme("pilot")
    assert [e.key for e in programme.core_elements] == ["roles", "goal"]
    assert [i.key for i in programme.indicators] == ["1.1a"]
    assert programme.plugins == ("pilot_plugin",)


def test_unknown_programme_lists_the_installed_ones():
    registry = Registry()
    registry.register(pilot_plugin())
    with pytest.raises(UnknownProgrammeError, match=r"no programme 'jobfirts'.*installed: pilot"):
        registry.programme("jobfirts")
    with pytest.raises(UnknownProgrammeError, match="discover"):
        Registry().programme("pilot")


def test_two_plugins_declaring_one_programme_is_refused():
    registry = Registry()
    registry.register(pilot_plugin("first"))
    registry.register(pilot_plugin("second"))
    with pytest.raises(PluginError, match=r"'second'.*already declared by plugin 'first'"):
        registry.programmes()


def test_register_indicators_adds_a_local_indicator_to_another_plugins_sub_component():
    registry = Registry()
    registry.register(pilot_plugin())
    local = plugin(
        "municipality_x",
        register_indicators=lambda programme: [
            indicator("1.1-local", element="roles", sub_component="1.1")
        ],
    )
    registry.register(local)
    programme = registry.programme("pilot")
    assert [i.key for i in programme.element("roles").indicators] == ["1.1a", "1.1-local"]
    assert programme.plugins == ("pilot_plugin", "municipality_x")


def test_register_indicators_refuses_an_unknown_placement():
    registry = Registry()
    registry.register(pilot_plugin())
    registry.register(
        plugin(
            "stray",
            register_indicators=lambda programme: [
                indicator("9.9", element="roles", sub_component="9")
            ],
        )
    )
    with pytest.raises(PluginError, match=r"'stray'.*indicator '9.9'.*sub-component '9'"):
        registry.programme("pilot")


def test_register_sub_components_adds_to_an_existing_element():
    registry = Registry()
    registry.register(pilot_plugin())
    registry.register(
        plugin(
            "extra",
            register_sub_components=lambda programme: [
                am.SubComponent(
                    key="2.1", label="Goal recorded", element="goal", indicators=[indicator("2.1a")]
                )
            ],
        )
    )
    programme = registry.programme("pilot")
    assert [s.key for s in programme.element("goal").sub_components] == ["2.1"]
    assert [i.key for i in programme.indicators] == ["1.1a", "2.1a"]


def test_register_sub_components_refuses_a_missing_element():
    registry = Registry()
    registry.register(pilot_plugin())
    registry.register(
        plugin(
            "extra",
            register_sub_components=lambda programme: [
                am.SubComponent(key="7.1", label="x", element="nowhere")
            ],
        )
    )
    with pytest.raises(PluginError, match=r"'extra'.*element 'nowhere'.*elements: roles, goal"):
        registry.programme("pilot")


def test_register_core_elements_with_a_duplicate_key_names_both_plugins():
    registry = Registry()
    registry.register(pilot_plugin())
    registry.register(
        plugin(
            "copycat",
            register_core_elements=lambda programme: [
                am.CoreElement(key="roles", label="Roles again")
            ],
        )
    )
    with pytest.raises(PluginError, match=r"'copycat'.*core element 'roles'.*'pilot_plugin'"):
        registry.programme("pilot")


def test_duplicate_indicator_keys_are_refused():
    registry = Registry()
    registry.register(pilot_plugin())
    registry.register(
        plugin(
            "dup",
            register_indicators=lambda programme: [
                indicator("1.1a", element="roles", sub_component="1.1")
            ],
        )
    )
    with pytest.raises(PluginError, match=r"'dup'.*indicator '1.1a' is already defined"):
        registry.programme("pilot")


def test_register_core_elements_returning_the_wrong_type_names_the_plugin_and_object():
    registry = Registry()
    registry.register(pilot_plugin())
    registry.register(
        plugin(
            "sloppy",
            register_core_elements=lambda programme: [
                am.SubComponent(key="x", label="a sub-component, not an element")
            ],
        )
    )
    with pytest.raises(PluginError, match=r"'sloppy'.*returned SubComponent 'x'.*CoreElement"):
        registry.programme("pilot")
    registry.unregister("sloppy")
    registry.register(plugin("stringy", register_core_elements=lambda programme: "roles"))
    with pytest.raises(PluginError, match=r"'stringy'.*must return a list of CoreElement"):
        registry.programme("pilot")


def test_a_misspelled_hook_is_refused_with_a_suggestion():
    registry = Registry()
    with pytest.raises(PluginError, match=r"'typo'.*'register_programme'.*register_programmes"):
        registry.register(plugin("typo", register_programme=lambda: []))
    assert "typo" not in registry.plugins()


def test_an_unmarked_hook_function_is_refused():
    module = types.ModuleType("unmarked")
    module.register_programmes = lambda: []
    with pytest.raises(PluginError, match=r"'unmarked'.*not marked with @activemeasures.hookimpl"):
        Registry().register(module)


def test_a_hook_with_a_wrong_argument_is_refused():
    def register_core_elements(programme, colour):
        return []

    with pytest.raises(PluginError, match=r"'wrongargs'.*colour"):
        Registry().register(plugin("wrongargs", register_core_elements=register_core_elements))


def test_register_visitation_groups_and_register_success_criteria_and_register_outcomes():
    def groups(programme):
        return [
            am.VisitationGroup(code=1, key="intervention", label="Intervention", intervention=True),
            am.VisitationGroup(code="2", key="rehabilitation", label="Rehabilitation"),
        ]

    def criteria(programme):
        return [
            am.SuccessCriterion(key="c1", label="Half reach it", kind=ConstantKind(), target=0.5)
        ]

    def outcomes(programme):
        return [ShareInState(am.State.INTERNSHIP), MeanHours()]

    registry = Registry()
    registry.register(pilot_plugin())
    registry.register(
        plugin(
            "more",
            register_visitation_groups=groups,
            register_success_criteria=criteria,
            register_outcomes=outcomes,
        )
    )
    programme = registry.programme("pilot")
    assert [g.code for g in programme.visitation_groups] == ["1", "2"]
    assert programme.success_criteria[0].target == 0.5
    assert [o.name for o in programme.outcomes] == [
        ShareInState(am.State.INTERNSHIP).name,
        MeanHours().name,
    ]


def test_register_visitation_groups_with_a_repeated_code_is_refused():
    one = [am.VisitationGroup(code=1, key="a", label="A")]
    registry = Registry()
    registry.register(pilot_plugin())
    registry.register(plugin("g1", register_visitation_groups=lambda programme: one))
    registry.register(plugin("g2", register_visitation_groups=lambda programme: one))
    with pytest.raises(PluginError, match=r"'g2'.*group '1'.*'g1'"):
        registry.programme("pilot")


def test_register_outcomes_must_return_outcomes():
    registry = Registry()
    registry.register(pilot_plugin())
    registry.register(plugin("o", register_outcomes=lambda programme: ["hours"]))
    with pytest.raises(PluginError, match=r"'o'.*returned str.*Outcome"):
        registry.programme("pilot")


def monthly_table(dataset):
    return pd.DataFrame({"month": [1, 2], "n": [10, 12], "share": [0.1, 0.25]})


def test_register_report_tables_adds_tables_to_the_programme():
    table = am.ReportTable(
        key="monthly",
        title="Share by month",
        compute=monthly_table,
        count="n",
        values=["share"],
        by=["month"],
        figure=am.ReportFigure(x="month", y="share"),
    )
    registry = Registry()
    registry.register(pilot_plugin())
    registry.register(plugin("r", register_report_tables=lambda programme: [table]))
    programme = registry.programme("pilot")
    assert programme.report_tables == (table,)
    assert "r" in programme.plugins


def test_register_report_tables_with_a_repeated_key_is_refused():
    table = am.ReportTable(key="monthly", title="T", compute=monthly_table, count="n")
    registry = Registry()
    registry.register(pilot_plugin())
    registry.register(plugin("r1", register_report_tables=lambda programme: [table]))
    registry.register(plugin("r2", register_report_tables=lambda programme: [table]))
    with pytest.raises(PluginError, match=r"'r2'.*'monthly'.*'r1'"):
        registry.programme("pilot")


def test_register_report_tables_must_return_report_tables():
    registry = Registry()
    registry.register(pilot_plugin())
    registry.register(plugin("r", register_report_tables=lambda programme: ["monthly"]))
    with pytest.raises(PluginError, match=r"'r'.*returned str.*ReportTable"):
        registry.programme("pilot")


def visitation_records():
    return pd.DataFrame(
        {
            "citizen_id": ["p", "p", "q", "r", "r"],
            "group": [2, 1, 3, 1, 6],
            "start": pd.to_datetime(
                ["2018-01-10", "2018-01-10", "2018-02-01", "2018-03-01", "2017-12-01"]
            ),
            "end": pd.to_datetime([None, None, "2018-01-01", None, "2018-06-01"]),
        }
    )


def test_resolve_visitations_builtin_keeps_the_earliest_record_and_counts_what_it_drops():
    resolved = Registry().resolve_visitations("any", visitation_records())
    table = resolved.table.set_index("citizen_id")
    # p: two records on the same day, lowest group code wins; q ends before it starts (dropped);
    # r: the earlier record (group 6, 2017-12-01) wins.
    assert table["group"].to_dict() == {"p": 1, "r": 6}
    counts = resolved.quality.to_frame().set_index("rule")["n_records"]
    assert counts["records read"] == 5
    assert counts["ends before it starts"] == 1
    assert counts["later record of the same citizen"] == 2


def test_resolve_visitations_first_plugin_answer_wins_and_none_defers():
    def own_rule(programme, records):
        if programme != "pilot":
            return None
        last = records.sort_values("start").drop_duplicates("citizen_id", keep="last")
        return am.ResolvedVisitations(table=last)

    registry = Registry()
    registry.register(plugin("rule", resolve_visitations=own_rule))
    mine = registry.resolve_visitations("pilot", visitation_records()).table
    assert mine.set_index("citizen_id")["group"].to_dict() == {"p": 1, "q": 3, "r": 1}
    builtin = registry.resolve_visitations("other", visitation_records()).table
    assert builtin.set_index("citizen_id")["group"].to_dict() == {"p": 1, "r": 6}


def test_resolve_visitations_returning_the_wrong_type_names_the_plugin():
    registry = Registry()
    registry.register(plugin("bad_rule", resolve_visitations=lambda programme, records: records))
    with pytest.raises(PluginError, match=r"'bad_rule'.*returned DataFrame"):
        registry.resolve_visitations("pilot", visitation_records())


def test_programme_string_summarises_contributions():
    registry = Registry()
    registry.register(pilot_plugin())
    text = str(registry.programme("pilot"))
    assert text.startswith("Pilot (pilot, randomised): 2 core elements, 1 indicators")
    assert text.endswith("from pilot_plugin")


def test_discover_names_a_plugin_that_cannot_be_imported(monkeypatch):
    from importlib.metadata import EntryPoint

    broken = EntryPoint(name="broken_pilot", value="no_such_module_xyz", group="activemeasures")
    monkeypatch.setattr(
        "activemeasures.registry.importlib.metadata.entry_points", lambda group: [broken]
    )
    registry = Registry()

    def load(group, name=None):
        return broken.load()  # raises ModuleNotFoundError, as pluggy would

    monkeypatch.setattr(registry._manager, "load_setuptools_entrypoints", load)
    with pytest.raises(PluginError, match=r"'broken_pilot'.*could not be loaded.*no_such_module"):
        registry.discover()


def test_prepare_dataset_takes_the_newest_plugins_dataset_and_names_a_bad_one():
    from activemeasures.datasets import simulate_trial

    data = simulate_trial("jobfirst", n_citizens=40, n_municipalities=2, seed=1)
    smaller = am.Dataset.from_frames(data.citizens, cutoff=data.cutoff)
    registry = Registry()
    registry.register(pilot_plugin())
    assert registry.prepare_dataset("pilot", data) is data  # no rule: unchanged
    registry.register(plugin("none", prepare_dataset=lambda programme, dataset: None))
    registry.register(plugin("cut", prepare_dataset=lambda programme, dataset: smaller))
    assert registry.prepare_dataset("pilot", data) is smaller
    registry.register(plugin("bad", prepare_dataset=lambda programme, dataset: "cleaned"))
    with pytest.raises(PluginError, match=r"'bad'.*returned str.*Dataset or None"):
        registry.prepare_dataset("pilot", data)
