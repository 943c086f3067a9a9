"""Descriptive analyses of 'Flere skal med' (SPEC.md §5.4): descriptive, not causal.

'Flere skal med' had no effect evaluation: municipalities spread the model to non-participants,
so there is no clean control group, and the comparison group (3-5 years' seniority, not
visited) is not fully comparable (003, L222-224, L1847-1859, L2206-2208, L2243). Every result
here says so (:data:`NOTE`, in ``__str__``, HTML, plot titles and a ``note`` attribute):

* :func:`compare_groups`: group 1 vs all FSM citizens vs the comparison group by month since
  visitation (Figures 4-3a/b, 4-4 of chapter 4; 003, L2187-2248);
* :func:`band_table`: values by municipality size and group-1 volume (Tables 3-1, 4-2; 003,
  L1332-1343, L2250-2376) and :func:`spread` across municipalities (Table 4-3, 003,
  L2383-2492);
* :func:`background_ols`: OLS of 0/1 outcomes on 0/1 background characteristics for group 1
  (Table 4-4; 003, L2494-2564);
* :func:`fidelity_results_regression`: the municipality-level regression of an outcome share on
  the combined fidelity score (Figure 4-6 of chapter 4; 003, L2566-2622).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import attrs
import numpy as np
import pandas as pd

from activemeasures.fidelity import MunicipalityRegression, municipality_regression
from activemeasures_flereskalmed.constants import FIDELITY_RESULTS_REGRESSION

__all__ = [
    "MONTHLY_INPUT_COLUMNS",
    "NOTE",
    "POPULATION_BANDS",
    "VOLUME_BANDS",
    "BackgroundTable",
    "Band",
    "BandTable",
    "FidelityResultsRegression",
    "GroupComparison",
    "background_ols",
    "band_table",
    "compare_groups",
    "fidelity_results_regression",
    "spread",
]

#: The label every descriptive output carries (003, L2206-2208, L2243).
NOTE = (
    "Descriptive, not causal: the groups and municipalities were not randomised and are not "
    "fully comparable (003, L2206-2208, L2243)."
)

#: Columns :func:`compare_groups` needs in the monthly outcome table (the tidy table of
#: :func:`activemeasures_flereskalmed.outcomes.monthly_outcomes`; an ``outcome`` column, when
#: present, selects the outcome).
MONTHLY_INPUT_COLUMNS = ("group", "month", "n_observed", "n_in_state", "share")


def _require(frame: object, columns: Sequence[str], what: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{what} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} lacks the columns {missing}")
    return frame


def _titled(ax, title: str):
    ax.set_title(f"{title}\n(descriptive, not causal)", fontsize=10)
    return ax


# ============================================================================ (a) groups


@attrs.frozen(kw_only=True)
class GroupComparison:
    """Monthly shares of several groups side by side (result of :func:`compare_groups`).

    Attributes
    ----------
    table : pandas.DataFrame
        Columns ``group, label, month, n_observed, n_in_state, share``.
    groups : tuple of str
        In display order.
    outcome : str
        What the share measures, for captions.
    note : str
        :data:`NOTE`.
    """

    table: pd.DataFrame = attrs.field(eq=False)
    groups: tuple[str, ...] = attrs.field(converter=tuple)
    outcome: str = "share"
    note: str = NOTE

    def to_frame(self) -> pd.DataFrame:
        """Columns ``group, label, month, n_observed, n_in_state, share``."""
        return self.table.copy()

    def wide(self) -> pd.DataFrame:
        """Shares, months × groups."""
        wide = self.table.pivot_table(
            index="month", columns="group", values="share", aggfunc="first", dropna=False
        )
        return wide.reindex(columns=list(self.groups))

    def difference(self, group: str, other: str) -> pd.Series:
        """Share of *group* minus share of *other*, by month (missing where either is)."""
        wide = self.wide()
        for g in (group, other):
            if g not in wide.columns:
                raise KeyError(f"no group {g!r}; groups: {list(self.groups)}")
        return (wide[group] - wide[other]).rename(f"{group} - {other}")

    def months_ahead(self, group: str, other: str, *, margin: float = 0.0) -> int | None:
        """First month from which *group* stays above *other* by more than *margin*.

        Figure 4-3a: group 1 pulls ahead of the others after about 14 months (003,
        L2187-2197). ``None`` when it never stays ahead to the last month compared.
        """
        diff = self.difference(group, other).dropna()
        if diff.empty:
            return None
        ahead = (diff > margin).to_numpy()
        if not ahead[-1]:
            return None
        behind = np.flatnonzero(~ahead)
        start = 0 if len(behind) == 0 else behind[-1] + 1
        return int(diff.index[start])

    def __str__(self) -> str:
        wide = self.wide()
        labels = dict(zip(self.table["group"], self.table["label"], strict=False))
        shown = (100 * wide).round(1)
        shown.columns = [labels.get(g, g) for g in wide.columns]
        return (
            f"{self.outcome} by month since visitation (% of those observed)\n"
            f"{shown.to_string()}\n{self.note}"
        )

    def _repr_html_(self) -> str:
        wide = (100 * self.wide()).round(1)
        return (
            f"<div><p><b>{html.escape(self.outcome)} by month since visitation (%)</b></p>"
            f"{wide.to_html()}<p><i>{html.escape(self.note)}</i></p></div>"
        )

    def plot(self, ax=None):
        """One line per group: share by month since visitation; returns ``ax``."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4))
        labels = dict(zip(self.table["group"], self.table["label"], strict=False))
        wide = self.wide()
        for group in wide.columns:
            ax.plot(wide.index, 100 * wide[group], marker=".", label=labels.get(group, group))
        ax.set_xlabel("months since visitation")
        ax.set_ylabel("% of those observed")
        ax.set_ylim(0, 100)
        ax.legend(loc="best", fontsize=8)
        return _titled(ax, self.outcome)


def compare_groups(
    monthly: pd.DataFrame,
    *,
    groups: Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None,
    outcome: str | None = None,
) -> GroupComparison:
    """Group 1 vs all FSM citizens vs the comparison group, month by month.

    Parameters
    ----------
    monthly : pandas.DataFrame
        Columns :data:`MONTHLY_INPUT_COLUMNS` (the tidy table of the plugin's monthly
        outcomes: one row per group × month since visitation, and per outcome when it has an
        ``outcome`` column).
    groups : sequence of str, optional
        Groups to show, in order (compared as text); default all, in order of appearance.
    labels : mapping, optional
        Display names by group (e.g. ``{"1": "Group 1", "comparison": "Comparison group"}``).
    outcome : str, optional
        The outcome to show when the table has an ``outcome`` column with several values
        (required then); otherwise the caption (default ``"share"``).

    Returns
    -------
    GroupComparison

    Notes
    -----
    The published figures start all groups at about 15-20 % and show group 1 pulling ahead
    after about 14 months, at about 70 % vs 50 % by month 29 (003, L2187-2197). Shares are
    ``n_in_state / n_observed`` among those observed in the month; they are taken as given
    (checked against the counts within 1e-9). Not causal (003, L2206-2208, L2243).

    Examples
    --------
    >>> import pandas as pd
    >>> from activemeasures_flereskalmed.descriptive import compare_groups
    >>> monthly = pd.DataFrame({"group": ["1", "1", "comparison", "comparison"],
    ...                         "month": [1, 2, 1, 2], "n_observed": [10, 10, 20, 20],
    ...                         "n_in_state": [2, 6, 4, 5], "share": [0.2, 0.6, 0.2, 0.25]})
    >>> result = compare_groups(monthly, labels={"1": "Group 1"})
    >>> result.wide()
    group    1  comparison
    month
    1      0.2        0.20
    2      0.6        0.25
    >>> result.months_ahead("1", "comparison")
    2
    >>> result.note.startswith("Descriptive, not causal")
    True
    """
    frame = _require(monthly, MONTHLY_INPUT_COLUMNS, "the monthly outcome table").copy()
    if "outcome" in frame.columns:
        names = list(dict.fromkeys(frame["outcome"].astype(str)))
        if outcome is None and len(names) == 1:
            outcome = names[0]
        if outcome not in names:
            raise ValueError(f"choose the outcome: outcome= one of {names}, got {outcome!r}")
        frame = frame[frame["outcome"].astype(str) == outcome]
    outcome = "share" if outcome is None else outcome
    frame["group"] = frame["group"].astype(str).astype(object)
    present = list(dict.fromkeys(frame["group"]))
    chosen = present if groups is None else [str(g) for g in groups]
    unknown = [g for g in chosen if g not in present]
    if unknown:
        raise ValueError(f"groups {unknown} are not in the monthly table; it has {present}")
    frame = frame[frame["group"].isin(chosen)]
    if frame.duplicated(["group", "month"]).any():
        raise ValueError("the monthly table has more than one row per group and month")
    n_obs = frame["n_observed"].to_numpy(dtype=float)
    n_in = frame["n_in_state"].to_numpy(dtype=float)
    share = frame["share"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        expected = np.where(n_obs > 0, n_in / n_obs, np.nan)
    bad = ~(np.isclose(share, expected, atol=1e-9) | (np.isnan(share) & np.isnan(expected)))
    if bad.any():
        raise ValueError(
            f"{int(bad.sum())} rows of the monthly table have share != n_in_state / n_observed"
        )
    labels = dict(labels or {})
    frame["label"] = frame["group"].map(lambda g: labels.get(g, g))
    order = {g: i for i, g in enumerate(chosen)}
    frame = (
        frame.assign(_g=frame["group"].map(order))
        .sort_values(["_g", "month"], kind="stable")
        .loc[:, ["group", "label", "month", "n_observed", "n_in_state", "share"]]
        .reset_index(drop=True)
    )
    return GroupComparison(table=frame, groups=chosen, outcome=outcome)


# ============================================================================ (b) bands


@attrs.frozen(kw_only=True)
class Band:
    """A closed band ``low <= x <= high`` of a municipality count (``high=None``: open).

    Examples
    --------
    >>> from activemeasures_flereskalmed.descriptive import Band
    >>> Band(label="25,001-50,000", low=25_001, high=50_000).contains([25_000, 25_001])
    array([False,  True])
    """

    label: str
    low: float = attrs.field(converter=float)
    high: float | None = attrs.field(default=None, converter=attrs.converters.optional(float))

    def __attrs_post_init__(self) -> None:
        if self.high is not None and self.high < self.low:
            raise ValueError(f"band {self.label!r}: high {self.high} is below low {self.low}")

    def contains(self, values: object) -> np.ndarray:
        """Boolean mask of the values in the band."""
        x = np.asarray(values, dtype=float)
        upper = np.inf if self.high is None else self.high
        return (x >= self.low) & (x <= upper)


#: Municipality population bands of Tables 3-1 and 4-2: 0-25,000, 25,001-50,000, over 50,000
#: (003, L1334, L2364).
POPULATION_BANDS: tuple[Band, ...] = (
    Band(label="0-25,000", low=0, high=25_000),
    Band(label="25,001-50,000", low=25_001, high=50_000),
    Band(label="> 50,000", low=50_001),
)
#: Group-1 volume bands of Tables 3-1 and 4-2: under 100, 100-500, over 500 citizens (003,
#: L1338-1341, L2370).
VOLUME_BANDS: tuple[Band, ...] = (
    Band(label="< 100", low=0, high=99),
    Band(label="100-500", low=100, high=500),
    Band(label="> 500", low=501),
)

#: Columns of :meth:`BandTable.to_frame`.
BAND_COLUMNS = ("band", "measure", "n_municipalities", "n_observed", "n_in_state", "value")


@attrs.frozen(kw_only=True)
class BandTable:
    """Values per band of municipality size or volume (result of :func:`band_table`).

    Attributes
    ----------
    table : pandas.DataFrame
        Columns ``band, measure, n_municipalities, n_observed, n_in_state, value``; the last
        band is ``all``. Counts are raw: disclosure control is the report layer's job.
    by : str
    aggregate : str
    note : str
    """

    table: pd.DataFrame = attrs.field(eq=False)
    by: str
    aggregate: str
    note: str = NOTE

    def to_frame(self) -> pd.DataFrame:
        """Columns ``band, measure, n_municipalities, n_observed, n_in_state, value``."""
        return self.table.copy()

    def wide(self) -> pd.DataFrame:
        """Values, measures × bands (the published layout)."""
        wide = self.table.pivot_table(
            index="measure", columns="band", values="value", aggfunc="first", dropna=False
        )
        bands = list(dict.fromkeys(self.table["band"]))
        measures = list(dict.fromkeys(self.table["measure"]))
        return wide.reindex(index=measures, columns=bands)

    def __str__(self) -> str:
        return (
            f"By {self.by} ({self.aggregate.replace('_', ' ')})\n"
            f"{self.wide().round(3).to_string()}\n{self.note}"
        )

    def _repr_html_(self) -> str:
        return (
            f"<div><p><b>By {html.escape(self.by)}</b></p>{self.wide().round(3).to_html()}"
            f"<p><i>{html.escape(self.note)}</i></p></div>"
        )

    def plot(self, ax=None):
        """Grouped bars: one group per measure, one bar per band; returns ``ax``."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4))
        wide = self.wide()
        n = max(len(wide.columns), 1)
        for j, band in enumerate(wide.columns):
            ax.bar(
                np.arange(len(wide)) - 0.4 + (j + 0.5) * 0.8 / n,
                wide[band],
                0.8 / n,
                label=str(band),
            )
        ax.set_xticks(range(len(wide)), list(wide.index))
        ax.legend(title=self.by, fontsize=8)
        return _titled(ax, f"Results by {self.by}")


def band_table(
    municipalities: pd.DataFrame,
    *,
    by: str,
    bands: Sequence[Band],
    scores: Sequence[str] = (),
    shares: Mapping[str, tuple[str, str]] | None = None,
    aggregate: str = "municipality_mean",
) -> BandTable:
    r"""Summaries per band of municipality size or group-1 volume (Tables 3-1 and 4-2).

    Parameters
    ----------
    municipalities : pandas.DataFrame
        One row per municipality, with the column *by* and the measures.
    by : str
        Column the bands apply to, e.g. the population or the number of group-1 citizens.
    bands : sequence of Band
        :data:`POPULATION_BANDS`, :data:`VOLUME_BANDS` or your own; must not overlap.
    scores : sequence of str
        Columns with one value per municipality (e.g. the combined fidelity score, Table 3-1):
        summarised as the unweighted mean over the band's municipalities with a value.
    shares : mapping of name to (numerator column, denominator column), optional
        Citizen counts per municipality (e.g. group-1 citizens ever in virksomhedsforløb mv.,
        and group-1 citizens observed; Table 4-2).
    aggregate : {"municipality_mean", "pooled"}, default "municipality_mean"
        How shares are combined in a band: the unweighted mean of the municipal shares, or
        the pooled citizen share :math:`\sum n_{in} / \sum n_{obs}`.

    Returns
    -------
    BandTable

    Raises
    ------
    ValueError
        If bands overlap, a municipality falls in no band (the count is named), or columns
        are missing.

    Notes
    -----
    The sources do not say how Table 4-2 aggregates (SPEC.md §5.4, interpretation: make it
    explicit). The default is the mean of municipal shares: the citizen-level mean of group 1
    is 72 % (Table 4-4), yet every population band of Table 4-2 lies at 77-84 %, which a
    pooled share could not do, while the municipal median of Table 4-3 is 78 % (003,
    L2364-2376, L2482-2490, L2547). Per band :math:`b` with municipalities :math:`M_b`:
    score :math:`\bar s_b = |M_b|^{-1}\sum_{m} s_m`; share ``municipality_mean``
    :math:`|M_b'|^{-1}\sum_{m \in M_b'} n^{in}_m / n^{obs}_m` over :math:`M_b'` with
    :math:`n^{obs}_m > 0`, ``pooled`` :math:`\sum_m n^{in}_m / \sum_m n^{obs}_m`. A last band
    ``all`` covers every municipality.

    Examples
    --------
    Two small municipalities (shares 8/10 and 9/10, scores 4.0 and 4.2) and one large (70/100,
    score 3.8): small band mean share (0.8 + 0.9) / 2 = 0.85, pooled 17/20 = 0.85; all:
    mean (0.8 + 0.9 + 0.7) / 3 = 0.8, pooled 87/120 = 0.725.

    >>> import pandas as pd
    >>> from activemeasures_flereskalmed.descriptive import POPULATION_BANDS, band_table
    >>> frame = pd.DataFrame({"municipality": ["A", "B", "C"],
    ...                       "population": [20_000, 24_000, 60_000],
    ...                       "fidelity": [4.0, 4.2, 3.8], "in_course": [8, 9, 70],
    ...                       "group_1": [10, 10, 100]})
    >>> table = band_table(frame, by="population", bands=POPULATION_BANDS,
    ...                    scores=["fidelity"], shares={"course": ("in_course", "group_1")})
    >>> table.wide().round(3)
    band      0-25,000  25,001-50,000  > 50,000  all
    measure
    fidelity      4.10            NaN       3.8  4.0
    course        0.85            NaN       0.7  0.8
    """
    shares = dict(shares or {})
    columns = [by, *scores, *(c for pair in shares.values() for c in pair)]
    frame = _require(municipalities, columns, "the municipality table")
    if aggregate not in ("municipality_mean", "pooled"):
        raise ValueError(f"aggregate must be 'municipality_mean' or 'pooled', got {aggregate!r}")
    bands = list(bands)
    if not bands or not all(isinstance(b, Band) for b in bands):
        raise TypeError("bands must be a non-empty sequence of Band")
    x = frame[by].to_numpy(dtype=float)
    masks = np.array([band.contains(x) for band in bands])
    if (masks.sum(axis=0) > 1).any():
        raise ValueError(f"the bands overlap: {int((masks.sum(axis=0) > 1).sum())} rows in two")
    outside = int((masks.sum(axis=0) == 0).sum())
    if outside:
        raise ValueError(f"{outside} municipalities have a {by!r} in no band (or missing)")
    rows = []
    for label, mask in [
        *((b.label, m) for b, m in zip(bands, masks, strict=True)),
        ("all", np.ones(len(frame), dtype=bool)),
    ]:
        part = frame.loc[mask]
        for name in scores:
            values = part[name].to_numpy(dtype=float)
            has = np.isfinite(values)
            value = values[has].mean() if has.any() else np.nan
            rows.append((label, name, int(mask.sum()), int(has.sum()), np.nan, value))
        for name, (num, den) in shares.items():
            n_in = part[num].to_numpy(dtype=float)
            n_obs = part[den].to_numpy(dtype=float)
            has = n_obs > 0
            if aggregate == "pooled":
                value = n_in[has].sum() / n_obs[has].sum() if has.any() else np.nan
            else:
                value = (n_in[has] / n_obs[has]).mean() if has.any() else np.nan
            rows.append((label, name, int(mask.sum()), n_obs[has].sum(), n_in[has].sum(), value))
    table = pd.DataFrame(rows, columns=list(BAND_COLUMNS))
    return BandTable(table=table, by=by, aggregate=aggregate)


def spread(values: object) -> pd.Series:
    """Minimum, quartiles, median and maximum across municipalities (Table 4-3 layout).

    Parameters
    ----------
    values : array_like
        One value per municipality (e.g. the share of group 1 in virksomhedsforløb mv.);
        missing values are left out.

    Returns
    -------
    pandas.Series
        ``n, min, p25, median, p75, max`` (quartiles by linear interpolation). The published
        spread is 57 %, 73 %, 78 %, 84 %, 100 % over municipal shares (003, L2383-2492).

    Examples
    --------
    >>> from activemeasures_flereskalmed.descriptive import spread
    >>> spread([0.57, 0.73, 0.78, 0.84, 1.0]).round(2).tolist()
    [5.0, 0.57, 0.73, 0.78, 0.84, 1.0]
    """
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        stats = [0, np.nan, np.nan, np.nan, np.nan, np.nan]
    else:
        stats = [len(x), x.min(), *np.quantile(x, [0.25, 0.5, 0.75]), x.max()]
    return pd.Series(stats, index=["n", "min", "p25", "median", "p75", "max"], dtype=float)


# ============================================================================ (c) Table 4-4

#: Columns of :attr:`BackgroundTable.coefficients`.
BACKGROUND_COLUMNS = ("outcome", "regressor", "coef", "std_error", "p_value", "shown")


@attrs.frozen(kw_only=True)
class BackgroundTable:
    """OLS of 0/1 outcomes on 0/1 background characteristics (result of :func:`background_ols`).

    Attributes
    ----------
    coefficients : pandas.DataFrame
        Columns ``outcome, regressor, coef, std_error, p_value, shown`` (``coef`` as a
        probability difference, 0.24 = 24 pp; ``shown``: significant and at least
        ``min_effect``).
    means : pandas.DataFrame
        ``outcome, mean, n, n_dropped``: the population mean of each outcome (the table's
        last row) over the rows used, and the rows used and left out for missing values.
    outcomes, regressors : tuple of str
    alpha, min_effect : float
    cov_type : str
    note : str
    """

    coefficients: pd.DataFrame = attrs.field(eq=False)
    means: pd.DataFrame = attrs.field(eq=False)
    outcomes: tuple[str, ...] = attrs.field(converter=tuple)
    regressors: tuple[str, ...] = attrs.field(converter=tuple)
    alpha: float = 0.05
    min_effect: float = 0.0
    cov_type: str = "HC2"
    note: str = NOTE

    def to_frame(self) -> pd.DataFrame:
        """The tidy coefficient table (a copy)."""
        return self.coefficients.copy()

    def table(self, style: str = "blank") -> pd.DataFrame:
        """The printed layout: regressors × outcomes in pp, then the mean (%) and n rows.

        Parameters
        ----------
        style : {"blank", "stars"}, default "blank"
            ``"blank"``: as printed in Table 4-4, only significant values shown (e.g.
            ``"+24"``), other cells empty (003, L2548-2552). ``"stars"``: every value with
            ``*`` p < 0.10, ``**`` p < 0.05, ``***`` p < 0.01.
        """
        if style not in ("blank", "stars"):
            raise ValueError(f"style must be 'blank' or 'stars', got {style!r}")
        c = self.coefficients
        text = []
        for row in c.itertuples(index=False):
            pp = f"{100 * row.coef:+.0f}"
            if style == "blank":
                text.append(pp if row.shown else "")
            else:
                stars = sum(row.p_value < level for level in (0.10, 0.05, 0.01))
                text.append(pp + "*" * stars)
        wide = c.assign(text=text).pivot_table(
            index="regressor", columns="outcome", values="text", aggfunc="first"
        )
        wide = wide.reindex(index=list(self.regressors), columns=list(self.outcomes))
        means = self.means.set_index("outcome").reindex(list(self.outcomes))
        wide.loc["Mean (population)"] = [f"{100 * m:.0f} %" for m in means["mean"]]
        wide.loc["n"] = [f"{int(n)}" for n in means["n"]]
        wide.columns.name = None
        return wide

    def __str__(self) -> str:
        small = f" or |effect| < {100 * self.min_effect:g} pp" if self.min_effect else ""
        return (
            f"OLS of outcomes on background characteristics (pp; blank: p >= {self.alpha:g}"
            f"{small}; {self.cov_type} standard errors)\n{self.table().to_string()}\n{self.note}"
        )

    def _repr_html_(self) -> str:
        return (
            "<div><p><b>OLS of outcomes on background characteristics (pp)</b></p>"
            f"{self.table().to_html()}<p><i>{html.escape(self.note)}</i></p></div>"
        )

    def plot(self, ax=None):
        """Coefficients (pp) with 95 % intervals, one marker per outcome; returns ``ax``."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4))
        positions = np.arange(len(self.regressors))[::-1]
        step = 0.8 / max(len(self.outcomes), 1)
        for j, outcome in enumerate(self.outcomes):
            rows = (
                self.coefficients[self.coefficients["outcome"] == outcome]
                .set_index("regressor")
                .reindex(list(self.regressors))
            )
            y = positions - 0.4 + step * (j + 0.5)
            ax.errorbar(
                100 * rows["coef"],
                y,
                xerr=196 * rows["std_error"],
                fmt="o",
                label=outcome,
                capsize=2,
            )
        ax.axvline(0, color="0.5", lw=1)
        ax.set_yticks(positions, list(self.regressors))
        ax.set_xlabel("percentage points")
        ax.legend(fontsize=8)
        return _titled(ax, "Outcomes by background characteristics, group 1")


def _zero_one(frame: pd.DataFrame, column: str) -> None:
    values = frame[column].to_numpy(dtype=float)
    bad = ~np.isin(values, (0.0, 1.0))
    if bad.any():
        raise ValueError(f"column {column!r} must be 0/1: {int(bad.sum())} rows are not")


def background_ols(
    citizens: pd.DataFrame,
    *,
    outcomes: Sequence[str],
    regressors: Sequence[str],
    controls: Sequence[str] = (),
    alpha: float = 0.05,
    min_effect: float = 0.0,
    cov_type: str = "HC2",
) -> BackgroundTable:
    r"""OLS of each 0/1 outcome on 0/1 background characteristics (Table 4-4 structure).

    Parameters
    ----------
    citizens : pandas.DataFrame
        One row per group-1 citizen, with the outcome and regressor columns (0/1).
    outcomes : sequence of str
        E.g. virksomhedsforløb mv., afklaring, ordinary hours, enterprise-directed activity,
        employment without benefit (the five columns of Table 4-4, 003, L2510-2547).
    regressors : sequence of str
        0/1 characteristics (man, age 40+, immigrant/descendant, vocational education,
        hospital visit 2017-18, handicap, historic participation 2015-16; 003, L2528-2545).
    controls : sequence of str
        Categorical columns conditioned on but not shown (benefit type in December 2016,
        003, L2504-2508, L2548): one dummy per category but the first.
    alpha : float, default 0.05
        Cells with :math:`p \ge \alpha` are left blank ("conventional levels", 003, L2550).
    min_effect : float, default 0
        Cells with :math:`|\hat\beta| <` this are also blank ("insignificant ... economically",
        003, L2550-2552; not quantified in the source).
    cov_type : str, default "HC2"
        statsmodels covariance type; the source does not say (HC2, robust to the
        heteroskedasticity a linear probability model has, is this plugin's choice;
        ``"nonrobust"`` is Stata's default).

    Returns
    -------
    BackgroundTable

    Notes
    -----
    For outcome :math:`y` and the rows with no missing value:
    :math:`y_i = \alpha + \sum_k \beta_k x_{ik} + \sum_c \gamma_c d_{ic} + \varepsilon_i`.
    :math:`\beta_k` is the change in the probability of :math:`y = 1` with characteristic
    :math:`k`, other things equal (the source reads it relative to an average group-1
    citizen, 003, L2500-2504). The last row is the mean of :math:`y`. Published cells: e.g.
    earlier ordinary hours +55 pp on ordinary hours (003, L2545, L2560-2564).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from activemeasures_flereskalmed.descriptive import background_ols
    >>> rng = np.random.default_rng(1)
    >>> history = rng.integers(0, 2, 400)
    >>> man = rng.integers(0, 2, 400)
    >>> hours = (rng.random(400) < 0.1 + 0.5 * history).astype(int)
    >>> table = background_ols(pd.DataFrame({"hours": hours, "history": history, "man": man}),
    ...                        outcomes=["hours"], regressors=["history", "man"])
    >>> table.table().loc["history", "hours"]
    '+51'
    """
    import statsmodels.api as sm

    outcomes, regressors, controls = list(outcomes), list(regressors), list(controls)
    if not outcomes or not regressors:
        raise ValueError("give at least one outcome and one regressor")
    frame = _require(citizens, [*outcomes, *regressors, *controls], "the citizen table")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie strictly between 0 and 1, got {alpha}")
    coef_rows, mean_rows = [], []
    for outcome in outcomes:
        used = frame[[outcome, *regressors, *controls]].dropna()
        n_dropped = len(frame) - len(used)
        for column in (outcome, *regressors):
            _zero_one(used, column)
        x = used[regressors].astype(float)
        if controls:
            dummies = pd.get_dummies(used[controls].astype(str), drop_first=True, dtype=float)
            x = pd.concat([x, dummies], axis=1)
        x.insert(0, "_cons", 1.0)
        y = used[outcome].to_numpy(dtype=float)
        if len(used) <= x.shape[1]:
            raise ValueError(
                f"outcome {outcome!r}: {len(used)} complete rows are too few for "
                f"{x.shape[1]} parameters"
            )
        if np.linalg.matrix_rank(x.to_numpy()) < x.shape[1]:
            raise ValueError(
                f"outcome {outcome!r}: the regressors are collinear (or one is constant) in "
                f"the {len(used)} rows used"
            )
        fit = sm.OLS(y, x.to_numpy()).fit(cov_type=cov_type)
        params = np.asarray(fit.params)
        bse = np.asarray(fit.bse)
        pvalues = np.asarray(fit.pvalues)
        for k, name in enumerate(regressors, start=1):
            shown = bool(pvalues[k] < alpha and abs(params[k]) >= min_effect)
            coef_rows.append((outcome, name, params[k], bse[k], pvalues[k], shown))
        mean_rows.append((outcome, float(y.mean()), len(used), n_dropped))
    return BackgroundTable(
        coefficients=pd.DataFrame(coef_rows, columns=list(BACKGROUND_COLUMNS)),
        means=pd.DataFrame(mean_rows, columns=["outcome", "mean", "n", "n_dropped"]),
        outcomes=outcomes,
        regressors=regressors,
        alpha=alpha,
        min_effect=min_effect,
        cov_type=cov_type,
    )


# ============================================================================ (d) Figure 4-6


@attrs.frozen(kw_only=True)
class FidelityResultsRegression:
    """The municipality-level regression of an outcome share on the fidelity score.

    Attributes
    ----------
    regression : MunicipalityRegression
        The fit (:func:`activemeasures.fidelity.municipality_regression`).
    n_unmatched : int
        Municipalities with a score or an outcome but not both (left out).
    note : str
    """

    regression: MunicipalityRegression
    n_unmatched: int = 0
    note: str = NOTE

    @property
    def slope(self) -> float:
        """Coefficient of the fidelity score."""
        return float(self.regression.coefficients["coef"].iloc[0])

    @property
    def intercept(self) -> float:
        """The constant."""
        return float(self.regression.coefficients["coef"].iloc[-1])

    def to_frame(self) -> pd.DataFrame:
        """The coefficient table of the regression."""
        return self.regression.to_frame()

    def compare_published(self) -> pd.DataFrame:
        """This fit beside the published one (y = 0.0514x + 0.5811, R² = 0.0779, N = 71;
        003, L2582-2591): columns ``quantity, estimate, published``."""
        ref = FIDELITY_RESULTS_REGRESSION
        return pd.DataFrame(
            {
                "quantity": ["slope", "intercept", "r2", "n"],
                "estimate": [
                    self.slope,
                    self.intercept,
                    self.regression.anova.r_squared,
                    float(self.regression.anova.n_obs),
                ],
                "published": [ref["slope"], ref["intercept"], ref["r2"], float(ref["n"])],
            }
        )

    def __str__(self) -> str:
        unmatched = (
            f"\n({self.n_unmatched} municipalities without both a score and an outcome left out)"
            if self.n_unmatched
            else ""
        )
        return f"{self.regression}\n{self.regression.equation}{unmatched}\n{self.note}"

    def _repr_html_(self) -> str:
        return f"<div>{self.regression._repr_html_()}<p><i>{html.escape(self.note)}</i></p></div>"

    def plot(self, ax=None, *, labels: str | None = None):
        """Scatter of municipalities with the fitted line (Figure 4-6 of chapter 4)."""
        ax = self.regression.plot(ax=ax, labels=labels)
        return _titled(ax, "Fidelity and results across municipalities")


def fidelity_results_regression(
    fidelity: object,
    outcomes: pd.DataFrame,
    *,
    y: str = "share",
    round: str = "final",
    element: str = "combined",
    alpha: float = 0.05,
) -> FidelityResultsRegression:
    """Regress a municipal outcome share on the municipal fidelity score (Figure 4-6).

    Parameters
    ----------
    fidelity : FidelityScores or pandas.DataFrame
        :class:`~activemeasures_flereskalmed.fidelity_scores.FidelityScores` (its *element*
        score in *round*), or a frame with columns ``municipality`` and ``fidelity``.
    outcomes : pandas.DataFrame
        Columns ``municipality`` and *y* (a share as a fraction, e.g. of the municipality's
        group 1 in virksomhedsforløb mv.).
    y : str, default "share"
    round : str, default "final"
    element : str, default "combined"
    alpha : float, default 0.05

    Returns
    -------
    FidelityResultsRegression

    Notes
    -----
    :math:`y_m = a + b\\,x_m + e_m` by OLS over the municipalities with both values
    (municipality labels compared as text). Published: :math:`b = 0.0514`, :math:`a =
    0.5811`, :math:`R^2 = 0.0779`, N = 71, p < 0.05; not significant for enterprise-directed
    activity and ordinary hours (003, L2582-2622; SPEC.md §5.4). An association across
    municipalities, not an effect.

    Examples
    --------
    Five municipalities: :math:`\\bar x = 4`, :math:`\\bar y = 0.78`,
    :math:`S_{xy} = 0.05 + 0.01 + 0 + 0.015 + 0.05 = 0.125`, :math:`S_{xx} = 2.5`, so
    :math:`b = 0.05` and :math:`a = 0.78 - 0.05 \\cdot 4 = 0.58`:

    >>> import pandas as pd
    >>> from activemeasures_flereskalmed.descriptive import fidelity_results_regression
    >>> scores = pd.DataFrame({"municipality": list("ABCDE"), "fidelity": [3, 3.5, 4, 4.5, 5]})
    >>> shares = pd.DataFrame({"municipality": list("ABCDE"),
    ...                        "share": [0.73, 0.76, 0.77, 0.81, 0.83]})
    >>> fit = fidelity_results_regression(scores, shares)
    >>> round(fit.slope, 3), round(fit.intercept, 3)
    (0.05, 0.58)
    """
    if hasattr(fidelity, "element_scores"):
        rows = fidelity.element_scores
        rows = rows[(rows["element"] == element) & (rows["round"] == str(round))]
        if rows.empty:
            raise ValueError(f"no {element!r} scores in round {round!r}")
        fidelity = rows.rename(columns={"score": "fidelity"})[["municipality", "fidelity"]]
    x = _require(fidelity, ["municipality", "fidelity"], "the fidelity table")
    out = _require(outcomes, ["municipality", y], "the outcome table")
    if y == "fidelity":
        raise ValueError("name the outcome column something other than 'fidelity'")
    left = x.assign(municipality=x["municipality"].astype(str))[["municipality", "fidelity"]]
    right = out.assign(municipality=out["municipality"].astype(str))[["municipality", y]]
    for name, part in (("fidelity", left), ("outcome", right)):
        if part["municipality"].duplicated().any():
            raise ValueError(f"the {name} table has more than one row per municipality")
    data = left.merge(right, on="municipality", how="inner")
    n_unmatched = len(set(left["municipality"]) ^ set(right["municipality"]))
    regression = municipality_regression(data, y, "fidelity", alpha=alpha)
    return FidelityResultsRegression(regression=regression, n_unmatched=n_unmatched)
