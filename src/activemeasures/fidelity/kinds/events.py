"""Register-event indicators: an event within N days of the draw, and event cadence.

Both read the events table (``citizen_id``, ``date``, ``event``) and measure time from each
citizen's draw date (udtrækning), the ``visitation_date`` of the citizens table (SPEC.md §6.1).
Dates are compared as whole days: "days between" two dates is the later minus the earlier,
so an event on the draw date is day 0 and one a week later is day 7.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

import attrs
import numpy as np
import pandas as pd

from activemeasures import _intervals as iv
from activemeasures._arrays import lexsort_ints
from activemeasures.errors import FAILURE_COLUMNS, ValidationError
from activemeasures.fidelity.kinds import _params as p
from activemeasures.fidelity.kinds._grouped import grouped_values, record_rows, selected_citizens
from activemeasures.fidelity.model import Population

if TYPE_CHECKING:
    from activemeasures.dataset import Dataset

__all__ = ["Cadence", "EventWithin"]


def _cutoff_day(dataset: Dataset) -> int:
    return int(iv.day_numbers(pd.DatetimeIndex([dataset.cutoff]))[0])


def _event_records(
    dataset: Dataset, codes: tuple[str, ...], mask: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Citizen rows and day numbers of the events with one of *codes*, population only."""
    events = dataset.events
    keep = events["event"].astype(str).isin(codes).to_numpy(dtype=bool)
    row = record_rows(dataset.citizens, events["citizen_id"].to_numpy()[keep], mask)
    day = iv.day_numbers(events["date"])[keep]
    known = row >= 0
    return row[known], day[known]


@attrs.frozen(kw_only=True)
class EventWithin:
    """Share of citizens with an event within a number of days of the draw date.

    Indicators 1.2a (first conversation), 2.1 (job goal), 2.2 (CV), 2.3a (MinVurdering taken
    into use) and 3.1 (activity plan) of JobFirst (SPEC.md §6.2; 000, L218-220, L310-314,
    L322-324, L336-338, L378-383).

    Parameters
    ----------
    event : str or tuple of str
        Code(s) of the ``event`` column that count, e.g. ``"conversation"``.
    days : int, default 35
        Length of the window: an event counts when it is dated 0 to ``days`` days after the
        draw date, both ends included. The final JobFirst evaluation uses 35 days, the mid-term
        four weeks, 28 (SPEC.md §11 A-1; 000, L218-220; 001, L405-413).
    require_full_window : bool, default True
        Leave out of the denominator citizens whose window is not fully observed
        (``visitation_date + days`` after the data cut-off): they may still get the event.

    Notes
    -----
    With :math:`v_i` the draw date of citizen :math:`i`, :math:`t` the dates of their events
    with one of the codes and :math:`c` the cut-off,

    .. math::

        y_i = \\mathbb{1}\\{\\exists t:\\ 0 \\le t - v_i \\le \\text{days},\\ t \\le c\\},
        \\qquad d_i = \\mathbb{1}\\{v_i + \\text{days} \\le c\\}
        \\ (\\text{or } 1 \\text{ without } \\texttt{require\\_full\\_window}).

    "Within 35 days" is read as at most 35 days after the draw date (SPEC.md §6.1 and §11
    A-1, interpretation): day 35 counts, day 36 does not. Events before the draw date do not
    count, nor do events after the cut-off (the register data end there). The value per
    municipality is :math:`\\sum d_i y_i / \\sum d_i`; nationally the same sums over every
    citizen of the population (SPEC.md §6.1, interpretation).

    Examples
    --------
    >>> import pandas as pd
    >>> from activemeasures import Dataset
    >>> from activemeasures.fidelity import EventWithin, Population
    >>> citizens = pd.DataFrame({"citizen_id": [1, 2, 3], "municipality": ["A", "A", "B"],
    ...                          "visitation_date": ["2016-03-01"] * 3, "arm": ["treatment"] * 3})
    >>> events = pd.DataFrame({"citizen_id": [1, 2], "date": ["2016-04-05", "2016-04-06"],
    ...                        "event": ["conversation"] * 2})
    >>> data = Dataset.from_frames(citizens, events=events, cutoff="2016-12-31")
    >>> kind = EventWithin(event="conversation", days=35)
    >>> kind.compute(data, Population(arms="treatment"))  # day 35 counts, day 36 does not
           unit  numerator  denominator     value
    0         A        1.0            2  0.500000
    1         B        0.0            1  0.000000
    2  national        1.0            3  0.333333
    """

    event: tuple[str, ...] = attrs.field(converter=p.codes_tuple, validator=p.non_empty_codes)
    days: int = attrs.field(default=35, converter=p.whole, validator=p.non_negative_int)
    require_full_window: bool = attrs.field(default=True, converter=bool)

    #: Tables the kind reads.
    tables = ("citizens", "events")

    #: Values are shares (shown in %).
    scale: ClassVar[str] = "share"

    @property
    def codes(self) -> dict[str, tuple[str, ...]]:
        """The event codes read, by table."""
        return {"events": self.event}

    def describe(self) -> str:
        """The definition in one sentence."""
        text = (
            f"share of citizens with at least one {p.quoted(self.event)} event 0 to "
            f"{self.days} days after the draw date"
        )
        if self.require_full_window:
            text += f" (citizens drawn less than {self.days} days before the cut-off left out)"
        return text

    def compute(
        self, dataset: Dataset, population: Population, *, round: str | None = None
    ) -> pd.DataFrame:
        """Values per municipality and nationally (see the class notes); *round* is ignored."""
        dataset.require(*self.tables, by=self.describe())
        mask, visit = selected_citizens(dataset, population)
        cutoff = _cutoff_day(dataset)
        row, day = _event_records(dataset, self.event, mask)
        delta = day - visit[row]
        hit = (delta >= 0) & (delta <= self.days) & (day <= cutoff)
        met = np.zeros(len(mask), dtype=np.float64)
        met[row[hit]] = 1.0
        in_den = np.ones(len(mask), dtype=bool)
        if self.require_full_window:
            in_den = visit + self.days <= cutoff
        municipality = dataset.citizens["municipality"].to_numpy()
        return grouped_values(municipality[mask], met[mask], in_den[mask])


def _column_error(column: str, rule: str, n_rows: int) -> ValidationError:
    row = dict(zip(FAILURE_COLUMNS, ("citizens", column, rule, n_rows, ""), strict=True))
    return ValidationError(pd.DataFrame([row]))


def _end_days(citizens: pd.DataFrame, column: str) -> np.ndarray:
    """Day numbers of an optional end-date column; missing dates become a far-future day."""
    if column not in citizens.columns:
        raise _column_error(column, "column present", len(citizens))
    values = citizens[column]
    if not pd.api.types.is_datetime64_any_dtype(values):
        parsed = pd.to_datetime(values.astype("string"), errors="coerce", format="ISO8601")
        bad = int((parsed.isna() & values.notna()).sum())
        if bad:
            raise _column_error(column, "is a date (ISO 8601, e.g. 2016-03-01)", bad)
        values = parsed
    missing = values.isna().to_numpy(dtype=bool)
    days = np.asarray(values.fillna(pd.Timestamp(0)), dtype="datetime64[D]").astype(np.int64)
    return np.where(missing, np.iinfo(np.int64).max, days)


@attrs.frozen(kw_only=True)
class Cadence:
    """Share of citizens who have an event regularly while enrolled.

    Two readings of "regularly":

    * ``mode="max_gap"``: never longer than ``every_days`` without the event. JobFirst 2.3b,
      "MinVurdering used at least once every third month" (000, L338-340; SPEC.md §11 A-48,
      interpretation: no interval over about 91 days between uses, nor from the draw to the
      first use, while enrolled).
    * ``mode="rate"``: on average at least one event per ``every_days``. JobFirst 1.2b,
      "on average at least one conversation per month" (000, L220-222, L264-266; SPEC.md §11
      A-47, interpretation: conversations / months enrolled >= 1); use
      ``every_days=30.4375`` (365.25 / 12) for months.

    Parameters
    ----------
    event : str or tuple of str
        Code(s) of the ``event`` column that count.
    every_days : float, default 91.0
        The cadence in days (three months ≈ 91 days; a month = 30.4375 days).
    mode : {"max_gap", "rate"}, default "max_gap"
    enrolment_days : int, optional
        Enrolment ends at the latest this many days after the draw date.
    end_column : str, optional
        A date column of the citizens table at which enrolment ends (e.g. the exit date);
        missing dates mean "still enrolled".
    min_enrolled_days : float, optional
        Citizens enrolled fewer days are left out of the denominator. Default: ``every_days``
        (at least one full cadence period must be observed).
    include_trailing : bool, default True
        ``max_gap`` only: also check the open interval from the last event to the end of
        enrolment (a citizen whose last use lies more than ``every_days`` before the end has
        not kept the cadence).

    Notes
    -----
    Dates are whole days; "days between" two dates is the later minus the earlier. For
    citizen :math:`i` with draw date :math:`s_i` and cut-off :math:`c`, enrolment runs from
    :math:`s_i` to

    .. math::

        e_i = \\min(c,\\ s_i + \\texttt{enrolment\\_days},\\ \\texttt{end\\_column}_i)

    (terms left out when not given or missing), both days included; the enrolled days are
    :math:`L_i = e_i - s_i`. Citizens with :math:`L_i \\le 0` or :math:`L_i <`
    ``min_enrolled_days`` are left out of the denominator. Let :math:`t_1 \\le \\dots \\le t_k`
    be the dates of their events with :math:`s_i \\le t_j \\le e_i` (events before the draw
    or after enrolment do not count; same-day events are kept).

    * ``max_gap``: the intervals are :math:`t_1 - s_i`, :math:`t_{j+1} - t_j` and, with
      ``include_trailing``, :math:`e_i - t_k`; compliant when none exceeds ``every_days``
      (an interval of exactly ``every_days`` is fine). Without events the one interval is
      :math:`e_i - s_i`, whether or not ``include_trailing`` is set, so a citizen who never
      had the event is compliant only while enrolled at most ``every_days`` days.
    * ``rate``: compliant when :math:`k / (L_i / \\texttt{every\\_days}) \\ge 1`, computed
      as :math:`k \\cdot \\texttt{every\\_days} \\ge L_i`.

    The value is the compliant share of the denominator, per municipality and pooled
    nationally (SPEC.md §6.1).

    Examples
    --------
    One citizen drawn 1 March 2016, cut-off 31 May (91 enrolled days), events on days 20 and
    70: the intervals are 20 (draw → day 20), 50 (day 20 → day 70) and 21 (day 70 → day 91),
    so ``max_gap`` with 60 days is met; but two events in 91 days fall short of one per
    30.4375 days (2 × 30.4375 = 60.875 < 91), so ``rate`` is not:

    >>> import pandas as pd
    >>> from activemeasures import Dataset
    >>> from activemeasures.fidelity import Cadence, Population
    >>> citizens = pd.DataFrame({"citizen_id": [1], "municipality": ["A"],
    ...                          "visitation_date": ["2016-03-01"], "arm": ["treatment"]})
    >>> events = pd.DataFrame({"citizen_id": [1, 1], "date": ["2016-03-21", "2016-05-10"],
    ...                        "event": ["conversation"] * 2})
    >>> data = Dataset.from_frames(citizens, events=events, cutoff="2016-05-31")
    >>> everyone = Population()
    >>> Cadence(event="conversation", every_days=60).compute(data, everyone)["value"].tolist()
    [1.0, 1.0]
    >>> monthly = Cadence(event="conversation", every_days=30.4375, mode="rate")
    >>> monthly.compute(data, everyone)["value"].tolist()
    [0.0, 0.0]
    """

    event: tuple[str, ...] = attrs.field(converter=p.codes_tuple, validator=p.non_empty_codes)
    every_days: float = attrs.field(default=91.0, converter=float, validator=p.positive_finite)
    mode: Literal["max_gap", "rate"] = attrs.field(
        default="max_gap", validator=p.one_of("max_gap", "rate")
    )
    enrolment_days: int | None = attrs.field(
        default=None, converter=p.optional_whole, validator=p.non_negative_int
    )
    end_column: str | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(str))
    )
    min_enrolled_days: float | None = attrs.field(
        default=None, converter=attrs.converters.optional(float)
    )
    include_trailing: bool = attrs.field(default=True, converter=bool)

    #: Tables the kind reads.
    tables = ("citizens", "events")

    #: Values are shares (shown in %).
    scale: ClassVar[str] = "share"

    @min_enrolled_days.validator
    def _check_min_enrolled(self, attribute: attrs.Attribute, value: float | None) -> None:
        if value is not None and not (np.isfinite(value) and value >= 0):
            raise ValueError(f"min_enrolled_days must be a number >= 0, got {value!r}")

    @property
    def codes(self) -> dict[str, tuple[str, ...]]:
        """The event codes read, by table."""
        return {"events": self.event}

    @property
    def _min_enrolled(self) -> float:
        return self.every_days if self.min_enrolled_days is None else self.min_enrolled_days

    def describe(self) -> str:
        """The definition in one sentence."""
        every = p.number(self.every_days)
        if self.mode == "rate":
            text = (
                f"share of citizens with on average at least one {p.quoted(self.event)} event "
                f"per {every} days enrolled"
            )
        else:
            until = "the end of enrolment" if self.include_trailing else "the last event"
            text = (
                f"share of citizens with a {p.quoted(self.event)} event at least every {every} "
                f"days (no interval over {every} days from the draw date via each event to "
                f"{until})"
            )
        ends = ["the cut-off"]
        if self.enrolment_days is not None:
            ends.append(f"{self.enrolment_days} days after the draw date")
        if self.end_column is not None:
            ends.append(f"the date in column '{self.end_column}'")
        end = ends[0] if len(ends) == 1 else f"the earliest of {p.listed(ends, 'and')}"
        left_out = (
            f"citizens enrolled fewer than {p.number(self._min_enrolled)} days"
            if self._min_enrolled > 1
            else "citizens not enrolled after the draw date"
        )
        return f"{text}, enrolment running from the draw date to {end} ({left_out} left out)"

    def compute(
        self, dataset: Dataset, population: Population, *, round: str | None = None
    ) -> pd.DataFrame:
        """Values per municipality and nationally (see the class notes); *round* is ignored."""
        dataset.require(*self.tables, by=self.describe())
        citizens = dataset.citizens
        mask, start = selected_citizens(dataset, population)
        end = np.full(len(mask), _cutoff_day(dataset), dtype=np.int64)
        if self.enrolment_days is not None:
            end = np.minimum(end, start + self.enrolment_days)
        if self.end_column is not None:
            end = np.minimum(end, _end_days(citizens, self.end_column))
        enrolled = end - start
        in_den = (enrolled > 0) & (enrolled >= self._min_enrolled)

        row, day = _event_records(dataset, self.event, mask)
        inside = (day >= start[row]) & (day <= end[row])
        row, day = row[inside], day[inside]
        if self.mode == "rate":
            count = np.bincount(row, minlength=len(mask))
            compliant = count * self.every_days >= enrolled
        else:
            compliant = self._max_gap(row, day, start, end) <= self.every_days
        municipality = citizens["municipality"].to_numpy()
        return grouped_values(municipality[mask], compliant[mask].astype(np.float64), in_den[mask])

    def _max_gap(
        self, row: np.ndarray, day: np.ndarray, start: np.ndarray, end: np.ndarray
    ) -> np.ndarray:
        """Largest interval per citizen (from the draw, between events, to the end)."""
        largest = end - start  # citizens without events: the whole enrolment
        if len(row) == 0:
            return largest
        order = lexsort_ints((day, row))
        row, day = row[order], day[order]
        first = np.r_[True, row[1:] != row[:-1]]
        previous = np.where(first, start[row], np.r_[0, day[:-1]])
        group_start = np.flatnonzero(first)
        group_row = row[group_start]
        gap = np.maximum.reduceat(day - previous, group_start)
        if self.include_trailing:
            last_day = day[np.r_[group_start[1:] - 1, len(day) - 1]]
            gap = np.maximum(gap, end[group_row] - last_day)
        largest[group_row] = gap
        return largest
