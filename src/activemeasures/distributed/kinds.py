"""How each indicator kind's table is combined over partitions of the citizens.

An indicator kind (:class:`~activemeasures.fidelity.IndicatorKind`) computes a table of
numerators, denominators and values per municipality from a Dataset. Over partitions of the
citizens, a kind is combined in one of three ways (:func:`combination`):

``"sum"``
    The table sums per-citizen numerators and denominators and its value is their ratio
    (the kinds built on :func:`~activemeasures.fidelity.kinds._grouped.grouped_values`):
    each partition computes the table, the numerators and denominators are added per unit
    and the value is recomputed as numerator / denominator. The built-in register kinds
    (:class:`~activemeasures.fidelity.EventWithin`, :class:`~activemeasures.fidelity.Cadence`,
    :class:`~activemeasures.fidelity.Passivity`, :class:`~activemeasures.fidelity.SpellShare`)
    are combined so; a plugin's kind says so with a class attribute ``combine = "sum"``, or the
    caller lists it in ``additive=``.
``"once"``
    The kind reads no citizen-keyed table (the survey kinds): it is computed once, on the
    partition that holds the survey table.
``"contrast"``
    A :class:`~activemeasures.fidelity.Contrast` of a ``"sum"`` kind: the kind it contrasts
    is combined per arm, then the contrast is taken by the Contrast's own code.

Any other kind cannot be combined exactly (for example a kind that picks the best of several
windows per unit): :func:`combination` raises :class:`NotImplementedError` naming it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs
import numpy as np
import pandas as pd

from activemeasures.distributed.partitioning import CITIZEN_TABLES
from activemeasures.errors import MissingTableError
from activemeasures.fidelity.kinds import Cadence, Contrast, EventWithin, Passivity, SpellShare
from activemeasures.fidelity.kinds._grouped import indicator_frame
from activemeasures.fidelity.model import NATIONAL, Population

__all__ = ["ADDITIVE_KINDS", "Precomputed", "combination", "sum_tables"]

#: Built-in kinds whose tables are sums over citizens.
ADDITIVE_KINDS: tuple[type, ...] = (Cadence, EventWithin, Passivity, SpellShare)


def _reads_citizens(kind: object) -> bool:
    return any(table in CITIZEN_TABLES for table in getattr(kind, "tables", ()))


def _additive(kind: object, additive: Sequence[type]) -> bool:
    return isinstance(kind, (*ADDITIVE_KINDS, *additive)) or getattr(kind, "combine", None) == "sum"


def combination(kind: object, what: str, additive: Sequence[type] = ()) -> str:
    """``"sum"``, ``"once"`` or ``"contrast"``: how the kind is combined over partitions.

    Parameters
    ----------
    kind : IndicatorKind
        The kind of an indicator or success criterion.
    what : str
        Names it in the error message (e.g. ``"indicator '5.2'"``).
    additive : sequence of type, optional
        Further kind classes whose tables are sums over citizens.

    Raises
    ------
    NotImplementedError
        When the kind reads citizen-keyed tables and is not known to be a sum over citizens.

    Examples
    --------
    >>> from activemeasures.distributed import combination
    >>> from activemeasures.fidelity import EventWithin, SurveyShare
    >>> combination(EventWithin(event="cv_update"), "indicator '1'")
    'sum'
    >>> combination(SurveyShare(item="q1"), "indicator '2'")
    'once'
    """
    if not _reads_citizens(kind):
        return "once"
    if _additive(kind, additive):
        return "sum"
    if isinstance(kind, Contrast) and _additive(kind.of, additive):
        return "contrast"
    name = type(kind).__name__
    raise NotImplementedError(
        f"{what} (kind {name}) cannot be combined over partitions of the citizens: the "
        "distributed path adds up numerators and denominators per municipality, and the "
        f"kind {name} does not declare that its table is such a sum. If it is (it is built "
        f'on grouped_values), give the class the attribute combine = "sum" or pass '
        f"additive=({name},); otherwise use activemeasures.evaluate in memory"
    )


def sum_tables(tables: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Add up per-partition indicator tables: numerators and denominators per unit.

    Units are the union of the tables' municipalities, sorted as text, then ``national``;
    the value is numerator / denominator (missing where the denominator is 0), as
    :func:`~activemeasures.fidelity.kinds._grouped.grouped_values` makes it.

    Examples
    --------
    >>> import pandas as pd
    >>> from activemeasures.distributed.kinds import sum_tables
    >>> a = pd.DataFrame({"unit": ["A", "national"], "numerator": [1.0, 1.0],
    ...                   "denominator": [2, 2], "value": [0.5, 0.5]})
    >>> b = pd.DataFrame({"unit": ["B", "national"], "numerator": [3.0, 3.0],
    ...                   "denominator": [4, 4], "value": [0.75, 0.75]})
    >>> sum_tables([a, b])
           unit  numerator  denominator     value
    0         A        1.0            2  0.500000
    1         B        3.0            4  0.750000
    2  national        4.0            6  0.666667
    """
    stacked = pd.concat([t.loc[:, ["unit", "numerator", "denominator"]] for t in tables])
    stacked["unit"] = stacked["unit"].astype(str)
    summed = stacked.groupby("unit", sort=False).agg(
        numerator=("numerator", "sum"), denominator=("denominator", "sum")
    )
    units = [*sorted(u for u in summed.index if u != NATIONAL), NATIONAL]
    summed = summed.reindex(units, fill_value=0)
    return indicator_frame(
        units,
        summed["numerator"].to_numpy(dtype=np.float64),
        summed["denominator"].to_numpy(dtype=np.int64),
    )


@attrs.frozen(kw_only=True, eq=False)
class Precomputed:
    """An indicator kind whose tables were computed already (per population's arm).

    ``compute()`` returns the stored table (or raises the stored
    :class:`~activemeasures.MissingTableError`); ``tables``, ``describe()`` and any other
    attribute (``scale``, ``codes``) are those of the original kind, so that the in-memory
    assembly code (:func:`~activemeasures.fidelity.evaluate_fidelity`, the success criteria
    of :func:`~activemeasures.evaluate`, :class:`~activemeasures.fidelity.Contrast`) treats
    it as the original.

    Parameters
    ----------
    original : IndicatorKind
        The kind that was computed.
    by_arm : mapping
        Table per first arm of the population it was computed on (``None``: no arm).
    error : str, optional
        The message of the MissingTableError the kind raised.
    """

    original: object
    by_arm: Mapping = attrs.field(factory=dict)
    error: str | None = None

    @property
    def tables(self) -> tuple[str, ...]:
        """The original kind's tables."""
        return tuple(getattr(self.original, "tables", ()))

    def describe(self) -> str:
        """The original kind's definition."""
        return self.original.describe()

    def compute(self, dataset: object, population: Population, *, round: str | None = None):
        """The stored table of the population's arm."""
        if self.error is not None:
            raise MissingTableError(self.error)
        arm = population.arms[0] if population.arms else None
        return self.by_arm[arm].copy()

    def __getattr__(self, name: str) -> object:
        if name.startswith("__") or name in {"original", "by_arm", "error"}:
            raise AttributeError(name)
        return getattr(self.original, name)
