"""The plugin registry: finds programme plugins and resolves their contributions.

:class:`Registry` wraps :class:`pluggy.PluginManager` (project ``activemeasures``). Nothing
happens at import time or on construction beyond registering the library's built-in hook
implementations; installed plugins are loaded only by :meth:`Registry.discover`.
"""

from __future__ import annotations

import difflib
import importlib.metadata
import inspect
import re
from collections.abc import Iterable
from typing import Any

import attrs
import pandas as pd
import pluggy

from activemeasures import _builtins, hookspecs
from activemeasures.errors import PluginError, UnknownProgrammeError
from activemeasures.fidelity.model import CoreElement, Indicator, SubComponent
from activemeasures.outcomes import Outcome
from activemeasures.programme import (
    Programme,
    ReportTable,
    ResolvedVisitations,
    SuccessCriterion,
    VisitationGroup,
)

__all__ = ["ENTRY_POINT_GROUP", "Registry"]

#: The entry-point group plugins register under.
ENTRY_POINT_GROUP = "activemeasures"

#: Name the built-in implementations are registered under.
BUILTIN = "activemeasures"

#: Columns of :meth:`Registry.distributions`.
DISTRIBUTION_COLUMNS = ("plugin", "distribution", "version")


def _plugin_error(manager: pluggy.PluginManager, exc: pluggy.PluginValidationError) -> PluginError:
    name = manager.get_name(exc.plugin) or getattr(exc.plugin, "__name__", repr(exc.plugin))
    message = " ".join(str(exc).replace(f"Plugin {name!r}", "").split()).strip(" :")
    unknown = re.search(r"unknown hook '(\w+)'", message)
    if unknown:
        close = difflib.get_close_matches(unknown.group(1), hookspecs.HOOK_NAMES, n=1)
        message = f"unknown hook {unknown.group(1)!r}" + (
            f" (did you mean {close[0]!r}?)" if close else ""
        )
    return PluginError(name, message)


class Registry:
    """The installed programme plugins, and the programmes they define.

    Parameters
    ----------
    block : iterable of str, optional
        Plugin (entry-point) names never to load, e.g. a broken or unwanted plugin.

    Examples
    --------
    >>> import activemeasures as am
    >>> registry = am.Registry()          # built-ins only: nothing is imported or discovered
    >>> registry.programmes()
    ()
    >>> loaded = registry.discover()     # load installed plugins (entry points)
    >>> "jobfirst" in registry.programmes()
    True
    """

    def __init__(self, *, block: Iterable[str] = ()) -> None:
        self._manager = pluggy.PluginManager(ENTRY_POINT_GROUP)
        self._manager.add_hookspecs(hookspecs)
        for name in block:
            self._manager.set_blocked(name)
        self._manager.register(_builtins, name=BUILTIN)

    # ------------------------------------------------------------------ plugins

    def discover(self) -> tuple[str, ...]:
        """Load every installed plugin of the ``activemeasures`` entry-point group.

        Plugins already registered or blocked are skipped. After loading, every hook
        implementation is checked against :mod:`activemeasures.hookspecs`.

        Returns
        -------
        tuple of str
            Names of the plugins loaded by this call.

        Raises
        ------
        PluginError
            Naming the plugin that cannot be imported, has an implementation that is not a
            hook (a misspelling), or a hook with the wrong arguments.
        """
        names = sorted({ep.name for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)})
        loaded = []
        for name in names:
            if self._manager.has_plugin(name) or self._manager.is_blocked(name):
                continue
            try:
                count = self._manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP, name=name)
            except pluggy.PluginValidationError as exc:
                raise _plugin_error(self._manager, exc) from None
            except Exception as exc:  # an import error inside the plugin
                raise PluginError(name, f"could not be loaded: {exc!r}") from exc
            if count:
                self._check(name)
                loaded.append(name)
        return tuple(loaded)

    def register(self, plugin: object, name: str | None = None) -> str:
        """Register a plugin object directly (a module or instance; for notebooks and tests).

        Parameters
        ----------
        plugin : object
            Module or object with :data:`activemeasures.hookimpl`-marked functions.
        name : str, optional
            Name to register it under (default: the module name).

        Returns
        -------
        str
            The name it was registered under.

        Raises
        ------
        PluginError
            As for :meth:`discover`, or when the name is taken or blocked.
        """
        name = name or getattr(plugin, "__name__", None) or type(plugin).__name__
        if self._manager.is_blocked(name):
            raise PluginError(name, "is blocked in this registry")
        if self._manager.has_plugin(name):
            raise PluginError(name, "a plugin is already registered under this name")
        try:
            self._manager.register(plugin, name=name)
        except pluggy.PluginValidationError as exc:
            raise _plugin_error(self._manager, exc) from None
        except ValueError as exc:  # the same object registered twice
            raise PluginError(name, str(exc)) from None
        self._check(name)
        return name

    def unregister(self, name: str) -> None:
        """Remove a registered plugin by name."""
        self._manager.unregister(name=name)

    def _check(self, name: str) -> None:
        """Refuse misspelled hooks, and hook-like functions that are not marked."""
        try:
            self._manager.check_pending()
        except pluggy.PluginValidationError as exc:
            self._manager.unregister(name=name)
            raise _plugin_error(self._manager, exc) from None
        plugin = self._manager.get_plugin(name)
        marked = {impl.function for impl in _impls_of(self._manager, plugin)}
        for attr, value in inspect.getmembers(plugin, callable):
            if attr in hookspecs.HOOK_NAMES and value not in marked and not inspect.isclass(value):
                self._manager.unregister(name=name)
                raise PluginError(
                    name,
                    f"{attr}() is not marked with @activemeasures.hookimpl, so it would never "
                    "be called",
                )

    def plugins(self) -> tuple[str, ...]:
        """Names of the registered plugins (built-ins included), in registration order."""
        return tuple(name for name, _ in self._registered())

    def _registered(self) -> list[tuple[str, object]]:
        # pluggy lists blocked names too, with no plugin object.
        return [(n, p) for n, p in self._manager.list_name_plugin() if p is not None]

    def distributions(self) -> pd.DataFrame:
        """Provenance of every registered plugin, for reports.

        Returns
        -------
        pandas.DataFrame
            Columns ``plugin`` (registered name), ``distribution`` (installed package name)
            and ``version``; for a plugin registered directly, the package of its module and
            that package's version when it is installed ("" otherwise).
        """
        from activemeasures import __version__

        by_plugin = {
            id(plugin): (dist.metadata["Name"], dist.version)
            for plugin, dist in self._manager.list_plugin_distributions()
        }
        rows = []
        for name, plugin in self._registered():
            if name == BUILTIN:
                rows.append((name, "activemeasures", __version__))
                continue
            # Only look a plugin up among installed packages when no entry point gave it (the
            # lookup scans every installed distribution).
            known = by_plugin.get(id(plugin))
            dist, version = known if known is not None else _module_distribution(plugin)
            rows.append((name, dist, version))
        return pd.DataFrame(rows, columns=list(DISTRIBUTION_COLUMNS))

    # ------------------------------------------------------------------ programmes

    def _declarations(self) -> dict[str, tuple[str, Programme]]:
        declared: dict[str, tuple[str, Programme]] = {}
        for plugin, items in self._collect("register_programmes", Programme):
            for item in items:
                if item.name in declared:
                    raise PluginError(
                        plugin,
                        f"declares programme {item.name!r}, already declared by plugin "
                        f"{declared[item.name][0]!r}",
                    )
                declared[item.name] = (plugin, item)
        return declared

    def programmes(self) -> tuple[str, ...]:
        """Names of the programmes the registered plugins declare, sorted."""
        return tuple(sorted(self._declarations()))

    def programme(self, name: str) -> Programme:
        """One programme with every plugin's contributions resolved.

        Parameters
        ----------
        name : str
            Programme name (see :meth:`programmes`).

        Returns
        -------
        Programme
            With core elements (sub-components and indicators merged in), visitation groups,
            success criteria and outcomes, and the names of the contributing plugins.

        Raises
        ------
        UnknownProgrammeError
            Listing the installed programmes.
        PluginError
            Naming the plugin and object when a contribution has the wrong type, repeats a
            key or refers to an element or sub-component that does not exist.
        """
        declared = self._declarations()
        if name not in declared:
            known = ", ".join(sorted(declared)) or "none (did you call Registry.discover()?)"
            raise UnknownProgrammeError(f"no programme {name!r} is installed; installed: {known}")
        owner, programme = declared[name]
        contributors = [owner]

        def collect(hook: str, cls: type) -> list[tuple[str, Any]]:
            found = []
            for plugin, items in self._collect(hook, cls, programme=name):
                found += [(plugin, item) for item in items]
                if items and plugin not in contributors:
                    contributors.append(plugin)
            return found

        elements = _assemble_elements(
            collect("register_core_elements", CoreElement),
            collect("register_sub_components", SubComponent),
            collect("register_indicators", Indicator),
        )
        groups = _unique(collect("register_visitation_groups", VisitationGroup), "code", "group")
        criteria = _unique(
            collect("register_success_criteria", SuccessCriterion), "key", "criterion"
        )
        outcomes = _unique(collect("register_outcomes", Outcome), "name", "outcome")
        tables = _unique(collect("register_report_tables", ReportTable), "key", "report table")
        return attrs.evolve(
            programme,
            core_elements=elements,
            visitation_groups=groups,
            success_criteria=criteria,
            outcomes=outcomes,
            report_tables=tables,
            plugins=tuple(contributors),
        )

    def prepare_dataset(self, programme: str, dataset):
        """The dataset after the programme's own data rules (the first plugin's answer).

        Parameters
        ----------
        programme : str
            Programme name.
        dataset : Dataset

        Returns
        -------
        Dataset
            What the first plugin implementing
            :func:`~activemeasures.hookspecs.prepare_dataset` for *programme* returns, or
            *dataset* itself when none does.

        Raises
        ------
        PluginError
            When a plugin returns something other than a Dataset.
        """
        from activemeasures.dataset import Dataset

        # Newest plugin first, as pluggy's firstresult, but naming the plugin that answered.
        for impl in reversed(self._manager.hook.prepare_dataset.get_hookimpls()):
            result = impl.function(programme=programme, dataset=dataset)
            if result is None:
                continue
            if not isinstance(result, Dataset):
                raise PluginError(
                    impl.plugin_name,
                    f"prepare_dataset returned {type(result).__name__} for programme "
                    f"{programme!r}; expected a Dataset or None",
                )
            return result
        return dataset

    def resolve_visitations(self, programme: str, records: pd.DataFrame) -> ResolvedVisitations:
        """One visitation record per citizen, by the programme's rule (the first plugin's).

        Parameters
        ----------
        programme : str
            Programme name.
        records : pandas.DataFrame
            Validated visitations table (``citizen_id, group, start, end``).

        Returns
        -------
        ResolvedVisitations
        """
        result = self._manager.hook.resolve_visitations(programme=programme, records=records)
        if not isinstance(result, ResolvedVisitations):
            impl = self._manager.hook.resolve_visitations.get_hookimpls()[-1]
            raise PluginError(
                impl.plugin_name,
                f"resolve_visitations returned {type(result).__name__}, expected "
                "ResolvedVisitations or None",
            )
        return result

    # ------------------------------------------------------------------ helpers

    def _collect(self, hook: str, cls: type, **kwargs: object) -> list[tuple[str, list]]:
        """Call every implementation of a declarative hook; check what each returns."""
        caller = getattr(self._manager.hook, hook)
        results = []
        # Registration order (pluggy stores implementations oldest first).
        for impl in caller.get_hookimpls():
            returned = impl.function(*[kwargs[arg] for arg in impl.argnames])
            if returned is None:
                continue
            if isinstance(returned, str | bytes) or not isinstance(returned, Iterable):
                raise PluginError(
                    impl.plugin_name,
                    f"{hook} must return a list of {cls.__name__}, got {type(returned).__name__}",
                )
            items = list(returned)
            for item in items:
                if not isinstance(item, cls):
                    raise PluginError(
                        impl.plugin_name,
                        f"{hook} returned {_describe(item)}, expected {cls.__name__}",
                    )
            results.append((impl.plugin_name, items))
        return results


def _impls_of(manager: pluggy.PluginManager, plugin: object) -> list:
    return [
        impl
        for caller in manager.get_hookcallers(plugin) or []
        for impl in caller.get_hookimpls()
        if impl.plugin is plugin
    ]


def _module_distribution(plugin: object) -> tuple[str, str]:
    module = plugin.__name__ if inspect.ismodule(plugin) else type(plugin).__module__
    top = (module or "").split(".")[0]
    packages = importlib.metadata.packages_distributions().get(top, [])
    if not packages:
        return ("", "")
    return (packages[0], importlib.metadata.version(packages[0]))


def _describe(item: object) -> str:
    key = getattr(item, "key", None) or getattr(item, "name", None)
    return f"{type(item).__name__} {key!r}" if isinstance(key, str) else type(item).__name__


def _unique(found: list[tuple[str, Any]], attribute: str, what: str) -> tuple:
    seen: dict[str, str] = {}
    for plugin, item in found:
        key = getattr(item, attribute)
        if key in seen:
            raise PluginError(
                plugin,
                f"{what} {key!r} ({type(item).__name__}) is already defined by plugin "
                f"{seen[key]!r}",
            )
        seen[key] = plugin
    return tuple(item for _, item in found)


def _assemble_elements(
    elements: list[tuple[str, CoreElement]],
    sub_components: list[tuple[str, SubComponent]],
    indicators: list[tuple[str, Indicator]],
) -> tuple[CoreElement, ...]:
    """Merge separately contributed sub-components and indicators into the element tree."""
    _unique(elements, "key", "core element")
    order = [element.key for _, element in elements]
    subs: dict[str, list[SubComponent]] = {}
    owner_of_sub: dict[str, str] = {}
    owner_of_indicator: dict[str, str] = {}

    def add_indicator(plugin: str, ind: Indicator, element: str, sub: str) -> Indicator:
        if ind.key in owner_of_indicator:
            raise PluginError(
                plugin,
                f"indicator {ind.key!r} is already defined by plugin "
                f"{owner_of_indicator[ind.key]!r}",
            )
        for field, expected in (("element", element), ("sub_component", sub)):
            given = getattr(ind, field)
            if given is not None and given != expected:
                raise PluginError(
                    plugin,
                    f"indicator {ind.key!r} sits in {field} {expected!r} but names {given!r}",
                )
        owner_of_indicator[ind.key] = plugin
        return ind

    def add_sub(plugin: str, sub: SubComponent, element: str) -> None:
        if sub.key in owner_of_sub:
            raise PluginError(
                plugin,
                f"sub-component {sub.key!r} is already defined by plugin {owner_of_sub[sub.key]!r}",
            )
        if sub.element is not None and sub.element != element:
            raise PluginError(
                plugin,
                f"sub-component {sub.key!r} sits in element {element!r} but names {sub.element!r}",
            )
        owner_of_sub[sub.key] = plugin
        for ind in sub.indicators:
            add_indicator(plugin, ind, element, sub.key)
        subs.setdefault(element, []).append(sub)

    for plugin, element in elements:
        for sub in element.sub_components:
            add_sub(plugin, sub, element.key)
    for plugin, sub in sub_components:
        if sub.element not in order:
            raise PluginError(
                plugin,
                f"sub-component {sub.key!r} names element {sub.element!r}, which the programme "
                f"does not have (elements: {', '.join(order) or 'none'})",
            )
        add_sub(plugin, sub, sub.element)
    extra: dict[str, list[Indicator]] = {}
    element_of_sub = {sub.key: el for el, items in subs.items() for sub in items}
    for plugin, ind in indicators:
        if element_of_sub.get(ind.sub_component) != ind.element or ind.element is None:
            raise PluginError(
                plugin,
                f"indicator {ind.key!r} names element {ind.element!r} and sub-component "
                f"{ind.sub_component!r}, which the programme does not have",
            )
        extra.setdefault(ind.sub_component, []).append(
            add_indicator(plugin, ind, ind.element, ind.sub_component)
        )

    resolved = []
    for _, element in elements:
        merged = tuple(
            attrs.evolve(sub, indicators=sub.indicators + tuple(extra.get(sub.key, ())))
            for sub in subs.get(element.key, [])
        )
        resolved.append(attrs.evolve(element, sub_components=merged))
    return tuple(resolved)
