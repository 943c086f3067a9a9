"""Indicator kinds of the 'Flere skal med' success criteria (SPEC.md §4.7, §11 A-32).

Plugin-local kinds that follow :class:`activemeasures.fidelity.IndicatorKind`: frozen,
keyword-only, with ``tables``, ``codes``, ``describe()`` and ``compute(dataset, population,
*, round=None)`` returning :data:`~activemeasures.fidelity.INDICATOR_VALUE_COLUMNS`, one row
per municipality (sorted as text) and the ``national`` row last.

=========================  ==========================================================
kind                       measures
=========================  ==========================================================
:class:`VisitationShare`   share of citizens with a resolved visitation group
:class:`WindowShare`       share in "virksomhedsforløb mv." within a 3-month window
:class:`EverShare`         share ever in "virksomhedsforløb mv." (cumulative)
=========================  ==========================================================
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

import attrs
import numpy as np
import pandas as pd

from activemeasures.fidelity.kinds._grouped import (
    grouped_values,
    indicator_frame,
    municipality_codes,
)
from activemeasures.fidelity.model import NATIONAL, Population
from activemeasures.outcomes import Outcome
from activemeasures.panel import as_horizon
from activemeasures_flereskalmed.constants import GROUP_RANK, WINDOW_MONTHS
from activemeasures_flereskalmed.outcomes import EnterpriseCourseEtc
from activemeasures_flereskalmed.visitation import deduplicate_visitations

if TYPE_CHECKING:
    from activemeasures.dataset import Dataset

__all__ = ["DEFAULT_HORIZON", "WINDOW_COLUMNS", "EverShare", "VisitationShare", "WindowShare"]

#: Weeks of the panel the register kinds read: the 127 weeks of months 1-29 since
#: visitation (003, L2187; :func:`~activemeasures_flereskalmed.outcomes.weeks_for_months`).
DEFAULT_HORIZON = 127

#: Columns of :meth:`WindowShare.window_values`.
WINDOW_COLUMNS = ("unit", "window_start", "window_end", "numerator", "denominator", "value")


def _groups(value: object) -> tuple[int, ...]:
    items = (value,) if isinstance(value, str | int) else tuple(value)  # type: ignore[arg-type]
    groups = tuple(int(g) for g in items)
    if not groups or any(g not in GROUP_RANK for g in groups):
        raise ValueError(f"groups must be some of {sorted(GROUP_RANK)}, got {value!r}")
    return groups


def _indicator_outcome(instance: object, attribute: attrs.Attribute, value: object) -> None:
    if not isinstance(value, Outcome):
        raise TypeError(f"{attribute.name} must be a weekly outcome, got {type(value).__name__}")


def _codes_of(outcome: object) -> dict[str, tuple[str, ...]]:
    codes = getattr(outcome, "codes", None)
    return dict(codes) if codes else {}


def _active(outcome: Outcome, panel) -> np.ndarray:
    values = np.asarray(outcome.values(panel, compact=True))
    return values if values.dtype == bool else values > 0


@attrs.frozen(kw_only=True)
class VisitationShare:
    """Share of citizens visited into a group: "visitation as planned" (``FSM_SC1``).

    The municipality's first task was to screen and visit all citizens of the target group
    into groups (003, L69-71, L128). Measured as the share of the population whose
    visitation records resolve (:func:`~activemeasures_flereskalmed.visitation.
    deduplicate_visitations`) to one of *groups*.

    Parameters
    ----------
    groups : tuple of int, default (1, 2, 3)
        Resolved groups that count as visited. Group 6, postponed visitation, does not: the
        citizen has not been visited yet (Interpretation).
    strict_lookback : bool, default False
        Passed to the de-duplication (SPEC.md §11 A-30).

    Notes
    -----
    With :math:`g_i` the resolved group of citizen :math:`i` (none when the citizen has no
    included record), :math:`y_i = 1\\{g_i \\in \\texttt{groups}\\}` and every citizen of
    the population is in the denominator. Value per municipality and pooled nationally.
    The sources give no number for "as planned", so the criterion has no target.

    Examples
    --------
    Three citizens: 1 resolves to group 2, 2 only to postponed visitation (6), 3 has no
    record:

    >>> import pandas as pd
    >>> from activemeasures import Dataset
    >>> from activemeasures.fidelity import Population
    >>> from activemeasures_flereskalmed.kinds import VisitationShare
    >>> citizens = pd.DataFrame({"citizen_id": [1, 2, 3], "municipality": ["A", "A", "B"],
    ...                          "visitation_date": ["2018-01-15"] * 3, "group": [2, 6, None]})
    >>> visitations = pd.DataFrame({"citizen_id": [1, 2], "group": [2, 6],
    ...                             "start": ["2018-01-15"] * 2, "end": [None, None]})
    >>> data = Dataset.from_frames(citizens, visitations=visitations, cutoff="2019-05-31")
    >>> VisitationShare().compute(data, Population())
           unit  numerator  denominator  value
    0         A        1.0            2   0.500000
    1         B        0.0            1   0.000000
    2  national        1.0            3   0.333333
    """

    groups: tuple[int, ...] = attrs.field(default=(1, 2, 3), converter=_groups)
    strict_lookback: bool = attrs.field(default=False, converter=bool)

    #: Tables the kind reads.
    tables = ("citizens", "visitations")
    #: Values are shares (shown in %).
    scale: ClassVar[str] = "share"
    #: Per-municipality numerators and denominators are sums over citizens: the
    #: distributed path adds them up over partitions (activemeasures.distributed).
    combine: ClassVar[str] = "sum"

    @property
    def codes(self) -> dict[str, tuple[str, ...]]:
        """The visitation group codes read, by table."""
        return {"visitations": tuple(str(g) for g in GROUP_RANK)}

    def describe(self) -> str:
        """The definition in one sentence."""
        groups = ", ".join(str(g) for g in self.groups)
        return (
            f"share of citizens whose visitation records resolve to group {groups} "
            "(the 'Flere skal med' de-duplication rule)"
        )

    def compute(
        self, dataset: Dataset, population: Population, *, round: str | None = None
    ) -> pd.DataFrame:
        """Values per municipality and nationally (see the class notes); *round* is ignored."""
        dataset.require(*self.tables, by=self.describe())
        citizens = dataset.citizens
        mask = population.select(citizens)
        resolved = deduplicate_visitations(
            dataset.visitations, strict_lookback=self.strict_lookback
        ).table
        row = pd.Index(citizens["citizen_id"]).get_indexer(resolved["citizen_id"])
        counted = (row >= 0) & np.isin(resolved["group"].to_numpy(), self.groups)
        visited = np.zeros(len(citizens), dtype=bool)
        visited[row[counted]] = True
        municipality = citizens["municipality"].to_numpy()
        return grouped_values(
            municipality[mask], visited[mask].astype(np.float64), np.ones(mask.sum(), dtype=bool)
        )


def _month_index(days: np.ndarray) -> np.ndarray:
    """Months since January 1970 of day numbers."""
    return np.asarray(days, dtype="datetime64[D]").astype("datetime64[M]").astype(np.int64)


def _month_days(months: np.ndarray) -> np.ndarray:
    """Day number of the first day of months since January 1970."""
    return np.asarray(months, dtype="datetime64[M]").astype("datetime64[D]").astype(np.int64)


def _day(stamp: pd.Timestamp) -> int:
    return int(np.datetime64(stamp.date(), "D").astype(np.int64))


@attrs.frozen(kw_only=True)
class WindowShare:
    """Share of the population in an outcome within a window of calendar months (``FSM_SC2``).

    The funding criterion: at least 40 % of group 1 in "virksomhedsforløb mv." over a
    period of 3 months (003, L120-138, L383-387, L2167-2173; SPEC.md §4.7). The source does
    not say which period; see the notes (Interpretation, A-32).

    Parameters
    ----------
    outcome : Outcome, default ``EnterpriseCourseEtc()``
        A 0/1 weekly outcome (values > 0 count as in the state).
    months : int, default 3
        Window length in calendar months.
    windows : {"rolling", "calendar"}, default "rolling"
        ``"rolling"``: a window starts on the first day of every calendar month;
        ``"calendar"``: windows are aligned to the year (with 3 months: calendar quarters
        January-March, April-June, ...); *months* must divide 12.
    select : {"best", "latest"}, default "best"
        The window whose value is reported, per unit: the highest share (the criterion is
        met when **any** window reaches the target; ties: the earliest window), or the
        latest window with a denominator.
    horizon : int, default 127
        Weeks of the panel (:meth:`activemeasures.Dataset.panel`).

    Notes
    -----
    Windows :math:`[a_k, b_k]` (first to last day of *months* calendar months) run from the
    window holding the population's earliest visitation date to the last window ending on or
    before the data cut-off. Citizen :math:`i` with visitation date :math:`v_i` counts in
    window :math:`k` when

    * :math:`v_i \\le a_k`: in group 1 at the window start ("share = count / group-1 size at
      window start", SPEC.md §4.7), **and**
    * every week overlapping the window is observed and within the panel horizon;

    and is *in* the window when the outcome is 1 in any week (since visitation) that
    overlaps it. Per unit :math:`u` and window :math:`k`, :math:`v_{uk} = N_{uk} / D_{uk}`;
    the reported row is the selected window's :math:`N, D, v`. The national row pools all
    citizens per window and selects its own window, so it need not be a window chosen by a
    municipality. :meth:`window_values` gives every window.

    Examples
    --------
    One citizen visited 2018-01-01 with an internship in April 2018; with data to 8 July
    (27 whole weeks), the rolling windows are Jan-Mar, Feb-Apr, Mar-May and Apr-Jun:

    >>> import pandas as pd
    >>> from activemeasures import Dataset
    >>> from activemeasures.fidelity import Population
    >>> from activemeasures_flereskalmed.kinds import WindowShare
    >>> citizens = pd.DataFrame({"citizen_id": [1, 2], "municipality": ["A", "A"],
    ...                          "visitation_date": ["2018-01-01"] * 2, "group": [1, 1]})
    >>> activities = pd.DataFrame({"citizen_id": [1], "activity": ["INTERNSHIP"],
    ...                            "start": ["2018-04-10"], "end": ["2018-04-20"]})
    >>> data = Dataset.from_frames(citizens, activities, cutoff="2018-07-08")
    >>> kind = WindowShare(horizon=30)
    >>> kind.window_values(data, Population()).query("unit == 'A'")[
    ...     ["window_start", "numerator", "denominator"]]
      window_start  numerator  denominator
    0   2018-01-01        0.0            2
    1   2018-02-01        1.0            2
    2   2018-03-01        1.0            2
    3   2018-04-01        1.0            2
    >>> kind.compute(data, Population())
           unit  numerator  denominator  value
    0         A        1.0            2    0.5
    1  national        1.0            2    0.5
    """

    outcome: Outcome = attrs.field(factory=EnterpriseCourseEtc, validator=_indicator_outcome)
    months: int = attrs.field(default=WINDOW_MONTHS, converter=int)
    windows: Literal["rolling", "calendar"] = "rolling"
    select: Literal["best", "latest"] = "best"
    horizon: int = attrs.field(default=DEFAULT_HORIZON, converter=as_horizon)

    #: Tables the kind reads; only ``citizens`` is required.
    tables = ("citizens", "activities", "hours")
    #: Values are shares (shown in %).
    scale: ClassVar[str] = "share"

    def __attrs_post_init__(self) -> None:
        if self.months < 1:
            raise ValueError(f"months must be at least 1, got {self.months}")
        if self.windows not in ("rolling", "calendar"):
            raise ValueError(f"windows must be 'rolling' or 'calendar', got {self.windows!r}")
        if self.windows == "calendar" and 12 % self.months:
            raise ValueError(f"calendar windows need months dividing 12, got {self.months}")
        if self.select not in ("best", "latest"):
            raise ValueError(f"select must be 'best' or 'latest', got {self.select!r}")

    @property
    def codes(self) -> dict[str, tuple[str, ...]]:
        """The codes the outcome reads, by table."""
        return _codes_of(self.outcome)

    def describe(self) -> str:
        """The definition in one sentence."""
        kind = (
            "calendar quarter"
            if self.windows == "calendar" and self.months == 3
            else f"{'rolling' if self.windows == 'rolling' else 'calendar'} "
            f"{self.months}-month window"
        )
        which = "best" if self.select == "best" else "latest"
        return (
            f"share of citizens in {self.outcome.label.removeprefix('Share in ')} in at least "
            f"one week of a {kind} (the {which} complete window up to the cut-off; citizens "
            "visited by the window start and observed through it)"
        )

    def _window_starts(self, first_visit: int, cutoff: int) -> np.ndarray:
        first = _month_index(np.array([first_visit]))[0]
        if self.windows == "calendar":
            first -= first % self.months  # months since January 1970: aligned to the year
        step = 1 if self.windows == "rolling" else self.months
        last_end = _month_index(np.array([cutoff + 1]))[0]  # windows must end <= cutoff
        starts = np.arange(first, last_end - self.months + 1, step, dtype=np.int64)
        return starts

    def _windows(self, dataset: Dataset, population: Population):
        """Units (municipalities, then national), window days, numerators, denominators."""
        dataset.require("citizens", by=self.describe())
        citizens = dataset.citizens
        mask = population.select(citizens)
        panel = dataset.panel(self.horizon)
        visit = np.asarray(citizens["visitation_date"], dtype="datetime64[D]").astype(np.int64)
        visit = visit[mask]
        codes, units = municipality_codes(citizens["municipality"].to_numpy()[mask])
        starts = np.zeros(0, dtype=np.int64)
        if len(visit):
            starts = self._window_starts(int(visit.min()), _day(dataset.cutoff))
        a = _month_days(starts)
        b = _month_days(starts + self.months) - 1
        active = _active(self.outcome, panel)[mask]
        n = active.shape[0]
        # Weeks since visitation (0-based) holding the window's first and last day.
        lo = (a[None, :] - visit[:, None]) // 7
        hi = (b[None, :] - visit[:, None]) // 7
        usable = np.minimum(panel.observed_weeks[mask].astype(np.int64), self.horizon)
        counted = (visit[:, None] <= a[None, :]) & (hi < usable[:, None])
        cum = np.zeros((n, self.horizon + 1), dtype=np.int64)
        np.cumsum(active, axis=1, out=cum[:, 1:])
        lo_c = np.clip(lo, 0, self.horizon)
        hi_c = np.clip(hi + 1, 0, self.horizon)
        weeks_in = np.take_along_axis(cum, hi_c, axis=1) - np.take_along_axis(cum, lo_c, axis=1)
        inside = counted & (weeks_in > 0)
        member = np.zeros((n, len(units)))
        member[np.arange(n), codes] = 1.0
        num = np.vstack([member.T @ inside, inside.sum(axis=0, keepdims=True)])
        den = np.vstack([member.T @ counted, counted.sum(axis=0, keepdims=True)])
        return [*units, NATIONAL], a, b, num, den.round().astype(np.int64)

    def window_values(self, dataset: Dataset, population: Population) -> pd.DataFrame:
        """Numerator, denominator and value of every window, per municipality and nationally.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`WINDOW_COLUMNS`: per unit (municipalities sorted as text, then
            ``national``) one row per window in time order; ``window_start`` and
            ``window_end`` are the first and last day.
        """
        units, a, b, num, den = self._windows(dataset, population)
        k = len(a)
        frame = indicator_frame(
            list(np.repeat(np.asarray(units, dtype=object), k)), num.reshape(-1), den.reshape(-1)
        )
        frame.insert(1, "window_start", pd.to_datetime(np.tile(a, len(units)), unit="D"))
        frame.insert(2, "window_end", pd.to_datetime(np.tile(b, len(units)), unit="D"))
        return frame.loc[:, list(WINDOW_COLUMNS)]

    def compute(
        self, dataset: Dataset, population: Population, *, round: str | None = None
    ) -> pd.DataFrame:
        """The selected window's values per municipality and nationally; *round* is ignored."""
        units, _, _, num, den = self._windows(dataset, population)
        has = den > 0
        rows = np.arange(len(units))
        if num.shape[1] == 0:
            return indicator_frame(units, np.zeros(len(units)), np.zeros(len(units), np.int64))
        if self.select == "best":
            with np.errstate(invalid="ignore", divide="ignore"):
                value = np.where(has, num / np.where(has, den, 1), -np.inf)
            pick = value.argmax(axis=1)  # the first (earliest) of equal shares
        else:
            pick = num.shape[1] - 1 - np.argmax(has[:, ::-1], axis=1)
        found = has[rows, pick]
        return indicator_frame(
            units, np.where(found, num[rows, pick], 0.0), np.where(found, den[rows, pick], 0)
        )


@attrs.frozen(kw_only=True)
class EverShare:
    """Share of the population ever in an outcome since visitation (cumulative).

    What the "more than 70 %" of group 1 in virksomhedsforløb mv. during the project
    measures (Table 4-4 mean 72 %; 003, L406-408, L2547; SPEC.md §4.7).

    Parameters
    ----------
    outcome : Outcome, default ``EnterpriseCourseEtc()``
        A 0/1 weekly outcome (values > 0 count as in the state).
    horizon : int, default 127
        Weeks since visitation looked at (127 weeks: months 1-29).

    Notes
    -----
    :math:`y_i = 1` when the outcome is 1 in any observed week :math:`w \\le` ``horizon``;
    citizens with no observed week are left out of the denominator. Value per municipality
    and pooled nationally. Citizens observed for a shorter time have had less time to get
    there (the cumulative share depends on the data cut-off).

    Examples
    --------
    >>> import pandas as pd
    >>> from activemeasures import Dataset
    >>> from activemeasures.fidelity import Population
    >>> from activemeasures_flereskalmed.kinds import EverShare
    >>> citizens = pd.DataFrame({"citizen_id": [1, 2, 3], "municipality": ["A"] * 3,
    ...                          "visitation_date": ["2018-01-01", "2018-01-01", "2018-12-30"],
    ...                          "group": [1, 1, 1]})
    >>> activities = pd.DataFrame({"citizen_id": [1], "activity": ["FLEX_JOB"],
    ...                            "start": ["2018-05-01"], "end": ["2018-12-31"]})
    >>> data = Dataset.from_frames(citizens, activities, cutoff="2018-12-31")
    >>> EverShare(horizon=60).compute(data, Population())
           unit  numerator  denominator  value
    0         A        1.0            2    0.5
    1  national        1.0            2    0.5
    """

    outcome: Outcome = attrs.field(factory=EnterpriseCourseEtc, validator=_indicator_outcome)
    horizon: int = attrs.field(default=DEFAULT_HORIZON, converter=as_horizon)

    #: Tables the kind reads; only ``citizens`` is required.
    tables = ("citizens", "activities", "hours")
    #: Values are shares (shown in %).
    scale: ClassVar[str] = "share"
    #: Per-municipality numerators and denominators are sums over citizens: the
    #: distributed path adds them up over partitions (activemeasures.distributed).
    combine: ClassVar[str] = "sum"

    @property
    def codes(self) -> dict[str, tuple[str, ...]]:
        """The codes the outcome reads, by table."""
        return _codes_of(self.outcome)

    def describe(self) -> str:
        """The definition in one sentence."""
        return (
            f"share of citizens in {self.outcome.label.removeprefix('Share in ')} in at least "
            f"one observed week of weeks 1-{self.horizon} since visitation (citizens with no "
            "observed week left out)"
        )

    def compute(
        self, dataset: Dataset, population: Population, *, round: str | None = None
    ) -> pd.DataFrame:
        """Values per municipality and nationally (see the class notes); *round* is ignored."""
        dataset.require("citizens", by=self.describe())
        citizens = dataset.citizens
        mask = population.select(citizens)
        panel = dataset.panel(self.horizon)
        ever = (_active(self.outcome, panel) & panel.observed).any(axis=1)
        municipality = citizens["municipality"].to_numpy()
        return grouped_values(
            municipality[mask], ever[mask].astype(np.float64), panel.observed_weeks[mask] > 0
        )
