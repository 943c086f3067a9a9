"""Fidelity and effect per jobcentre, and the regressions of the final evaluation (SPEC.md §5.3).

The final JobFirst evaluation relates, across the 15 jobcentres, the employment effect in
weeks 53-78 to fidelity measures averaged over weeks 1-52 and computed separately for the
control (``_k``) and participant (``_d``) groups (000, L870-1054; SPEC.md §5.3, §6.3).
:func:`municipality_table` builds the Stata variables from a :class:`~activemeasures.Dataset`;
:func:`regressions` fits the three published regressions and the four bivariate figure
regressions. Both describe associations across municipalities, not causes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs
import numpy as np
import pandas as pd

from activemeasures import State
from activemeasures.fidelity import (
    MunicipalityRegression,
    municipality_effects,
    municipality_means,
    municipality_regression,
)
from activemeasures.outcomes import CumulativeCriterion
from activemeasures_jobfirst.constants import CRITERION_13W, EFFECT_WEEKS, FIDELITY_WEEKS

if TYPE_CHECKING:
    from activemeasures import Dataset, Panel

__all__ = [
    "MEET_EVENTS",
    "MEET_PER_WEEKS",
    "MUNICIPALITY_TABLE_COLUMNS",
    "REGRESSIONS",
    "municipality_table",
    "regressions",
]

#: Columns of :func:`municipality_table`, in order.
MUNICIPALITY_TABLE_COLUMNS = (
    "municipality",
    "n_treatment",
    "n_control",
    "besk",
    "praktik_k",
    "praktik_d",
    "mentor_k",
    "mentor_d",
    "meet_k",
    "meet_d",
    "praktik13_k",
    "praktik13_d",
    "dpraktik",
    "dmentor",
    "dmeet",
    "dpraktik13",
)

#: The regressions, dependent variable ``besk``, regressors in Stata's order (000, L891-1054;
#: SPEC.md §5.3): ``reg1`` = ``reg besk praktik_k praktik_d``; ``reg2`` = ``reg besk meet_k
#: meet_d mentor_k mentor_d praktik_k praktik_d``; ``reg3`` = ``reg besk dmeet dmentor
#: dpraktik``; ``fig1_2`` ... ``fig1_5``: the bivariate figures 1-2 (conversation frequency),
#: 1-3 (internship, the significant one: R² = 0.23, β = 0.32, t = 1.98), 1-4 (mentor) and 1-5
#: (13 weeks of continuous internship), each on the D − K change.
REGRESSIONS = {
    "reg1": ("praktik_k", "praktik_d"),
    "reg2": ("meet_k", "meet_d", "mentor_k", "mentor_d", "praktik_k", "praktik_d"),
    "reg3": ("dmeet", "dmentor", "dpraktik"),
    "fig1_2": ("dmeet",),
    "fig1_3": ("dpraktik",),
    "fig1_4": ("dmentor",),
    "fig1_5": ("dpraktik13",),
}

#: Event codes counted as conversations / meetings for ``meet`` (plugin convention, see
#: :data:`activemeasures_jobfirst.elements.EVENT_CODES`).
MEET_EVENTS = ("conversation",)
#: ``meet`` is expressed per this many weeks (about a month, the cadence of the model's
#: monthly conversation; 000, L212-222).
MEET_PER_WEEKS = 4.0

_INTERNSHIP_13W = CumulativeCriterion(rule=CRITERION_13W, states=State.INTERNSHIP)


@attrs.frozen(eq=False)
class _EventsPerWeek:
    """Outcome: number of events per citizen and week since the draw, times ``factor``.

    Built from the events table for one panel (rows in the order of ``dataset.citizens``).
    """

    matrix: np.ndarray

    @property
    def name(self) -> str:
        return "events_per_week"

    @property
    def label(self) -> str:
        return "Events per week"

    def values(self, panel: Panel, *, compact: bool = False) -> np.ndarray:
        if self.matrix.shape != (panel.n_citizens, panel.horizon):
            raise ValueError("the event matrix was built for another panel")
        return self.matrix

    @classmethod
    def build(
        cls, dataset: Dataset, panel: Panel, codes: tuple[str, ...], factor: float
    ) -> _EventsPerWeek:
        n, horizon = panel.n_citizens, panel.horizon
        counts = np.zeros(n * horizon, dtype=np.float64)
        events = dataset.events
        keep = events["event"].astype(str).isin(codes).to_numpy(dtype=bool)
        row = pd.Index(dataset.citizens["citizen_id"]).get_indexer(
            events["citizen_id"].to_numpy()[keep]
        )
        day = np.asarray(events["date"], dtype="datetime64[D]").astype(np.int64)[keep]
        visit = np.asarray(dataset.citizens["visitation_date"], dtype="datetime64[D]").astype(
            np.int64
        )
        known = row >= 0
        row, day = row[known], day[known]
        week = (day - visit[row]) // 7  # 0-based
        inside = (week >= 0) & (week < horizon)
        np.add.at(counts, row[inside] * horizon + week[inside], 1.0)
        return cls(counts.reshape(n, horizon) * factor)


def _by_arm(means: pd.DataFrame, municipalities: pd.Index, arm: str) -> np.ndarray:
    rows = means[means["arm"] == arm].set_index("municipality")["mean"]
    return rows.reindex(municipalities).to_numpy(dtype=np.float64)


def municipality_table(
    dataset: Dataset,
    *,
    fidelity_weeks: tuple[int, int] = FIDELITY_WEEKS,
    effect_weeks: tuple[int, int] = EFFECT_WEEKS,
    horizon: int = 78,
    meet_events: tuple[str, ...] = MEET_EVENTS,
    meet_per_weeks: float = MEET_PER_WEEKS,
    treatment: str = "treatment",
    control: str = "control",
) -> pd.DataFrame:
    r"""The Stata variables of the municipality-level analysis, one row per municipality.

    Parameters
    ----------
    dataset : Dataset
        Citizens with ``arm`` (D = ``treatment``, K = ``control``), activities, hours and,
        for ``meet``, events.
    fidelity_weeks : (int, int), default (1, 52)
        Weeks over which the fidelity measures are averaged (000, L870-874).
    effect_weeks : (int, int), default (53, 78)
        Weeks of the employment effect (000, L1028-1034).
    horizon : int, default 78
        Weeks of the panel; must cover both windows.
    meet_events : tuple of str, default ("conversation",)
        Event codes counted for ``meet``.
    meet_per_weeks : float, default 4
        ``meet`` is events per citizen per this many weeks.
    treatment, control : str
        The ``arm`` values of D and K.

    Returns
    -------
    pandas.DataFrame
        One row per municipality (sorted), columns :data:`MUNICIPALITY_TABLE_COLUMNS`:

        * ``n_treatment``, ``n_control``: citizens observed in at least one effect week;
        * ``besk``: the D − K effect on having ordinary hours over the effect weeks, in
          percentage points (SPEC.md §11 A-46;
          :func:`~activemeasures.fidelity.municipality_effects` of ``"any_hours"`` with
          ``scale=100``);
        * ``praktik_k``, ``praktik_d``: share in internship (virksomhedspraktik), in %;
        * ``mentor_k``, ``mentor_d``: share with a mentor (state MENTOR), in %;
        * ``meet_k``, ``meet_d``: conversation frequency, events per citizen per
          ``meet_per_weeks`` weeks;
        * ``praktik13_k``, ``praktik13_d``: share who have met the 13-week criterion on
          internship weeks alone (13 counted weeks of internship, gaps of up to 4 weeks
          tolerated), in %;
        * ``dpraktik``, ``dmentor``, ``dmeet``, ``dpraktik13``: D − K of each.

        Every fidelity measure is :func:`~activemeasures.fidelity.municipality_means` over
        the fidelity weeks per arm (missing where the arm has no observed citizen).

    Raises
    ------
    ValueError
        For windows outside the horizon, or without an ``arm`` column.
    MissingTableError
        When the events table is missing (``meet`` needs it).

    Notes
    -----
    For municipality :math:`m`, arm :math:`a` and week :math:`w`, :math:`\bar y_{maw}` is the
    mean over the citizens observed in week :math:`w`; a fidelity measure is
    :math:`\frac{1}{|W|}\sum_{w \in W} \bar y_{maw}` over the fidelity weeks with observed
    citizens (**interpretation** of "averaged over weeks 1-52 per group", 000, L870-874,
    see :func:`~activemeasures.fidelity.municipality_means`), and ``besk`` is
    :math:`100 \cdot \frac{1}{|W'|}\sum_{w \in W'} (\bar y_{mDw} - \bar y_{mKw})` over the
    effect weeks observed in both arms, :math:`y` = 1 when the citizen has ordinary hours.

    **Interpretations** (the sources name the variables only, 000, L876-947, L1041-1054):

    * ``meet``, "conversation frequency": :math:`y_{iw}` = number of ``meet_events`` events
      of citizen :math:`i` dated in week :math:`w` since the draw, times ``meet_per_weeks``;
      its weekly mean averaged over the weeks is the number of conversations per citizen per
      four weeks (about a month);
    * ``mentor``, "share with mentor": the weekly share in the state MENTOR;
    * ``praktik13``, "share with 13 weeks of continuous internship" (figure 1-5): the
      cumulative share that has met the criterion by week :math:`w`, averaged like the others.

    Examples
    --------
    >>> from activemeasures.testing import example_dataset
    >>> from activemeasures_jobfirst.municipal import municipality_table
    >>> table = municipality_table(example_dataset(n_citizens=80, n_municipalities=2))
    >>> table[["municipality", "n_treatment", "n_control"]]
      municipality  n_treatment  n_control
    0           M1           16         17
    1           M2           16         16
    >>> bool((table["dpraktik"] == table["praktik_d"] - table["praktik_k"]).all())
    True
    """
    dataset.require("citizens", "events", by="the municipality table (meet needs events)")
    panel = dataset.panel(horizon)
    effects = municipality_effects(
        panel,
        "any_hours",
        weeks=effect_weeks,
        treatment=treatment,
        control=control,
        scale=100.0,
    )
    municipalities = pd.Index(effects["municipality"])
    table = {
        "municipality": effects["municipality"].to_numpy(dtype=object),
        "n_treatment": effects["n_treatment"].to_numpy(),
        "n_control": effects["n_control"].to_numpy(),
        "besk": effects["effect"].to_numpy(dtype=np.float64),
    }
    meet = _EventsPerWeek.build(dataset, panel, tuple(meet_events), float(meet_per_weeks))
    measures = {
        "praktik": (State.INTERNSHIP, 100.0),
        "mentor": (State.MENTOR, 100.0),
        "meet": (meet, 1.0),
        "praktik13": (_INTERNSHIP_13W, 100.0),
    }
    for name, (outcome, scale) in measures.items():
        means = municipality_means(panel, outcome, weeks=fidelity_weeks, scale=scale)
        table[f"{name}_k"] = _by_arm(means, municipalities, control)
        table[f"{name}_d"] = _by_arm(means, municipalities, treatment)
    for name in measures:
        table[f"d{name}"] = table[f"{name}_d"] - table[f"{name}_k"]
    return pd.DataFrame(table, columns=list(MUNICIPALITY_TABLE_COLUMNS))


def regressions(
    table: pd.DataFrame, *, only: Sequence[str] | None = None, alpha: float = 0.05
) -> dict[str, MunicipalityRegression]:
    """The three published regressions and the four bivariate figure regressions.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per municipality with ``besk`` and the regressors
        (:func:`municipality_table`).
    only : sequence of str, optional
        Fit only these of :data:`REGRESSIONS` (default: all, in that order).
    alpha : float, default 0.05
        One minus the confidence level (Stata's 95 %).

    Returns
    -------
    dict of str to MunicipalityRegression
        Keys and regressors as :data:`REGRESSIONS`: ``reg1``, ``reg2``, ``reg3``, then
        ``fig1_2``, ``fig1_3``, ``fig1_4``, ``fig1_5``. Each prints in Stata's layout, with
        the regressors in Stata's order and ``_cons`` last (SPEC.md §5.3).

    Raises
    ------
    ValueError
        For an unknown name in *only*; or naming the regression, when it cannot be fitted
        (e.g. ``reg2`` needs at least 8 municipalities with complete rows; a constant or
        collinear regressor).

    Notes
    -----
    OLS with conventional standard errors across municipalities
    (:func:`~activemeasures.fidelity.municipality_regression`); rows with a missing value are
    dropped per regression. Published (000, L891-1040): only ``praktik_d`` in ``reg1`` is
    significant (0.437, p = 0.033), and in the figures only the internship change (R² =
    0.23, β = 0.32, t = 1.98). An association across 15 jobcentres, not an effect.

    Examples
    --------
    Five municipalities whose effect rises by 0.5 pp per pp of internship change
    (:math:`\\hat\\beta = 0.5` exactly):

    >>> import pandas as pd
    >>> from activemeasures_jobfirst.municipal import regressions
    >>> table = pd.DataFrame({
    ...     "besk": [1.0, 2.0, 3.0, 4.0, 5.0],
    ...     "praktik_k": [10.0, 12.0, 11.0, 9.0, 13.0],
    ...     "praktik_d": [20.0, 25.0, 22.0, 30.0, 27.0],
    ...     "dpraktik": [2.0, 4.0, 6.0, 8.0, 10.0]})
    >>> fits = regressions(table, only=("reg1", "fig1_3"))
    >>> round(float(fits["fig1_3"].to_frame()["coef"].iloc[0]), 6)
    0.5
    >>> fits["reg1"].x
    ('praktik_k', 'praktik_d')
    """
    names = list(REGRESSIONS) if only is None else [only] if isinstance(only, str) else list(only)
    unknown = [name for name in names if name not in REGRESSIONS]
    if unknown:
        raise ValueError(f"unknown regressions {unknown}; known: {', '.join(REGRESSIONS)}")
    fits = {}
    for name in names:
        try:
            fits[name] = municipality_regression(
                table, "besk", list(REGRESSIONS[name]), alpha=alpha
            )
        except ValueError as exc:
            raise ValueError(f"regression {name} ({_command(name)}): {exc}") from None
    return fits


def _command(name: str) -> str:
    """The Stata command of a regression, e.g. ``reg besk praktik_k praktik_d``."""
    return " ".join(("reg", "besk", *REGRESSIONS[name]))
