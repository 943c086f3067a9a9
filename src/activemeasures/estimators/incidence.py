"""Cumulative incidence under censoring: "share who met the criterion by week w".

The JobFirst figures show, per arm and week, the share who have met the 13-week criterion by
that week among the citizens observed that week (001, L319-326). Because later visitations are
followed for fewer weeks, that population changes with the week, and the published cumulative
share even falls in places (001, L323-326; SPEC.md §3.3, §11 A-20).

:func:`cumulative_incidence` treats the week of first meeting as a discrete event time with
right censoring at the last observed week, and estimates the cumulative share with the
Kaplan–Meier (product-limit) estimator on weeks, with exact ties, Greenwood's variance and the
number at risk per week (DESIGN.md §7). A "balanced panel" option keeps only citizens observed
for the whole horizon.
"""

from __future__ import annotations

import html

import attrs
import numpy as np
import pandas as pd
from scipy import special

from activemeasures._arrays import float_array, int_array

__all__ = ["CI_METHODS", "INCIDENCE_COLUMNS", "IncidenceCurve", "cumulative_incidence"]

#: Confidence-interval methods of :func:`cumulative_incidence`.
CI_METHODS = ("log-log", "plain")

#: Columns of :meth:`IncidenceCurve.to_frame`, in order.
INCIDENCE_COLUMNS = (
    "group",
    "week",
    "n_at_risk",
    "n_events",
    "cumulative_share",
    "std_error",
    "ci_lower",
    "ci_upper",
)

#: Columns of :meth:`IncidenceCurve.difference`, in order.
DIFFERENCE_COLUMNS = ("week", "estimate", "std_error", "ci_lower", "ci_upper")


@attrs.frozen(kw_only=True, eq=False, repr=False)
class IncidenceCurve:
    """Cumulative share with an event by each week, per group, under right censoring.

    Returned by :func:`cumulative_incidence`. Arrays are read-only, shaped
    ``(n_groups, horizon)``; column ``w - 1`` is week ``w``.

    Attributes
    ----------
    groups : pandas.Index
        Group labels (sorted).
    week : numpy.ndarray of int
        Weeks 1, …, horizon.
    n_at_risk, n_events : numpy.ndarray of int
        Citizens at risk at the start of the week (observed that week, no event before) and
        events in the week.
    cumulative_share : numpy.ndarray
        :math:`1 - \\hat S(w)`, the Kaplan–Meier cumulative incidence.
    std_error : numpy.ndarray
        Greenwood standard error of :math:`\\hat S(w)` (and so of the cumulative share).
    ci_lower, ci_upper : numpy.ndarray
        Pointwise confidence interval of the cumulative share.
    greenwood : numpy.ndarray
        :math:`\\sum_{v \\le w} d_v / (n_v (n_v - d_v))`, the Greenwood sum.
    alpha : float
    ci : str
        ``"log-log"`` or ``"plain"``.
    balanced : bool
    n_excluded : int
        Citizens left out by ``balanced=True``.
    """

    groups: pd.Index
    week: np.ndarray = attrs.field(converter=int_array)
    n_at_risk: np.ndarray = attrs.field(converter=int_array)
    n_events: np.ndarray = attrs.field(converter=int_array)
    cumulative_share: np.ndarray = attrs.field(converter=float_array)
    std_error: np.ndarray = attrs.field(converter=float_array)
    ci_lower: np.ndarray = attrs.field(converter=float_array)
    ci_upper: np.ndarray = attrs.field(converter=float_array)
    greenwood: np.ndarray = attrs.field(converter=float_array)
    alpha: float
    ci: str
    balanced: bool = False
    n_excluded: int = 0

    def to_frame(self) -> pd.DataFrame:
        """One row per group and week; columns :data:`INCIDENCE_COLUMNS`.

        ``group, week, n_at_risk, n_events, cumulative_share, std_error, ci_lower,
        ci_upper``.
        """
        n_groups, n_weeks = self.n_at_risk.shape
        columns = {
            "group": np.repeat(np.asarray(self.groups, dtype=object), n_weeks),
            "week": np.tile(self.week, n_groups),
        }
        for name in INCIDENCE_COLUMNS[2:]:
            columns[name] = np.asarray(getattr(self, name)).reshape(-1)
        return pd.DataFrame(columns)

    def _index(self, label: object) -> int:
        where = np.flatnonzero(self.groups == label)
        if len(where) != 1:
            known = ", ".join(repr(g) for g in self.groups)
            raise KeyError(f"no group {label!r}; groups: {known}")
        return int(where[0])

    def difference(self, group: object = None, reference: object = None) -> pd.DataFrame:
        """Cumulative share of ``group`` minus that of ``reference``, per week, with a CI.

        Parameters
        ----------
        group, reference : group labels, optional
            Default: ``"treatment"`` and ``"control"`` when both are groups; otherwise the
            curve must have exactly two groups, and the second (in sorted order) is compared
            with the first.

        Returns
        -------
        pandas.DataFrame
            Columns ``week, estimate, std_error, ci_lower, ci_upper``.

        Notes
        -----
        The groups are independent samples, so :math:`\\widehat{se} = \\sqrt{\\widehat{se}_g^2
        + \\widehat{se}_r^2}` (Greenwood standard errors) and the interval is
        :math:`\\hat\\Delta \\pm z_{1-\\alpha/2}\\,\\widehat{se}` (normal approximation,
        SPEC.md §5.1).
        """
        if group is None and reference is None:
            labels = list(self.groups)
            if "treatment" in labels and "control" in labels:
                group, reference = "treatment", "control"
            elif len(labels) == 2:
                reference, group = labels
            else:
                raise ValueError("name the two groups to compare (group=..., reference=...)")
        g, r = self._index(group), self._index(reference)
        estimate = self.cumulative_share[g] - self.cumulative_share[r]
        std_error = np.hypot(self.std_error[g], self.std_error[r])
        z = special.ndtri(1.0 - self.alpha / 2)
        return pd.DataFrame(
            {
                "week": self.week,
                "estimate": estimate,
                "std_error": std_error,
                "ci_lower": estimate - z * std_error,
                "ci_upper": estimate + z * std_error,
            }
        )

    def _header(self) -> list[str]:
        population = "balanced panel" if self.balanced else "all citizens, censored"
        return [
            "Cumulative incidence (Kaplan–Meier on weeks, Greenwood variance)",
            f"{len(self.groups)} group{'' if len(self.groups) == 1 else 's'}, "
            f"weeks 1–{len(self.week)}, {population}; "
            f"{100 * (1 - self.alpha):g} % CIs ({self.ci})",
        ]

    def __str__(self) -> str:
        table = self.to_frame().to_string(
            index=False, max_rows=30, float_format=lambda v: f"{v:.4g}"
        )
        return "\n".join([*self._header(), "", table])

    def __repr__(self) -> str:
        return f"<IncidenceCurve: {len(self.groups)} groups × {len(self.week)} weeks>"

    def _repr_html_(self) -> str:
        header = "<br>".join(html.escape(line) for line in self._header())
        table = self.to_frame().to_html(index=False, max_rows=30, float_format=lambda v: f"{v:.4g}")
        return f"<div><p>{header}</p>{table}</div>"

    def plot(self, ax=None):
        """Step plot of the cumulative share per group with its CI.

        Returns
        -------
        matplotlib.axes.Axes
        """
        if ax is None:
            import matplotlib.pyplot as plt

            _, ax = plt.subplots()
        for i, label in enumerate(self.groups):
            color = f"C{i % 10}"
            share, lower, upper = self.cumulative_share[i], self.ci_lower[i], self.ci_upper[i]
            ax.step(self.week, share, where="post", color=color, label=str(label))
            ax.fill_between(self.week, lower, upper, step="post", alpha=0.2, color=color)
        ax.set_xlabel("Weeks since visitation")
        ax.set_ylabel("Cumulative share")
        ax.set_ylim(0, 1)
        ax.legend()
        return ax


def _asint_array(values: object, name: str) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got {array.ndim} dimensions")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"{name} must hold integers, got dtype {array.dtype}")
    if array.size and array.min() < 0:
        raise ValueError(f"{name} must be >= 0 ({int((array < 0).sum())} values are not)")
    return array.astype(np.int64)


def cumulative_incidence(
    event_week: np.ndarray,
    observed_weeks: np.ndarray,
    groups: object = None,
    *,
    alpha: float = 0.05,
    ci: str = "log-log",
    balanced: bool = False,
    horizon: int | None = None,
) -> IncidenceCurve:
    r"""Kaplan–Meier cumulative incidence on weeks, per group, with censoring.

    Parameters
    ----------
    event_week : array_like of int, shape (n,)
        Week of the event, 1-based; 0 when there is none within the observed weeks. This is
        what :meth:`SpellRule.first_met_week <activemeasures.SpellRule.first_met_week>` and
        :meth:`Panel.first_met_week <activemeasures.Panel.first_met_week>` return.
    observed_weeks : array_like of int, shape (n,)
        Observed weeks per citizen (``Panel.observed_weeks``); later weeks are censored.
    groups : array_like, shape (n,), optional
        Group of each citizen (e.g. the arm). One group ``"all"`` when omitted.
    alpha : float, default 0.05
        1 − confidence level.
    ci : {"log-log", "plain"}, default "log-log"
        Interval for :math:`S(w)`; see Notes. ``"log-log"`` is lifelines'
        ``KaplanMeierFitter`` default and R ``survfit``'s ``conf.type="log-log"``; it stays
        inside [0, 1] and covers better than ``"plain"`` near 0 and 1 (Borgan and Liestøl,
        1990). ``"plain"`` is the normal approximation of the published curves (SPEC.md
        §11 A-52).
    balanced : bool, default False
        Keep only citizens with ``observed_weeks >= horizon`` (SPEC.md §3.3 item 3, §11
        A-20). With full follow-up there is no censoring, and the estimate is the plain
        share with an event by each week.
    horizon : int, optional
        Last week to report. Default: the largest observed week. Events after it are
        ignored.

    Returns
    -------
    IncidenceCurve

    Raises
    ------
    ValueError
        If the arrays differ in length, hold negative values, or an event lies after the
        citizen's observed weeks.

    Notes
    -----
    Citizen :math:`i` leaves the risk set after week :math:`x_i`, its event week if it has
    one and otherwise its last observed week :math:`T_i` (censoring, 001, L287). The citizen
    is **at risk** in week :math:`w` when :math:`x_i \ge w`, i.e. observed that week with no
    event before it; an event in week :math:`w` counts in week :math:`w`. With
    :math:`n_w` at risk and :math:`d_w` events in week :math:`w`, all tied events of a week
    are handled together (exact ties, the discrete-time product limit):

    .. math::

        \hat S(w) = \prod_{v \le w} \left(1 - \frac{d_v}{n_v}\right), \qquad
        \hat F(w) = 1 - \hat S(w), \qquad
        \widehat{\mathrm{Var}}\,\hat S(w) = \hat S(w)^2 \sum_{v \le w}
        \frac{d_v}{n_v (n_v - d_v)}

    (Kaplan and Meier, 1958; Greenwood, 1926). A week with :math:`n_v = d_v` (everyone at
    risk has the event, :math:`\hat S = 0`) adds 0 to the Greenwood sum, as lifelines does.
    Weeks with nobody at risk carry :math:`\hat S` forward.

    Intervals for :math:`S(w)`, turned into intervals for :math:`F = 1 - S`:

    * ``"log-log"`` (Kalbfleisch and Prentice, 2002, the "exponential Greenwood" interval):
      with :math:`\sigma^2 = \sum d/(n(n-d))` and :math:`z = \Phi^{-1}(1 - \alpha/2)`,
      :math:`\hat S^{\exp(\pm z\sigma / \log \hat S)}`. It stays inside :math:`[0, 1]`;
      where :math:`\hat S = 1` it is :math:`[1, 1]`.
    * ``"plain"``: :math:`\hat S \pm z\,\widehat{se}`, clipped to :math:`[0, 1]`.

    The estimate, the numbers at risk and the ``"log-log"`` interval equal lifelines'
    ``KaplanMeierFitter`` fitted with ``durations`` :math:`x_i`, ``event_observed``
    :math:`1\{\text{event}\}` and ``timeline`` the weeks (tested to 1e-10 against stored
    lifelines output in ``tests/reference/incidence/``).

    References
    ----------
    Borgan, Ø. and Liestøl, K. (1990). A note on confidence intervals and bands for the
    survival function based on transformations. *Scandinavian Journal of Statistics* 17(1),
    35–41.
    Greenwood, M. (1926). The natural duration of cancer. *Reports on Public Health and
    Medical Subjects* 33, 1–26.
    Kalbfleisch, J. D. and Prentice, R. L. (2002). *The Statistical Analysis of Failure Time
    Data*, 2nd ed. Wiley.
    Kaplan, E. L. and Meier, P. (1958). Nonparametric estimation from incomplete
    observations. *Journal of the American Statistical Association* 53(282), 457–481.

    Examples
    --------
    Five citizens; two met the criterion (weeks 2 and 3), one was observed for one week only:

    >>> from activemeasures.estimators.incidence import cumulative_incidence
    >>> curve = cumulative_incidence([2, 0, 3, 0, 0], [4, 4, 4, 1, 4])
    >>> curve.to_frame()[["week", "n_at_risk", "n_events", "cumulative_share"]]
       week  n_at_risk  n_events  cumulative_share
    0     1          5         0              0.00
    1     2          4         1              0.25
    2     3          3         1              0.50
    3     4          2         0              0.50

    The naive share among those observed would be 1/5 in week 2; the censored citizen is
    not counted as "not met" in the weeks it was not observed.
    """
    if ci not in CI_METHODS:
        raise ValueError(f"ci must be one of {', '.join(map(repr, CI_METHODS))}, got {ci!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
    event = _asint_array(event_week, "event_week")
    observed = _asint_array(observed_weeks, "observed_weeks")
    if event.shape != observed.shape:
        raise ValueError(
            f"event_week and observed_weeks differ in length ({len(event)} and {len(observed)})"
        )
    late = event > observed
    if late.any():
        raise ValueError(f"{int(late.sum())} events lie after the citizen's observed weeks")
    if groups is None:
        codes, labels = np.zeros(len(event), dtype=np.int64), pd.Index(["all"])
    else:
        group_values = np.asarray(groups)
        if group_values.shape != event.shape:
            raise ValueError(f"groups must have one entry per citizen ({len(event)})")
        codes, labels = pd.factorize(group_values, sort=True)
        if (codes < 0).any():
            raise ValueError(f"groups is missing for {int((codes < 0).sum())} citizens")
        labels = pd.Index(labels)
    if horizon is None:
        horizon = int(observed.max()) if len(observed) else 0
    horizon = int(horizon)
    if horizon < 1:
        raise ValueError(f"horizon must be >= 1, got {horizon}")
    events, exits, n_excluded = _event_counts(
        event, observed, codes, len(labels), horizon=horizon, balanced=balanced
    )
    return _curve(
        labels, events, exits, n_excluded, alpha=alpha, ci=ci, balanced=balanced, horizon=horizon
    )


def _event_counts(
    event: np.ndarray,
    observed: np.ndarray,
    codes: np.ndarray,
    n_groups: int,
    *,
    horizon: int,
    balanced: bool,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Events and exits per group × week (sufficient statistics) and the citizens left out.

    Sums over citizens: :mod:`activemeasures.distributed` adds them up over partitions.
    """
    keep = observed >= horizon if balanced else np.ones(len(event), dtype=bool)
    n_excluded = int((~keep).sum())
    event, observed, codes = event[keep], observed[keep], codes[keep]
    event = np.where(event > horizon, 0, event)
    exit_week = np.minimum(np.where(event > 0, event, observed), horizon)
    size = n_groups * (horizon + 1)
    # Per group: events by week and exits by week (column 0 = never at risk).
    events = np.bincount(codes * (horizon + 1) + event, minlength=size).reshape(n_groups, -1)
    exits = np.bincount(codes * (horizon + 1) + exit_week, minlength=size).reshape(n_groups, -1)
    return events[:, 1:], exits[:, 1:], n_excluded


def _curve(
    labels: pd.Index,
    events: np.ndarray,
    exits: np.ndarray,
    n_excluded: int,
    *,
    alpha: float,
    ci: str,
    balanced: bool,
    horizon: int,
) -> IncidenceCurve:
    """The Kaplan–Meier curve of the events and exits per group × week."""
    at_risk = np.cumsum(exits[:, ::-1], axis=1)[:, ::-1]  # n_w = #{exit >= w}
    with np.errstate(divide="ignore", invalid="ignore"):
        hazard = np.where(at_risk > 0, events / at_risk, 0.0)
        term = np.where(at_risk > events, events / (at_risk * (at_risk - events)), 0.0)
    survival = np.cumprod(1.0 - hazard, axis=1)
    greenwood = np.cumsum(term, axis=1)
    std_error = survival * np.sqrt(greenwood)
    z = special.ndtri(1.0 - alpha / 2)
    if ci == "plain":
        s_lower = np.clip(survival - z * std_error, 0.0, 1.0)
        s_upper = np.clip(survival + z * std_error, 0.0, 1.0)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            log_s = np.log(survival)
            spread = z * np.sqrt(greenwood) / log_s
            s_lower = np.exp(-np.exp(np.log(-log_s) - spread))
            s_upper = np.exp(-np.exp(np.log(-log_s) + spread))
        s_lower = np.where(np.isnan(s_lower), 1.0, s_lower)
        s_upper = np.where(np.isnan(s_upper), 1.0, s_upper)
    return IncidenceCurve(
        groups=labels,
        week=np.arange(1, horizon + 1),
        n_at_risk=at_risk,
        n_events=events,
        cumulative_share=1.0 - survival,
        std_error=std_error,
        ci_lower=1.0 - s_upper,
        ci_upper=1.0 - s_lower,
        greenwood=greenwood,
        alpha=float(alpha),
        ci=ci,
        balanced=bool(balanced),
        n_excluded=n_excluded,
    )
