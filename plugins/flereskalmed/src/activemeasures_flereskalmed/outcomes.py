"""'Flere skal med' outcomes: weekly definitions and their monthly summary (SPEC.md §4.7).

The weekly outcomes follow :class:`activemeasures.outcomes.Outcome` (``name``, ``label``,
``values(panel, compact=False)``), so the core estimators and figures take them as they are.
The evaluation reported them by **month since visitation**, months 1-29 (Fig 4-3a; 003,
L2187-2197); :func:`monthly_outcomes` aggregates any weekly outcome to that axis.

====================================  =====================================================
outcome (``name``)                    weekly value
====================================  =====================================================
:class:`EnterpriseCourseEtc`          in "virksomhedsforløb mv." (3 variants, A-29)
:class:`EnterpriseDirected`           in internship or wage subsidy
:class:`OrdinaryHoursFSM`             ordinary hours outside wage-subsidy/flex-job weeks
:class:`EmploymentWithoutBenefit`     employed and no public benefit
:class:`Clarified`                    has moved to flex job, disability pension or
                                      resource course
====================================  =====================================================
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import attrs
import numpy as np
import pandas as pd

from activemeasures import Panel, State
from activemeasures.outcomes import HoursAtLeast, Outcome, as_outcome
from activemeasures.states import DERIVED_STATES
from activemeasures_flereskalmed.constants import FOLLOW_UP_MONTHS, WEEKLY_ORDINARY_HOURS_GOAL

__all__ = [
    "DAYS_PER_MONTH",
    "MONTHLY_COLUMNS",
    "VARIANTS",
    "Clarified",
    "EmploymentWithoutBenefit",
    "EnterpriseCourseEtc",
    "EnterpriseDirected",
    "OrdinaryHoursFSM",
    "enterprise_course_etc",
    "month_of_week",
    "monthly_outcomes",
    "outcomes",
    "weeks_for_months",
]

#: Days in an average month (365.25 / 12): the month of a week is counted on this axis.
DAYS_PER_MONTH = 365.25 / 12

#: Columns of :func:`monthly_outcomes`.
MONTHLY_COLUMNS = ("outcome", "group", "month", "n_observed", "n_in_state", "share", "mean")

#: Variants of "virksomhedsforløb mv." (SPEC.md §4.7, §11 A-29).
VARIANTS = ("union", "with_education", "with_transition")

_ENTERPRISE = State.INTERNSHIP | State.WAGE_SUBSIDY
_SUBSIDISED = State.WAGE_SUBSIDY | State.FLEX_JOB
_EMPLOYED = State.ORDINARY_EMPLOYMENT | State.ORDINARY_HOURS
_CLARIFIED = State.FLEX_JOB | State.DISABILITY_PENSION | State.RESOURCE_COURSE


def _check_panel(panel: object) -> Panel:
    if not isinstance(panel, Panel):
        raise TypeError(f"values() needs a Panel, got {type(panel).__name__}")
    return panel


def _finish(values: np.ndarray, compact: bool) -> np.ndarray:
    return values if compact else values.astype(np.float64)


def _activity_names(states: State) -> tuple[str, ...]:
    """Names of the single activity states in *states* (derived states left out)."""
    return tuple(
        str(m.name) for m in State if m & states and m.bit_count() == 1 and m not in DERIVED_STATES
    )


def _without_benefit(panel: Panel) -> np.ndarray:
    """Employed (ordinary employment or ordinary hours) in a week with no public benefit."""
    return panel.active(_EMPLOYED) & ~panel.active(State.PUBLIC_BENEFIT)


@attrs.frozen
class EnterpriseCourseEtc:
    """1 in weeks in "virksomhedsforløb mv." (*enterprise course etc.*), else 0.

    The 'Flere skal med' success measure: "contact with the ordinary labour market or
    education" (003, L130-138, L387-391; SPEC.md §4.7).

    Parameters
    ----------
    variant : {"union", "with_education", "with_transition"}, default "union"
        Which of the two published definitions (SPEC.md §11 A-29).

    Notes
    -----
    Per week, with :math:`E` = employment without benefit (:class:`EmploymentWithoutBenefit`):

    * ``"with_education"`` (003, L134-138; L2210-2212): enterprise-directed activity
      (internship, wage subsidy), ordinary wage hours, flex job or ordinary education:
      ``INTERNSHIP | WAGE_SUBSIDY | ORDINARY_HOURS | FLEX_JOB | EDUCATION``.
    * ``"with_transition"`` (003, L387-391): internship, wage subsidy, flex job, full
      transition to employment (:math:`E`), or wage hours alongside supplementary cash
      benefit (``ORDINARY_HOURS`` and ``PUBLIC_BENEFIT``).
    * ``"union"`` (default; Interpretation, A-29): either of the two, i.e. ``INTERNSHIP |
      WAGE_SUBSIDY | FLEX_JOB | EDUCATION | ORDINARY_HOURS`` or :math:`E`.

    Examples
    --------
    >>> from activemeasures.panel import _example_panel
    >>> from activemeasures_flereskalmed.outcomes import EnterpriseCourseEtc
    >>> EnterpriseCourseEtc().values(_example_panel())
    array([[0., 1., 1., 0.],
           [1., 1., 1., 0.]])
    >>> EnterpriseCourseEtc("with_transition").name
    'enterprise_course_etc_with_transition'
    """

    variant: str = attrs.field(default="union")

    @variant.validator
    def _check(self, attribute: attrs.Attribute, value: str) -> None:
        if value not in VARIANTS:
            raise ValueError(
                f"variant must be one of {', '.join(map(repr, VARIANTS))}, got {value!r}"
            )

    @property
    def name(self) -> str:
        """``enterprise_course_etc``, with ``_`` and the variant unless the union."""
        return "enterprise_course_etc" + ("" if self.variant == "union" else f"_{self.variant}")

    @property
    def label(self) -> str:
        """``Share in virksomhedsforløb mv.`` and the variant."""
        detail = {"union": "", "with_education": " (with education)"}.get(
            self.variant, " (with transition to employment)"
        )
        return f"Share in virksomhedsforløb mv.{detail}"

    @property
    def codes(self) -> dict[str, tuple[str, ...]]:
        """Activity names read, by table."""
        states = _ENTERPRISE | State.FLEX_JOB | State.ORDINARY_EMPLOYMENT | State.PUBLIC_BENEFIT
        if self.variant != "with_transition":
            states |= State.EDUCATION
        return {"activities": _activity_names(states)}

    def values(self, panel: Panel, *, compact: bool = False) -> np.ndarray:
        """``n × horizon`` indicator (bool when ``compact``, else float64)."""
        panel = _check_panel(panel)
        if self.variant == "with_education":
            active = panel.active(
                _ENTERPRISE | State.ORDINARY_HOURS | State.FLEX_JOB | State.EDUCATION
            )
        elif self.variant == "with_transition":
            alongside = panel.active(State.ORDINARY_HOURS) & panel.active(State.PUBLIC_BENEFIT)
            active = panel.active(_ENTERPRISE | State.FLEX_JOB) | alongside
            active |= _without_benefit(panel)
        else:
            active = panel.active(
                _ENTERPRISE | State.FLEX_JOB | State.EDUCATION | State.ORDINARY_HOURS
            )
            active |= _without_benefit(panel)
        return _finish(active, compact)


def enterprise_course_etc(
    variant: Literal["union", "with_education", "with_transition"] = "union",
) -> EnterpriseCourseEtc:
    """The "virksomhedsforløb mv." outcome in a variant (see :class:`EnterpriseCourseEtc`).

    Examples
    --------
    >>> from activemeasures_flereskalmed.outcomes import enterprise_course_etc
    >>> enterprise_course_etc("with_education").name
    'enterprise_course_etc_with_education'
    """
    return EnterpriseCourseEtc(variant)


@attrs.frozen
class EnterpriseDirected:
    """1 in weeks in enterprise-directed activity (internship or wage subsidy), else 0.

    "Virksomhedsrettet indsats", the narrower column of Table 4-4 (population mean 65 %
    against 72 % for virksomhedsforløb mv.; 003, L2520-2547). Its content is not defined in
    the sources; read as enterprise-directed programmes only, without ordinary hours, flex
    job and education (Interpretation, SPEC.md §4.7).

    Examples
    --------
    >>> from activemeasures.panel import _example_panel
    >>> from activemeasures_flereskalmed.outcomes import EnterpriseDirected
    >>> EnterpriseDirected().values(_example_panel())
    array([[0., 1., 1., 0.],
           [0., 0., 0., 0.]])
    """

    @property
    def name(self) -> str:
        """``"enterprise_directed"``."""
        return "enterprise_directed"

    @property
    def label(self) -> str:
        """``"Share in enterprise-directed activity"``."""
        return "Share in enterprise-directed activity"

    @property
    def codes(self) -> dict[str, tuple[str, ...]]:
        """Activity names read, by table."""
        return {"activities": _activity_names(_ENTERPRISE)}

    def values(self, panel: Panel, *, compact: bool = False) -> np.ndarray:
        """``n × horizon`` indicator (bool when ``compact``, else float64)."""
        return _finish(_check_panel(panel).active(_ENTERPRISE), compact)


@attrs.frozen
class OrdinaryHoursFSM:
    """Ordinary hours **excluding** hours in wage subsidy and flex job (Fig 4-4).

    Achieved ordinary hours, excluding hours in *løntilskud* and *fleksjob* (003,
    L2229-2239; SPEC.md §4.7).

    Parameters
    ----------
    measure : {"hours", "any"}, default "hours"
        ``"hours"``: the week's hours (its mean is mean weekly hours, zeros included);
        ``"any"``: 1 when those hours are > 0 (its mean is the share with ordinary hours,
        the "Ordinære timer" column of Table 4-4, mean 22 %; 003, L2520-2547).

    Notes
    -----
    The hours table does not say which hours were subsidised, so the whole week is left
    out: :math:`h'_{iw} = h_{iw}` when week :math:`w` has neither ``WAGE_SUBSIDY`` nor
    ``FLEX_JOB``, else 0 (Interpretation). Ordinary hours beside a wage-subsidy job in the
    same week are lost with it.

    Examples
    --------
    >>> from activemeasures.panel import _example_panel
    >>> from activemeasures_flereskalmed.outcomes import OrdinaryHoursFSM
    >>> OrdinaryHoursFSM().values(_example_panel())[1]
    array([7., 7., 7., 0.])
    >>> OrdinaryHoursFSM("any").name
    'any_ordinary_hours_fsm'
    """

    measure: str = attrs.field(default="hours")

    @measure.validator
    def _check(self, attribute: attrs.Attribute, value: str) -> None:
        if value not in ("hours", "any"):
            raise ValueError(f"measure must be 'hours' or 'any', got {value!r}")

    @property
    def name(self) -> str:
        """``ordinary_hours_fsm`` or ``any_ordinary_hours_fsm``."""
        return "ordinary_hours_fsm" if self.measure == "hours" else "any_ordinary_hours_fsm"

    @property
    def label(self) -> str:
        """Label for figures."""
        if self.measure == "hours":
            return "Mean ordinary hours per week (excl. wage subsidy and flex job)"
        return "Share with ordinary hours (excl. wage subsidy and flex job)"

    @property
    def codes(self) -> dict[str, tuple[str, ...]]:
        """Activity names read, by table."""
        return {"activities": _activity_names(_SUBSIDISED)}

    def values(self, panel: Panel, *, compact: bool = False) -> np.ndarray:
        """``n × horizon`` hours (float32 when ``compact``) or indicator (bool)."""
        panel = _check_panel(panel)
        hours = np.where(panel.active(_SUBSIDISED), np.float32(0), panel.hours)
        return _finish(hours if self.measure == "hours" else hours > 0, compact)


@attrs.frozen
class EmploymentWithoutBenefit:
    """1 in weeks employed and receiving no public benefit ("ren beskæftigelse"), else 0.

    Employed **and** receiving no transfer of any kind (003, L2200, L2219-2227, L2525;
    SPEC.md §4.7). Group 1 reached about 15 % (003, L408-410).

    Notes
    -----
    Employed means ``ORDINARY_EMPLOYMENT`` or ordinary hours (``ORDINARY_HOURS``, from the
    hours table); no benefit means no ``PUBLIC_BENEFIT`` that week (Interpretation):
    ``(ORDINARY_EMPLOYMENT | ORDINARY_HOURS) & ~PUBLIC_BENEFIT``. Wage subsidy and flex job
    are not ordinary employment; their weeks count only when ordinary hours are recorded too.

    Examples
    --------
    >>> from activemeasures.panel import _example_panel
    >>> from activemeasures_flereskalmed.outcomes import EmploymentWithoutBenefit
    >>> EmploymentWithoutBenefit().values(_example_panel())[1]
    array([1., 1., 1., 0.])
    """

    @property
    def name(self) -> str:
        """``"employment_without_benefit"``."""
        return "employment_without_benefit"

    @property
    def label(self) -> str:
        """``"Share employed without any benefit"``."""
        return "Share employed without any benefit"

    @property
    def codes(self) -> dict[str, tuple[str, ...]]:
        """Activity names read, by table."""
        return {"activities": _activity_names(_EMPLOYED | State.PUBLIC_BENEFIT)}

    def values(self, panel: Panel, *, compact: bool = False) -> np.ndarray:
        """``n × horizon`` indicator (bool when ``compact``, else float64)."""
        return _finish(_without_benefit(_check_panel(panel)), compact)


@attrs.frozen
class Clarified:
    """1 from the first week in flex job, disability pension or resource course on, else 0.

    "Afklaring": moved on from the cash-benefit system to e.g. disability pension, resource
    course or flex job "or similar" (003, L57-61, L414, L2177-2183; SPEC.md §4.7). About
    10 % of group 1 and 74 % of group 2 were clarified (003, L2179-2183).

    Parameters
    ----------
    cumulative : bool, default True
        ``True``: "has been clarified by week :math:`w`", 1 from the first week in a
        destination state onwards (Interpretation: a clarification is a transition, not a
        current state). ``False``: 1 only in weeks in such a state.

    Notes
    -----
    With :math:`c_{iw} = 1` when week :math:`w` is in ``FLEX_JOB | DISABILITY_PENSION |
    RESOURCE_COURSE``, the cumulative value is :math:`\\max_{u \\le w} c_{iu}`. Censored
    weeks are never in a state, and are never read by the estimators.

    Examples
    --------
    >>> import pandas as pd
    >>> from activemeasures import Panel
    >>> from activemeasures_flereskalmed.outcomes import Clarified
    >>> citizens = pd.DataFrame({"citizen_id": [1], "municipality": ["A"],
    ...                          "visitation_date": ["2018-01-01"], "group": [2]})
    >>> activities = pd.DataFrame({"citizen_id": [1], "activity": ["RESOURCE_COURSE"],
    ...                            "start": ["2018-01-08"], "end": ["2018-01-10"]})
    >>> panel = Panel.from_frames(citizens, activities, cutoff="2018-12-31", horizon=4)
    >>> Clarified().values(panel)
    array([[0., 1., 1., 1.]])
    """

    cumulative: bool = attrs.field(default=True, converter=bool)

    @property
    def name(self) -> str:
        """``"clarified"`` (``"in_clarification_state"`` when not cumulative)."""
        return "clarified" if self.cumulative else "in_clarification_state"

    @property
    def label(self) -> str:
        """Label for figures."""
        if self.cumulative:
            return "Share clarified (flex job, disability pension or resource course)"
        return "Share in flex job, disability pension or resource course"

    @property
    def codes(self) -> dict[str, tuple[str, ...]]:
        """Activity names read, by table."""
        return {"activities": _activity_names(_CLARIFIED)}

    def values(self, panel: Panel, *, compact: bool = False) -> np.ndarray:
        """``n × horizon`` indicator (bool when ``compact``, else float64)."""
        active = _check_panel(panel).active(_CLARIFIED)
        if self.cumulative:
            active = np.logical_or.accumulate(active, axis=1)
        return _finish(active, compact)


def outcomes() -> list:
    """The outcomes of 'Flere skal med', for the ``register_outcomes`` hook (unique names).

    Returns
    -------
    list
        :class:`EnterpriseCourseEtc` (union), :class:`EnterpriseDirected`,
        :class:`OrdinaryHoursFSM` (hours and any), :class:`EmploymentWithoutBenefit`,
        :class:`Clarified` and :class:`~activemeasures.outcomes.HoursAtLeast` (30), the
        weekly hours goal of group 1 (003, L118).

    Examples
    --------
    >>> from activemeasures_flereskalmed.outcomes import outcomes
    >>> [o.name for o in outcomes()]  # doctest: +NORMALIZE_WHITESPACE
    ['enterprise_course_etc', 'enterprise_directed', 'ordinary_hours_fsm',
     'any_ordinary_hours_fsm', 'employment_without_benefit', 'clarified', 'hours_at_least_30']
    """
    return [
        EnterpriseCourseEtc(),
        EnterpriseDirected(),
        OrdinaryHoursFSM("hours"),
        OrdinaryHoursFSM("any"),
        EmploymentWithoutBenefit(),
        Clarified(),
        HoursAtLeast(WEEKLY_ORDINARY_HOURS_GOAL),
    ]


# ------------------------------------------------------------------------------- monthly axis


def month_of_week(weeks: object) -> np.ndarray:
    """The month since visitation of each week since visitation (both 1-based).

    Week :math:`w` starts on day :math:`7(w-1)` after the visitation date; it belongs to
    month :math:`m = \\lfloor 7(w-1) / 30.4375 \\rfloor + 1`. Computed in integers:
    :math:`30.4375 = 487/16`, so :math:`m = \\lfloor 112(w-1) / 487 \\rfloor + 1`.

    Examples
    --------
    >>> from activemeasures_flereskalmed.outcomes import month_of_week
    >>> month_of_week([1, 5, 6, 9, 10])
    array([1, 1, 2, 2, 3])
    """
    w = np.asarray(weeks, dtype=np.int64)
    if (w < 1).any():
        raise ValueError("weeks are 1-based")
    return (112 * (w - 1)) // 487 + 1


def weeks_for_months(months: int) -> tuple[np.ndarray, np.ndarray]:
    """First and last week (1-based, inclusive) of months 1 to *months*.

    Examples
    --------
    >>> from activemeasures_flereskalmed.outcomes import weeks_for_months
    >>> weeks_for_months(3)
    (array([ 1,  6, 10]), array([ 5,  9, 14]))
    >>> int(weeks_for_months(29)[1][-1])  # weeks a panel needs for 29 months
    127
    """
    if isinstance(months, bool) or int(months) != months or months < 1:
        raise ValueError(f"months must be a whole number >= 1, got {months!r}")
    m = np.arange(1, int(months) + 2, dtype=np.int64)
    # First week of month m: the smallest w with 7(w - 1) >= 30.4375 (m - 1).
    first = -((-487 * (m - 1)) // 112) + 1
    return first[:-1], first[1:] - 1


def _group_labels(panel: Panel, groups: str | None) -> tuple[np.ndarray, list]:
    if groups is None:
        return np.zeros(panel.n_citizens, dtype=np.int64), ["all"]
    if groups not in panel.citizens.columns:
        raise KeyError(f"the panel's citizens table has no column {groups!r}")
    text = panel.citizens[groups].astype("string").str.strip()
    codes, uniques = pd.factorize(text, sort=True, use_na_sentinel=False)
    return codes.astype(np.int64), list(uniques)


def monthly_outcomes(
    panel: Panel,
    outcomes: Iterable[Outcome | State | str],
    *,
    months: int = FOLLOW_UP_MONTHS,
    groups: str | None = "group",
    total: bool = False,
) -> pd.DataFrame:
    """Outcomes per group and month since visitation (months 1-29 of Fig 4-3a).

    Parameters
    ----------
    panel : Panel
        The weekly panel; its horizon must cover the last week of month *months* (127 weeks
        for 29 months, :func:`weeks_for_months`).
    outcomes : iterable of Outcome, State or str
        Weekly outcomes (anything :func:`activemeasures.outcomes.as_outcome` accepts).
    months : int, default 29
        Months since visitation (003, L2187; SPEC.md §11 A-41: the time origin is each
        citizen's visitation date, a parameter of the panel).
    groups : str or None, default "group"
        Column of ``panel.citizens`` to split by, compared as text (missing values form
        their own group); ``None`` for one group ``"all"``.
    total : bool, default False
        Add rows for all citizens together, group ``"all"``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`MONTHLY_COLUMNS`, one row per outcome (in the order given), group
        (sorted as text, then ``"all"``) and month: ``n_observed`` citizens observed in the
        month, ``n_in_state`` of them with a monthly value > 0, ``share`` =
        ``n_in_state / n_observed`` and ``mean`` = mean monthly value (NaN when nobody is
        observed).

    Notes
    -----
    **Weeks to months.** Week :math:`w` belongs to month
    :math:`m = \\lfloor 7(w-1)/30.4375 \\rfloor + 1` (:func:`month_of_week`): a month covers
    the weeks whose first day falls in days :math:`[30.4375(m-1),\\ 30.4375m)` since the
    visitation date, 4 or 5 weeks.

    **Censoring.** Month :math:`m` is observed for a citizen when **all** its weeks are
    observed (the last one ends on or before the data cut-off). A partly observed month is
    left out, never read as inactive.

    **Aggregation.** For a 0/1 outcome (``values(panel, compact=True)`` is boolean) a
    citizen is *in the state* in month :math:`m` when any week of the month is; the monthly
    value is that 0/1. For other outcomes (hours) the monthly value is the mean of the
    month's weekly values (hours per week) and "in state" means a value > 0. Per group
    :math:`g` with observed citizens :math:`O_{gm}`:

    .. math::

        \\mathrm{share}_{gm} = \\frac{|\\{i \\in O_{gm}: y_{im} > 0\\}|}{|O_{gm}|}, \\qquad
        \\mathrm{mean}_{gm} = \\frac{1}{|O_{gm}|}\\sum_{i \\in O_{gm}} y_{im}.

    Examples
    --------
    Months 1, 2 and 3 are weeks 1-5, 6-9 and 10-14. Citizen 1 (group 1) has an internship
    in week 2 and is observed 13 weeks (months 1-2); citizen 2 (group 2) has nothing and is
    observed 5 weeks (month 1):

    >>> import pandas as pd
    >>> from activemeasures import Panel
    >>> from activemeasures_flereskalmed.outcomes import EnterpriseCourseEtc, monthly_outcomes
    >>> citizens = pd.DataFrame({"citizen_id": [1, 2], "municipality": ["A", "A"],
    ...                          "visitation_date": ["2018-01-01", "2018-02-26"],
    ...                          "group": [1, 2]})
    >>> activities = pd.DataFrame({"citizen_id": [1], "activity": ["INTERNSHIP"],
    ...                            "start": ["2018-01-08"], "end": ["2018-01-09"]})
    >>> panel = Panel.from_frames(citizens, activities, cutoff="2018-04-01", horizon=14)
    >>> monthly_outcomes(panel, [EnterpriseCourseEtc()], months=3).iloc[:, 1:]
      group  month  n_observed  n_in_state  share  mean
    0     1      1           1           1    1.0   1.0
    1     1      2           1           0    0.0   0.0
    2     1      3           0           0    NaN   NaN
    3     2      1           1           0    0.0   0.0
    4     2      2           0           0    NaN   NaN
    5     2      3           0           0    NaN   NaN
    """
    if not isinstance(panel, Panel):
        raise TypeError(f"monthly_outcomes needs a Panel, got {type(panel).__name__}")
    first, last = weeks_for_months(months)
    needed = int(last[-1])
    if panel.horizon < needed:
        raise ValueError(
            f"{months} months need a panel of at least {needed} weeks, the panel has "
            f"{panel.horizon}: build it with dataset.panel({needed}) or ask for fewer months"
        )
    specs = [as_outcome(o) for o in outcomes]
    names = [o.name for o in specs]
    if len(set(names)) != len(names):
        raise ValueError(f"outcome names must be unique, got {names}")
    codes, labels = _group_labels(panel, groups)
    if total and groups is not None:
        labels = [*labels, "all"]
    k, n_months = len(labels), len(first)
    member = np.zeros((panel.n_citizens, k))
    member[np.arange(panel.n_citizens), codes] = 1.0
    if total and groups is not None:
        member[:, -1] = 1.0
    observed = panel.observed_weeks.astype(np.int64)[:, None] >= last[None, :]
    n_observed = member.T @ observed
    starts = first - 1
    weeks_per_month = (last - first + 1).astype(np.float64)
    frames = []
    for outcome in specs:  # a loop over outcomes, not over citizens or weeks
        values = np.asarray(outcome.values(panel, compact=True))[:, :needed]
        if values.dtype == bool:
            monthly = np.logical_or.reduceat(values, starts, axis=1).astype(np.float64)
        else:
            sums = np.add.reduceat(values.astype(np.float64), starts, axis=1)
            monthly = sums / weeks_per_month
        monthly = np.where(observed, monthly, 0.0)
        n_in = member.T @ (monthly > 0)
        sums = member.T @ monthly
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(n_observed > 0, n_in / n_observed, np.nan)
            mean = np.where(n_observed > 0, sums / n_observed, np.nan)
        frames.append(
            pd.DataFrame(
                {
                    "outcome": outcome.name,
                    "group": np.repeat(np.asarray(labels, dtype=object), n_months),
                    "month": np.tile(np.arange(1, n_months + 1), k),
                    "n_observed": n_observed.reshape(-1).round().astype(np.int64),
                    "n_in_state": n_in.reshape(-1).round().astype(np.int64),
                    "share": share.reshape(-1),
                    "mean": mean.reshape(-1),
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=list(MONTHLY_COLUMNS))
    result = pd.concat(frames, ignore_index=True)
    result["group"] = result["group"].astype("string")
    return result
