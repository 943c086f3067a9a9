"""simulate_trial(): calibrated synthetic register data for JobFirst and 'Flere skal med'.

The data are **synthetic**: every citizen, workplace, respondent and municipality is drawn
from random numbers; none is a real person or place. The defaults are tuned so that evaluating
the simulated JobFirst trial lands near the published mid-term figures (SPEC.md §5.2, §6.2);
see ``docs/reference/datasets.rst`` for the measured calibration.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from activemeasures.dataset import Dataset
from activemeasures.datasets import _flereskalmed, _jobfirst

__all__ = ["PROGRAMMES", "simulate_trial"]

#: Programmes :func:`simulate_trial` can simulate.
PROGRAMMES: tuple[str, ...] = ("jobfirst", "flereskalmed")


def _count(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def _day(name: str, value: object) -> np.datetime64:
    try:
        stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a date, got {value!r}") from None
    if pd.isna(stamp):
        raise ValueError(f"{name} must be a date, got a missing value")
    return np.datetime64(stamp.date(), "D")


def simulate_trial(
    programme: str = "jobfirst",
    *,
    n_municipalities: int | None = None,
    n_citizens: int | None = None,
    seed: int = 0,
    start: object = None,
    enrolment_days: int | None = None,
    cutoff: object = None,
    effect: float = 1.0,
) -> Dataset:
    """Simulate the register data of a trial, calibrated to the published evaluations.

    Parameters
    ----------
    programme : {"jobfirst", "flereskalmed"}, default "jobfirst"
    n_municipalities : int, optional
        Default 15 (JobFirst, 001, L63) or 88 ('Flere skal med', 003, L9-10).
    n_citizens : int, optional
        JobFirst: all citizens of both arms, default 4,800 (about 2,400 participants, 001,
        L181, and as many controls). 'Flere skal med': target-group citizens, default 6,000
        for speed (the project had about 26,000, 003, L1861-1865: pass ``n_citizens=26_000``);
        a comparison group of a quarter as many is added. At least two per municipality.
    seed : int, default 0
        Seed of the NumPy generator: the same arguments give equal tables.
    start : date-like, optional
        First visitation date: 2016-03-01 (JobFirst, 001, L63, L286) or 2017-08-01 ('Flere
        skal med', 003, L9-10).
    enrolment_days : int, optional
        Length of the enrolment window: 365 (JobFirst, 004, L53) or 184 ('Flere skal med',
        August 2017 to 31 January 2018, before the groups were locked, 003, L3951-3975).
    cutoff : date-like, optional
        Data cut-off. JobFirst default: the last day of week 44 of the citizens visited in the
        first project week (``start`` + 313 days, 2017-01-08), so that, as at the mid-term,
        only they can be followed all 44 weeks, about 2,000 at least 30 weeks and just under
        1,000 at least 35 weeks (001, L286-287; SPEC.md §3.3). 'Flere skal med': 2020-06-30,
        29 months after the last visitation (003, L2187).
    effect : float, default 1.0
        Scales every treatment-control difference of the weekly chains (JobFirst: sniffing,
        internships, wage subsidy, ordinary hours; 'Flere skal med': each group against the
        comparison group). 0 gives no effect; fidelity events and survey answers do not
        depend on it.

    Returns
    -------
    Dataset
        Validated (:meth:`Dataset.from_frames`). JobFirst: ``citizens`` (``arm``
        treatment/control 1:1 within municipality, covariates ``age`` (30-64), ``sex``,
        ``immigrant``, ``education``, ``benefit``, ``activity_ready``,
        ``public_support_days``, ``integration_programme``, ``target_group``),
        ``activities`` (SNIFFING with an INTERNSHIP record on the same days, INTERNSHIP,
        WAGE_SUBSIDY with ``workplace_id``, MENTOR), ``hours`` (one record per run of weeks
        with the same weekly hours and workplace), ``events`` (the JobFirst plugin's event
        codes) and ``survey`` (the plugin's items, rounds ``midterm`` and ``final``).
        'Flere skal med': ``citizens`` (``group`` 1/2/3/6 or ``arm`` comparison,
        ``seniority_years``, ``benefit``, ``activity_ready``), ``activities``, ``hours``,
        ``visitations`` (several records for about a third of the citizens) and ``survey``
        (staff, rounds baseline/midterm/final).

    Raises
    ------
    ValueError, TypeError
        For an unknown programme or a bad count, date or effect.

    Notes
    -----
    Weekly states come from Markov chains per arm (or group), vectorised over citizens with
    a loop over weeks: a course chain (passive, sniffing, internship, wage subsidy; an
    internship may move to another workplace) and an ordinary-hours chain whose start
    probability is higher during a course. A probability of the treatment arm is
    :math:`p_K + \\text{effect} \\cdot (p_D - p_K)`. Municipalities differ by random effects
    (log scale on course and hours rates, logit scale on fidelity probabilities). Runs of
    equal weeks become dated records (DESIGN.md §4.2), clipped at the cut-off.

    Examples
    --------
    >>> from activemeasures.datasets import simulate_trial
    >>> data = simulate_trial(n_citizens=200, n_municipalities=4, seed=1)
    >>> data.n_citizens, sorted(data.citizens["arm"].unique())
    (200, ['control', 'treatment'])
    >>> sorted(data.tables)
    ['activities', 'citizens', 'events', 'hours', 'survey']
    >>> str(data.cutoff.date())
    '2017-01-08'
    """
    if programme not in PROGRAMMES:
        raise ValueError(
            f"programme must be one of {', '.join(map(repr, PROGRAMMES))}, got {programme!r}"
        )
    module = _jobfirst if programme == "jobfirst" else _flereskalmed
    defaults = module.DEFAULTS
    n_munis = _count(
        "n_municipalities",
        defaults["n_municipalities"] if n_municipalities is None else n_municipalities,
        1,
    )
    n = _count("n_citizens", defaults["n_citizens"] if n_citizens is None else n_citizens, 1)
    if n < 2 * n_munis:
        raise ValueError(
            f"n_citizens must be at least two per municipality ({2 * n_munis}), got {n}"
        )
    _count("seed", seed, 0)
    enrolment = _count(
        "enrolment_days", defaults["enrolment"] if enrolment_days is None else enrolment_days, 1
    )
    first = _day("start", defaults["start"] if start is None else start)
    if cutoff is None:
        last = (
            _jobfirst.default_cutoff(first)
            if programme == "jobfirst"
            else _day("cutoff", defaults["cutoff"])
        )
    else:
        last = _day("cutoff", cutoff)
    if last < first:
        raise ValueError("cutoff must be on or after start")
    if isinstance(effect, bool) or not isinstance(effect, numbers.Real) or not np.isfinite(effect):
        raise TypeError(f"effect must be a finite number, got {effect!r}")
    simulate = (
        _jobfirst.simulate_jobfirst
        if programme == "jobfirst"
        else _flereskalmed.simulate_flereskalmed
    )
    return simulate(
        n_municipalities=n_munis,
        n_citizens=n,
        seed=int(seed),
        start=first,
        enrolment_days=enrolment,
        cutoff=last,
        effect=float(effect),
    )
