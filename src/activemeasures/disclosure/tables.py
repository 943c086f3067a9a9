"""Protect tidy tables, plain count tables and tables of shares."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from activemeasures.disclosure import _suppress as sp
from activemeasures.disclosure.control import DisclosureControl, ProtectedTable

__all__ = ["SHARE_RULES", "protect", "protect_counts", "protect_shares"]

#: Values of ``share_rule`` of :func:`protect_shares`.
SHARE_RULES = ("both", "denominator")


def _counts(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        raise ValueError(f"count column {column!r} is not in the table")
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        raise ValueError(
            f"count column {column!r}: {int(bad.sum())} rows are not a non-negative number "
            "of persons (missing, negative or infinite)"
        )
    return values


def _check_columns(frame: pd.DataFrame, roles: Mapping[str, Sequence[str]]) -> None:
    """Every column has exactly one role; no column goes out unprotected."""
    seen: dict[str, str] = {}
    for role, names in roles.items():
        for name in names:
            if name not in frame.columns:
                raise ValueError(f"{role} column {name!r} is not in the table")
            if name in seen and seen[name] != role:
                raise ValueError(f"column {name!r} is both a {seen[name]} and a {role} column")
            seen[name] = role
    rest = [str(c) for c in frame.columns if c not in seen]
    if rest:
        raise ValueError(
            f"columns {rest} have no role: name them in by (keys), labels (text resting on "
            "no persons), or as a count or a value resting on a count"
        )


def _check_unique(frame: pd.DataFrame, by: Sequence[str]) -> None:
    if by and frame.duplicated(list(by)).any():
        raise ValueError(f"the keys {list(by)} do not identify the rows: totals cannot be checked")


def _mask_columns(frame: pd.DataFrame, masks: Mapping[str, np.ndarray]) -> pd.DataFrame:
    out = frame.copy()
    for name, mask in masks.items():
        if mask.any():
            column = out[name]
            if pd.api.types.is_integer_dtype(column) and not pd.api.types.is_bool_dtype(column):
                column = column.astype("Int64")  # counts stay whole numbers
            out[name] = column.mask(mask)
    return out


def _unprotected(frame: pd.DataFrame, control: DisclosureControl, n_cells: int) -> ProtectedTable:
    return ProtectedTable(
        frame=frame.copy(),
        suppressed=pd.DataFrame(False, index=frame.index, columns=frame.columns),
        n_cells=n_cells,
        n_primary=0,
        n_secondary=0,
        exposed_totals=sp.exposed_frame(frame, [], [], ""),
        control=control,
    )


def protect(
    frame: pd.DataFrame,
    *,
    count: str | Mapping[str, str],
    values: Sequence[str] = (),
    by: Sequence[str] = (),
    labels: Sequence[str] = (),
    counts: Sequence[str] = (),
    margins: bool = True,
    control: DisclosureControl | None = None,
) -> ProtectedTable:
    """Suppress the cells of a tidy table that rest on too few persons.

    Parameters
    ----------
    frame : pandas.DataFrame
        A tidy table: one row per cell, with a count of persons and statistics resting on it.
    count : str or mapping
        The count column all *values* rest on; or a mapping from each value column to the
        count column it rests on, or to a list of count columns when it rests on several
        (a difference between two arms rests on both: it is suppressed when either count
        is, and missing when either is 0); then *values* must be empty. Counts must be
        non-negative numbers.
    values : sequence of str
        Statistics resting on *count* (shares, means, estimates, confidence limits, lights).
    by : sequence of str
        The key columns identifying a cell (e.g. ``["municipality", "arm"]``).
    labels : sequence of str
        Descriptive columns resting on no persons (e.g. an indicator's label); shown as they
        are.
    counts : sequence of str
        Further count columns with no statistic resting on them (e.g. ``n_events`` beside
        ``n_at_risk``), each protected like *count*.
    margins : bool, default True
        Whether totals of the counts along each key are published (with two keys: row and
        column totals). Then secondary suppression makes sure they cannot reveal a suppressed
        cell.
    control : DisclosureControl, optional
        Default ``DisclosureControl()`` (``min_cell=5``).

    Returns
    -------
    ProtectedTable

    Raises
    ------
    ValueError
        For a column with no role (every column must be a key, label, count or value: nothing
        leaves unprotected), a missing, negative or infinite count, or keys that do not
        identify the rows when totals are published.

    Notes
    -----
    With :math:`m` = ``min_cell`` and :math:`n` a cell's count:

    * **Primary suppression.** :math:`0 < n < m`: the count and every value resting on it
      are suppressed (missing in :attr:`~ProtectedTable.frame`, ``True`` in
      :attr:`~ProtectedTable.suppressed`, shown as ``"<5"``, never as 0).
    * **Zero.** :math:`n = 0` is shown as 0: an empty cell names no one. Statistics resting
      on no persons are set to missing ("no data", not suppressed).
    * **Secondary suppression** (``margins=True``). A *line* is the set of cells whose sum
      is published as a total: for each key of *by*, the cells sharing the values of the
      other keys (in a two-way table, a row or a column; in a one-way table, the whole
      table and its grand total). As long as some line has exactly one suppressed cell, that
      cell could be recovered as the total minus the shown cells; so the cell of that line
      with the smallest positive count that is not yet suppressed is suppressed too (ties:
      the first in row order), whole (its count and its values). This repeats, key by key in
      the order of *by*, until no line changes. Zero cells are never chosen: hiding a zero
      beside a cell leaves the hidden sum equal to the hidden cell.

    This is the classic greedy heuristic (Hundepool et al., *Statistical Disclosure
    Control*, Wiley 2012, §5.4 and §5.5), not an optimal cell-suppression solver: it does not
    minimise the information lost, and with several suppressed cells in a line it does not
    compute protection intervals (an intruder solving the linear system of all totals may
    still narrow a suppressed cell down). Lines whose total would still disclose (a line
    with one positive cell, or a total of 1 to :math:`m-1` persons) are listed in
    :attr:`~ProtectedTable.exposed_totals`: do not publish those totals. Only the totals
    along one key are considered (in two-way tables, all there are besides the grand total).

    With a mapping *count*, each count column is protected on its own.

    Examples
    --------
    A 2 × 3 table of persons by municipality and arm whose row and column totals are
    published. The 3 is suppressed (primary). Along ``municipality`` (the column totals),
    column x then has one hidden cell, so its smallest other cell, 12, is hidden; along
    ``arm`` (the row totals), rows A and B then have one hidden cell each and hide their
    smallest other cells, 6 and 9. Now every row and column has 0 or 2 hidden cells.

    >>> import pandas as pd
    >>> from activemeasures.disclosure import protect
    >>> table = pd.DataFrame({"municipality": list("AAABBB"), "arm": list("xyzxyz"),
    ...                       "n": [3, 6, 20, 12, 9, 30],
    ...                       "share": [0.33, 0.5, 0.25, 0.5, 0.44, 0.3]})
    >>> protected = protect(table, count="n", values=["share"], by=["municipality", "arm"])
    >>> print(protected.to_text())
    municipality arm  n share
               A   x <5    <5
               A   y <5    <5
               A   z 20  0.25
               B   x <5    <5
               B   y <5    <5
               B   z 30   0.3
    >>> protected.n_primary, protected.n_secondary
    (1, 3)
    """
    control = DisclosureControl() if control is None else control
    # resting: count column -> values resting on it; on_counts: value -> its count columns.
    on_counts: dict[str, list[str]] = {}
    if isinstance(count, str):
        resting = {count: list(values)}
        on_counts = {v: [count] for v in values}
    else:
        if values:
            raise ValueError("give values either in the count mapping or in values, not both")
        resting = {}
        for value, counted in count.items():
            names = [counted] if isinstance(counted, str) else list(counted)
            if not names:
                raise ValueError(f"value column {value!r} rests on no count column")
            on_counts[value] = names
            for name in names:
                resting.setdefault(name, []).append(value)
    for name in counts:
        if name in resting:
            raise ValueError(f"count column {name!r} is given twice")
        resting[name] = []
    by, labels = list(by), list(labels)
    value_columns = list(on_counts)
    _check_columns(
        frame,
        {"key": by, "label": labels, "count": list(resting), "value": value_columns},
    )
    counts = {name: _counts(frame, name) for name in resting}
    n_cells = len(frame) * len(resting)
    if not control.enabled:
        return _unprotected(frame, control, n_cells)
    keys = frame.loc[:, by].reset_index(drop=True)
    lines = []
    if margins and by:
        _check_unique(keys, by)
        lines = sp.line_groups(keys, by)
    masks: dict[str, np.ndarray] = {}
    empty: dict[str, np.ndarray] = {}
    n_primary = n_secondary = 0
    exposed = []
    for name, n in counts.items():
        primary = (n > 0) & (n < control.min_cell)
        hidden = sp.secondary(n, primary, lines)
        n_primary += int(primary.sum())
        n_secondary += int((hidden & ~primary).sum())
        masks[name] = hidden
        found = sp.exposed_lines(n, hidden, lines, control.min_cell)
        exposed.append(sp.exposed_frame(keys, by, found, name))
    for value, names in on_counts.items():  # hidden where any of its counts is hidden
        masks[value] = np.logical_or.reduce([masks[name] for name in names])
        empty[value] = np.logical_or.reduce([counts[name] == 0 for name in names])
    protected = _mask_columns(_mask_columns(frame, empty), masks)
    suppressed = pd.DataFrame(False, index=frame.index, columns=frame.columns)
    for name, mask in masks.items():
        suppressed[name] = mask
    exposed_totals = pd.concat(exposed, ignore_index=True) if exposed else exposed
    return ProtectedTable(
        frame=protected,
        suppressed=suppressed,
        n_cells=n_cells,
        n_primary=n_primary,
        n_secondary=n_secondary,
        exposed_totals=exposed_totals,
        control=control,
    )


def protect_counts(
    table: pd.Series | pd.DataFrame,
    *,
    margins: bool = True,
    control: DisclosureControl | None = None,
) -> ProtectedTable:
    """Protect a plain table of counts of persons.

    Parameters
    ----------
    table : pandas.Series or pandas.DataFrame
        A series of counts indexed by the keys (e.g. ``value_counts()`` or
        ``groupby(...).size()``), or a wide two-way table of counts (e.g. ``pd.crosstab``,
        *without* its margins): every entry a count.
    margins : bool, default True
        Whether the totals are published (the grand total of a one-way table; row and column
        totals of a two-way table).
    control : DisclosureControl, optional
        Default ``DisclosureControl()``.

    Returns
    -------
    ProtectedTable
        For a series, a tidy frame (the index levels as key columns, then the counts); for a
        wide table, a frame of the same shape, index and columns.

    Notes
    -----
    The rules of :func:`protect` with the counts as the only statistic.

    Examples
    --------
    A one-way table whose grand total is published: the 2 is suppressed, and the smallest
    other positive count, 7, so that total minus the shown counts does not give the 2.

    >>> import pandas as pd
    >>> from activemeasures.disclosure import protect_counts
    >>> counts = pd.Series([2, 7, 40, 0], index=pd.Index(list("ABCD"), name="municipality"),
    ...                    name="persons")
    >>> print(protect_counts(counts).to_text())
    municipality persons
               A      <5
               B      <5
               C      40
               D       0

    A wide table keeps its shape:

    >>> wide = pd.DataFrame({"x": [1, 10], "y": [8, 11]}, index=pd.Index(["A", "B"], name="m"))
    >>> print(protect_counts(wide).to_text())
        x  y
    m
    A  <5 <5
    B  <5 <5
    """
    if isinstance(table, pd.Series):
        name = "count" if table.name is None else str(table.name)
        names = [
            f"level_{i}" if level is None else str(level)
            for i, level in enumerate(table.index.names)
        ]
        frame = table.rename(name).rename_axis(names).reset_index()
        return protect(frame, count=name, by=names, margins=margins, control=control)
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table must be a pandas Series or DataFrame, not {type(table).__name__}")
    row_key = "row" if table.index.name is None else str(table.index.name)
    column_key = "column" if table.columns.name is None else str(table.columns.name)
    if column_key == row_key:
        column_key += "_"
    n_rows, n_columns = table.shape
    tidy = pd.DataFrame(
        {
            row_key: np.repeat(np.arange(n_rows), n_columns),
            column_key: np.tile(np.arange(n_columns), n_rows),
            "count": table.to_numpy().ravel(),
        }
    )
    result = protect(
        tidy, count="count", by=[row_key, column_key], margins=margins, control=control
    )
    shape = (n_rows, n_columns)
    exposed = result.exposed_totals.copy()
    for key, labels in ((row_key, table.index), (column_key, table.columns)):
        positions = exposed[key]
        exposed[key] = [None if pd.isna(p) else labels[int(p)] for p in positions]
    return ProtectedTable(
        frame=table.mask(result.suppressed["count"].to_numpy().reshape(shape)),
        suppressed=pd.DataFrame(
            result.suppressed["count"].to_numpy().reshape(shape),
            index=table.index,
            columns=table.columns,
        ),
        n_cells=result.n_cells,
        n_primary=result.n_primary,
        n_secondary=result.n_secondary,
        exposed_totals=exposed,
        control=result.control,
    )


def protect_shares(
    frame: pd.DataFrame,
    *,
    numerator: str = "numerator",
    denominator: str = "denominator",
    value: str = "value",
    values: Sequence[str] = (),
    unit: str = "unit",
    by: Sequence[str] = (),
    labels: Sequence[str] = (),
    total: object = "national",
    share_rule: str = "both",
    margins: bool = True,
    control: DisclosureControl | None = None,
) -> ProtectedTable:
    """Protect a table of shares per unit (e.g. fidelity indicators per municipality).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per unit (and per value of the *by* keys) with a numerator and a denominator
        (counts of persons) and the share resting on them, as the indicator tables of
        :mod:`activemeasures.fidelity` (columns ``unit, numerator, denominator, value``).
    numerator, denominator, value : str
        Column names.
    values : sequence of str
        Further statistics resting on the share (confidence limits, the traffic light).
    unit : str, default "unit"
        The column naming the unit (municipality).
    by : sequence of str
        Further key columns (e.g. ``["indicator", "round"]``).
    labels : sequence of str
        Descriptive columns resting on no persons.
    total : object, default "national"
        The *unit* value of rows that are totals over the units
        (:data:`activemeasures.fidelity.NATIONAL`); ``None`` if there are none.
    share_rule : {"both", "denominator"}, default "both"
        ``"both"``: the numerator, the share and its *values* are suppressed when the persons
        with the attribute (numerator) *or* those without it (denominator − numerator)
        number 1 to ``min_cell - 1``, since either count follows from the share and the
        denominator. ``"denominator"``: only the denominator must reach ``min_cell`` (the
        looser rule for rates; then small numerators can be derived from what is shown).
    margins : bool, default True
        Whether the sums over units are published (the national row, in this table or
        elsewhere). Then secondary suppression protects suppressed units against them.
    control : DisclosureControl, optional
        Default ``DisclosureControl()``.

    Returns
    -------
    ProtectedTable

    Notes
    -----
    With :math:`m` = ``min_cell``, numerator :math:`a` and denominator :math:`n` of a unit:

    * :math:`0 < n < m`: the whole row is suppressed (denominator, numerator, share, values).
    * rule ``"both"``: :math:`0 < a < m` or :math:`0 < n - a < m`: numerator, share and
      values are suppressed; the denominator is shown.
    * :math:`n = 0`: counts shown as 0, the share and values set to missing ("no data").
    * Secondary suppression (``margins=True``) along the units, within each combination of
      the *by* keys, rows with ``unit == total`` excluded: first for denominators (a
      secondarily hidden denominator hides its whole row), then for numerators, where a
      complement must have :math:`0 < a < n` (hiding a unit with :math:`a = 0` or
      :math:`a = n` would leave the hidden "no" or "yes" count recoverable). See
      :func:`protect` for the algorithm and its limits.

    A cell is a row here: ``n_primary`` counts rows suppressed by the rules above (whole or
    in part), ``n_secondary`` rows suppressed only to protect others.

    Examples
    --------
    Four municipalities and the national total. A (2 of 4) is suppressed whole; B's 18 of 20
    leaves 2 "no" (rule ``"both"``): numerator and share hidden. The national denominator
    would give A's 4 back, so the smallest other denominator (B, 20) is hidden too; the
    numerators then have A and B hidden: protected.

    >>> import pandas as pd
    >>> from activemeasures.disclosure import protect_shares
    >>> table = pd.DataFrame({"unit": ["A", "B", "C", "D", "national"],
    ...                       "numerator": [2, 18, 10, 25, 55],
    ...                       "denominator": [4, 20, 30, 40, 94]})
    >>> table["value"] = table["numerator"] / table["denominator"]
    >>> print(protect_shares(table).to_text())
        unit numerator denominator     value
           A        <5          <5        <5
           B        <5          <5        <5
           C        10          30  0.333333
           D        25          40     0.625
    national        55          94  0.585106
    """
    if share_rule not in SHARE_RULES:
        raise ValueError(f"share_rule must be one of {SHARE_RULES}, got {share_rule!r}")
    control = DisclosureControl() if control is None else control
    by, labels, values = list(by), list(labels), list(values)
    _check_columns(
        frame,
        {
            "key": [unit, *by],
            "label": labels,
            "count": [numerator, denominator],
            "value": [value, *values],
        },
    )
    a, n = _counts(frame, numerator), _counts(frame, denominator)
    if (a > n).any():
        raise ValueError(f"{int((a > n).sum())} rows have a numerator larger than the denominator")
    if not control.enabled:
        return _unprotected(frame, control, len(frame))
    m = control.min_cell
    keys = frame.loc[:, [unit, *by]].reset_index(drop=True)
    row_primary = (n > 0) & (n < m)
    part_primary = np.zeros(len(frame), dtype=bool)
    if share_rule == "both":
        part_primary = ((a > 0) & (a < m)) | ((n - a > 0) & (n - a < m))
    lines = []
    if margins:
        _check_unique(keys, [unit, *by])
        in_lines = np.ones(len(frame), dtype=bool)
        if total is not None:
            in_lines = (keys[unit] != total).to_numpy(dtype=bool)
        lines = sp.line_groups(keys, [unit, *by], in_lines)[:1]  # lines along the units
    row_hidden = sp.secondary(n, row_primary, lines)
    part_hidden = sp.secondary(a, part_primary | row_hidden, lines, eligible=a < n)
    primary = row_primary | part_primary
    found = sp.exposed_lines(n, row_hidden, lines, m)
    found_a = sp.exposed_lines(a, part_hidden, lines, m)
    exposed = pd.concat(
        [
            sp.exposed_frame(keys, [unit, *by], found, denominator),
            sp.exposed_frame(keys, [unit, *by], found_a, numerator),
        ],
        ignore_index=True,
    )
    masks = {denominator: row_hidden, numerator: part_hidden}
    masks.update(dict.fromkeys([value, *values], part_hidden))
    empty = dict.fromkeys([value, *values], n == 0)
    suppressed = pd.DataFrame(False, index=frame.index, columns=frame.columns)
    for name, mask in masks.items():
        suppressed[name] = mask
    return ProtectedTable(
        frame=_mask_columns(_mask_columns(frame, empty), masks),
        suppressed=suppressed,
        n_cells=len(frame),
        n_primary=int(primary.sum()),
        n_secondary=int((part_hidden & ~primary).sum()),
        exposed_totals=exposed,
        control=control,
    )
