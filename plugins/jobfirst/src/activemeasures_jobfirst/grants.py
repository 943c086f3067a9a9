"""JobFirst grant and payment rules of the funding announcement (SPEC.md §4.4, §9; 004).

A municipality got a **fixed grant** of up to DKK 850,000 for the project leader's salary
(004, L101) and an **activity-dependent grant** of up to DKK 16,000 per citizen, paid at the
start of a course and at the completion of a 13-week continuous course at a company (004,
L103), capped at 90 % of its target number of participants times 16,000 (004, L109), and paid
yearly as STAR counted starts and completions (004, L111).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import attrs
import numpy as np
import pandas as pd

from activemeasures import Panel, SpellRule, State
from activemeasures.fidelity import Population
from activemeasures_jobfirst.constants import (
    ACTIVITY_GRANT_CAP_SHARE,
    ACTIVITY_GRANT_PER_CITIZEN_DKK,
    ACTIVITY_GRANT_START_DKK,
    FIXED_GRANT_MAX_DKK,
    GRANT_COURSE_STATES,
    GRANT_MAX_GAP,
)

__all__ = [
    "GRANT_PERIOD_COLUMNS",
    "ActivityGrant",
    "FixedGrant",
    "GrantCriterion13w",
    "activity_grant",
    "fixed_grant",
]

#: Columns of :meth:`ActivityGrant.to_frame`.
GRANT_PERIOD_COLUMNS = (
    "period",
    "n_started",
    "n_completed_13w",
    "earned_start",
    "earned_13w",
    "earned",
    "paid",
    "limited_by",
)


def _amount(name: str, value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}") from None
    if not math.isfinite(number) or number < 0:
        raise ValueError(f"{name} must be a finite amount >= 0, got {value!r}")
    return number


def _count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        if isinstance(value, float | np.floating) and float(value).is_integer():
            value = int(value)
        else:
            raise TypeError(f"{name} must be a whole number, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return int(value)


def _by_period(name: str, value: object) -> dict[object, int]:
    if isinstance(value, Mapping):
        return {period: _count(f"{name}[{period!r}]", n) for period, n in value.items()}
    return {"total": _count(name, value)}


@attrs.frozen(kw_only=True)
class FixedGrant:
    """The fixed grant: documented salary costs of the project leader, at most DKK 850,000.

    Attributes
    ----------
    claimed : float
        Documented eligible salary costs claimed.
    maximum : float
        The ceiling (004, L101).
    paid : float
        ``min(claimed, maximum)`` (SPEC.md §11 A-9, interpretation).
    """

    claimed: float
    maximum: float
    paid: float

    def __str__(self) -> str:
        return (
            f"Fixed grant: DKK {self.paid:,.0f} paid of {self.claimed:,.0f} claimed "
            f"(max {self.maximum:,.0f})"
        )


def fixed_grant(claimed: float, *, maximum: float = FIXED_GRANT_MAX_DKK) -> FixedGrant:
    """The fixed grant for the project leader's salary (004, L101; SPEC.md §9).

    Parameters
    ----------
    claimed : float
        Documented salary costs of the project leader, DKK (004, L82-92).
    maximum : float, default 850,000
        Ceiling per participating municipality (004, L101).

    Returns
    -------
    FixedGrant

    Notes
    -----
    :math:`\\text{paid} = \\min(\\text{claimed}, 850{,}000)`. The text says "up to"; that the
    fixed grant is this minimum (rather than automatic) is an interpretation (SPEC.md §11 A-9).

    Examples
    --------
    >>> from activemeasures_jobfirst.grants import fixed_grant
    >>> fixed_grant(900_000).paid
    850000.0
    >>> print(fixed_grant(600_000))
    Fixed grant: DKK 600,000 paid of 600,000 claimed (max 850,000)
    """
    claimed = _amount("claimed", claimed)
    maximum = _amount("maximum", maximum)
    return FixedGrant(claimed=claimed, maximum=maximum, paid=min(claimed, maximum))


@attrs.frozen(kw_only=True, eq=False)
class ActivityGrant:
    """The activity-dependent grant of one municipality, with its breakdown.

    Attributes
    ----------
    target_participants : int
        The municipality's reported target number of participants (*måltal*).
    rate_start, rate_13w : float
        DKK per citizen at the start of a course and at completion of 13 weeks.
    cap : float
        ``cap_share * target_participants * (rate_start + rate_13w)``.
    periods : pandas.DataFrame
        One row per payment period (calendar year, or ``total``), columns
        :data:`GRANT_PERIOD_COLUMNS`: counts, amounts earned, amount paid and what limited
        the payment (``"earned"``, ``"cap"`` or ``"expenses"``).
    """

    target_participants: int
    rate_start: float
    rate_13w: float
    cap_share: float
    cap: float
    periods: pd.DataFrame

    @property
    def earned(self) -> float:
        """Amount earned by the milestones, before the cap."""
        return float(self.periods["earned"].sum())

    @property
    def paid(self) -> float:
        """Amount paid over all periods (never above :attr:`cap`)."""
        return float(self.periods["paid"].sum())

    @property
    def capped(self) -> bool:
        """Whether the cap held back part of what was earned."""
        return bool((self.periods["limited_by"] == "cap").any())

    def to_frame(self) -> pd.DataFrame:
        """The per-period breakdown (a copy of :attr:`periods`)."""
        return self.periods.copy()

    def __str__(self) -> str:
        head = (
            f"Activity grant: DKK {self.paid:,.0f} paid, {self.earned:,.0f} earned; cap "
            f"{self.cap:,.0f} = {self.cap_share:g} x {self.target_participants} x "
            f"{self.rate_start + self.rate_13w:,.0f} (start {self.rate_start:,.0f} + 13 weeks "
            f"{self.rate_13w:,.0f})"
        )
        return head + "\n" + self.periods.to_string(index=False)


def activity_grant(
    *,
    target_participants: int,
    n_started: int | Mapping[object, int],
    n_completed_13w: int | Mapping[object, int],
    rate_total: float = ACTIVITY_GRANT_PER_CITIZEN_DKK,
    rate_start: float = ACTIVITY_GRANT_START_DKK,
    cap_share: float = ACTIVITY_GRANT_CAP_SHARE,
    expenses: float | Mapping[object, float] | None = None,
) -> ActivityGrant:
    """The activity-dependent grant: per-citizen milestones, capped (SPEC.md §9; 004, L103-111).

    Parameters
    ----------
    target_participants : int
        The municipality's target number of participants (*måltal*) (004, L109).
    n_started, n_completed_13w : int or mapping of period to int
        Citizens who started an eligible course, and who completed 13 continuous weeks at a
        company (:class:`GrantCriterion13w`), in total or per payment year (004, L111), e.g.
        ``{2016: 80, 2017: 40}``. With mappings, periods are paid in sorted order.
    rate_total : float, default 16,000
        DKK per citizen over both milestones together (004, L103, L109; SPEC.md §11 A-8).
    rate_start : float, default 8,000
        The part paid at the start; the rest, ``rate_total - rate_start``, at completion.
        The split is not stated (SPEC.md §11 A-8, interpretation: 50/50).
    cap_share : float, default 0.9
        At most this share of ``target_participants * rate_total`` is paid (004, L109).
    expenses : float or mapping of period to float, optional
        Documented eligible expenses (004, L82-92): no period pays more than its expenses.

    Returns
    -------
    ActivityGrant

    Raises
    ------
    ValueError, TypeError
        For negative or fractional counts, negative amounts, ``rate_start > rate_total``,
        ``cap_share`` outside [0, 1], more completions than starts so far in any period, or
        expenses for periods without counts.

    Notes
    -----
    Per period :math:`t` in order, with :math:`S_t` starts and :math:`C_t` completions,

    .. math::

        E_t = r_s S_t + (r - r_s) C_t, \\qquad
        P_t = \\min\\bigl(E_t,\\ \\text{cap} - \\textstyle\\sum_{u<t} P_u,\\ X_t\\bigr),
        \\qquad \\text{cap} = 0.9 \\times \\text{target} \\times r,

    with :math:`X_t` the expenses (no limit if not given). The cap is cumulative over the
    project, not per year (SPEC.md §11 A-9, interpretation). Completions must not outrun
    starts: :math:`\\sum_{u \\le t} C_u \\le \\sum_{u \\le t} S_u` (each completer started).

    Examples
    --------
    The worked example of the funding announcement (004, L109): 100 target participants give
    at most 0.9 x 100 x 16,000 = DKK 1,440,000.

    >>> from activemeasures_jobfirst.grants import activity_grant
    >>> grant = activity_grant(target_participants=100, n_started=100, n_completed_13w=100)
    >>> grant.cap, grant.earned, grant.paid
    (1440000.0, 1600000.0, 1440000.0)
    >>> grant = activity_grant(target_participants=100, n_started={2016: 80, 2017: 40},
    ...                        n_completed_13w={2016: 30, 2017: 50})
    >>> grant.to_frame()[["period", "earned", "paid", "limited_by"]]
       period    earned      paid limited_by
    0    2016  880000.0  880000.0     earned
    1    2017  720000.0  560000.0        cap
    """
    target = _count("target_participants", target_participants)
    rate_total = _amount("rate_total", rate_total)
    rate_start = _amount("rate_start", rate_start)
    if rate_start > rate_total:
        raise ValueError(f"rate_start ({rate_start:g}) must not exceed rate_total ({rate_total:g})")
    cap_share = _amount("cap_share", cap_share)
    if cap_share > 1:
        raise ValueError(f"cap_share must be between 0 and 1, got {cap_share:g}")
    started = _by_period("n_started", n_started)
    completed = _by_period("n_completed_13w", n_completed_13w)
    if isinstance(expenses, Mapping):
        limits = {period: _amount(f"expenses[{period!r}]", x) for period, x in expenses.items()}
    elif expenses is None:
        limits = {}
    else:
        limits = {"total": _amount("expenses", expenses)}
    periods = sorted(set(started) | set(completed), key=lambda p: (str(type(p)), p))
    strangers = sorted(map(str, set(limits) - set(periods)))
    if strangers:
        raise ValueError(f"expenses are given for periods without counts: {', '.join(strangers)}")
    s = np.array([started.get(p, 0) for p in periods], dtype=np.int64)
    c = np.array([completed.get(p, 0) for p in periods], dtype=np.int64)
    ahead = np.flatnonzero(np.cumsum(c) > np.cumsum(s))
    if ahead.size:
        raise ValueError(
            f"more citizens completed 13 weeks than started a course by period "
            f"{periods[ahead[0]]!r} ({int(np.cumsum(c)[ahead[0]])} > {int(np.cumsum(s)[ahead[0]])})"
        )
    rate_13w = rate_total - rate_start
    cap = cap_share * target * rate_total
    rows, paid_so_far = [], 0.0
    for period, n_s, n_c in zip(periods, s, c, strict=True):  # payment periods, not citizens
        earned_start, earned_13w = rate_start * n_s, rate_13w * n_c
        earned = earned_start + earned_13w
        room = cap - paid_so_far
        limit = limits.get(period, math.inf)
        paid = max(0.0, min(earned, room, limit))
        limited_by = "earned"
        if paid < earned:
            limited_by = "cap" if room <= limit else "expenses"
        paid_so_far += paid
        rows.append(
            (period, int(n_s), int(n_c), earned_start, earned_13w, earned, paid, limited_by)
        )
    frame = pd.DataFrame(rows, columns=list(GRANT_PERIOD_COLUMNS)).astype(
        dict.fromkeys(("earned_start", "earned_13w", "earned", "paid"), "float64")
    )
    return ActivityGrant(
        target_participants=target,
        rate_start=rate_start,
        rate_13w=rate_13w,
        cap_share=cap_share,
        cap=cap,
        periods=frame,
    )


def _states(value: object) -> State:
    state = State.parse(value)  # type: ignore[arg-type]
    if not state:
        raise ValueError("states must name at least one State")
    return state


@attrs.frozen(kw_only=True)
class GrantCriterion13w:
    """The grant's milestones: start of an eligible course and 13 weeks at a company.

    The funding announcement pays at the start of a course and at the completion of "a
    13-week continuous course at a company" (004, L103, L111); eligible course types are
    ordinary company internship, wage-subsidy employment and ordinary employment (004,
    L104-107). Unlike the evaluation's criterion (SPEC.md §4.3) it names no gap tolerance,
    says "at a company" and lists ordinary employment rather than weeks with ordinary hours
    (SPEC.md §4.4, §11 A-7, interpretation).

    Parameters
    ----------
    min_weeks : int, default 13
    max_gap : int, default 0
        Inactive weeks tolerated (not counted) inside the course; the text gives none.
    same_workplace : bool, default True
        All counted weeks at one workplace ("at a company").
    states : State, default ``INTERNSHIP | WAGE_SUBSIDY | ORDINARY_EMPLOYMENT``
        The eligible course types.
    population : Population, default ``Population(arms=("treatment",))``
        Citizens who can earn the grant: the participants.

    Notes
    -----
    Per citizen, the **start week** is the first observed week in any of ``states``, the
    **completion week** the first week the rule ``SpellRule(min_weeks, max_gap,
    count_gap_weeks=False)`` is met (:meth:`activemeasures.Panel.first_met_week`). A
    milestone is dated by the last day of its week, ``visitation_date + 7w - 1``, and counted
    in that calendar year (STAR counted yearly, 004, L111): a week's precision. Sniffing
    internships registered as internships count as internships here (000, L480); give
    ``states`` without them to follow "ordinary internship (not sniffing)" where the data
    tell them apart.

    Examples
    --------
    >>> import pandas as pd
    >>> from activemeasures import Panel
    >>> from activemeasures_jobfirst.grants import GrantCriterion13w
    >>> citizens = pd.DataFrame({"citizen_id": [1, 2], "municipality": ["A", "A"],
    ...                          "visitation_date": ["2016-11-01"] * 2,
    ...                          "arm": ["treatment"] * 2})
    >>> activities = pd.DataFrame({"citizen_id": [1, 2], "activity": ["INTERNSHIP"] * 2,
    ...                            "start": ["2016-11-01", "2016-11-01"],
    ...                            "end": ["2017-01-30", "2016-12-01"],
    ...                            "workplace_id": ["W1", "W2"]})
    >>> panel = Panel.from_frames(citizens, activities, cutoff="2017-12-31", horizon=30)
    >>> GrantCriterion13w().counts(panel)  # both start in 2016; one completes 13 weeks
      municipality  year  n_started  n_completed_13w
    0            A  2016          2                0
    1            A  2017          0                1
    """

    min_weeks: int = attrs.field(default=13, converter=int)
    max_gap: int = attrs.field(default=GRANT_MAX_GAP, converter=int)
    same_workplace: bool = attrs.field(default=True, converter=bool)
    states: State = attrs.field(default=GRANT_COURSE_STATES, converter=_states)
    population: Population = attrs.field(
        factory=lambda: Population(arms=("treatment",)),
        validator=attrs.validators.instance_of(Population),
    )

    @property
    def rule(self) -> SpellRule:
        """The spell rule of the 13-week milestone."""
        return SpellRule(min_weeks=self.min_weeks, max_gap=self.max_gap, count_gap_weeks=False)

    def started_week(self, panel: Panel) -> np.ndarray:
        """First observed week in an eligible course per citizen (0 if none)."""
        active = panel.active(self.states) & panel.observed
        first = active.argmax(axis=1) + 1
        return np.where(active.any(axis=1), first, 0).astype(np.int32)

    def completed_week(self, panel: Panel) -> np.ndarray:
        """Week the 13-week milestone is reached per citizen (0 if not within observed weeks)."""
        return panel.first_met_week(
            self.rule, states=self.states, same_workplace=self.same_workplace
        )

    def counts(self, panel: Panel) -> pd.DataFrame:
        """Starts and completions per municipality and calendar year, for the population.

        Returns
        -------
        pandas.DataFrame
            Columns ``municipality``, ``year``, ``n_started``, ``n_completed_13w``: one row per
            municipality and year with at least one milestone, sorted. Counts only.
        """
        if not isinstance(panel, Panel):
            raise TypeError(f"counts() needs a Panel, got {type(panel).__name__}")
        mask = self.population.select(panel.citizens)
        visit = panel.citizens["visitation_date"].to_numpy(dtype="datetime64[D]")
        municipality = panel.citizens["municipality"].astype(str).to_numpy()
        parts = []
        for column, week in (
            ("n_started", self.started_week(panel)),
            ("n_completed_13w", self.completed_week(panel)),
        ):
            hit = mask & (week > 0)
            day = visit[hit] + (7 * week[hit].astype(np.int64) - 1).astype("timedelta64[D]")
            year = day.astype("datetime64[Y]").astype(np.int64) + 1970
            part = pd.DataFrame({"municipality": municipality[hit], "year": year})
            parts.append(part.value_counts().rename(column))
        table = pd.concat(parts, axis=1).fillna(0).astype(np.int64).sort_index()
        if table.empty:
            return pd.DataFrame(
                {
                    "municipality": pd.Series(dtype=object),
                    "year": pd.Series(dtype=np.int64),
                    "n_started": pd.Series(dtype=np.int64),
                    "n_completed_13w": pd.Series(dtype=np.int64),
                }
            )
        return table.reset_index()
