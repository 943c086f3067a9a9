"""Disclosure control of every table of an evaluation, before anything is written.

:func:`protect_evaluation` decides, table by table, which columns are counts of persons and
which statistics rest on which count, and runs :mod:`activemeasures.disclosure` on it. The
report writer draws its figures and writes its CSV files from these protected tables only,
so nothing leaves the library that has not passed through disclosure control (DESIGN.md §10).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from activemeasures.disclosure import DisclosureControl, ProtectedTable, protect, protect_shares
from activemeasures.disclosure._suppress import exposed_frame
from activemeasures.estimators.curves import EFFECT_COLUMNS

__all__ = ["SUMMARY_COLUMNS", "TEXT_TABLES", "disclosure_summary", "protect_evaluation"]

#: Tables of :meth:`Evaluation.tables` that hold no statistic on persons (text and settings):
#: written as they are.
TEXT_TABLES = ("parameters", "plugins", "problems")

#: Columns of :func:`disclosure_summary`.
SUMMARY_COLUMNS = ("table", "n_cells", "n_primary", "n_secondary", "n_exposed_totals")

#: Statistics of an effect curve and the counts each rests on: a mean on its arm, every
#: contrast of the arms (estimate, SE, CI, p-value, df, band) on both arms.
_BOTH = ("n_treatment", "n_control")
_EFFECT_ROLES = {
    "mean_treatment": "n_treatment",
    "mean_control": "n_control",
    **dict.fromkeys(
        (
            c
            for c in EFFECT_COLUMNS
            if c not in ("week", *_BOTH, "mean_treatment", "mean_control", "n_blocks_dropped")
        ),
        _BOTH,
    ),
}

_SHARE_SCALE = "share"


def _without(table: ProtectedTable, column: str) -> ProtectedTable:
    """The table without a helper count column (it never leaves the library)."""
    return ProtectedTable(
        frame=table.frame.drop(columns=column),
        suppressed=table.suppressed.drop(columns=column),
        n_cells=table.n_cells,
        n_primary=table.n_primary,
        n_secondary=table.n_secondary,
        exposed_totals=table.exposed_totals,
        control=table.control,
    )


def _curve_table(frame: pd.DataFrame, keys: list[str], control) -> ProtectedTable:
    """Effect curves (and the headline): means on their arm, contrasts on the smaller arm."""
    roles = {k: v for k, v in _EFFECT_ROLES.items() if k in frame.columns}
    labels = [c for c in frame.columns if c not in roles and c not in keys]
    labels = [c for c in labels if c not in ("n_treatment", "n_control")]
    return protect(frame, count=roles, by=keys, labels=labels, margins=False, control=control)


def _incidence_difference(
    difference: pd.DataFrame, incidence: pd.DataFrame, control
) -> ProtectedTable:
    """Treatment − control cumulative incidence rests on the smaller risk set of the week."""
    if difference.empty:
        frame = difference.assign(_n_both=pd.Series(dtype=float))
        values = [c for c in difference.columns if c not in ("outcome", "week")]
        table = protect(
            frame, count="_n_both", values=values, by=["outcome", "week"], control=control
        )
        return _without(table, "_n_both")
    at_risk = incidence.pivot_table(
        index=["outcome", "week"], columns="group", values="n_at_risk", aggfunc="first"
    )
    smaller = (
        at_risk.reindex(columns=["treatment", "control"]).min(axis=1).rename("_n_both")
        if len(at_risk)
        else pd.Series(dtype=float, name="_n_both")
    )
    frame = difference.merge(smaller.reset_index(), on=["outcome", "week"], how="left")
    frame["_n_both"] = frame["_n_both"].fillna(0)
    values = [c for c in difference.columns if c not in ("outcome", "week")]
    table = protect(
        frame,
        count="_n_both",
        values=values,
        by=["outcome", "week"],
        margins=False,
        control=control,
    )
    return _without(table, "_n_both")


def _combined(parts: list[ProtectedTable], index: pd.Index, control) -> ProtectedTable:
    return ProtectedTable(
        frame=pd.concat([p.frame for p in parts]).loc[index],
        suppressed=pd.concat([p.suppressed for p in parts]).loc[index],
        n_cells=sum(p.n_cells for p in parts),
        n_primary=sum(p.n_primary for p in parts),
        n_secondary=sum(p.n_secondary for p in parts),
        exposed_totals=pd.concat([p.exposed_totals for p in parts], ignore_index=True),
        control=control,
    )


def _shares(
    frame: pd.DataFrame,
    *,
    keys: list[str],
    labels: list[str],
    values: list[str],
    is_share: np.ndarray,
    control,
) -> ProtectedTable:
    """Indicator-like tables (``unit, numerator, denominator, value``), row groups by rule.

    Shares use the "both" rule (numerator and denominator − numerator) with secondary
    suppression against the national row; scores, differences and rows without a numerator
    (contrasts, whose denominator is the sum of both arms) rest on their denominator (a
    score's numerator is a sum of answers, not a count).
    """
    common = {"unit": "unit", "by": keys, "labels": labels, "values": values, "control": control}
    # Rows without any number ("no data": no respondent or citizen in the unit, e.g. an
    # empty survey) rest on no person: they go out as they are and are not examined.
    no_data = frame[["numerator", "denominator", "value"]].isna().all(axis=1).to_numpy(bool)
    parts = [_as_is(frame[no_data], control)] if no_data.any() else []
    rest, is_share = frame[~no_data], np.asarray(is_share, dtype=bool)[~no_data]
    counted = rest["numerator"].notna().to_numpy(dtype=bool)
    shares = is_share & counted
    if shares.any():
        parts.append(protect_shares(rest[shares], share_rule="both", **common))
    if (~shares).any():
        parts.append(
            protect(
                rest[~shares],
                count="denominator",
                values=["numerator", "value", *values],
                by=[*keys, "unit"],
                labels=labels,
                margins=False,
                control=control,
            )
        )
    if not parts:
        return protect_shares(frame, **common)
    return _combined(parts, frame.index, control)


def _as_is(frame: pd.DataFrame, control) -> ProtectedTable:
    """Rows that carry no statistic on persons: nothing examined, nothing suppressed."""
    return ProtectedTable(
        frame=frame.copy(),
        suppressed=pd.DataFrame(False, index=frame.index, columns=frame.columns),
        n_cells=0,
        n_primary=0,
        n_secondary=0,
        exposed_totals=exposed_frame(frame.iloc[:0], [], [], ""),
        control=control,
    )


def _derived(frame: pd.DataFrame, column: str, hidden: np.ndarray, control) -> ProtectedTable:
    """A table of lights or levels hidden where what they are derived from is hidden."""
    out = frame.copy()
    out[column] = out[column].astype(object).mask(hidden)
    suppressed = pd.DataFrame(False, index=frame.index, columns=frame.columns)
    suppressed[column] = hidden
    return ProtectedTable(
        frame=out,
        suppressed=suppressed,
        n_cells=len(frame),
        n_primary=0,
        n_secondary=int(hidden.sum()),
        exposed_totals=exposed_frame(frame.iloc[:0], [], [], ""),
        control=control,
    )


def _hidden_keys(protected: ProtectedTable, keys: list[str], column: str) -> set[tuple]:
    rows = protected.suppressed[column].to_numpy(dtype=bool)
    return set(map(tuple, protected.frame.loc[rows, keys].astype(str).to_numpy().tolist()))


def _lookup(frame: pd.DataFrame, keys: list[str], hidden: set[tuple]) -> np.ndarray:
    if frame.empty or not hidden:
        return np.zeros(len(frame), dtype=bool)
    tuples = map(tuple, frame.loc[:, keys].astype(str).to_numpy().tolist())
    return np.fromiter((t in hidden for t in tuples), dtype=bool, count=len(frame))


def protect_evaluation(
    evaluation, control: DisclosureControl | None = None
) -> dict[str, ProtectedTable | pd.DataFrame]:
    """Every table of an evaluation after disclosure control.

    Parameters
    ----------
    evaluation : Evaluation
    control : DisclosureControl, optional
        Default ``DisclosureControl()`` (``min_cell=5``).

    Returns
    -------
    dict of str to ProtectedTable or pandas.DataFrame
        The keys of :meth:`Evaluation.tables` and then ``extra_<key>`` for each of
        :attr:`Evaluation.extra_tables`; :data:`TEXT_TABLES` (no statistic on persons) stay
        plain frames, every other table is a :class:`~activemeasures.disclosure.ProtectedTable`.

    Notes
    -----
    With :math:`m` = ``min_cell``, the roles of the columns (counts of persons are
    suppressed from 1 to :math:`m - 1`, with every statistic resting on them):

    ==========================  ===========================================================
    table                       roles
    ==========================  ===========================================================
    quality                     ``n_records`` counted like persons (conservative)
    sample                      ``n_citizens``, ``n_full_follow_up``; totals published
    effects, headline           each arm's mean on its ``n``; estimate, SE, CI, p, bands on
                                the smaller arm of the week
    incidence                   share, SE, CI on ``n_at_risk``; ``n_events`` a count
    incidence_difference        on the smaller risk set of the week
    balance                     each arm's mean on its ``n``; difference and p on the
                                smaller arm
    criteria                    :func:`~activemeasures.disclosure.protect_shares` per
                                criterion, municipalities against the national row
    fidelity_indicators         as criteria; shares by the "both" rule (numerator and
                                non-numerator), scores and differences by the denominator
    fidelity_sub_components     a light is hidden where one of its indicators is hidden in
                                that municipality (counted as secondary)
    fidelity_ratings            a level is hidden where one of its sub-components is
    municipal                   each arm's mean on its ``n``, the effect on the smaller;
                                totals over municipalities published (the arm sizes)
    descriptive                 ``mean`` on ``n_observed``
    extra tables                the roles the :class:`~activemeasures.ReportTable` declares
    ==========================  ===========================================================

    A cumulative-incidence curve is a running product: where weekly event counts are
    hidden, the step of the shown curve can still reveal them. The risk set of a shown
    point has at least :math:`m` persons; evaluators whose rules require :math:`m` events
    per step should publish the curve at coarser weeks.
    """
    control = DisclosureControl() if control is None else control
    tables = evaluation.tables()
    out: dict[str, ProtectedTable | pd.DataFrame] = {k: tables[k] for k in TEXT_TABLES}

    out["quality"] = protect(
        tables["quality"],
        count="n_records",
        by=["table", "rule", "action"],
        margins=False,
        control=control,
    )
    out["sample"] = protect(
        tables["sample"],
        count="n_citizens",
        counts=["n_full_follow_up"],
        by=["by", "value"],
        control=control,
    )
    out["effects"] = _curve_table(tables["effects"], ["outcome", "week"], control)
    if evaluation.randomised:
        out["headline"] = _curve_table(tables["headline"], ["outcome", "week"], control)
    else:  # the descriptive rows at the headline weeks
        out["headline"] = _descriptive(tables["headline"], control)
    out["incidence"] = protect(
        tables["incidence"],
        count="n_at_risk",
        values=["cumulative_share", "std_error", "ci_lower", "ci_upper"],
        counts=["n_events"],
        by=["outcome", "group", "week"],
        margins=False,
        control=control,
    )
    out["incidence_difference"] = _incidence_difference(
        tables["incidence_difference"], tables["incidence"], control
    )
    out["balance"] = protect(
        tables["balance"],
        count={
            "mean_treatment": "n_treatment",
            "mean_control": "n_control",
            "std_mean_diff": _BOTH,
            "p_value": _BOTH,
        },
        by=["covariate"],
        margins=False,
        control=control,
    )
    criteria = tables["criteria"]
    out["criteria"] = _shares(
        criteria,
        keys=["key"],
        labels=["label", "target"],
        values=["met"],
        is_share=np.ones(len(criteria), dtype=bool),
        control=control,
    )
    indicator_list = evaluation.programme.indicators
    scales = {i.key: getattr(i.kind, "scale", _SHARE_SCALE) for i in indicator_list}
    frame = tables["fidelity_indicators"]
    indicators = _shares(
        frame,
        keys=["round", "element", "sub_component", "indicator"],
        labels=["label", "source"],
        values=["light"],
        is_share=frame["indicator"].map(lambda k: scales.get(k) == _SHARE_SCALE).to_numpy(bool),
        control=control,
    )
    out["fidelity_indicators"] = indicators
    keys = ["round", "element", "sub_component", "unit"]
    hidden = _hidden_keys(indicators, keys, "value") | _hidden_keys(indicators, keys, "light")
    subs = tables["fidelity_sub_components"]
    sub_hidden = _lookup(subs, keys, hidden) & control.enabled
    out["fidelity_sub_components"] = _derived(subs, "light", sub_hidden, control)
    element_keys = ["round", "element", "unit"]
    hidden_elements = set(
        map(tuple, subs.loc[sub_hidden, element_keys].astype(str).to_numpy().tolist())
    )
    ratings = tables["fidelity_ratings"]
    rating_hidden = _lookup(ratings, element_keys, hidden_elements) & control.enabled
    out["fidelity_ratings"] = _derived(ratings, "level", rating_hidden, control)
    out["municipal"] = _municipal(tables["municipal"], control)
    out["descriptive"] = _descriptive(tables["descriptive"], control)
    roles = {table.key: table for table in evaluation.programme.report_tables}
    for key, frame in evaluation.extra_tables.items():
        table = roles[key]
        out[f"extra_{key}"] = protect(
            frame,
            count=table.count,
            values=table.values,
            by=table.by,
            labels=table.labels,
            control=control,
        )
    return out


def _descriptive(frame: pd.DataFrame, control) -> ProtectedTable:
    """Weekly means per group (``outcome, label, <group>, week, n_observed, mean``)."""
    return protect(
        frame,
        count="n_observed",
        values=["mean"],
        by=["outcome", frame.columns[2], "week"],
        labels=["label"],
        margins=False,
        control=control,
    )


def _municipal(frame: pd.DataFrame, control) -> ProtectedTable:
    window = ["first_week", "last_week", "n_weeks"]
    if "n_treatment" in frame.columns:  # randomised: municipality_effects
        return protect(
            frame,
            count={"mean_treatment": "n_treatment", "mean_control": "n_control", "effect": _BOTH},
            by=["outcome", "municipality"],
            labels=window,
            control=control,
        )
    return protect(
        frame,
        count="n_citizens",
        values=["mean"],
        by=["outcome", "municipality", "arm"],
        labels=window,
        control=control,
    )


def disclosure_summary(protected: Mapping[str, ProtectedTable | pd.DataFrame]) -> pd.DataFrame:
    """Cells examined and suppressed per table (the report's disclosure table).

    Parameters
    ----------
    protected : mapping
        The result of :func:`protect_evaluation`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SUMMARY_COLUMNS`, one row per protected table and a ``total`` row.
    """
    rows = [
        (name, t.n_cells, t.n_primary, t.n_secondary, len(t.exposed_totals))
        for name, t in protected.items()
        if isinstance(t, ProtectedTable)
    ]
    frame = pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
    total = frame.iloc[:, 1:].sum().tolist()
    frame.loc[len(frame)] = ["total", *total]
    return frame.astype(dict.fromkeys(SUMMARY_COLUMNS[1:], "int64"))
