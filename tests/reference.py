"""Slow, obviously-correct reference implementations, written from the specification.

Nothing here imports the library's engine: every function follows the wording of SPEC.md §4.3
(the week-by-week loop of the 13-week criterion) and DESIGN.md §4.2 (weeks since visitation,
"a record covers a week when any of its days falls in it", hours spread evenly over their days)
with plain Python loops, so that it can be checked by reading it.

Dates are ``datetime.date`` objects; weeks are 1-based as in the specification.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from typing import NamedTuple

__all__ = [
    "ReferencePanel",
    "Spell",
    "first_met_week_reference",
    "panel_reference",
    "quality_reference",
    "same_workplace_reference",
    "spells_reference",
]

#: Bits of the states, spelled out here rather than imported, so the reference does not depend
#: on the library. ``tests/test_states.py`` checks they agree with ``activemeasures.State``.
STATE_BITS = {
    "INTERNSHIP": 1 << 0,
    "WAGE_SUBSIDY": 1 << 1,
    "ORDINARY_HOURS": 1 << 2,
    "FLEX_JOB": 1 << 3,
    "EDUCATION": 1 << 4,
    "SNIFFING": 1 << 5,
    "MENTOR": 1 << 6,
    "ORDINARY_EMPLOYMENT": 1 << 7,
    "RESOURCE_COURSE": 1 << 8,
    "DISABILITY_PENSION": 1 << 9,
    "PUBLIC_BENEFIT": 1 << 10,
}
ENTERPRISE_DIRECTED = {"INTERNSHIP", "WAGE_SUBSIDY", "ORDINARY_HOURS"}


# ---------------------------------------------------------------------------------- spells


class Spell(NamedTuple):
    """One spell of one row, as in ``SpellRule.spells`` (without the ``row`` column)."""

    first_week: int
    last_week: int
    counted_weeks: int
    gap_weeks: int
    week_met: int


def spells_reference(
    row_bools: Sequence[bool],
    observed: int | None,
    min_weeks: int,
    max_gap: int,
    count_gap_weeks: bool = False,
    max_total_gap: int | None = None,
) -> list[Spell]:
    """All spells of one row, by the week-by-week loop of SPEC.md §4.3.

    ``observed`` weeks are read (``None``: all); later weeks are censored and never looked at.
    A spell ends at the inactive week that makes its current gap longer than ``max_gap`` or its
    total of gap weeks larger than ``max_total_gap``; the next active week starts a new spell
    counting from one. With ``count_gap_weeks`` the weeks of a gap are added to the count when
    the next active week bridges the gap.
    """
    n_weeks = len(row_bools) if observed is None else min(observed, len(row_bools))
    spells: list[Spell] = []
    in_spell = False
    first = last = counted = gap_weeks = 0
    week_met = 0
    gap = 0  # current run of inactive weeks inside the spell
    total_gap = 0  # all inactive weeks of the spell so far, the current run included

    def close() -> None:
        spells.append(Spell(first, last, counted, gap_weeks, week_met))

    for week in range(1, n_weeks + 1):
        if row_bools[week - 1]:
            if not in_spell:
                in_spell = True
                first, counted, gap_weeks, week_met, gap, total_gap = week, 0, 0, 0, 0, 0
            # The gap (if any) is bridged by this active week.
            counted += 1 + (gap if count_gap_weeks else 0)
            gap_weeks += gap
            gap = 0
            last = week
            if counted >= min_weeks and week_met == 0:
                week_met = week
        elif in_spell:
            gap += 1
            total_gap += 1
            too_long = gap > max_gap
            too_many = max_total_gap is not None and total_gap > max_total_gap
            if too_long or too_many:
                close()
                in_spell = False
    if in_spell:
        close()
    return spells


def first_met_week_reference(
    row_bools: Sequence[bool],
    observed: int | None,
    min_weeks: int,
    max_gap: int,
    count_gap_weeks: bool = False,
    max_total_gap: int | None = None,
) -> int:
    """Week in which the rule is first met (1-based), 0 if never: SPEC.md §4.3 verbatim.

    ``counted``/``gap`` as in the specification's pseudo-code, extended by ``count_gap_weeks``
    (a bridged gap's weeks are added to ``counted``) and ``max_total_gap`` (a spell whose gap
    weeks exceed it ends, like a gap longer than ``max_gap`` does).
    """
    n_weeks = len(row_bools) if observed is None else min(observed, len(row_bools))
    counted = 0
    gap = 0
    total_gap = 0
    for week in range(1, n_weeks + 1):
        if row_bools[week - 1]:
            counted += 1 + (gap if count_gap_weeks and counted > 0 else 0)
            gap = 0
            if counted >= min_weeks:
                return week
        elif counted > 0:
            gap += 1
            total_gap += 1
            if gap > max_gap or (max_total_gap is not None and total_gap > max_total_gap):
                counted = 0
                gap = 0
                total_gap = 0
    return 0


# ---------------------------------------------------------------------------------- panel


class ReferencePanel(NamedTuple):
    """What a panel should hold, citizen by citizen, in plain Python."""

    observed_weeks: list[int]
    #: ``states[i][w - 1]`` is the set of state names of citizen ``i`` in week ``w``.
    states: list[list[set[str]]]
    #: ``hours[i][w - 1]`` in float64.
    hours: list[list[float]]


def _days(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def observed_weeks_reference(visit: dt.date, cutoff: dt.date, horizon: int) -> int:
    """Weeks ``w = 1..horizon`` whose last day ``visit + 7w - 1`` is on or before the cut-off."""
    return sum(1 for w in range(1, horizon + 1) if visit + dt.timedelta(days=7 * w - 1) <= cutoff)


def week_days(visit: dt.date, week: int) -> list[dt.date]:
    """The seven days of week ``week`` (1-based) since ``visit``."""
    first = visit + dt.timedelta(days=7 * (week - 1))
    return list(_days(first, first + dt.timedelta(days=6)))


def panel_reference(
    citizens: Sequence[tuple[object, dt.date]],
    activities: Sequence[tuple[object, str, dt.date, dt.date]],
    hours: Sequence[tuple[object, dt.date, dt.date, float]],
    cutoff: dt.date,
    horizon: int,
) -> ReferencePanel:
    """Day-by-day panel.

    ``citizens`` are ``(citizen_id, visitation_date)``; ``activities`` are
    ``(citizen_id, state_name, start, end)``; ``hours`` are
    ``(citizen_id, period_start, period_end, hours)``; all dates inclusive.

    For each citizen and observed week, a state is set when any day of one of its records lies
    in the week; hours are ``hours / days_of_record`` per day, summed over the days of the week;
    ``ORDINARY_HOURS`` is set where the week's hours are positive. Unobserved weeks are empty.
    """
    observed_all, states_all, hours_all = [], [], []
    for citizen, visit in citizens:
        observed = observed_weeks_reference(visit, cutoff, horizon)
        states_rows: list[set[str]] = []
        hours_rows: list[float] = []
        for week in range(1, horizon + 1):
            states: set[str] = set()
            week_hours = 0.0
            if week <= observed:
                for day in week_days(visit, week):
                    for who, name, start, end in activities:
                        if who == citizen and start <= day <= end:
                            states.add(name)
                    for who, start, end, amount in hours:
                        if who == citizen and start <= day <= end:
                            week_hours += amount / ((end - start).days + 1)
                if week_hours > 0:
                    states.add("ORDINARY_HOURS")
            states_rows.append(states)
            hours_rows.append(week_hours)
        observed_all.append(observed)
        states_all.append(states_rows)
        hours_all.append(hours_rows)
    return ReferencePanel(observed_all, states_all, hours_all)


def state_bits(names: Iterable[str]) -> int:
    """The bit flags of a set of state names."""
    bits = 0
    for name in names:
        bits |= STATE_BITS[name]
    return bits


def quality_reference(
    citizens: Sequence[tuple[object, dt.date]],
    records: Sequence[tuple[object, dt.date, dt.date]],
    cutoff: dt.date,
    horizon: int,
) -> dict[str, int]:
    """Counts for one table of ``(citizen_id, first_day, last_day)`` records.

    ``before``: the record ends before visitation; ``after``: otherwise, it has no day from
    visitation to the last day of the citizen's last observed week (so every record of a
    citizen with no observed week); ``kept``: all others; ``truncated``: kept records with
    days outside the observed weeks.
    """
    visit_of = dict(citizens)
    counts = {"read": 0, "before": 0, "after": 0, "kept": 0, "truncated": 0}
    for citizen, first, last in records:
        visit = visit_of[citizen]
        last_observed_day = visit + dt.timedelta(
            days=7 * observed_weeks_reference(visit, cutoff, horizon) - 1
        )
        counts["read"] += 1
        if last < visit:
            counts["before"] += 1
        elif max(first, visit) > last_observed_day:
            counts["after"] += 1
        else:
            counts["kept"] += 1
            if first < visit or last > last_observed_day:
                counts["truncated"] += 1
    return counts


def same_workplace_reference(
    citizens: Sequence[tuple[object, dt.date]],
    activities: Sequence[tuple[object, str, dt.date, dt.date, object]],
    hours: Sequence[tuple[object, dt.date, dt.date, float, object]],
    cutoff: dt.date,
    horizon: int,
    states: set[str],
    min_weeks: int,
    max_gap: int,
    count_gap_weeks: bool = False,
    max_total_gap: int | None = None,
) -> list[int]:
    """Per citizen, the earliest week any single workplace meets the rule (0 if none).

    ``activities`` are ``(citizen_id, state_name, start, end, workplace_id)`` and ``hours``
    ``(citizen_id, period_start, period_end, hours, workplace_id)``; a missing workplace is
    ``None``. A week is active for workplace X when a record at X in one of ``states`` touches
    it; an hours record with positive hours is an ``ORDINARY_HOURS`` record at its workplace.
    Weeks elsewhere are gap weeks for X. :func:`first_met_week_reference` runs per workplace.
    """
    records = [(c, name, s, e, wp) for c, name, s, e, wp in activities]
    records += [(c, "ORDINARY_HOURS", s, e, wp) for c, s, e, h, wp in hours if h > 0]
    result = []
    for citizen, visit in citizens:
        observed = observed_weeks_reference(visit, cutoff, horizon)
        workplaces = {wp for c, _, _, _, wp in records if c == citizen and not _is_missing(wp)}
        met_weeks = []
        for workplace in workplaces:
            active = []
            for week in range(1, horizon + 1):
                days = week_days(visit, week)
                active.append(
                    any(
                        c == citizen and wp == workplace and name in states and s <= day <= e
                        for c, name, s, e, wp in records
                        for day in days
                    )
                )
            met = first_met_week_reference(
                active, observed, min_weeks, max_gap, count_gap_weeks, max_total_gap
            )
            if met:
                met_weeks.append(met)
        result.append(min(met_weeks, default=0))
    return result


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
