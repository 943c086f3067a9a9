"""The weekly citizen panel: every citizen's timeline, week by week since visitation.

A :class:`Panel` is the one structure every analysis reads (DESIGN.md §4.3): for ``n``
citizens and ``W`` weeks, a ``uint16`` matrix of :class:`~activemeasures.State` bit flags, a
``float32`` matrix of ordinary hours, the number of observed weeks per citizen and, for the
same-workplace rules, the records that carry a workplace as compact week intervals.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs
import numpy as np
import pandas as pd

from activemeasures import _intervals as iv
from activemeasures._arrays import read_only
from activemeasures.quality import DataQualityReport, QualityEntry
from activemeasures.spells import SpellRule
from activemeasures.states import State
from activemeasures.validation import FIRST_DAY, LAST_DAY, validate_tables

__all__ = ["QUALITY_RULES", "Panel", "WorkplaceWeeks"]

#: The rules of the data-quality report of a panel (and of a dataset: ``"read"``), by key: the
#: records read, the records excluded because they end before visitation or start after the
#: last observed week, the records cut to the observed weeks, and the citizens noted because
#: they have no observed week.
QUALITY_RULES: dict[str, str] = {
    "read": "records read",
    "before": "ends before visitation",
    "after": "starts after the last observed week (cut-off or horizon)",
    "cut": "cut to the observed weeks",
    "unobserved": "no observed week (visited less than a week before the cut-off)",
}

_STATE_DTYPE = np.uint16
_HOURS_DTYPE = np.float32

#: Week cells expanded at a time when records are written into the matrices: bounds the
#: temporary arrays (four 8-byte arrays per cell) at about 32 MB whatever the table's size.
_CHUNK_CELLS = 1 << 20
#: Weeks are stored as int16 (observed weeks, workplace intervals): 630 years is enough.
_MAX_HORIZON = np.iinfo(np.int16).max


@attrs.frozen(kw_only=True, repr=False)
class WorkplaceWeeks:
    """Records that carry a workplace, as week intervals (for same-workplace rules).

    One entry per record: panel ``row``, ``workplace`` (code into :attr:`workplaces`),
    ``first_week`` and ``last_week`` (0-based, inclusive, already cut to the observed weeks)
    and the ``state`` bit it contributes. Keeping intervals rather than cells keeps the panel
    within its memory budget (DESIGN.md §4.3).
    """

    row: np.ndarray = attrs.field(converter=lambda a: read_only(a, np.int32, copy=False))
    workplace: np.ndarray = attrs.field(converter=lambda a: read_only(a, np.int32, copy=False))
    first_week: np.ndarray = attrs.field(converter=lambda a: read_only(a, np.int16, copy=False))
    last_week: np.ndarray = attrs.field(converter=lambda a: read_only(a, np.int16, copy=False))
    state: np.ndarray = attrs.field(converter=lambda a: read_only(a, _STATE_DTYPE, copy=False))
    workplaces: pd.Index = attrs.field(factory=lambda: pd.Index([]))

    def __repr__(self) -> str:
        return f"WorkplaceWeeks({len(self.row)} records, {len(self.workplaces)} workplaces)"

    @property
    def nbytes(self) -> int:
        """Bytes held by the interval arrays."""
        arrays = (self.row, self.workplace, self.first_week, self.last_week, self.state)
        return sum(a.nbytes for a in arrays)

    @classmethod
    def concat(cls, parts: Iterable[dict[str, np.ndarray]], workplaces: pd.Index) -> WorkplaceWeeks:
        parts = list(parts)
        fields = ("row", "workplace", "first_week", "last_week", "state")
        if not parts:
            return cls(**{f: np.zeros(0) for f in fields}, workplaces=workplaces)
        return cls(
            **{f: np.concatenate([p[f] for p in parts]) for f in fields}, workplaces=workplaces
        )


def as_horizon(horizon: object) -> int:
    """The number of weeks of a panel, checked (1 to the largest supported horizon)."""
    try:
        weeks = int(horizon)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise ValueError(f"horizon must be a whole number of weeks, got {horizon!r}") from None
    if not 1 <= weeks <= _MAX_HORIZON:
        raise ValueError(f"horizon must be 1 to {_MAX_HORIZON} weeks, got {horizon}")
    return weeks


def as_cutoff(cutoff: object) -> pd.Timestamp:
    """The data cut-off as a day, checked.

    A date (text such as ``"2017-06-30"``, a date or timestamp object), not a number: pandas
    reads the number 20170630 as nanoseconds after 1970. A time of day is dropped and a time
    zone removed, keeping the day it shows (as for the dates of the tables). The day must lie
    in the range of the tables' dates, 1700-01-01 to 2199-12-31
    (:data:`activemeasures.validation.FIRST_DAY`, :data:`~activemeasures.validation.LAST_DAY`).
    """
    if isinstance(cutoff, bool | int | float | np.number):
        raise ValueError(f"cutoff must be a date such as '2017-06-30', got the number {cutoff!r}")
    try:
        stamp = pd.Timestamp(cutoff)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"cutoff must be a date, got {cutoff!r}") from None
    if pd.isna(stamp):
        raise ValueError("cutoff must be a date, got a missing value")
    if stamp.tz is not None:
        stamp = stamp.tz_localize(None)
    stamp = stamp.normalize()
    if not FIRST_DAY <= stamp <= LAST_DAY:
        raise ValueError(
            f"cutoff must be a date from {FIRST_DAY.date()} to {LAST_DAY.date()}, "
            f"got {stamp.date()}"
        )
    return stamp.as_unit("ns")


@attrs.frozen(kw_only=True, repr=False, eq=False)
class Panel:
    """Citizens × weeks since visitation: states, ordinary hours and observation.

    Build one with :meth:`from_frames`. All arrays are read-only.

    Attributes
    ----------
    citizens : pandas.DataFrame
        The validated citizens table; row ``i`` is panel row ``i``.
    states : numpy.ndarray of uint16, shape (n, horizon)
        Bit flags of :class:`~activemeasures.State` per citizen and week (column ``w - 1`` is
        week ``w``). Zero in unobserved weeks.
    hours : numpy.ndarray of float32, shape (n, horizon)
        Ordinary paid hours per citizen and week. Zero in unobserved weeks.
    observed_weeks : numpy.ndarray of int16, shape (n,)
        Number of observed weeks: week ``w`` is observed when its last day is on or before the
        cut-off. Later weeks are **censored**, never "inactive" (SPEC.md §3.3; 001, L287).
    cutoff : pandas.Timestamp
        The data cut-off date.
    horizon : int
        Number of weeks in the panel.
    workplace_weeks : WorkplaceWeeks
        Records that carry a workplace, for same-workplace rules.
    quality : DataQualityReport
        Records read, excluded and truncated while building the panel.
    """

    citizens: pd.DataFrame
    states: np.ndarray = attrs.field(converter=lambda a: read_only(a, _STATE_DTYPE, copy=False))
    hours: np.ndarray = attrs.field(converter=lambda a: read_only(a, _HOURS_DTYPE, copy=False))
    observed_weeks: np.ndarray = attrs.field(converter=lambda a: read_only(a, np.int16, copy=False))
    cutoff: pd.Timestamp
    horizon: int
    workplace_weeks: WorkplaceWeeks
    quality: DataQualityReport = attrs.field(factory=DataQualityReport)

    # ------------------------------------------------------------------ construction

    @classmethod
    def from_frames(
        cls,
        citizens: pd.DataFrame,
        activities: pd.DataFrame | None = None,
        hours: pd.DataFrame | None = None,
        *,
        cutoff: object,
        horizon: int,
        allow_cpr: bool = False,
    ) -> Panel:
        """Build the panel from the citizens, activities and hours tables.

        Parameters
        ----------
        citizens : pandas.DataFrame
            One row per citizen (:data:`activemeasures.schemas.CITIZENS`).
        activities : pandas.DataFrame, optional
            Activity records (:data:`activemeasures.schemas.ACTIVITIES`); each sets its
            :class:`~activemeasures.State` in every week it touches.
        hours : pandas.DataFrame, optional
            Ordinary hours per period (:data:`activemeasures.schemas.HOURS`); set the hours
            matrix and the ``ORDINARY_HOURS`` state.
        cutoff : date-like
            Last day covered by the data. Weeks ending after it are censored.
        horizon : int
            Number of weeks since visitation to build (e.g. 44 at mid-term, 78 in the final
            JobFirst evaluation; SPEC.md §3.3).
        allow_cpr : bool, default False
            Accept identifiers that look like Danish CPR numbers (see
            :func:`~activemeasures.validate_tables`).

        Returns
        -------
        Panel

        Raises
        ------
        ValidationError
            If any table breaks a rule; every problem is listed, no identifier is shown.

        Notes
        -----
        Week semantics (DESIGN.md §4.2; SPEC.md §3.3, interpretation A-18): week :math:`w` of a
        citizen is the days :math:`[v + 7(w-1),\\ v + 7w - 1]` with :math:`v` the visitation
        date. A record covers week :math:`w` when any of its days falls in it (the register
        convention: one day on a benefit codes the week). Hours reported for a period of
        :math:`d` days are spread evenly, :math:`h/d` per day, and summed per week. Records
        are cut at week 1 (activity before visitation does not count, SPEC.md §4.3) and at the
        last observed week; records wholly outside are excluded and counted in
        :attr:`quality`. Overlapping records are legal: a week can be in several states.

        Examples
        --------
        >>> import pandas as pd
        >>> from activemeasures import Panel, State
        >>> citizens = pd.DataFrame({"citizen_id": ["a", "b"], "municipality": ["X", "X"],
        ...                          "visitation_date": ["2016-03-01", "2016-03-08"],
        ...                          "arm": ["treatment", "control"]})
        >>> activities = pd.DataFrame({"citizen_id": ["a"], "activity": ["INTERNSHIP"],
        ...                            "start": ["2016-03-10"], "end": ["2016-03-20"]})
        >>> hours = pd.DataFrame({"citizen_id": ["b"], "period_start": ["2016-03-01"],
        ...                       "period_end": ["2016-03-31"], "hours": [31.0]})
        >>> panel = Panel.from_frames(citizens, activities, hours, cutoff="2016-03-31", horizon=4)
        >>> panel
        <Panel: 2 citizens × 4 weeks, cut-off 2016-03-31>
        >>> panel.observed_weeks
        array([4, 3], dtype=int16)
        >>> panel.active(State.INTERNSHIP).astype(int)
        array([[0, 1, 1, 0],
               [0, 0, 0, 0]])
        >>> panel.hours[1]
        array([7., 7., 7., 0.], dtype=float32)
        """
        horizon, cutoff = as_horizon(horizon), as_cutoff(cutoff)
        tables = validate_tables(citizens, activities, hours, allow_cpr=allow_cpr)
        return cls._from_validated(tables, cutoff, horizon)

    @classmethod
    def _from_validated(
        cls, tables: Mapping[str, pd.DataFrame | None], cutoff: pd.Timestamp, horizon: int
    ) -> Panel:
        """Build from tables :func:`validate_tables` returned (no second validation)."""
        frame = tables["citizens"].reset_index(drop=True)
        visit_day = iv.day_numbers(frame["visitation_date"])
        cutoff_day = iv.day_numbers(pd.DatetimeIndex([cutoff]))[0]
        # Week w (1-based) is observed when its last day, visit + 7w - 1, is <= the cut-off.
        observed = np.clip((cutoff_day - visit_day + 1) // iv.DAYS_PER_WEEK, 0, horizon)
        builder = _Builder(frame, visit_day, observed, horizon)
        if tables["activities"] is not None:
            builder.add_activities(tables["activities"])
        if tables["hours"] is not None:
            builder.add_hours(tables["hours"])
        return builder.build(cutoff)

    # ------------------------------------------------------------------ accessors

    @property
    def n_citizens(self) -> int:
        """Number of citizens (rows)."""
        return self.states.shape[0]

    @property
    def citizen_ids(self) -> pd.Index:
        """The citizen keys in row order (never printed by the library)."""
        return pd.Index(self.citizens["citizen_id"], name="citizen_id")

    @property
    def observed(self) -> np.ndarray:
        """Boolean ``n × horizon`` matrix: is the week observed for the citizen."""
        return np.arange(self.horizon) < self.observed_weeks[:, None]

    @property
    def nbytes(self) -> int:
        """Bytes held by the panel's arrays (the citizens table not included)."""
        arrays = (self.states, self.hours, self.observed_weeks)
        return sum(a.nbytes for a in arrays) + self.workplace_weeks.nbytes

    def active(self, mask: State | str | int) -> np.ndarray:
        """Boolean ``n × horizon`` matrix of weeks in any of the states in ``mask``.

        Unobserved weeks are ``False`` here; use :attr:`observed_weeks` (or
        :attr:`observed`) to tell censored from inactive.

        Examples
        --------
        >>> from activemeasures import State
        >>> panel = _example_panel()
        >>> panel.active(State.INTERNSHIP | State.ORDINARY_HOURS).sum(axis=1)
        array([2, 3])
        """
        bits = _STATE_DTYPE(State.parse(mask))
        return (self.states & bits) != 0

    def first_met_week(
        self,
        rule: SpellRule,
        *,
        states: State | str | int = State.ENTERPRISE_DIRECTED,
        same_workplace: bool = False,
    ) -> np.ndarray:
        """Week in which each citizen first meets a spell rule (0 if not within observed weeks).

        Parameters
        ----------
        rule : SpellRule
            E.g. ``SpellRule(min_weeks=13, max_gap=4)`` for the JobFirst criterion.
        states : State, default ``State.ENTERPRISE_DIRECTED``
            A week is active when the citizen is in any of these states. The default is the
            JobFirst criterion's: internship, wage subsidy or ordinary hours (SPEC.md §4.3).
        same_workplace : bool, default False
            Evaluate each workplace separately: a week counts for workplace X when a
            qualifying state took place at X, weeks elsewhere are gap weeks for X, and the
            earliest workplace to meet the rule decides (000, L526-528, L595-597; SPEC.md §11
            A-4). Records without a ``workplace_id`` never count here.

        Returns
        -------
        numpy.ndarray of int32, shape (n,)
        """
        if not same_workplace:
            return rule.first_met_week(self.active(states), self.observed_weeks)
        return self._first_met_week_same_workplace(rule, State.parse(states))

    def _first_met_week_same_workplace(self, rule: SpellRule, states: State) -> np.ndarray:
        ww = self.workplace_weeks
        keep = (ww.state & _STATE_DTYPE(states)) != 0
        row, workplace = ww.row[keep], ww.workplace[keep]
        pair_key = row.astype(np.int64) * max(len(ww.workplaces), 1) + workplace
        pair, pair_keys = pd.factorize(pair_key, sort=True)
        pair_row = pair_keys // max(len(ww.workplaces), 1)
        active = np.zeros((len(pair_keys), self.horizon), dtype=bool)
        record, week = iv.expand(ww.first_week[keep], ww.last_week[keep])
        active[pair[record], week] = True
        met = rule.first_met_week(active, self.observed_weeks[pair_row])
        never = np.iinfo(np.int32).max
        first = np.full(self.n_citizens, never, dtype=np.int32)
        np.minimum.at(first, pair_row, np.where(met > 0, met, never).astype(np.int32))
        first[first == never] = 0
        return first

    # ------------------------------------------------------------------ export

    def to_frame(self) -> pd.DataFrame:
        """Tidy long table: one row per citizen and **observed** week.

        Returns
        -------
        pandas.DataFrame
            Columns ``citizen_id``, ``week`` (1-based), one boolean column per
            :class:`~activemeasures.State` named in lower case (``internship``,
            ``wage_subsidy``, ...), and ``hours``.

        Examples
        --------
        >>> _example_panel().to_frame().loc[:, ["week", "internship", "ordinary_hours", "hours"]]
           week  internship  ordinary_hours  hours
        0     1       False           False    0.0
        1     2        True           False    0.0
        2     3        True           False    0.0
        3     4       False           False    0.0
        4     1       False            True    7.0
        5     2       False            True    7.0
        6     3       False            True    7.0
        """
        mask = self.observed
        rows, weeks = np.nonzero(mask)
        states = self.states[mask]
        columns: dict[str, object] = {
            "citizen_id": self.citizens["citizen_id"].to_numpy()[rows],
            "week": (weeks + 1).astype(np.int64),
        }
        for state in State:
            columns[str(state.name).lower()] = (states & _STATE_DTYPE(state)) != 0
        columns["hours"] = self.hours[mask].astype(np.float64)
        return pd.DataFrame(columns)

    def __repr__(self) -> str:
        return (
            f"<Panel: {self.n_citizens:,} citizens × {self.horizon} weeks, "
            f"cut-off {self.cutoff.date().isoformat()}>"
        )


class _Builder:
    """Fills the panel's matrices from validated tables (vectorised; no loop over records)."""

    def __init__(
        self, citizens: pd.DataFrame, visit_day: np.ndarray, observed: np.ndarray, horizon: int
    ) -> None:
        self.citizens = citizens
        self.visit_day = visit_day
        self.observed = observed
        self.horizon = horizon
        n = len(citizens)
        self.states = np.zeros(n * horizon, dtype=_STATE_DTYPE)
        self.hours = np.zeros(n * horizon, dtype=_HOURS_DTYPE)
        self.index = pd.Index(citizens["citizen_id"])
        self.entries: list[QualityEntry] = []
        self.workplace_parts: list[dict[str, np.ndarray]] = []
        self.workplace_ids: list[pd.Series] = []
        n_unobserved = int((observed == 0).sum())
        self.entries.append(
            QualityEntry(table="citizens", rule=QUALITY_RULES["read"], action="read", n_records=n)
        )
        if n_unobserved:
            self.entries.append(
                QualityEntry(
                    table="citizens",
                    rule=QUALITY_RULES["unobserved"],
                    action="note",
                    n_records=n_unobserved,
                )
            )

    def _window(self, table: str, frame: pd.DataFrame, start: str, end: str):
        """Rows, clipped relative day ranges and the kept mask; record counts in the report."""
        row = self.index.get_indexer(frame["citizen_id"])
        visit = self.visit_day[row]
        first_day = iv.day_numbers(frame[start]) - visit
        last_day = iv.day_numbers(frame[end]) - visit
        window_days = self.observed[row] * iv.DAYS_PER_WEEK
        first_day, last_day, masks = iv.clip_to_window(first_day, last_day, window_days)
        self.entries += [
            QualityEntry(
                table=table, rule=QUALITY_RULES["read"], action="read", n_records=len(frame)
            ),
            QualityEntry(
                table=table,
                rule=QUALITY_RULES["before"],
                action="excluded",
                n_records=masks["before"].sum(),
            ),
            QualityEntry(
                table=table,
                rule=QUALITY_RULES["after"],
                action="excluded",
                n_records=masks["after"].sum(),
            ),
            QualityEntry(
                table=table,
                rule=QUALITY_RULES["cut"],
                action="truncated",
                n_records=masks["cut"].sum(),
            ),
        ]
        kept = masks["kept"]
        # Kept days lie in [0, 7 * horizon) and rows below the number of citizens: 4 bytes
        # each (as WorkplaceWeeks stores them) halve the per-record arrays built from these.
        return (
            row[kept].astype(np.int32),
            first_day[kept].astype(np.int32),
            last_day[kept].astype(np.int32),
            kept,
        )

    def _remember_workplaces(
        self,
        frame: pd.DataFrame,
        kept: np.ndarray,
        row: np.ndarray,
        first_week: np.ndarray,
        last_week: np.ndarray,
        state: np.ndarray,
    ) -> None:
        if "workplace_id" not in frame.columns:
            return
        ids = frame["workplace_id"].to_numpy()[kept]
        has = pd.notna(ids)
        self.workplace_ids.append(pd.Series(ids[has], dtype=object))
        self.workplace_parts.append(
            {
                "row": row[has],
                "first_week": first_week[has],
                "last_week": last_week[has],
                "state": state[has],
            }
        )

    def add_activities(self, activities: pd.DataFrame) -> None:
        row, first_day, last_day, kept = self._window("activities", activities, "start", "end")
        first_week = first_day // iv.DAYS_PER_WEEK
        last_week = last_day // iv.DAYS_PER_WEEK
        # Factorised as the column is (no Python string per record), then the kept records.
        all_codes, unique_names = pd.factorize(activities["activity"])
        codes = all_codes[kept]
        del all_codes
        bits = np.array([State[str(name)] for name in unique_names], dtype=_STATE_DTYPE)
        state = bits[codes] if len(codes) else np.zeros(0, dtype=_STATE_DTYPE)
        for part in iv.cell_chunks(first_week, last_week, _CHUNK_CELLS):
            record, week = iv.expand(first_week[part], last_week[part])
            cell = row[part][record].astype(np.int64) * self.horizon + week
            code_of_cell = codes[part][record]
            for code, bit in enumerate(bits):  # one pass per distinct state (at most 16)
                self.states[cell[code_of_cell == code]] |= bit
        self._remember_workplaces(activities, kept, row, first_week, last_week, state)

    def add_hours(self, hours: pd.DataFrame) -> None:
        raw_first = iv.day_numbers(hours["period_start"])
        raw_last = iv.day_numbers(hours["period_end"])
        per_day = hours["hours"].to_numpy(dtype=np.float64) / (raw_last - raw_first + 1)
        row, first_day, last_day, kept = self._window("hours", hours, "period_start", "period_end")
        per_day = per_day[kept]
        first_week = first_day // iv.DAYS_PER_WEEK
        last_week = last_day // iv.DAYS_PER_WEEK
        # Chunks keep the records' order, so every cell sums its amounts in the same order.
        for part in iv.cell_chunks(first_week, last_week, _CHUNK_CELLS):
            record, week = iv.expand(first_week[part], last_week[part])
            first, last = first_day[part][record], last_day[part][record]
            # Days of the record inside the week: overlap of [first, last] and [7w, 7w + 6].
            days = (
                np.minimum(last, week * iv.DAYS_PER_WEEK + 6)
                - np.maximum(first, week * iv.DAYS_PER_WEEK)
                + 1
            )
            cell = row[part][record].astype(np.int64) * self.horizon + week
            np.add.at(self.hours, cell, (per_day[part][record] * days).astype(_HOURS_DTYPE))
        # Positive as the hours matrix stores it (float32): an amount that rounds to zero there
        # sets no ORDINARY_HOURS week, so it must not count at its workplace either.
        positive = per_day.astype(_HOURS_DTYPE) > 0
        state = np.full(len(row), _STATE_DTYPE(State.ORDINARY_HOURS))
        self._remember_workplaces(
            hours,
            np.flatnonzero(kept)[positive],
            row[positive],
            first_week[positive],
            last_week[positive],
            state[positive],
        )

    def build(self, cutoff: pd.Timestamp) -> Panel:
        self.states[self.hours > 0] |= _STATE_DTYPE(State.ORDINARY_HOURS)
        shape = (len(self.citizens), self.horizon)
        if self.workplace_ids:
            codes, workplaces = pd.factorize(pd.concat(self.workplace_ids, ignore_index=True))
            offsets = np.cumsum([0] + [len(s) for s in self.workplace_ids])
            for part, begin, end in zip(
                self.workplace_parts, offsets[:-1], offsets[1:], strict=True
            ):
                part["workplace"] = codes[begin:end]
            workplace_weeks = WorkplaceWeeks.concat(self.workplace_parts, pd.Index(workplaces))
        else:
            workplace_weeks = WorkplaceWeeks.concat([], pd.Index([]))
        return Panel(
            citizens=self.citizens,
            states=self.states.reshape(shape),
            hours=self.hours.reshape(shape),
            observed_weeks=self.observed,
            cutoff=cutoff,
            horizon=self.horizon,
            workplace_weeks=workplace_weeks,
            quality=DataQualityReport(self.entries),
        )


def _example_panel() -> Panel:
    """A two-citizen panel used in the docstring examples."""
    citizens = pd.DataFrame(
        {
            "citizen_id": ["a", "b"],
            "municipality": ["X", "X"],
            "visitation_date": ["2016-03-01", "2016-03-08"],
            "arm": ["treatment", "control"],
        }
    )
    activities = pd.DataFrame(
        {
            "citizen_id": ["a"],
            "activity": ["INTERNSHIP"],
            "start": ["2016-03-10"],
            "end": ["2016-03-20"],
        }
    )
    hours = pd.DataFrame(
        {
            "citizen_id": ["b"],
            "period_start": ["2016-03-01"],
            "period_end": ["2016-03-31"],
            "hours": [31.0],
        }
    )
    return Panel.from_frames(citizens, activities, hours, cutoff="2016-03-31", horizon=4)
