"""The fidelity model: core elements → sub-components → indicators (SPEC.md §6.1).

These are the declarative, frozen objects programme plugins return from their hooks
(:mod:`activemeasures.hookspecs`). An :class:`Indicator` couples a *kind* (how the value is
computed from a :class:`~activemeasures.Dataset`, see :mod:`activemeasures.fidelity.kinds`)
with its target (:class:`~activemeasures.fidelity.Thresholds`) and its source citation.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import attrs
import numpy as np
import pandas as pd

from activemeasures.fidelity.lights import RatingRule, Thresholds

if TYPE_CHECKING:
    from activemeasures.dataset import Dataset

__all__ = [
    "INDICATOR_VALUE_COLUMNS",
    "NATIONAL",
    "CoreElement",
    "DataSource",
    "Indicator",
    "IndicatorKind",
    "Population",
    "SubComponent",
]

#: The ``unit`` of the national row of every indicator table.
NATIONAL = "national"

#: Columns of the table :meth:`IndicatorKind.compute` returns: one row per municipality of the
#: population plus one ``national`` row. ``numerator`` and ``denominator`` are counts of
#: citizens (or respondents; for a mean score the numerator is the sum of the answers);
#: ``value`` is ``numerator / denominator`` for shares and means, and missing (NaN) when the
#: denominator is 0: "no data", never 0 % or 100 %.
INDICATOR_VALUE_COLUMNS = ("unit", "numerator", "denominator", "value")


class DataSource(enum.Enum):
    """Where an indicator's data come from (SPEC.md §6.1; 000, L23-25; 001, L367)."""

    REGISTER = "register"
    STAFF_SURVEY = "staff survey"
    CITIZEN_SURVEY = "citizen survey"
    OTHER = "other"

    def __str__(self) -> str:
        return self.value


def _optional_tuple(value: object) -> tuple | None:
    if value is None:
        return None
    if isinstance(value, str | int):
        return (value,)
    return tuple(value)  # type: ignore[arg-type]


@attrs.frozen(kw_only=True)
class Population:
    """Which citizens an indicator or criterion is measured on.

    Parameters
    ----------
    arms : tuple of str, optional
        Values of the citizens' ``arm`` column to keep (e.g. ``("treatment",)``: JobFirst
        fidelity is measured on participants).
    groups : tuple, optional
        Values of the citizens' ``group`` column to keep (e.g. visitation group 1 in
        'Flere skal med'). Compared as text, so ``1`` and ``"1"`` match.

    Examples
    --------
    >>> import pandas as pd
    >>> from activemeasures.fidelity import Population
    >>> citizens = pd.DataFrame({"arm": ["treatment", "control", "treatment"]})
    >>> Population(arms="treatment").select(citizens)
    array([ True, False,  True])
    """

    arms: tuple[str, ...] | None = attrs.field(default=None, converter=_optional_tuple)
    groups: tuple | None = attrs.field(default=None, converter=_optional_tuple)

    def select(self, citizens: pd.DataFrame) -> np.ndarray:
        """Boolean mask over the rows of *citizens*."""
        keep = np.ones(len(citizens), dtype=bool)
        for column, wanted in (("arm", self.arms), ("group", self.groups)):
            if wanted is None:
                continue
            if column not in citizens.columns:
                raise KeyError(f"the population needs the citizens column {column!r}")
            values = citizens[column].astype("string")
            keep &= values.isin([str(v) for v in wanted]).fillna(False).to_numpy(dtype=bool)
        return keep

    def describe(self) -> str:
        """The population in words, for captions."""
        parts = []
        if self.arms is not None:
            parts.append("arm " + "/".join(self.arms))
        if self.groups is not None:
            parts.append("group " + "/".join(str(g) for g in self.groups))
        return ", ".join(parts) or "all citizens"


@runtime_checkable
class IndicatorKind(Protocol):
    """How an indicator's value is computed. Built-in kinds: :mod:`activemeasures.fidelity.kinds`.

    A plugin may define its own kind: any frozen object with these members. A kind may also
    have a ``codes`` attribute, a mapping from table name to the codes it reads (event codes,
    survey items, activity names), e.g. ``{"events": ("conversation",)}``; the simulated data
    of :mod:`activemeasures.testing` then contain those codes. A ``scale`` attribute says
    how its values read in reports: ``"share"`` (shown in %), ``"difference"`` (a difference
    of shares, in percentage points) or ``"score"`` (a plain number).
    """

    #: Names of the dataset tables the kind reads (e.g. ``("citizens", "events")``).
    tables: tuple[str, ...]

    def compute(
        self, dataset: Dataset, population: Population, *, round: str | None = None
    ) -> pd.DataFrame:
        """Values per municipality and nationally.

        Returns a frame with the columns :data:`INDICATOR_VALUE_COLUMNS`: one row per
        municipality that has citizens (or respondents) in the population, in sorted order,
        then the :data:`NATIONAL` row. *round* selects survey answers of one measurement round
        (ignored by register kinds).
        """
        ...

    def describe(self) -> str:
        """The definition in one sentence, for captions and reports."""
        ...


def _is_kind(instance: object, attribute: attrs.Attribute, value: object) -> None:
    if not isinstance(value, IndicatorKind):
        raise TypeError(
            f"{attribute.name} must be an indicator kind (an object with tables, compute() and "
            f"describe(); see activemeasures.fidelity.kinds), got {type(value).__name__}"
        )


def _non_empty(instance: object, attribute: attrs.Attribute, value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{attribute.name} must be a non-empty string, got {value!r}")


@attrs.frozen(kw_only=True)
class Indicator:
    """One measurable indicator of a sub-component (SPEC.md §6.1-6.2).

    Parameters
    ----------
    key : str
        Unique within the programme, e.g. ``"1.2a"``.
    label : str
        What it measures, in English.
    kind : IndicatorKind
        How the value is computed (:mod:`activemeasures.fidelity.kinds`).
    source : DataSource or str, default "register"
    thresholds : Thresholds, optional
        Target cut-offs of this indicator; ``None`` (default) takes the programme's
        (:attr:`activemeasures.Programme.thresholds`).
    rated : bool, default True
        ``False`` for an indicator without a fixed target: reported with its value, never
        graded (light ``NOT_RATED``) and left out of the element rating.
    citation : str
        Source document and lines, e.g. ``"(000, L218-220)"``.
    description : str
        Longer definition, interpretations included.
    element, sub_component : str, optional
        Placement, needed only when the indicator is contributed on its own through
        ``register_indicators`` (a local indicator added to another plugin's element).
    """

    key: str = attrs.field(validator=_non_empty)
    label: str = attrs.field(validator=_non_empty)
    kind: IndicatorKind = attrs.field(validator=_is_kind)
    source: DataSource = attrs.field(default=DataSource.REGISTER, converter=DataSource)
    thresholds: Thresholds | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(Thresholds))
    )
    rated: bool = True
    citation: str = ""
    description: str = ""
    element: str | None = None
    sub_component: str | None = None


def _tuple_of(cls: type):
    def convert(value: object) -> tuple:
        return tuple(value)  # type: ignore[call-overload]

    def check(instance: object, attribute: attrs.Attribute, value: tuple) -> None:
        for item in value:
            if not isinstance(item, cls):
                raise TypeError(
                    f"{attribute.name} must hold {cls.__name__} objects, got {type(item).__name__}"
                )

    return attrs.field(factory=tuple, converter=convert, validator=check)


@attrs.frozen(kw_only=True)
class SubComponent:
    """A sub-component (delkomponent) of a core element, measured by its indicators.

    Parameters
    ----------
    key : str
        Unique within the programme, e.g. ``"1.2"``.
    label : str
    indicators : tuple of Indicator
    element : str, optional
        Key of the core element, needed only when contributed on its own through
        ``register_sub_components``.
    citation, description : str
    """

    key: str = attrs.field(validator=_non_empty)
    label: str = attrs.field(validator=_non_empty)
    indicators: tuple[Indicator, ...] = _tuple_of(Indicator)
    element: str | None = None
    citation: str = ""
    description: str = ""


@attrs.frozen(kw_only=True)
class CoreElement:
    """A core element (grundelement / kerneelement) of a programme model (SPEC.md §6).

    Parameters
    ----------
    key : str
        Identifier, e.g. ``"clear_roles_from_start"``; unique within the programme.
    label : str
        English name.
    label_da : str
        The original Danish name (SPEC.md §11 A-28).
    number : int, optional
        Number in the programme's own numbering (GE1 ... GE9, KE1 ... KE6).
    sub_components : tuple of SubComponent
    rating_rule : RatingRule, optional
        Overrides the programme's rule for this element (e.g. JobFirst GE7).
    citation, description : str
    """

    key: str = attrs.field(validator=_non_empty)
    label: str = attrs.field(validator=_non_empty)
    label_da: str = ""
    number: int | None = None
    sub_components: tuple[SubComponent, ...] = _tuple_of(SubComponent)
    rating_rule: RatingRule | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(RatingRule))
    )
    citation: str = ""
    description: str = ""

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        """Every indicator of the element, in order."""
        return tuple(ind for sub in self.sub_components for ind in sub.indicators)
