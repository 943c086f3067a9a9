"""The plugin contract: every hook a programme plugin can implement.

A plugin is a module (or any object) whose functions are marked with
:data:`activemeasures.hookimpl` and named after the hooks below. It is registered under the
entry-point group ``activemeasures`` in its ``pyproject.toml``::

    [project.entry-points.activemeasures]
    mypilot = "activemeasures_mypilot"

and loaded only when :meth:`activemeasures.Registry.discover` is called.

Declarative hooks (``register_*``) return a list of frozen objects; the registry calls
**every** plugin's implementation and merges the results, so several plugins may contribute to
one programme (a municipality can add a local indicator to JobFirst). An implementation that
has nothing to add for the programme asked about returns an empty list (or ``None``).
Only :func:`resolve_visitations` is ``firstresult``: one answer is needed, and the first
plugin to give one wins; the library's built-in default runs last.

The registry checks what comes back: a wrong type, a key used twice, or a reference to an
element that does not exist raises :class:`~activemeasures.errors.PluginError` naming the
plugin and the object; an implementation whose name is not a hook below (a misspelling) is
refused when the plugin is registered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import pandas as pd

    from activemeasures.dataset import Dataset
    from activemeasures.fidelity.model import CoreElement, Indicator, SubComponent
    from activemeasures.outcomes import Outcome
    from activemeasures.programme import (
        Programme,
        ReportTable,
        ResolvedVisitations,
        SuccessCriterion,
        VisitationGroup,
    )

__all__ = [
    "HOOK_NAMES",
    "hookspec",
    "prepare_dataset",
    "register_core_elements",
    "register_indicators",
    "register_outcomes",
    "register_programmes",
    "register_report_tables",
    "register_sub_components",
    "register_success_criteria",
    "register_visitation_groups",
    "resolve_visitations",
]

#: Marks the hook specifications below (project name ``activemeasures``).
hookspec = pluggy.HookspecMarker("activemeasures")


@hookspec
def register_programmes() -> list[Programme]:
    """Declare the programmes this plugin provides.

    Called by :meth:`~activemeasures.Registry.programmes` and
    :meth:`~activemeasures.Registry.programme`, every time (results are not cached).

    Returns
    -------
    list of Programme
        Identity of each programme: name, labels, design, arms, participants, default
        thresholds and rating rule. Leave the contribution fields (``core_elements`` ...)
        empty; they are filled from the other hooks. A programme name may be declared by one
        plugin only.
    """


@hookspec
def register_core_elements(programme: str) -> list[CoreElement]:
    """Contribute core elements, with their sub-components and indicators, to a programme.

    Called once per plugin when :meth:`~activemeasures.Registry.programme` resolves
    *programme*.

    Parameters
    ----------
    programme : str
        Name of the programme being resolved. Return an empty list for programmes the plugin
        does not contribute to.

    Returns
    -------
    list of CoreElement
        Element keys must be unique within the programme; so must sub-component and
        indicator keys.
    """


@hookspec
def register_sub_components(programme: str) -> list[SubComponent]:
    """Add sub-components to core elements that another plugin (or this one) declares.

    Called once per plugin when :meth:`~activemeasures.Registry.programme` resolves
    *programme*, after :func:`register_core_elements`.

    Parameters
    ----------
    programme : str
        Name of the programme being resolved.

    Returns
    -------
    list of SubComponent
        Each with ``element`` set to the key of an existing core element of *programme*.
    """


@hookspec
def register_indicators(programme: str) -> list[Indicator]:
    """Add indicators to existing sub-components (e.g. a municipality's local indicator).

    Called once per plugin when :meth:`~activemeasures.Registry.programme` resolves
    *programme*, after :func:`register_sub_components`.

    Parameters
    ----------
    programme : str
        Name of the programme being resolved.

    Returns
    -------
    list of Indicator
        Each with ``element`` and ``sub_component`` set to existing keys of *programme*, and
        a ``key`` not used by any other indicator of the programme.
    """


@hookspec
def register_visitation_groups(programme: str) -> list[VisitationGroup]:
    """Contribute the visitation groups citizens of *programme* are sorted into.

    Called once per plugin when :meth:`~activemeasures.Registry.programme` resolves
    *programme*.

    Parameters
    ----------
    programme : str
        Name of the programme being resolved.

    Returns
    -------
    list of VisitationGroup
        Group codes must be unique within the programme.
    """


@hookspec
def register_success_criteria(programme: str) -> list[SuccessCriterion]:
    """Contribute success criteria (a measured value and its target) to *programme*.

    Called once per plugin when :meth:`~activemeasures.Registry.programme` resolves
    *programme*.

    Parameters
    ----------
    programme : str
        Name of the programme being resolved.

    Returns
    -------
    list of SuccessCriterion
        Keys must be unique within the programme.
    """


@hookspec
def register_outcomes(programme: str) -> list[Outcome]:
    """Contribute the weekly outcomes the evaluation of *programme* reports.

    Called once per plugin when :meth:`~activemeasures.Registry.programme` resolves
    *programme*.

    Parameters
    ----------
    programme : str
        Name of the programme being resolved.

    Returns
    -------
    list of Outcome
        Objects following :class:`activemeasures.outcomes.Outcome` (``ShareInState``,
        ``MeanHours``, ``CumulativeCriterion`` ... or the plugin's own); their ``name`` must
        be unique within the programme.
    """


@hookspec
def register_report_tables(programme: str) -> list[ReportTable]:
    """Contribute extra tables (and their figures) to the evaluation report of *programme*.

    Called once per plugin when :meth:`~activemeasures.Registry.programme` resolves
    *programme*. :func:`~activemeasures.evaluate` computes each table
    (``table.compute(dataset)``) into ``Evaluation.extra_tables``; the report protects it
    with the disclosure roles the table declares and draws its figure, if any. 'Flere skal
    med' uses it for its monthly outcome figures (months since visitation).

    Parameters
    ----------
    programme : str
        Name of the programme being resolved.

    Returns
    -------
    list of ReportTable
        Keys must be unique within the programme.
    """


@hookspec(firstresult=True)
def prepare_dataset(programme: str, dataset: Dataset) -> Dataset | None:
    """Apply the programme's own data rules to a dataset before it is evaluated
    (``firstresult``).

    Called by :func:`~activemeasures.evaluate` once, after the tables are validated and
    the visitation groups resolved, before anything is computed. Implementations are tried
    newest plugin first; the first that returns a dataset wins, so a plugin returns ``None``
    for programmes it has no rules for (then the dataset is used as it is).

    The rules must treat each citizen's records on their own (drop an event dated before
    the citizen's draw, an answer outside its scale): the distributed path
    (:mod:`activemeasures.distributed`) calls the hook on each partition of the citizens and
    adds up the counts. Checks that compare citizens (enough citizens per arm and
    municipality) belong in the plugin's own check functions.

    Parameters
    ----------
    programme : str
        Name of the programme being evaluated.
    dataset : Dataset
        The validated dataset.

    Returns
    -------
    Dataset or None
        The dataset without the records the programme's rules exclude (e.g. JobFirst's
        events before the draw date), each exclusion counted in its ``quality`` report —
        nothing may be dropped without being counted. Raise
        :class:`~activemeasures.ValidationError` (table, column, rule, count; no
        identifiers) for data the programme cannot be evaluated on.
    """


@hookspec(firstresult=True)
def resolve_visitations(programme: str, records: pd.DataFrame) -> ResolvedVisitations | None:
    """Reduce several visitation records per citizen to one (``firstresult``).

    Called by :meth:`~activemeasures.Registry.resolve_visitations`. Implementations are
    tried newest plugin first; the first that returns something other than ``None`` wins, so
    a plugin returns ``None`` for programmes it has no rule for. The library's built-in
    implementation runs last: it drops records ending before they start and keeps each
    citizen's earliest record (ties: lowest group code).

    Parameters
    ----------
    programme : str
        Name of the programme.
    records : pandas.DataFrame
        Validated visitations table (:data:`activemeasures.schemas.VISITATIONS`):
        ``citizen_id, group, start, end``, possibly several rows per citizen.

    Returns
    -------
    ResolvedVisitations or None
        One row per citizen and the number of records each rule removed.
    """


#: Names of every hook, in the order above.
HOOK_NAMES: tuple[str, ...] = (
    "register_programmes",
    "register_core_elements",
    "register_sub_components",
    "register_indicators",
    "register_visitation_groups",
    "register_success_criteria",
    "register_outcomes",
    "register_report_tables",
    "prepare_dataset",
    "resolve_visitations",
)
