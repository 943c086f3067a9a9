"""Who belongs to the 'Flere skal med' target group, and to its comparison group (SPEC.md §2.2).

Both rules read one row per citizen (the citizens table, or any frame with the columns below)
and return an :class:`Eligibility`: the boolean mask, and how many citizens failed each
condition (counts only, never an identifier).

Columns read
------------
``activity_ready``
    Activity-ready (*aktivitetsparat*): ``True``/``False``, ``1``/``0`` or the text
    ``true``/``false``/``yes``/``no``. Instead, a ``readiness`` column may hold
    ``activity_ready`` / ``job_ready`` (case-insensitive).
``benefit``
    The benefit received (*forsørgelsesgrundlag*), a ``BenefitType`` name such as
    ``CASH_BENEFIT``, ``EDUCATION_BENEFIT``, ``INTEGRATION_BENEFIT`` (case-insensitive).
``seniority_years`` or ``seniority_days``
    **Continuous** seniority on cash-like benefits at the reference date, computed upstream
    with the interruption tolerance of SPEC.md §11 A-24 (interruptions shorter than a
    3-week full-time job ignored). Days are converted at 365.25 days a year.
    ``seniority_years`` is used when both are present.

Missing values fail their condition and are counted in ``n_missing``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import attrs
import numpy as np
import pandas as pd

import activemeasures as am
from activemeasures.errors import FAILURE_COLUMNS
from activemeasures_flereskalmed.constants import COMPARISON_SENIORITY_YEARS, MIN_SENIORITY_YEARS

__all__ = [
    "CASH_LIKE_BENEFITS",
    "COMPARISON_BENEFITS",
    "DAYS_PER_YEAR",
    "Eligibility",
    "comparison_group",
    "eligibility",
]

#: Cash-benefit-like benefits (*kontanthjælpslignende ydelser*): cash benefit, education
#: benefit, integration benefit (003, L61-65; SPEC.md §1.2, §12).
CASH_LIKE_BENEFITS = ("CASH_BENEFIT", "EDUCATION_BENEFIT", "INTEGRATION_BENEFIT")

#: The comparison group receives cash benefit (003, L2038-2049; SPEC.md §2.2, §12).
COMPARISON_BENEFITS = ("CASH_BENEFIT",)

#: Days per year when seniority is given in days.
DAYS_PER_YEAR = 365.25

#: Columns of :meth:`Eligibility.to_frame`.
CONDITION_COLUMNS = ("condition", "n_failed", "n_missing", "n_remaining")

_TABLE = "citizens"
_TRUE = frozenset({"true", "1", "yes", "1.0"})
_FALSE = frozenset({"false", "0", "no", "0.0"})


@attrs.frozen(kw_only=True, eq=False)
class Eligibility:
    """Citizens meeting an eligibility rule, and how many failed each condition.

    Attributes
    ----------
    rule : str
        The rule in words.
    mask : numpy.ndarray of bool
        One entry per row of the citizens frame (read-only): meets every condition.
    conditions : pandas.DataFrame
        One row per condition, in the order applied: ``condition``, ``n_failed`` (citizens
        failing it, whatever the other conditions), ``n_missing`` (of those, failing because
        the value is missing) and ``n_remaining`` (citizens meeting it and every condition
        above it: a waterfall ending in :attr:`n_eligible`).
    """

    rule: str
    mask: np.ndarray = attrs.field(converter=lambda a: _read_only(a))
    conditions: pd.DataFrame

    @property
    def n_citizens(self) -> int:
        """Number of citizens assessed."""
        return len(self.mask)

    @property
    def n_eligible(self) -> int:
        """Number of citizens meeting every condition."""
        return int(self.mask.sum())

    def to_frame(self) -> pd.DataFrame:
        """The condition counts (a copy of :attr:`conditions`)."""
        return self.conditions.copy()

    def __str__(self) -> str:
        head = f"{self.rule}: {self.n_eligible:,} of {self.n_citizens:,} citizens eligible"
        return head + "\n" + self.conditions.to_string(index=False)

    def __repr__(self) -> str:
        return f"<Eligibility {self.rule!r}: {self.n_eligible} of {self.n_citizens}>"


def _read_only(values: object) -> np.ndarray:
    array = np.array(values, dtype=bool)
    array.setflags(write=False)
    return array


def _fail(problems: list[tuple[str, str, int]]) -> None:
    if problems:
        rows = [
            dict(zip(FAILURE_COLUMNS, (_TABLE, column, rule, n, ""), strict=True))
            for column, rule, n in problems
        ]
        raise am.ValidationError(pd.DataFrame(rows, columns=list(FAILURE_COLUMNS)))


def _activity_ready(citizens: pd.DataFrame, problems: list) -> tuple[np.ndarray, np.ndarray]:
    """(is activity-ready, is missing) per citizen."""
    if "activity_ready" in citizens.columns:
        values = citizens["activity_ready"]
        missing = values.isna().to_numpy(dtype=bool)
        text = values.astype("string").str.strip().str.lower()
        yes = text.isin(_TRUE).fillna(False).to_numpy(dtype=bool)
        no = text.isin(_FALSE).fillna(False).to_numpy(dtype=bool)
        bad = ~(yes | no | missing)
        if bad.any():
            problems.append(("activity_ready", "true/false (or 1/0, yes/no)", int(bad.sum())))
        return yes, missing
    if "readiness" in citizens.columns:
        values = citizens["readiness"]
        missing = values.isna().to_numpy(dtype=bool)
        text = values.astype("string").str.strip().str.lower()
        return text.eq("activity_ready").fillna(False).to_numpy(dtype=bool), missing
    problems.append(("activity_ready", "column activity_ready or readiness present", 0))
    return np.zeros(len(citizens), dtype=bool), np.zeros(len(citizens), dtype=bool)


def _benefit(
    citizens: pd.DataFrame, benefits: tuple[str, ...], problems: list
) -> tuple[np.ndarray, np.ndarray]:
    if "benefit" not in citizens.columns:
        problems.append(("benefit", "column present", 0))
        return np.zeros(len(citizens), dtype=bool), np.zeros(len(citizens), dtype=bool)
    values = citizens["benefit"]
    text = values.astype("string").str.strip().str.upper()
    return (
        text.isin(benefits).fillna(False).to_numpy(dtype=bool),
        values.isna().to_numpy(dtype=bool),
    )


def _seniority_years(citizens: pd.DataFrame, problems: list) -> tuple[np.ndarray, np.ndarray]:
    """(seniority in years, NaN where missing; is missing)."""
    for column, scale in (("seniority_years", 1.0), ("seniority_days", DAYS_PER_YEAR)):
        if column in citizens.columns:
            values = citizens[column]
            number = pd.to_numeric(values, errors="coerce").astype("float64")
            number = number.to_numpy(na_value=np.nan)
            missing = values.isna().to_numpy(dtype=bool)
            unreadable = np.isnan(number) & ~missing
            if unreadable.any():
                problems.append((column, "is a number", int(unreadable.sum())))
            negative = ~np.isnan(number) & ((number < 0) | ~np.isfinite(number))
            if negative.any():
                problems.append((column, "a finite number >= 0", int(negative.sum())))
            return number / scale, np.isnan(number)
    problems.append(("seniority_years", "column seniority_years or seniority_days present", 0))
    return np.full(len(citizens), np.nan), np.zeros(len(citizens), dtype=bool)


def _benefit_codes(benefits: Iterable[str]) -> tuple[str, ...]:
    codes = (benefits,) if isinstance(benefits, str) else tuple(benefits)
    codes = tuple(str(code).strip().upper() for code in codes)
    if not codes or not all(codes):
        raise ValueError(f"benefits must name at least one benefit, got {benefits!r}")
    return codes


def _benefit_words(benefits: tuple[str, ...]) -> str:
    if set(benefits) == set(CASH_LIKE_BENEFITS):
        return "receives a cash-like benefit"
    return "receives " + " or ".join(b.lower() for b in benefits)


def _apply(
    rule: str,
    citizens: pd.DataFrame,
    benefits: tuple[str, ...],
    seniority: tuple[str, Callable[[np.ndarray], np.ndarray]],
) -> Eligibility:
    if not isinstance(citizens, pd.DataFrame):
        raise TypeError(f"citizens must be a pandas DataFrame, got {type(citizens).__name__}")
    problems: list[tuple[str, str, int]] = []
    ready, ready_missing = _activity_ready(citizens, problems)
    on_benefit, benefit_missing = _benefit(citizens, benefits, problems)
    years, years_missing = _seniority_years(citizens, problems)
    _fail(problems)
    with np.errstate(invalid="ignore"):
        senior = seniority[1](years) & ~years_missing
    checks = [
        ("activity-ready", ready, ready_missing),
        (_benefit_words(benefits), on_benefit, benefit_missing),
        (seniority[0], senior, years_missing),
    ]
    rows, remaining = [], np.ones(len(citizens), dtype=bool)
    for name, met, missing in checks:
        remaining = remaining & met
        rows.append((name, int((~met).sum()), int((~met & missing).sum()), int(remaining.sum())))
    conditions = pd.DataFrame(rows, columns=list(CONDITION_COLUMNS))
    return Eligibility(rule=rule, mask=remaining, conditions=conditions)


def eligibility(
    citizens: pd.DataFrame,
    *,
    min_years: float = MIN_SENIORITY_YEARS,
    strict: bool = False,
    benefits: Iterable[str] = CASH_LIKE_BENEFITS,
) -> Eligibility:
    """The 'Flere skal med' target group ``FSM_TARGET`` (SPEC.md §2.2).

    Parameters
    ----------
    citizens : pandas.DataFrame
        One row per citizen with the columns described in the module docstring
        (``activity_ready`` or ``readiness``, ``benefit``, ``seniority_years`` or
        ``seniority_days``).
    min_years : float, default 5
        Seniority threshold on cash-like benefits (003, L65, L299-301).
    strict : bool, default False
        ``False``: seniority :math:`\\ge` ``min_years``; ``True``: :math:`>` ``min_years``.
    benefits : iterable of str, default :data:`CASH_LIKE_BENEFITS`
        Benefits that qualify.

    Returns
    -------
    Eligibility

    Raises
    ------
    ValidationError
        When a column is missing or holds unreadable values (table ``citizens``; counts,
        no values shown).

    Notes
    -----
    A citizen is in the target group when (003, L61-65; L299-301)

    * activity-ready (*aktivitetsparat*), **and**
    * receives cash benefit, education benefit or integration benefit, **and**
    * has :math:`s \\ge 5` years of continuous seniority on these benefits.

    The source says "more than five years' continuous" seniority, yet its own figure starts
    the seniority bands at "5-6 years" (003, L2071-2125), so the default reads the boundary
    as :math:`\\ge 5`; ``strict=True`` gives :math:`> 5` (Interpretation, SPEC.md §11 A-24).
    "Continuous" tolerates interruptions shorter than a 3-week full-time job (003,
    L2055-2057; A-24): the ``seniority_*`` column must already be computed that way.

    Examples
    --------
    Citizen 1 meets every condition; 2 has exactly 5 years (in with the default, out with
    ``strict``); 3 is job-ready; 4 receives sickness benefit; 5 has no seniority recorded:

    >>> import pandas as pd
    >>> from activemeasures_flereskalmed.eligibility import eligibility
    >>> citizens = pd.DataFrame({
    ...     "activity_ready": [True, True, False, True, True],
    ...     "benefit": ["CASH_BENEFIT", "education_benefit", "CASH_BENEFIT",
    ...                 "SICKNESS_BENEFIT", "INTEGRATION_BENEFIT"],
    ...     "seniority_years": [7.5, 5.0, 9.0, 6.0, None]})
    >>> result = eligibility(citizens)
    >>> result.mask
    array([ True,  True, False, False, False])
    >>> print(result)
    'Flere skal med' target group: 2 of 5 citizens eligible
                       condition  n_failed  n_missing  n_remaining
                  activity-ready         1          0            4
    receives a cash-like benefit         1          0            3
            seniority >= 5 years         1          1            2
    >>> eligibility(citizens, strict=True).n_eligible
    1
    """
    limit = float(min_years)
    if not np.isfinite(limit) or limit < 0:
        raise ValueError(f"min_years must be a finite number >= 0, got {min_years!r}")
    if strict:
        condition = (f"seniority > {limit:g} years", lambda s: s > limit)
    else:
        condition = (f"seniority >= {limit:g} years", lambda s: s >= limit)
    return _apply("'Flere skal med' target group", citizens, _benefit_codes(benefits), condition)


def comparison_group(
    citizens: pd.DataFrame,
    *,
    years: tuple[float, float] = COMPARISON_SENIORITY_YEARS,
    benefits: Iterable[str] = COMPARISON_BENEFITS,
) -> Eligibility:
    """The comparison group: activity-ready cash-benefit recipients with 3-5 years' seniority.

    Parameters
    ----------
    citizens : pandas.DataFrame
        As for :func:`eligibility`.
    years : (float, float), default (3, 5)
        Seniority band :math:`[a, b)`: :math:`a \\le s < b` (003, L2038-2049).
    benefits : iterable of str, default ``("CASH_BENEFIT",)``
        Benefits that qualify (003, L2038-2049; SPEC.md §12).

    Returns
    -------
    Eligibility

    Notes
    -----
    The source gives "3-5 years in the cash-benefit system at the time the FSM group was
    formed" (003, L2038-2049) without saying which end is included. The band is read as
    half-open, :math:`3 \\le s < 5`, so that it never overlaps the target group's default
    :math:`s \\ge 5` (Interpretation). The comparison group was not visited, so comparisons
    with it are descriptive, not causal (003, L2206-2208, L2243).

    Examples
    --------
    >>> import pandas as pd
    >>> from activemeasures_flereskalmed.eligibility import comparison_group
    >>> citizens = pd.DataFrame({"activity_ready": [1, 1, 1, 1],
    ...                          "benefit": ["CASH_BENEFIT"] * 3 + ["EDUCATION_BENEFIT"],
    ...                          "seniority_days": [1096, 1826, 1827, 1500]})
    >>> comparison_group(citizens).mask
    array([ True,  True, False, False])
    """
    low, high = (float(y) for y in years)
    if not (np.isfinite(low) and np.isfinite(high) and 0 <= low < high):
        raise ValueError(f"years must be (low, high) with 0 <= low < high, got {years!r}")
    condition = (
        f"{low:g} <= seniority < {high:g} years",
        lambda s: (s >= low) & (s < high),
    )
    return _apply(
        "'Flere skal med' comparison group", citizens, _benefit_codes(benefits), condition
    )
