"""Weekly outcome definitions: what is measured for every citizen in every week.

An outcome turns a :class:`~activemeasures.Panel` into an ``n × horizon`` matrix of numbers,
one per citizen and week since visitation. The effect estimators
(:func:`activemeasures.estimators.curves.weekly_effects`) average it per arm and week over
the citizens **observed** that week; values in censored weeks are never read (SPEC.md §3.3;
001, L287).

The outcomes of the JobFirst evaluation (SPEC.md §5.1; 001, L290-297) are

* :class:`ShareInState`: share in company internship (Fig 1), in wage subsidy (Fig 2);
* :class:`MeanHours`: mean ordinary hours, zeros included (Fig 3 and 5; SPEC.md §4.2.1);
* :class:`AnyHours`: the indicator "has ordinary hours" (Fig 6; SPEC.md §4.2.2);
* :class:`CumulativeCriterion`: "has met the 13-week criterion by week w" (Fig 4 and 8;
  SPEC.md §4.3);

and :class:`HoursAtLeast` gives the 'Flere skal med' goal of 30 weekly hours (SPEC.md
§4.2.5; 003, L118).

Every outcome is a small frozen value object with a ``name`` (a snake_case identifier for
tables), a ``label`` (for figures) and ``values(panel, compact=False)``.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import attrs
import numpy as np

from activemeasures.panel import Panel
from activemeasures.spells import SpellRule
from activemeasures.states import State

__all__ = [
    "AnyHours",
    "CumulativeCriterion",
    "HoursAtLeast",
    "MeanHours",
    "Outcome",
    "ShareInState",
    "as_outcome",
]


@runtime_checkable
class Outcome(Protocol):
    """What the estimators need from an outcome.

    Attributes
    ----------
    name : str
        Identifier for tables and file names (``"share_internship"``, ``"hours"``).
    label : str
        Human-readable label for figures and summaries.
    """

    @property
    def name(self) -> str: ...

    @property
    def label(self) -> str: ...

    def values(self, panel: Panel, *, compact: bool = False) -> np.ndarray:
        """``n × horizon`` values; float64, or the smallest exact dtype when ``compact``."""
        ...


def _state_names(states: State) -> list[str]:
    return [str(m.name).lower() for m in State if m.name and m & states and m.bit_count() == 1]


def _check_panel(panel: object) -> Panel:
    if not isinstance(panel, Panel):
        raise TypeError(f"values() needs a Panel, got {type(panel).__name__}")
    return panel


def _finish(values: np.ndarray, compact: bool) -> np.ndarray:
    return values if compact else values.astype(np.float64)


@attrs.frozen
class ShareInState:
    """1 in weeks the citizen is in any of ``states``, else 0: its mean is the weekly share.

    Parameters
    ----------
    states : State or str
        E.g. ``State.INTERNSHIP`` (JobFirst Fig 1: share in *virksomhedspraktik*) or
        ``State.WAGE_SUBSIDY`` (Fig 2: share in *løntilskud*) (001, L290-297, L304, L311).

    Examples
    --------
    >>> from activemeasures import State
    >>> from activemeasures.panel import _example_panel
    >>> outcome = ShareInState(State.INTERNSHIP)
    >>> outcome.name, outcome.label
    ('share_internship', 'Share in internship')
    >>> outcome.values(_example_panel())
    array([[0., 1., 1., 0.],
           [0., 0., 0., 0.]])
    """

    states: State = attrs.field(converter=State.parse)

    @property
    def name(self) -> str:
        """``share_`` and the state names joined by ``_or_``."""
        return "share_" + "_or_".join(_state_names(self.states))

    @property
    def label(self) -> str:
        """``Share in`` and the state names."""
        names = [n.replace("_", " ") for n in _state_names(self.states)]
        return "Share in " + " or ".join(names)

    def values(self, panel: Panel, *, compact: bool = False) -> np.ndarray:
        """``n × horizon`` indicator (bool when ``compact``, else float64)."""
        return _finish(_check_panel(panel).active(self.states), compact)


@attrs.frozen
class MeanHours:
    """Ordinary paid hours in the week, zeros included: its mean is "mean weekly hours".

    SPEC.md §4.2.1 (001, L313-317): the weekly mean of ordinary hours over the observed
    citizens of an arm, **zeros included**. Weeks without hours count as 0 hours.

    Examples
    --------
    >>> from activemeasures.panel import _example_panel
    >>> MeanHours().values(_example_panel())[1]
    array([7., 7., 7., 0.])
    """

    @property
    def name(self) -> str:
        """``"hours"``."""
        return "hours"

    @property
    def label(self) -> str:
        """``"Mean ordinary hours per week"``."""
        return "Mean ordinary hours per week"

    def values(self, panel: Panel, *, compact: bool = False) -> np.ndarray:
        """``n × horizon`` hours (the panel's float32 matrix when ``compact``, else float64)."""
        return _finish(_check_panel(panel).hours, compact)


@attrs.frozen
class AnyHours:
    """1 in weeks with any ordinary hours (``hours > 0``), else 0.

    The ordinary-employment indicator of SPEC.md §4.2.2 (001, L341): its weekly mean is the
    share with ordinary hours (12 % against 7 % at week 35 in the mid-term, 001, L123).

    Examples
    --------
    >>> from activemeasures.panel import _example_panel
    >>> AnyHours().values(_example_panel())
    array([[0., 0., 0., 0.],
           [1., 1., 1., 0.]])
    """

    @property
    def name(self) -> str:
        """``"any_hours"``."""
        return "any_hours"

    @property
    def label(self) -> str:
        """``"Share with ordinary hours"``."""
        return "Share with ordinary hours"

    def values(self, panel: Panel, *, compact: bool = False) -> np.ndarray:
        """``n × horizon`` indicator (bool when ``compact``, else float64)."""
        return _finish(_check_panel(panel).hours > 0, compact)


def _finite_non_negative(instance: object, attribute: attrs.Attribute, value: float) -> None:
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{attribute.name} must be a finite number >= 0, got {value}")


@attrs.frozen
class HoursAtLeast:
    """1 in weeks with at least ``threshold`` ordinary hours, else 0.

    Parameters
    ----------
    threshold : float
        E.g. 30, the weekly hours goal of 'Flere skal med' group 1 (SPEC.md §4.2.5; 003,
        L118), or 37, full time (002, L1334).

    Examples
    --------
    >>> from activemeasures.panel import _example_panel
    >>> outcome = HoursAtLeast(7)
    >>> outcome.name
    'hours_at_least_7'
    >>> outcome.values(_example_panel())[1]
    array([1., 1., 1., 0.])
    """

    threshold: float = attrs.field(converter=float, validator=_finite_non_negative)

    @property
    def name(self) -> str:
        """``hours_at_least_`` and the threshold."""
        return f"hours_at_least_{self.threshold:g}"

    @property
    def label(self) -> str:
        """``Share with at least … ordinary hours``."""
        return f"Share with at least {self.threshold:g} ordinary hours"

    def values(self, panel: Panel, *, compact: bool = False) -> np.ndarray:
        """``n × horizon`` indicator (bool when ``compact``, else float64)."""
        return _finish(_check_panel(panel).hours >= self.threshold, compact)


@attrs.frozen
class CumulativeCriterion:
    """1 from the week a :class:`~activemeasures.SpellRule` is first met onwards, else 0.

    Its weekly mean is the cumulative share "has met the criterion by week w" of the JobFirst
    figures 4 and 8 (SPEC.md §4.3; 001, L319-326, L361; 000, L518-524).

    Parameters
    ----------
    rule : SpellRule, default ``SpellRule()``
        The JobFirst rule by default: 13 counted weeks, gaps of up to 4 weeks tolerated and
        not counted.
    states : State, default ``State.ENTERPRISE_DIRECTED``
        Weeks in any of these states are active (internship, wage subsidy or ordinary hours).
    same_workplace : bool, default False
        Require the counted weeks at one workplace (000, L526-528; SPEC.md §11 A-4, A-5).

    Notes
    -----
    With :math:`m_i` the week the rule is first met (:meth:`Panel.first_met_week
    <activemeasures.Panel.first_met_week>`, 0 if never within the observed weeks), the value
    in week :math:`w` is :math:`1\\{0 < m_i \\le w\\}`. The rule is only looked for within a
    citizen's observed weeks, and the estimators only read observed weeks, so censoring
    never turns an unknown into a 0.

    A weekly mean of this outcome over the citizens observed that week can fall from one
    week to the next, because the citizens observed change with the week (001, L323-326;
    SPEC.md §11 A-20). Use ``balanced=True`` in the estimators, or
    :func:`~activemeasures.estimators.incidence.cumulative_incidence`, to remove that
    composition effect.

    Examples
    --------
    >>> import numpy as np
    >>> from activemeasures import SpellRule
    >>> from activemeasures.panel import _example_panel
    >>> outcome = CumulativeCriterion(SpellRule(min_weeks=2, max_gap=0))
    >>> outcome.name
    'criterion_2w_gap0'
    >>> outcome.values(_example_panel())
    array([[0., 0., 1., 1.],
           [0., 1., 1., 1.]])
    """

    rule: SpellRule = attrs.field(factory=SpellRule)
    states: State = attrs.field(default=State.ENTERPRISE_DIRECTED, converter=State.parse)
    same_workplace: bool = attrs.field(default=False, converter=bool)

    @property
    def name(self) -> str:
        """``criterion_{min_weeks}w_gap{max_gap}``, with ``_same_workplace`` if so."""
        suffix = "_same_workplace" if self.same_workplace else ""
        return f"criterion_{self.rule.min_weeks}w_gap{self.rule.max_gap}{suffix}"

    @property
    def label(self) -> str:
        """``Share meeting the … criterion``."""
        where = " at the same workplace" if self.same_workplace else ""
        return f"Share meeting the {self.rule.min_weeks}-week criterion{where}"

    def met_week(self, panel: Panel) -> np.ndarray:
        """Week the rule is first met per citizen (0 if not within the observed weeks)."""
        return _check_panel(panel).first_met_week(
            self.rule, states=self.states, same_workplace=self.same_workplace
        )

    def values(self, panel: Panel, *, compact: bool = False) -> np.ndarray:
        """``n × horizon`` indicator (bool when ``compact``, else float64)."""
        met = self.met_week(panel)
        weeks = np.arange(1, panel.horizon + 1, dtype=np.int32)
        values = (weeks >= met[:, None]) & (met > 0)[:, None]
        return _finish(values, compact)


#: Strings :func:`as_outcome` accepts besides state names.
_NAMED_OUTCOMES = {"hours": MeanHours, "mean_hours": MeanHours, "any_hours": AnyHours}


def as_outcome(spec: Outcome | State | str) -> Outcome:
    """Return an outcome object for an outcome, a :class:`~activemeasures.State` or a name.

    ``"hours"`` is :class:`MeanHours`, ``"any_hours"`` :class:`AnyHours`; a state or a state
    name (``"internship"``, ``"internship|wage_subsidy"``) is :class:`ShareInState`.

    Examples
    --------
    >>> from activemeasures import State
    >>> as_outcome("hours")
    MeanHours()
    >>> as_outcome(State.WAGE_SUBSIDY).name
    'share_wage_subsidy'
    """
    if isinstance(spec, State):
        return ShareInState(spec)
    if isinstance(spec, str):
        key = spec.strip().lower()
        if key in _NAMED_OUTCOMES:
            return _NAMED_OUTCOMES[key]()
        try:
            return ShareInState(State.parse(spec))
        except ValueError:
            named = ", ".join(repr(k) for k in _NAMED_OUTCOMES)
            raise ValueError(
                f"unknown outcome {spec!r}: use {named}, a State name or an outcome object"
            ) from None
    if isinstance(spec, Outcome):
        return spec
    raise TypeError(f"cannot use {type(spec).__name__} as an outcome")
