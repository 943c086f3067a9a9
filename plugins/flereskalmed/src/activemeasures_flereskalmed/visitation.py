"""'Flere skal med' visitation records reduced to one group per citizen (SPEC.md §7.2).

The visitation data (DFDG/DREAM) often hold several records per citizen; the evaluation
followed Deloitte's sorting definitions so that register groups match the monitoring reports
(003, L3951-3975). :func:`deduplicate_visitations` applies that rule, vectorised: one sort
of all records on a composite key, then the first record of each citizen.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import numpy as np
import pandas as pd

import activemeasures as am
from activemeasures.errors import FAILURE_COLUMNS
from activemeasures.quality import DataQualityReport, QualityEntry
from activemeasures_flereskalmed.constants import GROUP_RANK, PROGRAMME_NAME, REFERENCE_DATE

__all__ = ["RULES", "deduplicate_visitations", "group_codes", "resolve"]

_TABLE = "visitations"
_COLUMNS = ("citizen_id", "group", "start", "end")
_MAX_EXAMPLES = 3

#: The wording of the data-quality entries, by rule (SPEC.md §7.2; 003, L3971-4001).
RULES: dict[str, str] = {
    "read": "records read",
    "step0": "step 0: end date before start date",
    "open_end": "open end (no end date), left out with open_end='exclude'",
    "rule1_excluded": "rule 1: group not included (code left out by the groups option)",
    "rule1_unknown": "rule 1: unknown group code (not 1, 2, 3 or 6)",
    "lookback": "rule 2, strict look-back: starts after the reference date",
    "rule2": "rule 2: start farther from the reference date",
    "rule2_cross": "rule 2: tie across the reference date, the later record left out",
    "rule3": "rule 3: same start, shorter time to end",
    "rule4": "rule 4: same start and end, lower group preference",
    "duplicate": "same start, end and group (exact duplicate)",
    "no_record": "citizens left without an included record (not in the result)",
}


def group_codes(values: pd.Series) -> np.ndarray:
    """Visitation group codes as integers; -1 where a value is not a whole number.

    ``1``, ``1.0``, ``"1"`` and ``" 01 "`` are all group 1; ``True``, ``"1.5"`` and
    ``"x"`` are not codes.

    Examples
    --------
    >>> import pandas as pd
    >>> from activemeasures_flereskalmed.visitation import group_codes
    >>> group_codes(pd.Series([1, "2", " 06 ", 3.0, "x", 1.5, True], dtype=object))
    array([ 1,  2,  6,  3, -1, -1, -1])
    """
    series = pd.Series(values, copy=False)
    if pd.api.types.is_integer_dtype(series) and not series.hasnans:
        return series.to_numpy(dtype=np.int64)
    text = series.astype("string").str.strip()
    number = pd.to_numeric(text, errors="coerce").astype("float64").to_numpy(na_value=np.nan)
    whole = np.isfinite(number) & (np.floor(number) == number) & (np.abs(number) < 2**31)
    return np.where(whole, np.where(whole, number, 0), -1).astype(np.int64)


def _days(values: pd.Series) -> np.ndarray:
    """Whole days since 1970-01-01 (int64); missing dates give the int64 minimum."""
    return np.asarray(values, dtype="datetime64[D]").astype(np.int64)


def _as_day(value: object, name: str) -> int:
    try:
        stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a date, got {value!r}") from None
    if pd.isna(stamp):
        raise ValueError(f"{name} must be a date, got a missing value")
    return int(np.datetime64(stamp.date(), "D").astype(np.int64))


def _checked_groups(groups: Iterable[int]) -> tuple[int, ...]:
    if isinstance(groups, str | int):
        groups = (groups,)  # type: ignore[assignment]
    chosen = tuple(int(g) for g in groups)  # type: ignore[union-attr]
    unknown = [g for g in chosen if g not in GROUP_RANK]
    if not chosen or unknown:
        raise ValueError(
            f"groups must be some of the visitation groups {sorted(GROUP_RANK)}, got {groups!r}"
        )
    return tuple(dict.fromkeys(chosen))


def _checked_records(records: object) -> pd.DataFrame:
    """The records with ``start``/``end`` as dates; a ValidationError lists every problem."""
    if not isinstance(records, pd.DataFrame):
        raise TypeError(f"records must be a pandas DataFrame, got {type(records).__name__}")
    problems = []
    missing = [c for c in _COLUMNS if c not in records.columns]
    for column in missing:
        problems.append((column, "column present", 0))
    frame = records.reset_index(drop=True)
    converted = {}
    for column in ("start", "end"):
        if column in missing:
            continue
        values = frame[column]
        if not pd.api.types.is_datetime64_any_dtype(values):
            parsed = pd.to_datetime(values.astype("string"), errors="coerce", format="ISO8601")
            bad = int((parsed.isna() & values.notna()).sum())
            if bad:
                problems.append((column, "is a date (ISO 8601, e.g. 2018-01-31)", bad))
            converted[column] = parsed
    frame = frame.assign(**converted)
    for column in ("citizen_id", "group", "start"):
        if column not in missing and frame[column].isna().any():
            problems.append((column, "not missing", int(frame[column].isna().sum())))
    if problems:
        rows = [
            dict(zip(FAILURE_COLUMNS, (_TABLE, column, rule, n, ""), strict=True))
            for column, rule, n in problems
        ]
        raise am.ValidationError(pd.DataFrame(rows, columns=list(FAILURE_COLUMNS)))
    return frame


def _unknown_rule(values: pd.Series) -> str:
    """Rule 1's unknown-code wording with a few example codes (codes are not identifiers)."""
    shown = values.astype("string").drop_duplicates().head(_MAX_EXAMPLES)
    examples = ", ".join(repr(str(v)[:20]) for v in shown)
    return f"{RULES['rule1_unknown']}, e.g. {examples}" if examples else RULES["rule1_unknown"]


def deduplicate_visitations(
    records: pd.DataFrame,
    *,
    reference_date: object = REFERENCE_DATE,
    strict_lookback: bool = False,
    groups: Iterable[int] = (1, 2, 3, 6),
    open_end: Literal["longest", "exclude"] = "longest",
) -> am.ResolvedVisitations:
    """One visitation record per citizen by the 'Flere skal med' priority rule.

    Parameters
    ----------
    records : pandas.DataFrame
        The validated visitations table (:data:`activemeasures.schemas.VISITATIONS`):
        ``citizen_id``, ``group``, ``start``, ``end`` (``end`` missing: an open record),
        possibly several rows per citizen. ``group`` may hold integer or text codes; they are
        compared as integers where they parse (``1``, ``"1"``, ``1.0``; see
        :func:`group_codes`), other values are unknown codes.
    reference_date : date-like, default 2018-01-31
        Rule 2's date: the record starting closest to it wins (003, L3989-3991).
    strict_lookback : bool, default False
        Only records starting on or before the reference date are kept (and then the latest
        start wins). Default: absolute distance on either side (SPEC.md §11 A-30).
    groups : iterable of int, default (1, 2, 3, 6)
        Rule 1: the groups included (003, L3977-3987). Codes must be among 1, 2, 3 and 6;
        the preference order of rule 4 stays 1, 2, 3, 6 whatever their order here.
    open_end : {"longest", "exclude"}, default "longest"
        A record with no end date has the longest time to its end (rule 3), or is left out
        (counted). The sources do not cover open records (SPEC.md §11 A-30).

    Returns
    -------
    ResolvedVisitations
        ``table``: one row per citizen with an included record, ``citizen_id, group, start,
        end`` with ``group`` as an int64 code, citizens in order of first appearance in
        *records*. ``quality``: records read and removed by each rule (table
        ``visitations``; wording in :data:`RULES`), plus notes on ties across the reference
        date and on citizens left without a record. Counts only, no identifier.

    Raises
    ------
    ValidationError
        When a column is missing, a date cannot be read, or ``citizen_id``, ``group`` or
        ``start`` is missing (table ``visitations``; no value shown).
    ValueError
        For a bad option.

    Notes
    -----
    The steps, in the order of the source (003, L3971-4001; SPEC.md §7.2):

    0. Leave out every record whose end date is before its start date (003, L3971-3973).
       Open records are kept (``open_end="longest"``).
    1. Keep records of the included groups: 1 intervention, 2 rehabilitation,
       3 uncontactable, 6 postponed visitation (003, L3977-3987; A-31). Unknown codes are
       counted separately from known codes left out by *groups*.
    2. Prefer the start date closest to the reference date :math:`R`: distance
       :math:`d = |s - R|` in days. Two records at the same distance on either side of
       :math:`R` are not covered by the source; the **earlier** one wins, the reading of
       "preferred over an earlier visitation" as a look-back (Interpretation, A-30). With
       ``strict_lookback`` records with :math:`s > R` are left out first, so :math:`d = R - s`
       and the latest start wins.
    3. Same start: prefer the longest time to the end date, :math:`e - s`; an open end is
       the longest (Interpretation, A-30).
    4. Same start and end: prefer group 1, then 2, 3 and last 6 (003, L4001).

    As one sort: each citizen's records are ordered by the key
    :math:`(d,\\ s,\\ -(e - s),\\ \\mathrm{rank}(g))` and the first is kept, which is the
    ``min(records, key=...)`` of the reference pseudo-code in SPEC.md §7.2 with the tie
    across :math:`R` broken by :math:`s`. Each record left out is counted under the first
    rule that separates it from its citizen's chosen record: rule 2 when :math:`d` or
    :math:`s` differs (the cross-date ties are also noted separately), rule 3 when the end
    differs, rule 4 when the group differs, otherwise as an exact duplicate. So that

    .. math::

        n_\\text{read} = n_\\text{excluded} + n_\\text{citizens in the result}.

    Examples
    --------
    One citizen with three records: the one starting 2018-02-10 (10 days after the
    reference date) beats 2017-12-01 (61 days before); a record ending before it starts is
    dropped at step 0.

    >>> import pandas as pd
    >>> from activemeasures_flereskalmed.visitation import deduplicate_visitations
    >>> records = pd.DataFrame({
    ...     "citizen_id": ["a", "a", "a"], "group": [2, 1, "1"],
    ...     "start": pd.to_datetime(["2017-12-01", "2018-02-10", "2018-01-31"]),
    ...     "end": pd.to_datetime(["2018-12-01", None, "2018-01-01"])})
    >>> resolved = deduplicate_visitations(records)
    >>> resolved.table[["group", "start"]]
       group      start
    0      1 2018-02-10
    >>> resolved.quality.excluded("visitations")
    2
    """
    if open_end not in ("longest", "exclude"):
        raise ValueError(f"open_end must be 'longest' or 'exclude', got {open_end!r}")
    included = _checked_groups(groups)
    reference = _as_day(reference_date, "reference_date")
    frame = _checked_records(records)

    entries = [QualityEntry(table=_TABLE, rule=RULES["read"], action="read", n_records=len(frame))]

    def excluded(key: str, n: int, rule: str | None = None) -> None:
        entries.append(
            QualityEntry(table=_TABLE, rule=rule or RULES[key], action="excluded", n_records=n)
        )

    citizen, _ = pd.factorize(frame["citizen_id"])
    start = _days(frame["start"])
    is_open = frame["end"].isna().to_numpy(dtype=bool)
    end = np.where(is_open, np.iinfo(np.int64).max, _days(frame["end"]))
    code = group_codes(frame["group"])
    keep = np.ones(len(frame), dtype=bool)

    # Step 0: the end date is before the start date (open records are kept).
    reversed_ = ~is_open & (end < start)
    excluded("step0", int(reversed_.sum()))
    keep &= ~reversed_
    if open_end == "exclude":
        excluded("open_end", int((keep & is_open).sum()))
        keep &= ~is_open

    # Rule 1: included groups; unknown codes are counted apart from known codes left out.
    known = np.isin(code, list(GROUP_RANK))
    unknown = keep & ~known
    left_out = keep & known & ~np.isin(code, included)
    excluded("rule1_excluded", int(left_out.sum()))
    n_unknown = int(unknown.sum())
    rule = _unknown_rule(frame["group"][unknown]) if n_unknown else None
    excluded("rule1_unknown", n_unknown, rule)
    keep &= ~unknown & ~left_out

    if strict_lookback:
        later = keep & (start > reference)
        excluded("lookback", int(later.sum()))
        keep &= ~later

    rank_of = np.full(max(GROUP_RANK) + 1, len(GROUP_RANK), dtype=np.int64)
    rank_of[list(GROUP_RANK)] = list(GROUP_RANK.values())
    rows = np.flatnonzero(keep)
    who, first_day, last_day = citizen[rows], start[rows], end[rows]
    distance = np.abs(first_day - reference)
    rank = rank_of[np.clip(code[rows], 0, max(GROUP_RANK))]
    # One stable sort on the composite key (citizen, distance, start, -end, rank): the longest
    # time to end first (same start), an open end the largest. np.lexsort: last key primary.
    order = np.lexsort((rank, -last_day, first_day, distance, who))
    who, first_day, last_day, rank = who[order], first_day[order], last_day[order], rank[order]
    # The first record of each citizen (drop_duplicates on the sorted citizen column).
    first = np.r_[True, who[1:] != who[:-1]] if len(who) else np.zeros(0, dtype=bool)
    winner = np.maximum.accumulate(np.where(first, np.arange(len(who)), 0))

    # Classify every record left out against its citizen's chosen record.
    lost = ~first
    other_start = (first_day != first_day[winner])[lost]
    other_end = (last_day != last_day[winner])[lost]
    other_rank = (rank != rank[winner])[lost]
    cross = other_start & (distance[order] == distance[order][winner])[lost]
    by_rule2 = other_start
    by_rule3 = ~other_start & other_end
    by_rule4 = ~other_start & ~other_end & other_rank
    duplicate = ~other_start & ~other_end & ~other_rank
    excluded("rule2", int(by_rule2.sum()))
    excluded("rule3", int(by_rule3.sum()))
    excluded("rule4", int(by_rule4.sum()))
    excluded("duplicate", int(duplicate.sum()))
    entries.append(
        QualityEntry(
            table=_TABLE, rule=RULES["rule2_cross"], action="note", n_records=int(cross.sum())
        )
    )
    n_citizens = int(citizen.max()) + 1 if len(citizen) else 0
    entries.append(
        QualityEntry(
            table=_TABLE,
            rule=RULES["no_record"],
            action="note",
            n_records=n_citizens - int(first.sum()),
        )
    )

    picked = rows[order[first]]  # citizens in order of first appearance
    table = pd.DataFrame(
        {
            "citizen_id": frame["citizen_id"].to_numpy()[picked],
            "group": code[picked],
            "start": frame["start"].to_numpy()[picked],
            "end": frame["end"].to_numpy()[picked],
        }
    )
    return am.ResolvedVisitations(table=table, quality=DataQualityReport(entries))


def resolve(programme: str, records: pd.DataFrame) -> am.ResolvedVisitations | None:
    """The ``resolve_visitations`` hook: the 'Flere skal med' rule, for this programme only.

    Parameters
    ----------
    programme : str
        Name of the programme being resolved.
    records : pandas.DataFrame
        Validated visitations table (``citizen_id, group, start, end``).

    Returns
    -------
    ResolvedVisitations or None
        :func:`deduplicate_visitations` with its defaults for ``"flereskalmed"``; ``None``
        for any other programme, so that its own rule (or the built-in default) applies.

    Examples
    --------
    >>> import pandas as pd
    >>> from activemeasures_flereskalmed.visitation import resolve
    >>> records = pd.DataFrame({"citizen_id": [1], "group": [1],
    ...                         "start": pd.to_datetime(["2018-01-01"]), "end": [pd.NaT]})
    >>> resolve("jobfirst", records) is None
    True
    >>> len(resolve("flereskalmed", records).table)
    1
    """
    if programme != PROGRAMME_NAME:
        return None
    return deduplicate_visitations(records)
