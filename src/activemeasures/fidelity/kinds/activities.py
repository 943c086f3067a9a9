"""Activity-record indicators: passivity between activities of one kind (JobFirst 3.2)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

import attrs
import numpy as np
import pandas as pd

from activemeasures import _intervals as iv
from activemeasures._arrays import lexsort_ints
from activemeasures.fidelity.kinds import _params as p
from activemeasures.fidelity.kinds._grouped import grouped_values, record_rows, selected_citizens
from activemeasures.fidelity.model import Population
from activemeasures.states import DERIVED_STATES, State

if TYPE_CHECKING:
    from activemeasures.dataset import Dataset

__all__ = ["Passivity"]


def _activity_name(value: object) -> str:
    state = State.parse(value)  # type: ignore[arg-type]
    members = [m for m in State if m & state]
    if len(members) != 1 or members[0] in DERIVED_STATES:
        raise ValueError(
            f"activity must be one activity state of the activities table, got {value!r}"
        )
    return str(members[0].name)


@attrs.frozen(kw_only=True)
class Passivity:
    """Share of citizens whose passive stretches between activities stay below a limit.

    JobFirst indicator 3.2, continuity of the sniffing period: "passivity between sniffing
    activities below 35 days" (000, L389-395; mid-term four weeks, 001, L518; SPEC.md §6.2
    GE3 and §11 A-1, A-49).

    Parameters
    ----------
    activity : str, default "SNIFFING"
        The :class:`~activemeasures.State` name of the activities (``activity`` column).
    max_days : int, default 35
        Compliant when the longest passive stretch is **strictly** below this many days
        (SPEC.md §11 A-1: "passivity limit = strictly < N days"; 28 at mid-term).
    min_activities : int, default 2
        Citizens with fewer such activities have no stretch between activities to measure.
    few : {"exclude", "compliant"}, default "exclude"
        Leave those citizens out of the denominator (default), or count them as compliant
        (SPEC.md §11 A-49).

    Notes
    -----
    A citizen's records of the activity that end on or after the draw date (and start on or
    before the data cut-off) are sorted by start date, :math:`(a_1, b_1), \\dots, (a_k, b_k)`
    with inclusive start :math:`a_j` and end :math:`b_j` as day numbers. The passive days
    before record :math:`j \\ge 2` are the days between the latest end so far and the next
    start,

    .. math::

        g_j = \\max\\Bigl(0,\\ a_j - \\max_{l < j} b_l - 1\\Bigr),

    so overlapping and adjacent records (a record starting the day after another ends) give
    0 passive days, and a record inside a longer one never opens a stretch. The citizen is
    compliant when :math:`\\max_j g_j <` ``max_days``: a stretch of exactly 35 days breaks the
    35-day limit, 34 days keeps it. The value is the compliant share of the denominator, per
    municipality and pooled nationally (SPEC.md §6.1).

    Examples
    --------
    Citizen 1 has sniffing 1-10 March and 15-20 April (35 passive days, 11 March to 14 April):
    not compliant. Citizen 2 has 1-10 March and 14-20 April (34 days): compliant. Citizen 3
    has one activity only and is left out:

    >>> import pandas as pd
    >>> from activemeasures import Dataset
    >>> from activemeasures.fidelity import Passivity, Population
    >>> citizens = pd.DataFrame({"citizen_id": [1, 2, 3], "municipality": ["A"] * 3,
    ...                          "visitation_date": ["2016-03-01"] * 3, "arm": ["treatment"] * 3})
    >>> activities = pd.DataFrame({
    ...     "citizen_id": [1, 1, 2, 2, 3], "activity": ["SNIFFING"] * 5,
    ...     "start": ["2016-03-01", "2016-04-15", "2016-03-01", "2016-04-14", "2016-03-01"],
    ...     "end": ["2016-03-10", "2016-04-20", "2016-03-10", "2016-04-20", "2016-03-10"]})
    >>> data = Dataset.from_frames(citizens, activities, cutoff="2016-12-31")
    >>> Passivity().compute(data, Population())
           unit  numerator  denominator  value
    0         A        1.0            2    0.5
    1  national        1.0            2    0.5
    """

    activity: str = attrs.field(default="SNIFFING", converter=_activity_name)
    max_days: int = attrs.field(default=35, converter=p.whole, validator=p.non_negative_int)
    min_activities: int = attrs.field(default=2, converter=p.whole, validator=p.non_negative_int)
    few: Literal["exclude", "compliant"] = attrs.field(
        default="exclude", validator=p.one_of("exclude", "compliant")
    )

    #: Tables the kind reads.
    tables = ("citizens", "activities")

    #: Values are shares (shown in %).
    scale: ClassVar[str] = "share"

    @property
    def codes(self) -> dict[str, tuple[str, ...]]:
        """The activity names read, by table."""
        return {"activities": (self.activity,)}

    def describe(self) -> str:
        """The definition in one sentence."""
        few = "left out" if self.few == "exclude" else "counted as meeting it"
        return (
            f"share of citizens whose longest passive stretch between {self.activity} "
            f"activities (ending on or after the draw date) is under {self.max_days} days "
            f"(citizens with fewer than {self.min_activities} such activities {few})"
        )

    def compute(
        self, dataset: Dataset, population: Population, *, round: str | None = None
    ) -> pd.DataFrame:
        """Values per municipality and nationally (see the class notes); *round* is ignored."""
        dataset.require(*self.tables, by=self.describe())
        citizens, activities = dataset.citizens, dataset.activities
        mask, visit = selected_citizens(dataset, population)
        cutoff = int(iv.day_numbers(pd.DatetimeIndex([dataset.cutoff]))[0])
        keep = activities["activity"].astype(str).eq(self.activity).to_numpy(dtype=bool)
        row = record_rows(citizens, activities["citizen_id"].to_numpy()[keep], mask)
        start = iv.day_numbers(activities["start"])[keep]
        end = iv.day_numbers(activities["end"])[keep]
        known = row >= 0
        row, start, end = row[known], start[known], end[known]
        counted = (end >= visit[row]) & (start <= cutoff)
        row, start, end = row[counted], start[counted], end[counted]

        n = len(mask)
        longest = _longest_passive(row, start, end, n)
        compliant = longest < self.max_days
        enough = np.bincount(row, minlength=n) >= self.min_activities
        in_den = np.ones(n, dtype=bool)
        if self.few == "exclude":
            in_den = enough
        else:
            compliant |= ~enough
        municipality = citizens["municipality"].to_numpy()
        return grouped_values(municipality[mask], compliant[mask].astype(np.float64), in_den[mask])


def _longest_passive(row: np.ndarray, start: np.ndarray, end: np.ndarray, n: int) -> np.ndarray:
    """Longest passive stretch per citizen (0 without two records), vectorised over all.

    The running maximum of the earlier ends is one ``np.maximum.accumulate`` over every
    record: each citizen's ends are lifted by an offset larger than any earlier citizen's,
    so the running maximum never carries over from one citizen to the next.
    """
    longest = np.zeros(n, dtype=np.int64)
    if len(row) < 2:
        return longest
    order = lexsort_ints((end, start, row))
    row, start, end = row[order], start[order], end[order]
    first = np.r_[True, row[1:] != row[:-1]]
    group = np.cumsum(first) - 1
    low = int(end.min())
    span = int(end.max()) - low + 1
    running = np.maximum.accumulate((end - low) + group * span) - group * span + low
    later = ~first
    passive = np.zeros(len(row), dtype=np.int64)
    passive[later] = np.maximum(start[later] - running[np.flatnonzero(later) - 1] - 1, 0)
    np.maximum.at(longest, row, passive)
    return longest
