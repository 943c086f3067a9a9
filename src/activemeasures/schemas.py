"""pandera schemas of the input tables (DESIGN.md §4.1).

Each schema checks presence, missing values, uniqueness, types (dates and numbers are coerced)
and the value rules of one table. Cross-table rules (a record must belong to a known citizen)
live in :mod:`activemeasures.validation`, which runs every schema lazily and reports all
problems at once.

Columns not named here are kept untouched (covariates, ``target_group``, ...).
"""

from __future__ import annotations

import numpy as np
import pandera.pandas as pa

from activemeasures.states import DERIVED_STATES, State

__all__ = [
    "ACTIVITIES",
    "ARMS",
    "CITIZENS",
    "EVENTS",
    "HOURS",
    "IDENTIFIER_COLUMNS",
    "MAX_HOURS",
    "RESPONDENTS",
    "SURVEY",
    "VISITATIONS",
    "is_identifier_column",
]

#: Values of the ``arm`` column of the citizens table.
ARMS: tuple[str, ...] = ("treatment", "control", "comparison")

#: Values of the ``respondent`` column of the survey table.
RESPONDENTS: tuple[str, ...] = ("staff", "citizen")

#: Columns that identify persons; their values never appear in any message.
IDENTIFIER_COLUMNS: frozenset[str] = frozenset({"citizen_id", "respondent_id"})


def is_identifier_column(name: object) -> bool:
    """Whether values of column *name* must never be shown (identifiers and any ``*_id``).

    Examples
    --------
    >>> from activemeasures.schemas import is_identifier_column
    >>> is_identifier_column("citizen_id"), is_identifier_column("workplace_id")
    (True, True)
    >>> is_identifier_column("municipality")
    False
    """
    text = str(name)
    return text in IDENTIFIER_COLUMNS or text.endswith("_id")


def _ends_on_or_after_start(start: str, end: str) -> pa.Check:
    # Table-level check; its name starts with the column it is reported under. Missing or
    # unreadable dates are reported by their own rules, not as broken order.
    return pa.Check(
        lambda df: (df[end] >= df[start]) | df[start].isna() | df[end].isna(),
        name=f"{end} on or after {start}",
        element_wise=False,
    )


_non_negative_finite = [
    pa.Check.ge(0),
    pa.Check(np.isfinite, name="finite"),
]

#: Most hours one record of the hours table may hold: more than 100 years of round-the-clock
#: work, so certainly a data error; it also keeps the panel's float32 hours finite.
MAX_HOURS = 1_000_000

#: One row per citizen: ``citizen_id`` (unique key), ``municipality``, ``visitation_date``,
#: and ``arm`` (treatment/control/comparison) or ``group`` (visitation group code).
CITIZENS = pa.DataFrameSchema(
    {
        "citizen_id": pa.Column(None, nullable=False, unique=True),
        "municipality": pa.Column(None, nullable=False),
        "visitation_date": pa.Column(pa.DateTime, nullable=False, coerce=True),
        "arm": pa.Column(None, pa.Check.isin(ARMS), nullable=True, required=False),
        "group": pa.Column(None, nullable=True, required=False),
    },
    name="citizens",
    strict=False,
)

#: One row per activity record: ``citizen_id``, ``activity`` (a :class:`~activemeasures.State`
#: name; ``ORDINARY_HOURS`` is derived from the hours table and not allowed here), ``start``,
#: ``end`` (inclusive dates) and optionally ``workplace_id`` and ``hours_per_week``.
ACTIVITIES = pa.DataFrameSchema(
    {
        "citizen_id": pa.Column(None, nullable=False),
        "activity": pa.Column(
            None,
            [
                pa.Check(
                    lambda s: s.isin([m.name for m in State]),
                    name="a State name (see activemeasures.State)",
                ),
                pa.Check(
                    lambda s: ~s.isin([m.name for m in DERIVED_STATES]),
                    name="not a derived state (ORDINARY_HOURS comes from the hours table)",
                ),
            ],
            nullable=False,
        ),
        "start": pa.Column(pa.DateTime, nullable=False, coerce=True),
        "end": pa.Column(pa.DateTime, nullable=False, coerce=True),
        "workplace_id": pa.Column(None, nullable=True, required=False),
        "hours_per_week": pa.Column(
            float, _non_negative_finite, nullable=True, required=False, coerce=True
        ),
    },
    checks=[_ends_on_or_after_start("start", "end")],
    name="activities",
    strict=False,
)

#: One row per reported period of ordinary paid hours: ``citizen_id``, ``period_start``,
#: ``period_end`` (inclusive dates), ``hours`` (total ordinary hours in the period, at most
#: :data:`MAX_HOURS`) and optionally ``workplace_id``.
HOURS = pa.DataFrameSchema(
    {
        "citizen_id": pa.Column(None, nullable=False),
        "period_start": pa.Column(pa.DateTime, nullable=False, coerce=True),
        "period_end": pa.Column(pa.DateTime, nullable=False, coerce=True),
        "hours": pa.Column(
            float,
            [
                *_non_negative_finite,
                # Infinite hours are reported by "finite" alone.
                pa.Check(lambda s: ~np.isfinite(s) | (s <= MAX_HOURS), name=f"<= {MAX_HOURS}"),
            ],
            nullable=False,
            coerce=True,
        ),
        "workplace_id": pa.Column(None, nullable=True, required=False),
    },
    checks=[_ends_on_or_after_start("period_start", "period_end")],
    name="hours",
    strict=False,
)

#: One row per register event: ``citizen_id``, ``date`` and ``event`` (a free code such as
#: ``conversation``, ``job_goal``, ``cv_update``, ``progression_tool``, ``activity_plan``,
#: ``work_agreement``, ``plan_update``; programmes name the codes their indicators use), and
#: optionally ``participants`` (e.g. ``"KS,VK,mentor"``).
EVENTS = pa.DataFrameSchema(
    {
        "citizen_id": pa.Column(None, nullable=False),
        "date": pa.Column(pa.DateTime, nullable=False, coerce=True),
        "event": pa.Column(
            None,
            pa.Check(lambda s: s.astype(str).str.strip().str.len() > 0, name="not empty"),
            nullable=False,
        ),
        "participants": pa.Column(None, nullable=True, required=False),
    },
    name="events",
    strict=False,
)

#: One row per survey answer: ``respondent_id``, ``municipality``, ``respondent``
#: (``staff``/``citizen``), ``round`` (e.g. ``baseline``, ``midterm``, ``final``), ``item``
#: (question code) and ``value`` (the numeric answer, e.g. 1-5). Missing answers are left out
#: of the table, not coded.
SURVEY = pa.DataFrameSchema(
    {
        "respondent_id": pa.Column(None, nullable=False),
        "municipality": pa.Column(None, nullable=False),
        "respondent": pa.Column(None, pa.Check.isin(RESPONDENTS), nullable=False),
        "round": pa.Column(None, nullable=False),
        "item": pa.Column(None, nullable=False),
        "value": pa.Column(
            float, pa.Check(np.isfinite, name="finite"), nullable=False, coerce=True
        ),
    },
    unique=["respondent_id", "round", "item"],
    report_duplicates="exclude_first",
    name="survey",
    strict=False,
)

#: One row per visitation record: ``citizen_id``, ``group`` (visitation group code),
#: ``start`` and ``end`` (``end`` may be missing: an open record). A citizen may have several
#: records; a programme resolves them to one (SPEC.md §7.2).
VISITATIONS = pa.DataFrameSchema(
    {
        "citizen_id": pa.Column(None, nullable=False),
        "group": pa.Column(None, nullable=False),
        "start": pa.Column(pa.DateTime, nullable=False, coerce=True),
        "end": pa.Column(pa.DateTime, nullable=True, coerce=True),
    },
    name="visitations",
    strict=False,
)
