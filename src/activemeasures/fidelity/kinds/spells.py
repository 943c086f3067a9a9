"""Spell indicators: the share of citizens whose weekly timeline meets a spell rule."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import attrs
import numpy as np
import pandas as pd

from activemeasures.fidelity.kinds import _params as p
from activemeasures.fidelity.kinds._grouped import grouped_values
from activemeasures.fidelity.model import Population
from activemeasures.panel import as_horizon
from activemeasures.spells import SpellRule
from activemeasures.states import DERIVED_STATES, State

if TYPE_CHECKING:
    from activemeasures.dataset import Dataset

__all__ = ["SpellShare"]


def _states(value: object) -> State:
    state = State.parse(value)  # type: ignore[arg-type]
    if not state:
        raise ValueError("states must name at least one State")
    return state


def _state_words(states: State) -> str:
    return p.listed(str(m.name).lower().replace("_", " ") for m in State if m & states)


def _gap_words(rule: SpellRule) -> str:
    if rule.max_gap == 0:
        text = "no inactive week tolerated"
    else:
        counted = "counted" if rule.count_gap_weeks else "not counted"
        text = f"gaps of up to {rule.max_gap} inactive weeks tolerated ({counted})"
    if rule.max_total_gap is not None:
        text += f", at most {rule.max_total_gap} gap weeks in all"
    return text


@attrs.frozen(kw_only=True)
class SpellShare:
    """Share of citizens whose weekly timeline meets a spell rule (by a given week).

    JobFirst 5.2, citizens moving on into 13-week enterprise courses (000, L518-528; 001,
    L616; SPEC.md §4.3 and §6.2 GE5), and 9.1, phases 1 and 2 completed within 26 weeks
    (000, L864-866; SPEC.md §11 A-11, interpretation: the same-workplace criterion met by
    week 26).

    Parameters
    ----------
    rule : SpellRule, default ``SpellRule(min_weeks=13, max_gap=4)``
        The JobFirst 13-week criterion (SPEC.md §4.3).
    states : State, default ``INTERNSHIP | WAGE_SUBSIDY | ORDINARY_HOURS``
        A week is active when the citizen is in any of these states.
    by_week : int, optional
        Count the rule as met only when met in week 1 to ``by_week`` (e.g. 26 for 9.1).
        Default: met within the observed weeks of the panel.
    same_workplace : bool, default False
        Evaluate each workplace separately (the fidelity reading of GE5 and GE7; 000,
        L595-597; SPEC.md §11 A-4, A-5).
    horizon : int, default 78
        Weeks of the panel (:meth:`activemeasures.Dataset.panel`): 78 in the final JobFirst
        evaluation (SPEC.md §3.3).
    require_observed : bool, default True
        With ``by_week``: leave out of the denominator citizens observed fewer than
        ``by_week`` weeks (they could still meet the rule in time).

    Notes
    -----
    With :math:`f_i` the week in which citizen :math:`i` first meets the rule
    (:meth:`activemeasures.Panel.first_met_week`, 0 when not met within their observed weeks
    :math:`T_i`),

    .. math::

        y_i = \\mathbb{1}\\{1 \\le f_i \\le \\texttt{by\\_week}\\}, \\qquad
        d_i = \\mathbb{1}\\{T_i \\ge \\texttt{by\\_week}\\}

    (without ``by_week``: :math:`y_i = \\mathbb{1}\\{f_i \\ge 1\\}` and :math:`d_i = 1`). The
    value is :math:`\\sum d_i y_i / \\sum d_i` per municipality and pooled nationally
    (SPEC.md §6.1). Only the citizens table is required: without an activities or hours table
    nobody has such records.

    Examples
    --------
    >>> import pandas as pd
    >>> from activemeasures import Dataset, SpellRule
    >>> from activemeasures.fidelity import Population, SpellShare
    >>> citizens = pd.DataFrame({"citizen_id": [1, 2], "municipality": ["A", "A"],
    ...                          "visitation_date": ["2016-03-01"] * 2, "arm": ["treatment"] * 2})
    >>> activities = pd.DataFrame({"citizen_id": [1], "activity": ["INTERNSHIP"],
    ...                            "start": ["2016-03-01"], "end": ["2016-03-21"]})
    >>> data = Dataset.from_frames(citizens, activities, cutoff="2016-12-31")
    >>> kind = SpellShare(rule=SpellRule(min_weeks=3, max_gap=0), by_week=4, horizon=10)
    >>> kind.compute(data, Population())["value"].tolist()
    [0.5, 0.5]
    """

    rule: SpellRule = attrs.field(
        factory=lambda: SpellRule(min_weeks=13, max_gap=4),
        validator=attrs.validators.instance_of(SpellRule),
    )
    states: State = attrs.field(default=State.ENTERPRISE_DIRECTED, converter=_states)
    by_week: int | None = attrs.field(default=None, converter=attrs.converters.optional(as_horizon))
    same_workplace: bool = attrs.field(default=False, converter=bool)
    horizon: int = attrs.field(default=78, converter=as_horizon)
    require_observed: bool = attrs.field(default=True, converter=bool)

    #: Tables the kind reads; only ``citizens`` is required.
    tables = ("citizens", "activities", "hours")

    #: Values are shares (shown in %).
    scale: ClassVar[str] = "share"

    def __attrs_post_init__(self) -> None:
        if self.by_week is not None and self.by_week > self.horizon:
            raise ValueError(
                f"by_week ({self.by_week}) must not exceed the horizon ({self.horizon} weeks)"
            )

    @property
    def codes(self) -> dict[str, tuple[str, ...]]:
        """The activity names read, by table."""
        names = tuple(str(m.name) for m in State if m & self.states and m not in DERIVED_STATES)
        return {"activities": names} if names else {}

    def describe(self) -> str:
        """The definition in one sentence."""
        where = " at one workplace" if self.same_workplace else ""
        text = (
            f"share of citizens with {self.rule.min_weeks} weeks of "
            f"{_state_words(self.states)}{where} in one spell, {_gap_words(self.rule)}, "
        )
        if self.by_week is None:
            return f"{text}within the observed weeks (at most {self.horizon})"
        text += f"by week {self.by_week} after the draw date"
        if self.require_observed:
            text += f" (citizens observed fewer than {self.by_week} weeks left out)"
        return text

    def compute(
        self, dataset: Dataset, population: Population, *, round: str | None = None
    ) -> pd.DataFrame:
        """Values per municipality and nationally (see the class notes); *round* is ignored."""
        dataset.require("citizens", by=self.describe())
        mask = population.select(dataset.citizens)
        panel = dataset.panel(self.horizon)
        met = panel.first_met_week(
            self.rule, states=self.states, same_workplace=self.same_workplace
        )
        in_den = np.ones(len(mask), dtype=bool)
        if self.by_week is None:
            success = met > 0
        else:
            success = (met > 0) & (met <= self.by_week)
            if self.require_observed:
                in_den = panel.observed_weeks >= self.by_week
        municipality = dataset.citizens["municipality"].to_numpy()
        return grouped_values(municipality[mask], success[mask].astype(np.float64), in_den[mask])
