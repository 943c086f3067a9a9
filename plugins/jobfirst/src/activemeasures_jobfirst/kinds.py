"""JobFirst indicator kinds that the built-in kinds do not cover (SPEC.md §6.2 GE6-GE8).

Each follows :class:`activemeasures.fidelity.IndicatorKind` exactly (``tables``, ``codes``,
``describe()``, ``compute(dataset, population, *, round=None)``) and ends in
:func:`activemeasures.fidelity.kinds._grouped.grouped_values`, so per-municipality and pooled
national values are formed as for the built-in kinds (SPEC.md §6.1).

============================  =====================================================  =========
kind                          measures                                               indicator
============================  =====================================================  =========
:class:`StateDuring`          share of citizens in an enterprise course with a       6.1
                              MENTOR week during it
:class:`HoursDuringCourse`    share of 13-week (same-workplace) completers with      7.1
                              ordinary hours at that workplace during that course
:class:`EventAfterCourse`     share of 13-week completers with a plan / CV update    8.1, 8.2
                              within 35 days after the end of the first course
============================  =====================================================  =========

"The first 13-week course" of a citizen (:func:`first_courses`) is the first spell that meets
the 13-week criterion (SPEC.md §4.3; 001, L319-326), at one workplace when
``same_workplace=True`` (000, L526-528, L595-597; SPEC.md §11 A-4, A-5). The course runs from
the spell's first active week to the week the 13th counted week is reached ("after the first
13 weeks in an enterprise course", 000, L692-706), or to the spell's last active week with
``through="spell_end"`` (**interpretation**, configurable).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

import attrs
import numpy as np
import pandas as pd

from activemeasures import SpellRule, State
from activemeasures.fidelity.kinds._grouped import grouped_values, record_rows, selected_citizens
from activemeasures.fidelity.model import Population
from activemeasures_jobfirst.constants import CRITERION_13W, CRITERION_13W_STATES

if TYPE_CHECKING:
    from activemeasures import Dataset, Panel

__all__ = [
    "COURSE_COLUMNS",
    "ENTERPRISE_COURSE_STATES",
    "EventAfterCourse",
    "HoursDuringCourse",
    "StateDuring",
    "first_courses",
]

#: Weeks "in an enterprise course" for GE6 6.1: company internship or wage subsidy. Sniffing
#: activities are the state SNIFFING and do not count (GE3 is the sniffing period; 000,
#: L360-372, L564-570; **interpretation**, configurable through ``during``).
ENTERPRISE_COURSE_STATES = State.INTERNSHIP | State.WAGE_SUBSIDY

#: Columns of :func:`first_courses`.
COURSE_COLUMNS = ("first_week", "met_week", "last_week", "workplace")

_STATE_DTYPE = np.uint16


# ============================================================================ shared parts


def _states(value: object) -> State:
    state = State.parse(value)  # type: ignore[arg-type]
    if not state:
        raise ValueError("states must name at least one State")
    return state


def _activity_names(states: State) -> tuple[str, ...]:
    """Names of the activity (non-derived) states in *states*: the codes the kind reads."""
    return tuple(
        str(m.name)
        for m in State
        if m.bit_count() == 1 and m & states and m != State.ORDINARY_HOURS
    )


def _words(states: State) -> str:
    names = [
        str(m.name).lower().replace("_", " ") for m in State if m.bit_count() == 1 and m & states
    ]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _codes(value: object) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else list(value)  # type: ignore[call-overload]
    codes = tuple(str(item) for item in items)
    if not codes or any(not code.strip() for code in codes):
        raise ValueError(f"event must name at least one non-empty code, got {value!r}")
    return codes


def _horizon(value: object) -> int:
    if isinstance(value, bool):
        raise TypeError(f"horizon must be a whole number of weeks, got {value!r}")
    number = int(value)  # type: ignore[call-overload]
    if number != value or number < 1:
        raise ValueError(f"horizon must be a whole number of weeks >= 1, got {value!r}")
    return number


def _non_negative(instance: object, attribute: attrs.Attribute, value: int) -> None:
    if value < 0:
        raise ValueError(f"{attribute.name} must be >= 0, got {value}")


def _one_of(*choices: str):
    def check(instance: object, attribute: attrs.Attribute, value: str) -> None:
        if value not in choices:
            raise ValueError(
                f"{attribute.name} must be one of {', '.join(map(repr, choices))}, got {value!r}"
            )

    return check


def _expand(first: np.ndarray, last: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Inclusive ranges ``first[i]..last[i]`` as (record, value) cells, vectorised."""
    lengths = (last - first + 1).astype(np.int64)
    record = np.repeat(np.arange(len(first)), lengths)
    offsets = np.cumsum(lengths) - lengths
    value = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(offsets - first, lengths)
    return record, value


def first_courses(
    panel: Panel,
    *,
    rule: SpellRule = CRITERION_13W,
    states: State = CRITERION_13W_STATES,
    same_workplace: bool = True,
) -> pd.DataFrame:
    r"""Each citizen's first 13-week course: the first spell that meets the rule.

    Parameters
    ----------
    panel : Panel
        The weekly timeline (:meth:`activemeasures.Dataset.panel`).
    rule : SpellRule, default :data:`~activemeasures_jobfirst.constants.CRITERION_13W`
        13 counted weeks, gaps of up to 4 weeks tolerated and not counted (001, L319-326;
        SPEC.md §4.3, §11 A-2, A-3).
    states : State, default internship, wage subsidy or ordinary hours
        The weeks that count (001, L319-326).
    same_workplace : bool, default True
        Evaluate every workplace on its own (000, L526-528, L595-597; SPEC.md §11 A-4, A-5):
        the spells are those of each citizen × workplace pair, built from the records that
        carry a ``workplace_id``.

    Returns
    -------
    pandas.DataFrame
        One row per panel row (citizen), columns :data:`COURSE_COLUMNS`: ``first_week`` (first
        active week of the spell), ``met_week`` (the week the rule is met, as
        :meth:`activemeasures.Panel.first_met_week`), ``last_week`` (last active week of the
        spell), all 1-based and 0 for citizens without a course, and ``workplace`` (code into
        ``panel.workplace_weeks.workplaces``; -1 without a course or when
        ``same_workplace=False``).

    Notes
    -----
    With :meth:`activemeasures.SpellRule.spells` run on the citizen's active weeks (or on
    each citizen × workplace pair), the course is the spell with the smallest ``week_met``
    among the spells that meet the rule; ties (two workplaces meeting it in the same week)
    go to the spell that started first, then to the workplace whose ``workplace_id`` sorts
    first as text. All in array operations over every spell at once.

    Examples
    --------
    Citizen ``a`` is in internship at workplace W in weeks 1-3 (a 3-week rule without gaps is
    met in week 3); citizen ``b`` has no workplace record:

    >>> import pandas as pd
    >>> from activemeasures import Panel, SpellRule
    >>> from activemeasures_jobfirst.kinds import first_courses
    >>> citizens = pd.DataFrame({"citizen_id": ["a", "b"], "municipality": "X",
    ...                          "visitation_date": "2016-03-01", "arm": "treatment"})
    >>> activities = pd.DataFrame({"citizen_id": ["a", "b"], "activity": "INTERNSHIP",
    ...                            "start": "2016-03-01", "end": ["2016-03-28", "2016-03-28"],
    ...                            "workplace_id": ["W", None]})
    >>> panel = Panel.from_frames(citizens, activities, cutoff="2016-12-31", horizon=8)
    >>> first_courses(panel, rule=SpellRule(min_weeks=3, max_gap=0))
       first_week  met_week  last_week  workplace
    0           1         3          4          0
    1           0         0          0         -1
    """
    rule_states = _states(states)
    n = panel.n_citizens
    if same_workplace:
        ww = panel.workplace_weeks
        keep = (ww.state & _STATE_DTYPE(rule_states)) != 0
        row = ww.row[keep].astype(np.int64)
        place = ww.workplace[keep].astype(np.int64)
        n_places = max(len(ww.workplaces), 1)
        pair, keys = pd.factorize(row * n_places + place, sort=True)
        keys = np.asarray(keys, dtype=np.int64)
        pair_row, pair_place = keys // n_places, keys % n_places
        active = np.zeros((len(keys), panel.horizon), dtype=bool)
        record, week = _expand(
            ww.first_week[keep].astype(np.int64), ww.last_week[keep].astype(np.int64)
        )
        active[pair[record], week] = True
        spells = rule.spells(active, np.asarray(panel.observed_weeks)[pair_row])
        unit = spells["row"].to_numpy()
        citizen, workplace = pair_row[unit], pair_place[unit]
        # Ties between workplaces go to the id that sorts first as text.
        text = np.asarray([str(w) for w in ww.workplaces], dtype=str)
        tie_break = np.argsort(np.argsort(text, kind="stable"), kind="stable")[workplace]
    else:
        spells = rule.spells(panel.active(rule_states), panel.observed_weeks)
        unit = spells["row"].to_numpy()
        citizen, workplace = unit, np.full(len(unit), -1, dtype=np.int64)
        tie_break = np.zeros(len(unit), dtype=np.int64)

    met = spells["week_met"].to_numpy() > 0
    first = spells["first_week"].to_numpy()[met]
    met_week = spells["week_met"].to_numpy()[met]
    last = spells["last_week"].to_numpy()[met]
    citizen, workplace, tie_break = citizen[met], workplace[met], tie_break[met]
    order = np.lexsort((tie_break, first, met_week, citizen))
    chosen = order[np.r_[True, citizen[order][1:] != citizen[order][:-1]]] if len(order) else order

    columns = {}
    for column, values, empty in zip(
        COURSE_COLUMNS, (first, met_week, last, workplace), (0, 0, 0, -1), strict=True
    ):
        filled = np.full(n, empty, dtype=np.int64)
        filled[citizen[chosen]] = values[chosen]
        columns[column] = filled
    return pd.DataFrame(columns, columns=list(COURSE_COLUMNS))


def _course_end(courses: pd.DataFrame, through: str) -> np.ndarray:
    column = "met_week" if through == "met" else "last_week"
    return courses[column].to_numpy()


def _course_words(rule: SpellRule, states: State, same_workplace: bool, through: str) -> str:
    where = " at one workplace" if same_workplace else ""
    end = (
        f"the week the {rule.min_weeks}th counted week is reached"
        if through == "met"
        else "the last active week of that spell"
    )
    return (
        f"the first spell of {rule.min_weeks} counted weeks of {_words(states)}{where} (gaps of "
        f"up to {rule.max_gap} weeks tolerated), from its first week to {end}"
    )


# ============================================================================ GE6 6.1


@attrs.frozen(kw_only=True)
class StateDuring:
    r"""Share of citizens in an enterprise course who are in a given state during it.

    JobFirst 6.1, "mentor support during the enterprise course: share of citizens in an
    enterprise course with a mentor" (000, L564-570; 001, L679-685; SPEC.md §6.2 GE6).

    Parameters
    ----------
    state : State, default ``State.MENTOR``
        The support looked for.
    during : State, default :data:`ENTERPRISE_COURSE_STATES`
        Weeks in any of these states are weeks "in an enterprise course" (internship or wage
        subsidy; **interpretation**, SPEC.md §6.2 GE6 does not say more).
    horizon : int, default 78
        Weeks of the panel read (78 final, 44 mid-term; SPEC.md §12).

    Notes
    -----
    With :math:`C_i` the observed weeks of citizen :math:`i` in any ``during`` state and
    :math:`S_i` those in ``state``,

    .. math::

        d_i = \mathbb{1}\{C_i \ne \emptyset\}, \qquad
        y_i = \mathbb{1}\{C_i \cap S_i \ne \emptyset\}:

    a citizen counts when at least one course week also has the state (the mentor is
    registered as its own activity, running alongside the internship). The value is
    :math:`\sum d_i y_i / \sum d_i` per municipality and pooled nationally (SPEC.md §6.1).
    Censored weeks are never read.

    Examples
    --------
    ``a`` is in internship in weeks 1-2 with a mentor in week 2; ``b`` in internship without
    a mentor; ``c`` never in a course (left out): 1 / 2.

    >>> import pandas as pd
    >>> from activemeasures import Dataset
    >>> from activemeasures.fidelity import Population
    >>> from activemeasures_jobfirst.kinds import StateDuring
    >>> citizens = pd.DataFrame({"citizen_id": ["a", "b", "c"], "municipality": "X",
    ...                          "visitation_date": "2016-03-01", "arm": "treatment"})
    >>> activities = pd.DataFrame({
    ...     "citizen_id": ["a", "a", "b", "c"],
    ...     "activity": ["INTERNSHIP", "MENTOR", "INTERNSHIP", "MENTOR"],
    ...     "start": ["2016-03-01", "2016-03-08", "2016-03-01", "2016-03-01"],
    ...     "end": ["2016-03-14", "2016-03-14", "2016-03-14", "2016-03-14"]})
    >>> data = Dataset.from_frames(citizens, activities, cutoff="2016-12-31")
    >>> StateDuring(horizon=10).compute(data, Population())
           unit  numerator  denominator  value
    0         X        1.0            2    0.5
    1  national        1.0            2    0.5
    """

    state: State = attrs.field(default=State.MENTOR, converter=_states)
    during: State = attrs.field(default=ENTERPRISE_COURSE_STATES, converter=_states)
    horizon: int = attrs.field(default=78, converter=_horizon)

    #: Tables the kind reads; only ``citizens`` is required.
    tables = ("citizens", "activities")
    #: Values are shares (shown in %).
    scale: ClassVar[str] = "share"
    #: Per-municipality numerators and denominators are sums over citizens: the
    #: distributed path adds them up over partitions (activemeasures.distributed).
    combine: ClassVar[str] = "sum"

    @property
    def codes(self) -> dict[str, tuple[str, ...]]:
        """The activity names read, by table."""
        return {"activities": _activity_names(self.state | self.during)}

    def describe(self) -> str:
        """The definition in one sentence."""
        return (
            f"share of citizens with a week of {_words(self.during)} (an enterprise course) who "
            f"are in {_words(self.state)} in at least one of those weeks, within the first "
            f"{self.horizon} weeks after the draw date"
        )

    def compute(
        self, dataset: Dataset, population: Population, *, round: str | None = None
    ) -> pd.DataFrame:
        """Values per municipality and nationally (see the class notes); *round* is ignored."""
        dataset.require("citizens", by=self.describe())
        mask = population.select(dataset.citizens)
        states = dataset.panel(self.horizon).states
        course = (states & _STATE_DTYPE(self.during)) != 0
        both = course & ((states & _STATE_DTYPE(self.state)) != 0)
        in_den = course.any(axis=1)
        met = both.any(axis=1).astype(np.float64)
        municipality = dataset.citizens["municipality"].to_numpy()
        return grouped_values(municipality[mask], met[mask], in_den[mask])


# ============================================================================ GE7 7.1


@attrs.frozen(kw_only=True)
class HoursDuringCourse:
    r"""Share of 13-week course completers who had ordinary hours as part of that course.

    JobFirst 7.1: "share of citizens who completed 13 weeks at the same workplace and had
    ordinary hours as part of that course": 544 of the 1,430 same-workplace completers,
    38 % (000, L147-149, L648-672; SPEC.md §11 A-55); mid-term 115 / 540 = 21 % (001,
    L384, L727-737; SPEC.md §11 A-13).

    Parameters
    ----------
    rule : SpellRule, default :data:`~activemeasures_jobfirst.constants.CRITERION_13W`
    states : State, default internship, wage subsidy or ordinary hours
    same_workplace : bool, default True
        The course is at one workplace (the 1,430 are same-workplace completers, 000, L648).
    through : {"met", "spell_end"}, default "met"
        The course ends in the week the 13th counted week is reached, or at the spell's last
        active week (**interpretation**).
    hours_at : {"course_workplace", "anywhere"}, default "course_workplace"
        Count ordinary hours only at the course's workplace (GE7: internship combined with
        ordinary hours "at the same workplace", 000, L636-642), or anywhere (then the hours
        table needs no ``workplace_id``). ``"course_workplace"`` needs ``same_workplace``.
    horizon : int, default 78
        Weeks of the panel (78 final, 44 mid-term; SPEC.md §12).

    Notes
    -----
    With the course of citizen :math:`i` from week :math:`a_i` to :math:`e_i` at workplace
    :math:`p_i` (:func:`first_courses`),

    .. math::

        d_i = \mathbb{1}\{i \text{ has a course}\}, \qquad
        y_i = \mathbb{1}\{\exists\, w \in [a_i, e_i]:\ \text{ordinary hours in week } w
        \text{ at } p_i\}.

    Hours "at :math:`p_i`" are the hours records with ``workplace_id`` :math:`p_i` and
    positive hours covering a week of the course. Weeks with ordinary hours at :math:`p_i`
    are themselves active weeks of the course, so a course that is partly ordinary paid work
    counts. The value is :math:`\sum d_i y_i / \sum d_i` per municipality and pooled
    nationally (SPEC.md §6.1).

    Examples
    --------
    ``a``: internship at W in weeks 1-3 and paid hours at W in week 2; ``b``: internship at
    W in weeks 1-3, hours elsewhere. With a 3-week rule: 1 of 2 completers.

    >>> import pandas as pd
    >>> from activemeasures import Dataset, SpellRule
    >>> from activemeasures.fidelity import Population
    >>> from activemeasures_jobfirst.kinds import HoursDuringCourse
    >>> citizens = pd.DataFrame({"citizen_id": ["a", "b"], "municipality": "X",
    ...                          "visitation_date": "2016-03-01", "arm": "treatment"})
    >>> activities = pd.DataFrame({"citizen_id": ["a", "b"], "activity": "INTERNSHIP",
    ...                            "start": "2016-03-01", "end": "2016-03-21",
    ...                            "workplace_id": "W"})
    >>> hours = pd.DataFrame({"citizen_id": ["a", "b"], "period_start": "2016-03-08",
    ...                       "period_end": "2016-03-14", "hours": 10.0,
    ...                       "workplace_id": ["W", "V"]})
    >>> data = Dataset.from_frames(citizens, activities, hours, cutoff="2016-12-31")
    >>> kind = HoursDuringCourse(rule=SpellRule(min_weeks=3, max_gap=0), horizon=10)
    >>> kind.compute(data, Population())["value"].tolist()
    [0.5, 0.5]
    """

    rule: SpellRule = attrs.field(
        default=CRITERION_13W, validator=attrs.validators.instance_of(SpellRule)
    )
    states: State = attrs.field(default=CRITERION_13W_STATES, converter=_states)
    same_workplace: bool = attrs.field(default=True, converter=bool)
    through: Literal["met", "spell_end"] = attrs.field(
        default="met", validator=_one_of("met", "spell_end")
    )
    hours_at: Literal["course_workplace", "anywhere"] = attrs.field(
        default="course_workplace", validator=_one_of("course_workplace", "anywhere")
    )
    horizon: int = attrs.field(default=78, converter=_horizon)

    #: Tables the kind reads; only ``citizens`` is required.
    tables = ("citizens", "activities", "hours")
    #: Values are shares (shown in %).
    scale: ClassVar[str] = "share"
    #: Per-municipality numerators and denominators are sums over citizens: the
    #: distributed path adds them up over partitions (activemeasures.distributed).
    combine: ClassVar[str] = "sum"

    def __attrs_post_init__(self) -> None:
        if self.hours_at == "course_workplace" and not self.same_workplace:
            raise ValueError(
                "hours_at='course_workplace' needs same_workplace=True (a course at any "
                "workplace has no one workplace); use hours_at='anywhere'"
            )

    @property
    def codes(self) -> dict[str, tuple[str, ...]]:
        """The activity names read, by table."""
        return {"activities": _activity_names(self.states)}

    def describe(self) -> str:
        """The definition in one sentence."""
        where = "at the course's workplace" if self.hours_at == "course_workplace" else ""
        course = _course_words(self.rule, self.states, self.same_workplace, self.through)
        return (
            f"share of citizens with a completed course ({course}) "
            f"who had ordinary paid hours {where + ' ' if where else ''}in a week of that "
            f"course, within the first {self.horizon} weeks after the draw date"
        )

    def compute(
        self, dataset: Dataset, population: Population, *, round: str | None = None
    ) -> pd.DataFrame:
        """Values per municipality and nationally (see the class notes); *round* is ignored."""
        dataset.require("citizens", by=self.describe())
        mask = population.select(dataset.citizens)
        panel = dataset.panel(self.horizon)
        courses = first_courses(
            panel, rule=self.rule, states=self.states, same_workplace=self.same_workplace
        )
        first = courses["first_week"].to_numpy()
        end = _course_end(courses, self.through)
        has_course = first > 0
        if self.hours_at == "anywhere":
            with_hours = np.asarray(panel.hours) > 0
            cumulative = np.concatenate(
                [np.zeros((panel.n_citizens, 1), dtype=np.int64), np.cumsum(with_hours, axis=1)],
                axis=1,
            )
            rows = np.arange(panel.n_citizens)
            weeks = cumulative[rows, end] - cumulative[rows, np.maximum(first - 1, 0)]
            met = has_course & (weeks > 0)
        else:
            met = self._hours_at_workplace(panel, courses, first, end)
        municipality = dataset.citizens["municipality"].to_numpy()
        return grouped_values(municipality[mask], met[mask].astype(np.float64), has_course[mask])

    @staticmethod
    def _hours_at_workplace(
        panel: Panel, courses: pd.DataFrame, first: np.ndarray, end: np.ndarray
    ) -> np.ndarray:
        """Whether an hours record at the course's workplace overlaps a course week."""
        ww = panel.workplace_weeks
        hours = (ww.state & _STATE_DTYPE(State.ORDINARY_HOURS)) != 0
        row = ww.row[hours].astype(np.int64)
        place = ww.workplace[hours].astype(np.int64)
        record_first = ww.first_week[hours].astype(np.int64) + 1  # 1-based
        record_last = ww.last_week[hours].astype(np.int64) + 1
        course_place = courses["workplace"].to_numpy()
        overlap = (
            (first[row] > 0)
            & (course_place[row] == place)
            & (record_first <= end[row])
            & (record_last >= first[row])
        )
        met = np.zeros(panel.n_citizens, dtype=bool)
        met[row[overlap]] = True
        return met


# ============================================================================ GE8 8.1, 8.2


@attrs.frozen(kw_only=True)
class EventAfterCourse:
    r"""Share of 13-week course completers with an event soon after the end of that course.

    JobFirst 8.1, "MinPlan (plan for job) updated after the first 13-week course", and 8.2,
    "CV updated after the first 13-week course", both "no later than 5 weeks" after the end
    of the course, the denominator being the citizens who completed a 13-week course (000,
    L707-742; 001, L762-782; SPEC.md §6.2 GE8, §11 A-12).

    Parameters
    ----------
    event : str or tuple of str
        Event code(s), e.g. ``"plan_update"`` or ``"cv_update"``.
    days : int, default 35
        Days after the end of the course ("no later than 5 weeks", 000, L707-720; SPEC.md
        §12 ``minplan_for_job_update: 35``).
    rule, states, same_workplace, through, horizon
        The course, as in :class:`HoursDuringCourse` (:func:`first_courses`).
    require_full_window : bool, default True
        Leave out citizens whose window ends after the data cut-off (they may still update).

    Notes
    -----
    For citizen :math:`i` with draw date :math:`v_i` and course ending in week :math:`e_i`
    (1-based), the window runs from the first day of that week to ``days`` days after its
    last day:

    .. math::

        L_i = v_i + 7 (e_i - 1), \qquad U_i = v_i + 7 e_i - 1 + \texttt{days},

    and :math:`y_i = \mathbb{1}\{\exists t: L_i \le t \le \min(U_i, c)\}` over the dates
    :math:`t` of the citizen's events with one of the codes (:math:`c` the cut-off);
    :math:`d_i = \mathbb{1}\{i \text{ has a course}\}`, and with ``require_full_window``
    also :math:`U_i \le c`. **Interpretation**: the register only dates the course to the
    week, so an update in the week the 13th week is completed counts as "after" it. The
    value is :math:`\sum d_i y_i / \sum d_i` per municipality and pooled nationally.

    Examples
    --------
    ``a`` and ``b`` complete a 3-week course in week 3 (21 March 2016 is the last day of
    week 3). ``a`` updates the plan on 25 April, 35 days later: counts; ``b`` on 26 April:
    too late.

    >>> import pandas as pd
    >>> from activemeasures import Dataset, SpellRule
    >>> from activemeasures.fidelity import Population
    >>> from activemeasures_jobfirst.kinds import EventAfterCourse
    >>> citizens = pd.DataFrame({"citizen_id": ["a", "b"], "municipality": "X",
    ...                          "visitation_date": "2016-03-01", "arm": "treatment"})
    >>> activities = pd.DataFrame({"citizen_id": ["a", "b"], "activity": "INTERNSHIP",
    ...                            "start": "2016-03-01", "end": "2016-03-21",
    ...                            "workplace_id": "W"})
    >>> events = pd.DataFrame({"citizen_id": ["a", "b"], "date": ["2016-04-25", "2016-04-26"],
    ...                        "event": "plan_update"})
    >>> data = Dataset.from_frames(citizens, activities, events=events, cutoff="2016-12-31")
    >>> kind = EventAfterCourse(event="plan_update", rule=SpellRule(min_weeks=3, max_gap=0),
    ...                         horizon=10)
    >>> kind.compute(data, Population())["value"].tolist()
    [0.5, 0.5]
    """

    event: tuple[str, ...] = attrs.field(converter=_codes)
    days: int = attrs.field(default=35, converter=int, validator=_non_negative)
    rule: SpellRule = attrs.field(
        default=CRITERION_13W, validator=attrs.validators.instance_of(SpellRule)
    )
    states: State = attrs.field(default=CRITERION_13W_STATES, converter=_states)
    same_workplace: bool = attrs.field(default=True, converter=bool)
    through: Literal["met", "spell_end"] = attrs.field(
        default="met", validator=_one_of("met", "spell_end")
    )
    horizon: int = attrs.field(default=78, converter=_horizon)
    require_full_window: bool = attrs.field(default=True, converter=bool)

    #: Tables the kind reads.
    tables = ("citizens", "activities", "hours", "events")
    #: Values are shares (shown in %).
    scale: ClassVar[str] = "share"
    #: Per-municipality numerators and denominators are sums over citizens: the
    #: distributed path adds them up over partitions (activemeasures.distributed).
    combine: ClassVar[str] = "sum"

    @property
    def codes(self) -> dict[str, tuple[str, ...]]:
        """The event codes and activity names read, by table."""
        return {"events": self.event, "activities": _activity_names(self.states)}

    def describe(self) -> str:
        """The definition in one sentence."""
        codes = " or ".join(f"'{code}'" for code in self.event)
        course = _course_words(self.rule, self.states, self.same_workplace, self.through)
        text = (
            f"share of citizens with a completed course ({course}) "
            f"who have a {codes} event from the first day of the course's last week to "
            f"{self.days} days after it ends, within the first {self.horizon} weeks"
        )
        if self.require_full_window:
            text += " (citizens whose window ends after the cut-off left out)"
        return text

    def compute(
        self, dataset: Dataset, population: Population, *, round: str | None = None
    ) -> pd.DataFrame:
        """Values per municipality and nationally (see the class notes); *round* is ignored."""
        dataset.require("citizens", "events", by=self.describe())
        mask, visit = selected_citizens(dataset, population)
        panel = dataset.panel(self.horizon)
        courses = first_courses(
            panel, rule=self.rule, states=self.states, same_workplace=self.same_workplace
        )
        end_week = _course_end(courses, self.through)
        has_course = end_week > 0
        low = visit + 7 * (end_week - 1)
        high = visit + 7 * end_week - 1 + self.days
        cutoff = int(np.datetime64(dataset.cutoff.date(), "D").astype(np.int64))

        events = dataset.events
        keep = events["event"].astype(str).isin(self.event).to_numpy(dtype=bool)
        row = record_rows(dataset.citizens, events["citizen_id"].to_numpy()[keep], mask)
        day = np.asarray(events["date"], dtype="datetime64[D]").astype(np.int64)[keep]
        known = row >= 0
        row, day = row[known], day[known]
        hit = has_course[row] & (day >= low[row]) & (day <= high[row]) & (day <= cutoff)
        met = np.zeros(len(mask), dtype=np.float64)
        met[row[hit]] = 1.0
        in_den = has_course.copy()
        if self.require_full_window:
            in_den &= high <= cutoff
        municipality = dataset.citizens["municipality"].to_numpy()
        return grouped_values(municipality[mask], met[mask], in_den[mask])
