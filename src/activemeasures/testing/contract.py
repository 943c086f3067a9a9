"""The plugin contract suite: the checks every programme plugin passes in its own tests.

Two ways to run the same checks:

* :func:`check_plugin` runs them all and raises **one** :class:`AssertionError` listing every
  failure (:func:`check_installed` adds the checks of an installed distribution);
* :class:`PluginContract` is a pytest base class whose test methods run them one by one, so
  each failure shows separately::

      import activemeasures_mypilot
      from activemeasures.testing import PluginContract

      class TestMyPilot(PluginContract):
          plugin = activemeasures_mypilot
          entry_point = "mypilot"

The checks (each written once, in :data:`CHECKS`, and run by both):

===========================  ==================================================================
``hook_names``               marked functions are hooks of :mod:`activemeasures.hookspecs`;
                             functions named after a hook (or nearly) are marked
``registers``                registers in a fresh :class:`~activemeasures.Registry` without
                             :class:`~activemeasures.errors.PluginError`
``declares``                 declares a programme, or contributes to the ``programmes`` named
``resolves``                 every programme it declares or contributes to resolves
                             (:meth:`~activemeasures.Registry.programme`: types, unique keys,
                             references)
``example_data``             :func:`~activemeasures.testing.example_dataset` builds for it
``keys_and_labels``          every object has a non-empty key (name, code) and label
``citations``                every indicator, and every success criterion with a target, has a
                             ``citation`` ("every number cites its source")
``indicator_kinds``          each indicator kind computes a valid value table (below) on the
                             example data, twice the same, without changing the data, and
                             describes itself in a non-empty sentence
``success_criteria``         the same for the kinds of success criteria; targets are finite
``outcomes``                 ``values(panel)`` is an ``n × 52`` float array (the panel of the
                             example data at :data:`CONTRACT_HORIZON` weeks)
``resolve_visitations``      when implemented: returns ``ResolvedVisitations`` (citizens of the
                             records only) or ``None`` and leaves the records unchanged
``prepare_dataset``          when implemented: returns a :class:`~activemeasures.Dataset` or
                             ``None``, leaves the dataset given unchanged, and every record it
                             removes is counted as excluded in the returned data-quality report
``report_tables``            each report table's ``compute`` gives a DataFrame with every column
                             its disclosure roles and figure name, and no column without a role
``no_identifiers``           no message, description, value table or data-quality report shows
                             a ``citizen_id`` or ``respondent_id`` of the example data
===========================  ==================================================================

A valid value table has exactly the columns
:data:`~activemeasures.fidelity.INDICATOR_VALUE_COLUMNS`, one row per municipality (of the
dataset, unique, sorted) and the :data:`~activemeasures.fidelity.NATIONAL` row last;
denominators are finite and :math:`\\ge 0`; the value is NaN where the denominator is 0
("no data", never 0 % or 100 %) and equals numerator / denominator wherever the numerator is
given (not NaN) and the denominator is positive. A kind with no numerator (NaN, e.g. the
treatment − control difference of :class:`~activemeasures.fidelity.kinds.Contrast`) may
leave the value missing where it has no answer.

Only the plugin's **own** contributions are checked: objects other plugins add to the same
programme are theirs to check. The indicators are computed on the programme's participants
(success criteria on their own population), with ``round=None`` and, for kinds that read the
survey, every round of the example data.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Sequence
from typing import ClassVar

from activemeasures.registry import ENTRY_POINT_GROUP, Registry
from activemeasures.testing._checks import CHECKS, CONTRACT_HORIZON, run, run_all
from activemeasures.testing._subject import Blocked, NotApplicable, Subject, error_text

__all__ = ["CHECKS", "CONTRACT_HORIZON", "PluginContract", "check_installed", "check_plugin"]


def _report(name: str, failures: Sequence[str]) -> str:
    lines = "\n".join(f"  - {failure}" for failure in failures)
    noun = "failure" if len(failures) == 1 else "failures"
    return f"plugin {name!r} breaks the plugin contract ({len(failures)} {noun}):\n{lines}"


def check_plugin(
    plugin: object,
    *,
    name: str | None = None,
    programmes: Sequence[str] | None = None,
    alongside: Sequence[object] = (),
    require_citations: bool = True,
) -> None:
    """Check a plugin against the plugin contract; raise one error listing every failure.

    Parameters
    ----------
    plugin : object
        The plugin: a module (or object) with :data:`activemeasures.hookimpl`-marked
        functions.
    name : str, optional
        Name to register it under (default: the module name).
    programmes : sequence of str, optional
        Programmes the plugin contributes to without declaring them (e.g. a municipality's
        local indicators for ``"jobfirst"``); checked in addition to those it declares.
    alongside : sequence of object, optional
        Plugins registered first, e.g. the one that declares a programme named in
        *programmes*. Their own contributions are not checked.
    require_citations : bool, default True
        Require a ``citation`` on every indicator and on every success criterion with a
        target. Turning it off is for work in progress only: every number cites its source.

    Raises
    ------
    AssertionError
        Naming the plugin and listing every failure, one per line; see the module
        documentation for the checks.

    Examples
    --------
    >>> import types
    >>> import activemeasures as am
    >>> from activemeasures.testing import check_plugin
    >>> plugin = types.ModuleType("mypilot")
    >>> plugin.register_programmes = am.hookimpl(
    ...     lambda: [am.Programme(name="mypilot", label="My pilot")])
    >>> check_plugin(plugin)
    >>> plugin.register_programme = lambda: []      # a misspelled, unmarked hook
    >>> check_plugin(plugin)
    Traceback (most recent call last):
    ...
    AssertionError: plugin 'mypilot' breaks the plugin contract (1 failure):
      - register_programme() is not a hook; is it a misspelling of 'register_programmes'?
        (rename it, and mark it with @activemeasures.hookimpl)
    """
    subject = Subject(
        plugin,
        name=name,
        programmes=programmes,
        alongside=alongside,
        require_citations=require_citations,
    )
    failures = run_all(subject)
    if failures:
        raise AssertionError(_report(subject.name, failures))


def _installed_failures(entry_point: str) -> list[str]:
    """Why the installed plugin *entry_point* is not discoverable with a version."""
    names = {ep.name for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}
    if entry_point not in names:
        return [
            f"no entry point {entry_point!r} in the group {ENTRY_POINT_GROUP!r}: is the "
            f"distribution installed, and does its pyproject.toml have "
            f'[project.entry-points.{ENTRY_POINT_GROUP}] {entry_point} = "<module>"?'
        ]
    registry = Registry(block=sorted(names - {entry_point}))
    try:
        loaded = registry.discover()
    except Exception as exc:
        return [f"Registry().discover() fails: {error_text(exc)}"]
    if entry_point not in loaded:
        return [f"Registry().discover() does not load {entry_point!r}"]
    rows = registry.distributions()
    row = rows.loc[rows["plugin"] == entry_point]
    if row.empty or not str(row["distribution"].iloc[0]):
        return [f"Registry.distributions() names no distribution for {entry_point!r}"]
    if not str(row["version"].iloc[0]):
        return [f"Registry.distributions() gives no version for {entry_point!r}"]
    return []


def check_installed(
    entry_point: str,
    *,
    programmes: Sequence[str] | None = None,
    alongside: Sequence[object] = (),
    require_citations: bool = True,
) -> None:
    """Check an installed plugin: discoverable, with a distribution version, and the contract.

    Parameters
    ----------
    entry_point : str
        The plugin's name in the ``activemeasures`` entry-point group (e.g. ``"jobfirst"``).
    programmes, alongside, require_citations
        As for :func:`check_plugin`, which runs on the loaded plugin.

    Raises
    ------
    AssertionError
        Listing every failure: no such entry point, not loaded by
        :meth:`Registry.discover() <activemeasures.Registry.discover>` (other installed plugins
        blocked), no distribution or version in :meth:`~activemeasures.Registry.distributions`,
        and every failure of :func:`check_plugin`.

    Examples
    --------
    >>> from activemeasures.testing import check_installed
    >>> check_installed("no-such-plugin")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: plugin 'no-such-plugin' breaks the plugin contract (1 failure):
      - no entry point 'no-such-plugin' in the group 'activemeasures': ...
    """
    failures = _installed_failures(entry_point)
    if not failures:
        (found,) = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP, name=entry_point)
        subject = Subject(
            found.load(),
            name=entry_point,
            programmes=programmes,
            alongside=alongside,
            require_citations=require_citations,
        )
        failures = run_all(subject)
    if failures:
        raise AssertionError(_report(entry_point, failures))


class PluginContract:
    """pytest base class: the contract checks of :func:`check_plugin`, one test each.

    Subclass it in the plugin's tests and set :attr:`plugin`; pytest collects the subclass
    (its name must start with ``Test``) and runs every check as its own test. A check that
    depends on a failed one is skipped; a check that does not apply (``resolve_visitations``
    when the plugin does not implement it, ``citations`` when not required) is skipped.

    Attributes
    ----------
    plugin : object
        The plugin module or object (required).
    name : str, optional
        Name to register it under.
    programmes : sequence of str, optional
        Programmes it contributes to without declaring them.
    alongside : sequence of object
        Plugins registered first (e.g. the one declaring a programme in *programmes*).
    require_citations : bool, default True
    entry_point : str, optional
        Its entry-point name: when set, :meth:`test_installed` checks discovery and version.

    Examples
    --------
    ::

        import activemeasures_mypilot
        from activemeasures.testing import PluginContract

        class TestMyPilot(PluginContract):
            plugin = activemeasures_mypilot
            entry_point = "mypilot"
    """

    plugin: ClassVar[object] = None
    name: ClassVar[str | None] = None
    programmes: ClassVar[Sequence[str] | None] = None
    alongside: ClassVar[Sequence[object]] = ()
    require_citations: ClassVar[bool] = True
    entry_point: ClassVar[str | None] = None

    @classmethod
    def _contract_subject(cls) -> Subject:
        subject = cls.__dict__.get("_contract_cache")
        if subject is None:
            subject = Subject(
                cls.plugin,
                name=cls.name,
                programmes=cls.programmes,
                alongside=cls.alongside,
                require_citations=cls.require_citations,
            )
            cls._contract_cache = subject  # type: ignore[attr-defined]
        return subject

    def _contract(self, check: str) -> None:
        subject = type(self)._contract_subject()
        try:
            failures = run(subject, check)
        except (Blocked, NotApplicable) as exc:
            import pytest

            pytest.skip(f"{check}: {exc}")
        if failures:
            raise AssertionError(_report(subject.name, failures))

    def test_hook_names(self) -> None:
        """Marked functions are hooks; functions named after a hook are marked."""
        self._contract("hook_names")

    def test_registers(self) -> None:
        """Registers in a fresh Registry without PluginError."""
        self._contract("registers")

    def test_declares(self) -> None:
        """Declares a programme or contributes to the programmes named."""
        self._contract("declares")

    def test_resolves(self) -> None:
        """Every programme it declares or contributes to resolves."""
        self._contract("resolves")

    def test_example_data(self) -> None:
        """The example dataset builds for its programmes."""
        self._contract("example_data")

    def test_keys_and_labels(self) -> None:
        """Every object has a non-empty key and label."""
        self._contract("keys_and_labels")

    def test_citations(self) -> None:
        """Every indicator (and success criterion with a target) cites its source."""
        self._contract("citations")

    def test_indicator_kinds(self) -> None:
        """Indicator kinds compute valid value tables and describe themselves."""
        self._contract("indicator_kinds")

    def test_success_criteria(self) -> None:
        """Success criteria compute valid value tables and have finite targets."""
        self._contract("success_criteria")

    def test_outcomes(self) -> None:
        """Outcome values are n × horizon float arrays."""
        self._contract("outcomes")

    def test_resolve_visitations(self) -> None:
        """resolve_visitations returns ResolvedVisitations or None."""
        self._contract("resolve_visitations")

    def test_prepare_dataset(self) -> None:
        """When implemented: a Dataset or None; nothing dropped without being counted."""
        self._contract("prepare_dataset")

    def test_report_tables(self) -> None:
        """Each report table computes, with a disclosure role for every column."""
        self._contract("report_tables")

    def test_no_identifiers(self) -> None:
        """No output shows a citizen or respondent identifier."""
        self._contract("no_identifiers")

    def test_installed(self) -> None:
        """The installed plugin is discovered, with a distribution and version."""
        entry_point = type(self).entry_point
        if entry_point is None:
            import pytest

            pytest.skip("no entry_point set")
        failures = _installed_failures(entry_point)
        if failures:
            raise AssertionError(_report(entry_point, failures))
