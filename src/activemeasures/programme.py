"""Programme declarations: what a plugin tells the library about a pilot programme.

A :class:`Programme` is declared by one plugin (``register_programmes``) and completed by the
contributions of any number of plugins (core elements, visitation groups, success criteria,
outcomes); :meth:`activemeasures.Registry.programme` resolves them into one view. All objects
are frozen attrs classes with keyword-only fields (DESIGN.md §11).
"""

from __future__ import annotations

import attrs
import pandas as pd

from activemeasures.fidelity.lights import RatingRule, Thresholds
from activemeasures.fidelity.model import (
    CoreElement,
    Indicator,
    IndicatorKind,
    Population,
    _is_kind,
    _non_empty,
    _tuple_of,
)
from activemeasures.quality import DataQualityReport

__all__ = [
    "DESIGNS",
    "VISITATION_COLUMNS",
    "Programme",
    "ReportFigure",
    "ReportTable",
    "ResolvedVisitations",
    "SuccessCriterion",
    "VisitationGroup",
]

#: Columns of :attr:`ResolvedVisitations.table`.
VISITATION_COLUMNS = ("citizen_id", "group", "start", "end")

#: How citizens came to the programme: a randomised trial (treatment/control within blocks),
#: visitation into groups without randomisation, or another observational design.
DESIGNS = ("randomised", "visitation", "observational")


def _key_text(value: object) -> str:
    return str(value)


@attrs.frozen(kw_only=True)
class VisitationGroup:
    """A group citizens are visited (sorted) into, e.g. 'Flere skal med' group 1.

    Parameters
    ----------
    code : str
        The code in the citizens' ``group`` column and the visitations table (compared as
        text, so ``1`` and ``"1"`` are the same code).
    key : str
        Identifier, e.g. ``"intervention"``.
    label : str
        English name.
    label_da : str
        Original Danish name.
    intervention : bool, default False
        Whether the group receives the programme (its citizens are the fidelity population).
    rank : int, default 0
        Order of preference when one citizen has records in several groups (lower first).
    citation, description : str
    """

    code: str = attrs.field(converter=_key_text, validator=_non_empty)
    key: str = attrs.field(validator=_non_empty)
    label: str = attrs.field(validator=_non_empty)
    label_da: str = ""
    intervention: bool = False
    rank: int = 0
    citation: str = ""
    description: str = ""


def _visitation_table(frame: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"table must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in VISITATION_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"the resolved visitations table lacks the columns {missing}")
    if frame["citizen_id"].duplicated().any():
        n = int(frame["citizen_id"].duplicated().sum())
        raise ValueError(f"the resolved visitations table has {n} citizens on more than one row")
    return frame.loc[:, list(VISITATION_COLUMNS)].reset_index(drop=True)


@attrs.frozen(kw_only=True, eq=False)
class ResolvedVisitations:
    """Visitation records reduced to one per citizen (the ``resolve_visitations`` hook).

    Parameters
    ----------
    table : pandas.DataFrame
        One row per citizen: ``citizen_id, group, start, end``.
    quality : DataQualityReport
        Records read and removed, by rule.
    """

    table: pd.DataFrame = attrs.field(converter=_visitation_table)
    quality: DataQualityReport = attrs.field(factory=DataQualityReport)


@attrs.frozen(kw_only=True)
class SuccessCriterion:
    """A programme success criterion: a measured value and its target.

    The value is computed like a fidelity indicator (per municipality and nationally) by an
    :class:`~activemeasures.fidelity.IndicatorKind`; the criterion is met where
    ``value >= target``.

    Parameters
    ----------
    key : str
        Unique within the programme.
    label : str
    kind : IndicatorKind
        How the value is computed.
    target : float, optional
        The value to reach; ``None`` when the programme sets no number (reported only).
    population : Population, optional
        Whom it is measured on; default: the programme's participants.
    citation, description : str
    published : float, optional
        The value the programme's own evaluation published, shown beside the computed one
        in the report.
    published_note : str
        Where and when it was published (e.g. ``"mid-term, week 35 (001, L616)"``).
    """

    key: str = attrs.field(validator=_non_empty)
    label: str = attrs.field(validator=_non_empty)
    kind: IndicatorKind = attrs.field(validator=_is_kind)
    target: float | None = attrs.field(default=None, converter=attrs.converters.optional(float))
    population: Population | None = None
    citation: str = ""
    description: str = ""
    published: float | None = attrs.field(default=None, converter=attrs.converters.optional(float))
    published_note: str = ""


def _roles(value: object) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


@attrs.frozen(kw_only=True)
class ReportFigure:
    """How the report draws a :class:`ReportTable`: lines of *y* over *x*, one per *group*.

    Parameters
    ----------
    x, y : str
        Columns of the table on the horizontal and vertical axes.
    group : str, optional
        Column whose values are the lines (e.g. the visitation group).
    panel : str, optional
        Column whose values get one panel each (e.g. the outcome), side by side.
    xlabel, ylabel : str
        Axis labels (default: the column names).
    """

    x: str = attrs.field(validator=_non_empty)
    y: str = attrs.field(validator=_non_empty)
    group: str | None = None
    panel: str | None = None
    xlabel: str = ""
    ylabel: str = ""


@attrs.frozen(kw_only=True)
class ReportTable:
    """An extra table a plugin adds to the evaluation and its report.

    :func:`~activemeasures.evaluate` computes it (``compute(dataset)``) into
    :attr:`Evaluation.extra_tables <activemeasures.evaluation.Evaluation.extra_tables>`; the
    report protects it by the roles declared here (the arguments of
    :func:`activemeasures.disclosure.protect`) and, with a *figure*, draws it. Contributed
    with the :func:`~activemeasures.hookspecs.register_report_tables` hook.

    Parameters
    ----------
    key : str
        Unique within the programme; also the file name of its CSV and figure.
    title : str
    caption : str
        The definition of every number in the table, with its source citation.
    compute : callable
        ``compute(dataset) -> pandas.DataFrame``; may raise
        :class:`~activemeasures.MissingTableError`.
    count : str or mapping of str to str
        Count column(s) of persons: one name, or value column → the count it rests on.
    values : tuple of str
        Statistics resting on *count* (when it is one name).
    by : tuple of str
        Key columns identifying a row.
    labels : tuple of str
        Columns resting on no persons (text, definitions).
    figure : ReportFigure, optional
    """

    key: str = attrs.field(validator=_non_empty)
    title: str = attrs.field(validator=_non_empty)
    caption: str = ""
    compute: object = attrs.field(validator=attrs.validators.is_callable())
    count: object = attrs.field(converter=lambda v: v if isinstance(v, str) else dict(v))
    values: tuple[str, ...] = attrs.field(default=(), converter=_roles)
    by: tuple[str, ...] = attrs.field(default=(), converter=_roles)
    labels: tuple[str, ...] = attrs.field(default=(), converter=_roles)
    figure: ReportFigure | None = None


@attrs.frozen(kw_only=True)
class Programme:
    """A labour-market programme: its design, model and success criteria.

    A plugin declares the programme with its identity fields (``name`` ... ``rating_rule``);
    :meth:`activemeasures.Registry.programme` returns it completed with every plugin's
    contributions (``core_elements`` ... ``plugins``).

    Parameters
    ----------
    name : str
        Registry name, e.g. ``"jobfirst"``.
    label : str
        Display name.
    label_da : str
        Original Danish name.
    design : {"randomised", "visitation", "observational"}
    arms : tuple of str
        Arms present in the citizens table (randomised designs).
    participants : Population
        Who receives the programme: the population fidelity and success criteria are measured
        on (default: arm ``treatment``).
    thresholds : Thresholds
        Default traffic-light cut-offs of the programme's indicators.
    rating_rule : RatingRule
        Default element rating rule (elements may override it).
    citation, description : str
    core_elements : tuple of CoreElement
    visitation_groups : tuple of VisitationGroup
    success_criteria : tuple of SuccessCriterion
    outcomes : tuple
        Outcome definitions (:mod:`activemeasures.outcomes`).
    report_tables : tuple of ReportTable
        Extra tables (and figures) of the evaluation report.
    plugins : tuple of str
        Names of the plugins that contributed, in registration order.
    """

    name: str = attrs.field(validator=_non_empty)
    label: str = attrs.field(validator=_non_empty)
    label_da: str = ""
    design: str = attrs.field(default="randomised", validator=attrs.validators.in_(DESIGNS))
    arms: tuple[str, ...] = attrs.field(default=("treatment", "control"), converter=tuple)
    participants: Population = attrs.field(factory=lambda: Population(arms=("treatment",)))
    thresholds: Thresholds = attrs.field(factory=Thresholds)
    rating_rule: RatingRule = attrs.field(factory=RatingRule)
    citation: str = ""
    description: str = ""
    core_elements: tuple[CoreElement, ...] = _tuple_of(CoreElement)
    visitation_groups: tuple[VisitationGroup, ...] = _tuple_of(VisitationGroup)
    success_criteria: tuple[SuccessCriterion, ...] = _tuple_of(SuccessCriterion)
    outcomes: tuple = attrs.field(factory=tuple, converter=tuple)
    report_tables: tuple[ReportTable, ...] = _tuple_of(ReportTable)
    plugins: tuple[str, ...] = attrs.field(factory=tuple, converter=tuple)

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        """Every indicator of every core element, in order."""
        return tuple(ind for element in self.core_elements for ind in element.indicators)

    def element(self, key: str) -> CoreElement:
        """The core element with this key."""
        for element in self.core_elements:
            if element.key == key:
                return element
        known = ", ".join(e.key for e in self.core_elements) or "none"
        raise KeyError(f"programme {self.name!r} has no core element {key!r} (known: {known})")

    def __str__(self) -> str:
        counts = (
            f"{len(self.core_elements)} core elements, {len(self.indicators)} indicators, "
            f"{len(self.visitation_groups)} visitation groups, "
            f"{len(self.success_criteria)} success criteria, {len(self.outcomes)} outcomes"
        )
        by = ", ".join(self.plugins) or "no plugin"
        return f"{self.label} ({self.name}, {self.design}): {counts}; from {by}"
