"""The monthly tables of the 'Flere skal med' report (Fig 4-3a style; SPEC.md §4.7).

Registered with the core's ``register_report_tables`` hook: :func:`activemeasures.evaluate`
computes them into ``Evaluation.extra_tables`` and the report draws one panel per outcome,
one line per visitation group, by month since visitation.
"""

from __future__ import annotations

import pandas as pd

import activemeasures as am
from activemeasures.errors import MissingTableError
from activemeasures_flereskalmed.constants import FOLLOW_UP_MONTHS
from activemeasures_flereskalmed.outcomes import monthly_outcomes, outcomes, weeks_for_months

__all__ = ["MONTHLY_TABLE", "monthly_table", "report_tables"]

#: Key of the monthly outcome table (file ``extra_monthly_outcomes.csv`` of the report).
MONTHLY_TABLE = "monthly_outcomes"


def monthly_table(dataset: am.Dataset, *, months: int = FOLLOW_UP_MONTHS):
    """Every 'Flere skal med' outcome per visitation group and month since visitation.

    Parameters
    ----------
    dataset : Dataset
        Its citizens table needs the visitation ``group`` column.
    months : int, default 29
        Months 1-29 (003, L2187-2197).

    Returns
    -------
    pandas.DataFrame
        :func:`~activemeasures_flereskalmed.outcomes.monthly_outcomes` on a panel of the
        weeks those months need (127 for 29); citizens without a visitation group form the
        group ``"comparison"`` (when they are all of arm ``comparison``, otherwise
        ``"no group"``).

    Raises
    ------
    MissingTableError
        When the citizens table has no ``group`` column.

    Examples
    --------
    >>> from activemeasures.datasets import simulate_trial
    >>> from activemeasures_flereskalmed.report_tables import monthly_table
    >>> data = simulate_trial("flereskalmed", n_citizens=200, n_municipalities=4, seed=2)
    >>> table = monthly_table(data, months=3)
    >>> sorted(table["month"].unique().tolist()), sorted(table["group"].unique())
    ([1, 2, 3], ['1', '2', '3', '6', 'comparison'])
    """
    if "group" not in dataset.citizens.columns:
        raise MissingTableError(
            "the monthly outcomes need the visitation group: column 'group' of the citizens "
            "table (resolve the visitations first)"
        )
    weeks = int(weeks_for_months(months)[1][-1])
    table = monthly_outcomes(dataset.panel(weeks), outcomes(), months=months, groups="group")
    # Citizens without a visitation group are the comparison group (arm "comparison").
    citizens = dataset.citizens
    no_group = citizens["group"].isna()
    arms = citizens["arm"] if "arm" in citizens.columns else pd.Series(pd.NA, index=no_group.index)
    label = "comparison" if (arms[no_group] == "comparison").all() else "no group"
    table["group"] = table["group"].astype("string").fillna(label)
    return table


def report_tables() -> list[am.ReportTable]:
    """The monthly outcome table with its figure (shares by group and month)."""
    return [
        am.ReportTable(
            key=MONTHLY_TABLE,
            title="Outcomes by month since visitation and visitation group",
            caption=(
                "Share of the citizens observed in each month since visitation who were in "
                "the state in any week of the month (hours: with ordinary hours), by "
                "visitation group; month m covers the weeks starting 30.4375(m−1) to "
                "30.4375m days after the visitation date and is observed when all its weeks "
                "are (003, L2187-2197; SPEC.md §4.7, §11 A-41). Descriptive, not effects. "
                "n per group and month in the table; cells resting on fewer than 5 persons "
                "are not shown."
            ),
            compute=monthly_table,
            count={
                "share": ["n_observed", "n_in_state"],
                "mean": ["n_observed", "n_in_state"],
            },
            by=["outcome", "group", "month"],
            figure=am.ReportFigure(
                x="month",
                y="share",
                group="group",
                panel="outcome",
                xlabel="months since visitation",
                ylabel="share",
            ),
        )
    ]
