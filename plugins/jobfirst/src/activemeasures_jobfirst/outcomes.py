"""The weekly outcomes of the JobFirst effect evaluation (SPEC.md §4.2, §4.3, §5.1, §8).

The mid-term evaluation estimates, week by week since visitation (001, L290-297, L299-361):
the share in company internship (Figure 1), the share in wage subsidy (Figure 2), mean
ordinary hours (Figures 3 and 5), the indicator of having ordinary hours (Figure 6), the
distribution of positive hours (Figure 7) and the cumulative share meeting the 13-week
criterion (Figures 4 and 8). :func:`outcomes` returns them all, with the same-workplace
variant of the criterion (000, L526-528) and "phases 1 and 2 within 26 weeks" (SPEC.md §8).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable

import attrs
import numpy as np

from activemeasures import Panel, State
from activemeasures.fidelity.kinds import SpellShare
from activemeasures.outcomes import (
    AnyHours,
    CumulativeCriterion,
    MeanHours,
    Outcome,
    ShareInState,
)
from activemeasures_jobfirst.constants import (
    CRITERION_13W,
    CRITERION_13W_STATES,
    FOLLOW_UP_WEEKS,
    FULL_TIME_HOURS,
    HOUR_BAND_EDGES,
    PHASE_WEEKS,
)

__all__ = [
    "HOUR_BANDS",
    "CriterionByWeek",
    "HoursInBand",
    "Labelled",
    "hour_bands",
    "outcomes",
    "within_26_weeks",
]


def _check_panel(panel: object) -> Panel:
    if not isinstance(panel, Panel):
        raise TypeError(f"values() needs a Panel, got {type(panel).__name__}")
    return panel


def _finish(values: np.ndarray, compact: bool) -> np.ndarray:
    return values if compact else values.astype(np.float64)


def _number(value: float) -> str:
    return "inf" if math.isinf(value) else f"{value:g}"


def _is_outcome(instance: object, attribute: attrs.Attribute, value: object) -> None:
    if not isinstance(value, Outcome):
        raise TypeError(f"{attribute.name} must be an outcome, got {type(value).__name__}")


def _text(instance: object, attribute: attrs.Attribute, value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{attribute.name} must be a non-empty string, got {value!r}")


@attrs.frozen(kw_only=True)
class Labelled:
    """Another outcome under the name and label of the published JobFirst figures.

    Parameters
    ----------
    outcome : Outcome
        The outcome whose values are used, e.g. ``ShareInState(State.INTERNSHIP)``.
    name : str
        Identifier for tables; by default the outcome's own.
    label : str
        Figure label, e.g. ``"Share in company internship"`` (001, L299).

    Examples
    --------
    >>> from activemeasures import State
    >>> from activemeasures.outcomes import ShareInState
    >>> from activemeasures.panel import _example_panel
    >>> from activemeasures_jobfirst.outcomes import Labelled
    >>> outcome = Labelled(outcome=ShareInState(State.INTERNSHIP),
    ...                    label="Share in company internship")
    >>> outcome.name, outcome.label
    ('share_internship', 'Share in company internship')
    >>> outcome.values(_example_panel())[0]
    array([0., 1., 1., 0.])
    """

    outcome: Outcome = attrs.field(validator=_is_outcome)
    label: str = attrs.field(validator=_text)
    name: str = attrs.field(
        default=attrs.Factory(lambda self: getattr(self.outcome, "name", ""), takes_self=True),
        validator=_text,
    )

    def values(self, panel: Panel, *, compact: bool = False) -> np.ndarray:
        """The wrapped outcome's values."""
        return self.outcome.values(panel, compact=compact)


def _band_edge(value: object) -> float:
    number = float(value)  # type: ignore[arg-type]
    if math.isnan(number) or number < 0:
        raise ValueError(f"band edges must be numbers >= 0 (inf allowed), got {value!r}")
    return number


@attrs.frozen
class HoursInBand:
    """1 in weeks whose ordinary hours lie in a band, else 0: its mean is the band's share.

    The distribution of **positive** ordinary hours of Figure 7 (001, L351-353; SPEC.md
    §4.2.4). The sources name "5-10 hours", "5-15 hours" and "full time" but no exact edges
    (001, L131, L351): the bands are configurable (SPEC.md §11 A-45, interpretation), the
    default set is :data:`HOUR_BANDS`.

    Parameters
    ----------
    lower, upper : float
        Band edges, ``0 <= lower < upper`` (``upper`` may be ``inf``).
    include_lower : bool, default False
        Whether ``hours == lower`` is in the band (``[37, inf)``: full time).
    include_upper : bool, default True
        Whether ``hours == upper`` is in the band (``False`` for ``(30, 37)``).

    Notes
    -----
    With :math:`h_{iw}` the ordinary hours of citizen :math:`i` in week :math:`w`, the value
    is :math:`1\\{l < h_{iw} \\le u\\}` by default (the inequalities follow the two
    ``include`` flags). Since ``lower >= 0`` and the lower edge is excluded by default, a
    week without hours is in no band starting at 0. The weekly mean over the observed
    citizens of an arm is the share of **all** of them with hours in the band; Figure 7's
    distribution among citizens **with** hours is that share divided by the share with any
    hours (:class:`~activemeasures.outcomes.AnyHours`). The comparison is on the panel's
    weekly hours (float32): hours spread from longer periods may land a hair off an edge.

    Examples
    --------
    >>> from activemeasures.panel import _example_panel
    >>> from activemeasures_jobfirst.outcomes import HoursInBand
    >>> band = HoursInBand(5, 10)
    >>> band.name, band.label
    ('hours_band_5_10', 'Share with more than 5 and at most 10 ordinary hours')
    >>> band.values(_example_panel())[1]  # 7 hours in weeks 1-3
    array([1., 1., 1., 0.])
    >>> HoursInBand(37, float("inf"), include_lower=True).label
    'Share with 37 or more ordinary hours (full time)'
    """

    lower: float = attrs.field(converter=_band_edge)
    upper: float = attrs.field(converter=_band_edge)
    include_lower: bool = attrs.field(default=False, converter=bool, kw_only=True)
    include_upper: bool = attrs.field(default=True, converter=bool, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if not self.lower < self.upper:
            raise ValueError(f"lower ({self.lower}) must be below upper ({self.upper})")
        if math.isinf(self.lower):
            raise ValueError("lower must be finite")

    @property
    def name(self) -> str:
        """``hours_band_{lower}_{upper}``, e.g. ``hours_band_5_10``, ``hours_band_37_inf``."""
        return f"hours_band_{_number(self.lower)}_{_number(self.upper)}"

    @property
    def label(self) -> str:
        """The band in words."""
        low = f"{self.lower:g} or more" if self.include_lower else f"more than {self.lower:g}"
        if math.isinf(self.upper):
            full = " (full time)" if self.lower == FULL_TIME_HOURS else ""
            return f"Share with {low} ordinary hours{full}"
        high = f"at most {self.upper:g}" if self.include_upper else f"less than {self.upper:g}"
        return f"Share with {low} and {high} ordinary hours"

    def contains(self, hours: np.ndarray) -> np.ndarray:
        """Boolean array: which of *hours* lie in the band."""
        hours = np.asarray(hours)
        above = hours >= self.lower if self.include_lower else hours > self.lower
        below = hours <= self.upper if self.include_upper else hours < self.upper
        return above & below

    def values(self, panel: Panel, *, compact: bool = False) -> np.ndarray:
        """``n × horizon`` indicator (bool when ``compact``, else float64)."""
        return _finish(self.contains(_check_panel(panel).hours), compact)


def hour_bands(
    edges: Iterable[float] = HOUR_BAND_EDGES, *, full_time: float | None = FULL_TIME_HOURS
) -> tuple[HoursInBand, ...]:
    """Bands that partition positive weekly hours: ``(e0, e1], (e1, e2], ...``.

    Parameters
    ----------
    edges : iterable of float, default ``(0, 5, 10, 15, 20, 25, 30)``
        Increasing edges, the first usually 0.
    full_time : float or None, default 37
        The full-time week (002, L1334): the bands end with ``(e_last, full_time)`` and
        ``[full_time, inf)``. ``None`` ends them with ``(e_last, inf)``.

    Returns
    -------
    tuple of HoursInBand
        Every positive number of hours above the first edge lies in exactly one band.

    Examples
    --------
    >>> from activemeasures_jobfirst.outcomes import hour_bands
    >>> [band.name for band in hour_bands((0, 10, 20))]
    ['hours_band_0_10', 'hours_band_10_20', 'hours_band_20_37', 'hours_band_37_inf']
    >>> [band.name for band in hour_bands((0, 10), full_time=None)]
    ['hours_band_0_10', 'hours_band_10_inf']
    """
    edges = [_band_edge(e) for e in edges]
    if not edges:
        raise ValueError("give at least one band edge")
    if any(b <= a for a, b in itertools.pairwise(edges)) or math.isinf(edges[-1]):
        raise ValueError(f"band edges must be finite and increasing, got {edges}")
    bands = [HoursInBand(a, b) for a, b in itertools.pairwise(edges)]
    if full_time is None:
        return (*bands, HoursInBand(edges[-1], math.inf))
    if not edges[-1] < full_time < math.inf:
        raise ValueError(f"full_time ({full_time}) must lie above the last edge ({edges[-1]})")
    return (
        *bands,
        HoursInBand(edges[-1], full_time, include_upper=False),
        HoursInBand(full_time, math.inf, include_lower=True),
    )


#: The default bands: (0, 5], (5, 10], (10, 15], (15, 20], (20, 25], (25, 30], (30, 37) and
#: [37, inf) with 37 hours as full time (SPEC.md §4.2.4, §11 A-45, interpretation;
#: 001, L131, L351; 002, L1334).
HOUR_BANDS: tuple[HoursInBand, ...] = hour_bands()


@attrs.frozen(kw_only=True)
class CriterionByWeek:
    """1 from the week a criterion is met onwards, if it is met by a deadline week.

    "Phases 1 and 2 completed within 26 weeks" (SPEC.md §8): the same-workplace 13-week
    criterion met by week 26, reported as about one fifth (000, L864-866; SPEC.md §11 A-11,
    interpretation). The any-workplace reading, "just under one in three" (001, L818; 000,
    L816-818), is the same class with ``same_workplace=False``.

    Parameters
    ----------
    criterion : CumulativeCriterion
        The criterion and how its weeks are counted.
    by_week : int, default 26
        The deadline (SPEC.md §8: phases 1 and 2 take 13 weeks each).
    name, label : str
        Identifier and figure label.

    Notes
    -----
    With :math:`m_i` the week the criterion is first met (0 if never within the observed
    weeks), the value in week :math:`w` is :math:`1\\{0 < m_i \\le \\min(w, \\text{by\\_week})\\}`:
    the curve rises up to the deadline and is flat after it. Its weekly mean after the
    deadline, over the citizens observed that week, is the share that made it by the
    deadline (a citizen observed for at least ``by_week`` weeks has a known answer).

    Examples
    --------
    >>> from activemeasures import SpellRule
    >>> from activemeasures.outcomes import CumulativeCriterion
    >>> from activemeasures.panel import _example_panel
    >>> from activemeasures_jobfirst.outcomes import CriterionByWeek
    >>> rule = CumulativeCriterion(SpellRule(min_weeks=2, max_gap=0))
    >>> CriterionByWeek(criterion=rule, by_week=2, name="two_by_2",
    ...                 label="Two weeks by week 2").values(_example_panel())
    array([[0., 0., 0., 0.],
           [0., 1., 1., 1.]])
    """

    criterion: CumulativeCriterion = attrs.field(
        validator=attrs.validators.instance_of(CumulativeCriterion)
    )
    by_week: int = attrs.field(default=PHASE_WEEKS["phase12_deadline"], converter=int)
    name: str = attrs.field(default="phase12_within_26w", validator=_text)
    label: str = attrs.field(
        default="Share completing phases 1 and 2 (13 weeks at the same workplace) by week 26",
        validator=_text,
    )

    @by_week.validator
    def _check_by_week(self, attribute: attrs.Attribute, value: int) -> None:
        if value < 1:
            raise ValueError(f"by_week must be at least 1, got {value}")

    def met_week(self, panel: Panel) -> np.ndarray:
        """Week the criterion is first met per citizen, 0 if not met by ``by_week``."""
        met = self.criterion.met_week(panel)
        return np.where(met <= self.by_week, met, 0).astype(np.int32)

    def values(self, panel: Panel, *, compact: bool = False) -> np.ndarray:
        """``n × horizon`` indicator (bool when ``compact``, else float64)."""
        met = self.met_week(_check_panel(panel))
        weeks = np.arange(1, panel.horizon + 1, dtype=np.int32)
        return _finish((weeks >= met[:, None]) & (met > 0)[:, None], compact)


def within_26_weeks(
    *, same_workplace: bool = True, horizon: int = FOLLOW_UP_WEEKS["final"]
) -> SpellShare:
    """The scalar "13-week criterion met by week 26": a fidelity/criterion kind.

    ``same_workplace=True`` is phases 1 and 2 within 26 weeks, about one fifth (000,
    L864-866); ``False`` the any-workplace reading, just under one in three (001, L818; 000,
    L816-818) (SPEC.md §8, §11 A-11, interpretation). Citizens observed fewer than 26 weeks
    are left out of the denominator.

    Parameters
    ----------
    same_workplace : bool, default True
    horizon : int, default 78
        Weeks of the panel the kind builds (78 in the final evaluation; SPEC.md §3.3).

    Returns
    -------
    activemeasures.fidelity.SpellShare

    Examples
    --------
    >>> from activemeasures_jobfirst.outcomes import within_26_weeks
    >>> kind = within_26_weeks()
    >>> kind.by_week, kind.same_workplace, kind.rule.min_weeks, kind.rule.max_gap
    (26, True, 13, 4)
    """
    return SpellShare(
        rule=CRITERION_13W,
        states=CRITERION_13W_STATES,
        by_week=PHASE_WEEKS["phase12_deadline"],
        same_workplace=same_workplace,
        horizon=horizon,
    )


def outcomes(*, bands: Iterable[HoursInBand] = HOUR_BANDS) -> list:
    """The weekly outcomes of the JobFirst evaluation, labelled as in the published figures.

    Parameters
    ----------
    bands : iterable of HoursInBand, default :data:`HOUR_BANDS`
        Bands of the distribution of positive hours (SPEC.md §11 A-45).

    Returns
    -------
    list of Outcome
        In order, with their names:

        * ``share_internship``: share in company internship, Figure 1 (001, L299-304);
        * ``share_wage_subsidy``: share in wage subsidy, Figure 2 (001, L306-311);
        * ``hours``: mean ordinary hours per week, zeros included, Figures 3 and 5
          (001, L313-317, L332-339; SPEC.md §4.2.1);
        * ``any_hours``: the indicator of having ordinary employment (hours > 0), Figure 6
          (001, L341-349; SPEC.md §4.2.2);
        * one ``hours_band_*`` per band: the distribution of positive hours, Figure 7
          (001, L351-353; SPEC.md §4.2.4);
        * ``criterion_13w_gap4``: cumulative share meeting the 13-week criterion, Figures 4
          and 8 (001, L319-326, L357-361; SPEC.md §4.3);
        * ``criterion_13w_gap4_same_workplace``: the same at one workplace (000, L526-528,
          L595-597; SPEC.md §11 A-4, A-5);
        * ``phase12_within_26w``: the same-workplace criterion met by week 26, phases 1 and 2
          (000, L864-866; SPEC.md §8, §11 A-11).

    Raises
    ------
    ValueError
        If two outcomes would share a name (e.g. a band given twice).

    Examples
    --------
    >>> from activemeasures_jobfirst.outcomes import outcomes
    >>> [o.name for o in outcomes()][:4]
    ['share_internship', 'share_wage_subsidy', 'hours', 'any_hours']
    >>> len(outcomes())
    15
    """
    bands = tuple(bands)
    for band in bands:
        if not isinstance(band, HoursInBand):
            raise TypeError(f"bands must hold HoursInBand objects, got {type(band).__name__}")
    same_workplace = CumulativeCriterion(CRITERION_13W, CRITERION_13W_STATES, same_workplace=True)
    result = [
        Labelled(outcome=ShareInState(State.INTERNSHIP), label="Share in company internship"),
        Labelled(outcome=ShareInState(State.WAGE_SUBSIDY), label="Share in wage subsidy"),
        Labelled(outcome=MeanHours(), label="Ordinary hours of employment per week"),
        Labelled(
            outcome=AnyHours(),
            label="Indicator of ordinary employment (share with ordinary hours)",
        ),
        *bands,
        Labelled(
            outcome=CumulativeCriterion(CRITERION_13W, CRITERION_13W_STATES),
            label="Share achieving 13 weeks of continuous enterprise-directed activity",
        ),
        Labelled(
            outcome=same_workplace,
            label=(
                "Share achieving 13 weeks of continuous enterprise-directed activity at the "
                "same workplace"
            ),
        ),
        CriterionByWeek(criterion=same_workplace),
    ]
    names = [o.name for o in result]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"outcome names must be unique; repeated: {', '.join(repeated)}")
    return result
