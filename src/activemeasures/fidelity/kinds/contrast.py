"""Treatment − control contrasts of another indicator kind."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs
import numpy as np
import pandas as pd

from activemeasures.fidelity.kinds._grouped import indicator_frame
from activemeasures.fidelity.model import NATIONAL, IndicatorKind, Population

if TYPE_CHECKING:
    from activemeasures.dataset import Dataset

__all__ = ["Contrast"]


def _kind(instance: object, attribute: attrs.Attribute, value: object) -> None:
    if not isinstance(value, IndicatorKind):
        raise TypeError(
            f"{attribute.name} must be an indicator kind (an object with tables, compute() and "
            f"describe()), got {type(value).__name__}"
        )


def _arm(instance: object, attribute: attrs.Attribute, value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{attribute.name} must name an arm, got {value!r}")


@attrs.frozen(kw_only=True)
class Contrast:
    """Difference (or ratio) of another indicator between the treatment and control arms.

    JobFirst judges some indicators against the control group: GE5 5.2, "about double the
    control group", and the GE7 override, "MEDIUM if D > K on ordinary hours" (000, L147-154,
    L652-660; 001, L384; SPEC.md §6.1, §11 A-25). D is the participant (treatment) group, K
    the control group (000, L874).

    Parameters
    ----------
    of : IndicatorKind
        The indicator computed in each arm.
    treatment, control : str, default "treatment", "control"
        Values of the citizens' ``arm`` column.
    ratio : bool, default False
        Report D / K instead of D − K.

    Notes
    -----
    ``of`` is computed on ``Population(arms=(treatment,), groups=population.groups)`` and on
    the same for ``control``; the population's own ``arms`` are replaced. Per unit (the union
    of both results' municipalities, sorted as text, then ``national``), with :math:`v^D`
    and :math:`v^K` the arms' values,

    .. math::

        v = v^D - v^K \\qquad\\text{or}\\qquad v = v^D / v^K,

    missing (NaN) when either side is missing (a unit absent from one arm counts as
    missing) or, for the ratio, when :math:`v^K = 0`. The numerator is NaN (a contrast has
    none); the denominator is the sum of both arms' denominators (0 for an absent side).

    Examples
    --------
    >>> import pandas as pd
    >>> from activemeasures import Dataset
    >>> from activemeasures.fidelity import Contrast, EventWithin, Population
    >>> citizens = pd.DataFrame({"citizen_id": [1, 2, 3, 4], "municipality": ["A"] * 4,
    ...                          "visitation_date": ["2016-03-01"] * 4,
    ...                          "arm": ["treatment", "treatment", "control", "control"]})
    >>> events = pd.DataFrame({"citizen_id": [1, 2, 3], "date": ["2016-03-10"] * 3,
    ...                        "event": ["conversation"] * 3})
    >>> data = Dataset.from_frames(citizens, events=events, cutoff="2016-12-31")
    >>> kind = Contrast(of=EventWithin(event="conversation"))
    >>> kind.compute(data, Population())  # D = 2/2, K = 1/2
           unit  numerator  denominator  value
    0         A        NaN            4    0.5
    1  national        NaN            4    0.5
    >>> Contrast(of=EventWithin(event="conversation"), ratio=True).compute(
    ...     data, Population())["value"].tolist()
    [2.0, 2.0]
    """

    of: IndicatorKind = attrs.field(validator=_kind)
    treatment: str = attrs.field(default="treatment", validator=_arm)
    control: str = attrs.field(default="control", validator=_arm)
    ratio: bool = attrs.field(default=False, converter=bool)

    @property
    def tables(self) -> tuple[str, ...]:
        """Tables the kind reads (those of ``of``)."""
        return tuple(self.of.tables)

    @property
    def codes(self) -> dict[str, tuple[str, ...]]:
        """The codes ``of`` reads, by table."""
        return dict(getattr(self.of, "codes", {}) or {})

    @property
    def scale(self) -> str:
        """``"difference"`` (percentage points) for D − K of a share, else ``"score"``."""
        if self.ratio:
            return "score"
        return "difference" if getattr(self.of, "scale", "share") == "share" else "score"

    def describe(self) -> str:
        """The definition in one sentence."""
        how = (
            f"ratio {self.treatment} / {self.control}"
            if self.ratio
            else f"difference {self.treatment} − {self.control}"
        )
        return f"{how} of: {self.of.describe()}"

    def compute(
        self, dataset: Dataset, population: Population, *, round: str | None = None
    ) -> pd.DataFrame:
        """Values per municipality and nationally (see the class notes)."""
        dataset.require(*self.tables, by=self.describe())
        sides = [
            self.of.compute(
                dataset, Population(arms=(arm,), groups=population.groups), round=round
            ).set_index("unit")
            for arm in (self.treatment, self.control)
        ]
        municipal = sorted({str(u) for side in sides for u in side.index if u != NATIONAL})
        units = [*municipal, NATIONAL]
        d, k = (side.reindex(units) for side in sides)
        d_value, k_value = (s["value"].to_numpy(dtype=np.float64) for s in (d, k))
        with np.errstate(invalid="ignore", divide="ignore"):
            if self.ratio:
                value = np.where(k_value == 0, np.nan, d_value / k_value)
            else:
                value = d_value - k_value
        denominator = sum(s["denominator"].fillna(0).to_numpy(dtype=np.float64) for s in (d, k))
        return indicator_frame(units, np.full(len(units), np.nan), denominator, value)
