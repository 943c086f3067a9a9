"""The plugin under test: registration, resolved programmes and example data, each once.

Private to :mod:`activemeasures.testing.contract`: a :class:`Subject` holds everything the
contract checks (:mod:`activemeasures.testing._checks`) share, so that running them one by
one (the pytest class) or all together costs the same.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from typing import Any

import attrs
import pandas as pd
import pluggy

from activemeasures import hookspecs
from activemeasures.dataset import Dataset
from activemeasures.fidelity.model import CoreElement, Indicator, Population, SubComponent
from activemeasures.outcomes import Outcome
from activemeasures.programme import Programme, ReportTable, SuccessCriterion, VisitationGroup
from activemeasures.registry import ENTRY_POINT_GROUP, Registry
from activemeasures.testing.simulate import example_dataset, required_codes

_MARK = f"{ENTRY_POINT_GROUP}_impl"  # the attribute activemeasures.hookimpl sets
_CONTRIBUTION_HOOKS = {
    "register_core_elements": CoreElement,
    "register_sub_components": SubComponent,
    "register_indicators": Indicator,
    "register_visitation_groups": VisitationGroup,
    "register_success_criteria": SuccessCriterion,
    "register_outcomes": Outcome,
    "register_report_tables": ReportTable,
}


#: Example datasets already built, by what :func:`example_dataset` reads of a programme.
_EXAMPLES: dict[tuple, Dataset] = {}
_MAX_EXAMPLES = 16


def cached_example(programme: Programme) -> Dataset:
    """``example_dataset(programme)``, built once per distinct input (never handed out)."""
    key = (
        programme.design,
        tuple(programme.arms),
        programme.participants,
        tuple((group.code, group.rank) for group in programme.visitation_groups),
        tuple(required_codes(programme).items()),
    )
    if key not in _EXAMPLES:
        if len(_EXAMPLES) >= _MAX_EXAMPLES:
            del _EXAMPLES[next(iter(_EXAMPLES))]
        _EXAMPLES[key] = example_dataset(programme)
    return _EXAMPLES[key]


class Blocked(Exception):
    """A check cannot run because a check it depends on failed (that one reports why)."""


class NotApplicable(Exception):
    """The check does not apply to this plugin (e.g. a hook it does not implement)."""


def error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def hook_members(plugin: object) -> tuple[dict[str, str], list[str]]:
    """Marked routines (attribute -> hook name they implement) and unmarked public routines."""
    marked: dict[str, str] = {}
    unmarked: list[str] = []
    for attr in dir(plugin):
        try:
            value = getattr(plugin, attr)
        except Exception:  # a property that raises is not a hook
            continue
        if not inspect.isroutine(value):
            continue
        options = getattr(value, _MARK, None)
        if isinstance(options, Mapping):
            marked[attr] = options.get("specname") or attr
        elif not attr.startswith("_"):
            unmarked.append(attr)
    return marked, unmarked


class Contributions:
    """What the plugin itself (not the plugins alongside it) gives one programme."""

    def __init__(self, found: Mapping[str, list]) -> None:
        self.elements: list[CoreElement] = found["register_core_elements"]
        self.sub_components: list[SubComponent] = found["register_sub_components"]
        self.extra_indicators: list[Indicator] = found["register_indicators"]
        self.groups: list[VisitationGroup] = found["register_visitation_groups"]
        self.criteria: list[SuccessCriterion] = found["register_success_criteria"]
        self.outcomes: list[Any] = found["register_outcomes"]
        self.report_tables: list[ReportTable] = found["register_report_tables"]

    @property
    def subs(self) -> list[SubComponent]:
        return [s for e in self.elements for s in e.sub_components] + self.sub_components

    @property
    def indicators(self) -> list[Indicator]:
        return [i for s in self.subs for i in s.indicators] + self.extra_indicators

    def __bool__(self) -> bool:
        found = (self.elements, self.sub_components, self.extra_indicators, self.groups)
        return any(found) or bool(self.criteria or self.outcomes or self.report_tables)


class Subject:
    """A plugin under test, with everything the checks share, computed once."""

    def __init__(
        self,
        plugin: object,
        *,
        name: str | None = None,
        programmes: Sequence[str] | None = None,
        alongside: Sequence[object] = (),
        require_citations: bool = True,
    ) -> None:
        if plugin is None:
            raise TypeError("the plugin to check is None (set the plugin attribute)")
        if isinstance(programmes, str):
            programmes = (programmes,)
        self.plugin = plugin
        self.name = name or getattr(plugin, "__name__", None) or type(plugin).__name__
        self.programmes = tuple(programmes or ())
        self.alongside = tuple(alongside)
        self.require_citations = require_citations
        #: (where, text) of everything plugin code produced as text, for the identifier check.
        self.texts: list[tuple[str, str]] = []
        self._programmes: dict[str, Programme | str] = {}
        self._datasets: dict[str, Dataset | str] = {}
        self._pristine: dict[str, Dataset] = {}
        self._contributions: dict[str, Contributions | str] = {}
        self._computed: dict[tuple, pd.DataFrame | BaseException] = {}
        self.identifiers: set[str] = set()
        #: Outcome of each check already run (failures, or the exception that stopped it).
        self.outcomes: dict[str, list[str] | Exception] = {}

    # ------------------------------------------------------------------ registration

    @cached_property
    def registration(self) -> tuple[Registry | None, list[str]]:
        registry = Registry()
        errors = []
        for other in self.alongside:
            try:
                registry.register(other)
            except Exception as exc:
                errors.append(f"a plugin given alongside does not register: {error_text(exc)}")
        try:
            registry.register(self.plugin, name=self.name)
        except Exception as exc:
            errors.append(f"does not register in a fresh Registry: {error_text(exc)}")
            return None, errors
        return registry, errors

    @property
    def registry(self) -> Registry:
        registry, _ = self.registration
        if registry is None:
            raise Blocked("the plugin does not register")
        return registry

    @cached_property
    def _own(self) -> pluggy.PluginManager | None:
        """A plugin manager holding only this plugin: calls reach its implementations only."""
        manager = pluggy.PluginManager(ENTRY_POINT_GROUP)
        manager.add_hookspecs(hookspecs)
        try:
            manager.register(self.plugin, name=self.name)
            manager.check_pending()
        except Exception:
            return None
        return manager

    def own_call(self, hook: str, **kwargs: object) -> Any:
        self.registry  # noqa: B018 - blocks when the plugin does not register
        if self._own is None:
            raise Blocked("the plugin does not register")
        return getattr(self._own.hook, hook)(**kwargs)

    def own_items(self, hook: str, cls: type, **kwargs: object) -> list:
        try:
            results = self.own_call(hook, **kwargs)
        except Blocked:
            raise
        except Exception as exc:
            raise Blocked(f"{hook} raised {error_text(exc)}") from exc
        items = []
        for result in results:
            if isinstance(result, str | bytes) or not hasattr(result, "__iter__"):
                continue  # the registry reports the wrong type
            items += [item for item in result if isinstance(item, cls)]
        return items

    def implements(self, hook: str) -> bool:
        return hook in hook_members(self.plugin)[0].values()

    @cached_property
    def declared(self) -> tuple[str, ...]:
        """Names of the programmes the plugin itself declares."""
        names = [p.name for p in self.own_items("register_programmes", Programme)]
        return tuple(dict.fromkeys(names))

    @property
    def targets(self) -> tuple[str, ...]:
        """The programmes to check: those declared and those named in ``programmes``."""
        targets = tuple(dict.fromkeys(self.declared + self.programmes))
        if not targets:
            raise Blocked("the plugin declares or contributes to no programme")
        return targets

    # ------------------------------------------------------------------ per programme

    def programme(self, name: str) -> Programme:
        if name not in self._programmes:
            try:
                self._programmes[name] = self.registry.programme(name)
            except Blocked:
                raise
            except Exception as exc:
                self._programmes[name] = error_text(exc)
                self.texts.append((f"resolving programme {name!r}", str(exc)))
        found = self._programmes[name]
        if isinstance(found, str):
            raise Blocked(f"programme {name!r} does not resolve")
        return found

    def resolution_error(self, name: str) -> str | None:
        try:
            self.programme(name)
        except Blocked:
            found = self._programmes.get(name)
            if found is None:
                raise
            return str(found)
        return None

    def dataset(self, name: str) -> Dataset:
        if name not in self._datasets:
            programme = self.programme(name)
            try:
                pristine = cached_example(programme)
            except Exception as exc:
                self._datasets[name] = error_text(exc)
            else:
                data = attrs.evolve(pristine)  # copies every table
                self._datasets[name] = data
                self._pristine[name] = pristine
                self.identifiers.update(data.citizens["citizen_id"].astype(str))
                self.identifiers.update(data.survey["respondent_id"].astype(str))
        found = self._datasets[name]
        if isinstance(found, str):
            raise Blocked(f"the example data for programme {name!r} cannot be built")
        return found

    def dataset_error(self, name: str) -> str | None:
        try:
            self.dataset(name)
        except Blocked:
            found = self._datasets.get(name)
            if not isinstance(found, str):
                raise
            return found
        return None

    def contributions(self, name: str) -> Contributions:
        if name not in self._contributions:
            found = {
                hook: self.own_items(hook, cls, programme=name)
                for hook, cls in _CONTRIBUTION_HOOKS.items()
            }
            self._contributions[name] = Contributions(found)
        return self._contributions[name]  # type: ignore[return-value]

    def compute(
        self, kind: object, name: str, population: Population, round: str | None
    ) -> pd.DataFrame | BaseException:
        key = (id(kind), name, population, round)
        if key not in self._computed:
            try:
                self._computed[key] = kind.compute(  # type: ignore[attr-defined]
                    self.dataset(name), population, round=round
                )
            except Blocked:
                raise
            except Exception as exc:
                self._computed[key] = exc
        return self._computed[key]

    def restore_if_changed(self, name: str) -> list[str]:
        """Tables of the example data that changed since it was built (then rebuilt)."""
        data = self.dataset(name)
        tables = data.tables
        changed = [
            table
            for table, frame in self._pristine[name].tables.items()
            if not frame.equals(tables[table])
        ]
        if changed:
            del self._datasets[name]
            self.dataset(name)
        return changed


def each_programme(subject: Subject, check: Callable[[str], list[str]]) -> list[str]:
    """Run *check* per target programme; blocked only when it is blocked for all of them."""
    failures: list[str] = []
    blocked: list[Blocked] = []
    targets = subject.targets
    for name in targets:
        try:
            failures += check(name)
        except Blocked as exc:
            blocked.append(exc)
    if len(blocked) == len(targets):
        raise blocked[0]
    return failures
