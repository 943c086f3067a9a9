"""Who may take part in JobFirst: target groups JF_TG1 and JF_TG2 (SPEC.md §2.1).

A citizen is eligible when one of two rules holds (004, L26-31; 001, L69-72):

* ``JF_TG1``: has turned 30 **and** receives resource-course benefit (*ressourceforløbsydelse*)
  in connection with a resource course (LAB § 2 no. 11; 004, L28);
* ``JF_TG2``: has turned 30 **and** is activity-ready (*aktivitetsparat*) **and** receives cash
  benefit (*kontanthjælp*) or integration benefit (*integrationsydelse*) **and** has received
  public income support for at least one year **and** is not in the integration programme of
  the Integration Act (LAB § 2 no. 3; 004, L29).

Both are measured at the draw (visitation) date (SPEC.md §11 A-23, interpretation).
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np
import pandas as pd

from activemeasures import ValidationError
from activemeasures.errors import FAILURE_COLUMNS
from activemeasures_jobfirst.constants import (
    MIN_AGE,
    MIN_PUBLIC_SUPPORT_DAYS,
    TG1_BENEFITS,
    TG2_BENEFITS,
)

__all__ = ["ELIGIBILITY_COLUMNS", "TARGET_GROUPS", "Eligibility", "eligibility"]

#: The target-group codes (SPEC.md §2.1).
TARGET_GROUPS = ("JF_TG1", "JF_TG2")

#: Citizens columns :func:`eligibility` reads, and the date alternatives it accepts.
ELIGIBILITY_COLUMNS = {
    "age": "age in whole years at the draw date (or give birth_date)",
    "benefit": "benefit code: resource_course_benefit, cash_benefit, integration_benefit, ...",
    "activity_ready": "true if the citizen is activity-ready (aktivitetsparat)",
    "public_support_days": (
        "days of public income support up to the draw date (or give public_support_since)"
    ),
    "integration_programme": "true if covered by the integration programme (Integration Act)",
}

#: Columns of :attr:`Eligibility.failures`.
FAILURE_TABLE_COLUMNS = ("condition", "n_citizens")

_TRUE = {"true": True, "1": True, "1.0": True, "yes": True, "false": False, "0": False}
_TRUE |= {"0.0": False, "no": False}


def _error(rows: Sequence[tuple[str, str, int]]) -> ValidationError:
    frame = pd.DataFrame(
        [dict(zip(FAILURE_COLUMNS, ("citizens", c, r, n, ""), strict=True)) for c, r, n in rows]
    )
    return ValidationError(frame)


def _dates(citizens: pd.DataFrame, column: str, problems: list) -> pd.Series:
    values = citizens[column]
    parsed = (
        values
        if pd.api.types.is_datetime64_any_dtype(values)
        else pd.to_datetime(values.astype("string"), errors="coerce", format="ISO8601")
    )
    bad = int((parsed.isna() & values.notna()).sum())
    if bad:
        problems.append((column, "is a date (ISO 8601, e.g. 2016-03-01)", bad))
    return parsed


def _numbers(citizens: pd.DataFrame, column: str, problems: list) -> pd.Series:
    values = citizens[column]
    if pd.api.types.is_bool_dtype(values):
        problems.append((column, "is a number", len(values)))
        return pd.Series(np.nan, index=values.index)
    parsed = pd.to_numeric(values, errors="coerce").astype(float)
    bad = int((parsed.isna() & values.notna()).sum())
    if bad:
        problems.append((column, "is a number", bad))
    return parsed


def _flags(citizens: pd.DataFrame, column: str, problems: list) -> pd.Series:
    """True/False/missing from bools, 0/1 or the words true/false/yes/no."""
    values = citizens[column]
    text = values.astype("string").str.strip().str.lower()
    parsed = text.map(_TRUE, na_action="ignore").astype("boolean")
    bad = int((parsed.isna() & values.notna()).sum())
    if bad:
        problems.append((column, "is true or false (bool, 0/1, yes/no)", bad))
    return parsed


def _completed_years(birth: pd.Series, reference: pd.Series) -> pd.Series:
    """Whole years from *birth* to *reference*: turned n on the n-th birthday.

    Someone born on 29 February turns a year older on 1 March in common years.
    """
    years = reference.dt.year - birth.dt.year
    before_birthday = (reference.dt.month < birth.dt.month) | (
        (reference.dt.month == birth.dt.month) & (reference.dt.day < birth.dt.day)
    )
    return years.astype(float) - before_birthday.astype(float)


@attrs.frozen(kw_only=True, eq=False)
class Eligibility:
    """Which citizens belong to JF_TG1 or JF_TG2, and why the others do not.

    Attributes
    ----------
    eligible : pandas.Series of bool
        One value per row of the citizens table (same index).
    target_group : pandas.Series of string
        ``"JF_TG1"``, ``"JF_TG2"`` or missing (not eligible), same index.
    failures : pandas.DataFrame
        Columns ``condition`` and ``n_citizens``: how many **ineligible** citizens fail each
        condition. A citizen failing several conditions is counted under each, so the counts
        may add up to more than the number of ineligible citizens. Counts only, no
        identifiers.
    parameters : dict
        The rule's parameters (``min_age``, ``min_support_days``, ``strict_support``,
        ``reference``).
    """

    eligible: pd.Series
    target_group: pd.Series
    failures: pd.DataFrame
    parameters: dict = attrs.field(factory=dict)

    @property
    def n_eligible(self) -> int:
        """Number of eligible citizens."""
        return int(self.eligible.sum())

    def counts(self) -> pd.DataFrame:
        """Citizens per target group: columns ``target_group`` and ``n_citizens``.

        The last row, ``not eligible``, counts the rest.
        """
        groups = [*TARGET_GROUPS, "not eligible"]
        values = self.target_group.fillna("not eligible")
        n = [int((values == g).sum()) for g in groups]
        return pd.DataFrame({"target_group": groups, "n_citizens": n})

    def to_frame(self) -> pd.DataFrame:
        """Per row of the citizens table (same index): ``eligible`` and ``target_group``."""
        return pd.DataFrame({"eligible": self.eligible, "target_group": self.target_group})

    def __str__(self) -> str:
        counts = self.counts().set_index("target_group")["n_citizens"]
        total = len(self.eligible)
        head = (
            f"JobFirst eligibility: {self.n_eligible} of {total} citizens eligible "
            f"(JF_TG1 {counts['JF_TG1']}, JF_TG2 {counts['JF_TG2']})"
        )
        failing = self.failures[self.failures["n_citizens"] > 0]
        if failing.empty:
            return head
        return (
            f"{head}; conditions failed by the {counts['not eligible']} not eligible:\n"
            + failing.to_string(index=False)
        )


def _required(citizens: pd.DataFrame, reference: str) -> list[tuple[str, str, int]]:
    missing = []
    present = set(citizens.columns)
    alternatives = {"age": "birth_date", "public_support_days": "public_support_since"}
    uses_dates = False
    for column in ELIGIBILITY_COLUMNS:
        if column in present:
            continue
        other = alternatives.get(column)
        if other is not None and other in present:
            uses_dates = True
            continue
        rule = "column present" + (f" (or {other})" if other else "")
        missing.append((column, rule, len(citizens)))
    if uses_dates and reference not in present:
        missing.append((reference, "column present (reference date of the dates)", len(citizens)))
    return missing


def eligibility(
    citizens: pd.DataFrame,
    *,
    min_age: float = MIN_AGE,
    min_support_days: float = MIN_PUBLIC_SUPPORT_DAYS,
    strict_support: bool = False,
    reference: str = "visitation_date",
) -> Eligibility:
    """Target group JF_TG1 / JF_TG2 of every citizen (SPEC.md §2.1; 004, L26-31).

    Parameters
    ----------
    citizens : pandas.DataFrame
        One row per citizen with these columns (:data:`ELIGIBILITY_COLUMNS`):

        * ``age``: age in whole years at the draw date; or ``birth_date``, from which the
          age at the ``reference`` date is computed;
        * ``benefit``: benefit code at the draw, compared case-insensitively:
          ``resource_course_benefit`` (*ressourceforløbsydelse*), ``cash_benefit``
          (*kontanthjælp*), ``integration_benefit`` (*integrationsydelse*) or any other code
          (e.g. ``education_benefit``, ``sickness_benefit``), which qualifies for neither group;
        * ``activity_ready``: activity-ready (*aktivitetsparat*): bool, 0/1 or yes/no;
        * ``public_support_days``: days of public income support up to the draw date; or
          ``public_support_since``, the date the support began, counted to the ``reference``
          date;
        * ``integration_programme``: covered by the integration programme of the
          Integration Act: bool, 0/1 or yes/no.
    min_age : float, default 30
        "Fyldt 30 år": has turned 30 (004, L28-29): eligible from ``age >= min_age``.
    min_support_days : float, default 365
        Length of public income support JF_TG2 needs (004, L29).
    strict_support : bool, default False
        ``False``: "at least one year", ``days >= min_support_days``; ``True``: "more than one
        year", ``days > min_support_days``. The source says both (004, L29; SPEC.md §11
        A-22, interpretation).
    reference : str, default "visitation_date"
        Column of the reference date for ``birth_date`` and ``public_support_since``: the draw
        date (SPEC.md §11 A-23, interpretation). Not read when ``age`` and
        ``public_support_days`` are given.

    Returns
    -------
    Eligibility

    Raises
    ------
    ValidationError
        Naming every missing column and every column with unreadable values (table,
        column, rule, count), never a value of an identifier.
    ValueError
        For a negative ``min_age`` or ``min_support_days``.

    Notes
    -----
    With age :math:`a`, benefit :math:`b`, activity-ready :math:`r`, support days :math:`s`
    and integration programme :math:`p`:

    .. math::

        \\text{TG1} = (a \\ge 30) \\wedge (b = \\text{resource\\_course\\_benefit}),

        \\text{TG2} = (a \\ge 30) \\wedge r \\wedge
        (b \\in \\{\\text{cash\\_benefit}, \\text{integration\\_benefit}\\}) \\wedge
        (s \\ge 365) \\wedge \\neg p

    (``s > 365`` with ``strict_support``). A missing value makes its condition fail (the
    citizen cannot be shown to qualify) and is counted as ``<column> missing``. The
    conditions of JF_TG2 (activity-ready, support, integration programme) are reported only
    for ineligible citizens on cash or integration benefit, the only ones they could make
    eligible. With ``birth_date``, age is the number of birthdays passed on the reference
    date (someone born on 29 February turns a year older on 1 March in common years); with
    ``public_support_since``, :math:`s` is the reference date minus that date in days.

    Examples
    --------
    >>> import pandas as pd
    >>> from activemeasures_jobfirst.eligibility import eligibility
    >>> citizens = pd.DataFrame({
    ...     "age": [30, 29, 45, 45],
    ...     "benefit": ["resource_course_benefit", "resource_course_benefit", "cash_benefit",
    ...                 "cash_benefit"],
    ...     "activity_ready": [False, True, True, True],
    ...     "public_support_days": [0, 900, 365, 364],
    ...     "integration_programme": [False, False, False, False]})
    >>> result = eligibility(citizens)
    >>> result.target_group.tolist()
    ['JF_TG1', <NA>, 'JF_TG2', <NA>]
    >>> print(result)
    JobFirst eligibility: 2 of 4 citizens eligible (JF_TG1 1, JF_TG2 1); conditions failed by
    the 2 not eligible:
                                                           condition  n_citizens
                                                        age below 30           1
    public income support of less than 365 days (cash or integration benefit)           1
    >>> eligibility(citizens, strict_support=True).eligible.tolist()  # "more than one year"
    [True, False, False, False]
    """
    if not isinstance(citizens, pd.DataFrame):
        raise TypeError(f"citizens must be a pandas DataFrame, got {type(citizens).__name__}")
    for name, value in (("min_age", min_age), ("min_support_days", min_support_days)):
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    missing = _required(citizens, reference)
    if missing:
        raise _error(missing)
    problems: list[tuple[str, str, int]] = []
    columns = set(citizens.columns)
    uses_dates = not {"age", "public_support_days"} <= columns
    ref = _dates(citizens, reference, problems) if uses_dates else None
    if "age" in columns:
        age = _numbers(citizens, "age", problems)
    else:
        age = _completed_years(_dates(citizens, "birth_date", problems), ref)
    if "public_support_days" in columns:
        support = _numbers(citizens, "public_support_days", problems)
    else:
        since = _dates(citizens, "public_support_since", problems)
        support = (ref - since).dt.days.astype(float)
    benefit = citizens["benefit"].astype("string").str.strip().str.lower()
    ready = _flags(citizens, "activity_ready", problems)
    programme = _flags(citizens, "integration_programme", problems)
    if problems:
        raise _error(problems)

    old_enough = (age >= min_age).fillna(False).astype(bool)
    tg1_benefit = benefit.isin(TG1_BENEFITS).fillna(False).astype(bool)
    tg2_benefit = benefit.isin(TG2_BENEFITS).fillna(False).astype(bool)
    is_ready = ready.fillna(False).astype(bool)
    enough_support = (
        (support > min_support_days) if strict_support else (support >= min_support_days)
    )
    enough_support = enough_support.fillna(False).astype(bool)
    outside_programme = (~programme).fillna(False).astype(bool)
    tg1 = old_enough & tg1_benefit
    tg2 = old_enough & tg2_benefit & is_ready & enough_support & outside_programme
    eligible = (tg1 | tg2).rename("eligible")
    group = pd.Series(pd.NA, index=citizens.index, dtype="string", name="target_group")
    group[tg1] = "JF_TG1"
    group[tg2] = "JF_TG2"

    out = ~eligible
    on_tg2 = out & tg2_benefit
    short = (
        f"public income support of at most {min_support_days:g} days"
        if strict_support
        else f"public income support of less than {min_support_days:g} days"
    )
    conditions = [
        ("age missing", out & age.isna()),
        (f"age below {min_age:g}", out & (age < min_age).fillna(False).astype(bool)),
        ("benefit missing", out & benefit.isna()),
        (
            "benefit is not resource-course, cash or integration benefit",
            out & benefit.notna() & ~tg1_benefit & ~tg2_benefit,
        ),
        ("activity_ready missing (cash or integration benefit)", on_tg2 & ready.isna()),
        (
            "not activity-ready (cash or integration benefit)",
            on_tg2 & (~ready).fillna(False).astype(bool),
        ),
        ("public_support_days missing (cash or integration benefit)", on_tg2 & support.isna()),
        (f"{short} (cash or integration benefit)", on_tg2 & support.notna() & ~enough_support),
        (
            "integration_programme missing (cash or integration benefit)",
            on_tg2 & programme.isna(),
        ),
        (
            "in the integration programme (cash or integration benefit)",
            on_tg2 & programme.fillna(False).astype(bool),
        ),
    ]
    failures = pd.DataFrame(
        {
            "condition": [name for name, _ in conditions],
            "n_citizens": [int(mask.sum()) for _, mask in conditions],
        }
    )
    return Eligibility(
        eligible=eligible,
        target_group=group,
        failures=failures,
        parameters={
            "min_age": min_age,
            "min_support_days": min_support_days,
            "strict_support": bool(strict_support),
            "reference": reference,
        },
    )
