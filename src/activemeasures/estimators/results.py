"""The result of an effect estimator: :class:`Estimate`.

An :class:`Estimate` holds one treatment effect with its t-based inference and the design that
was learned from the arguments. It renders itself as text and HTML, exports to a one-row tidy
table and plots as a point with its confidence interval. It holds counts and statistics only:
no outcome value and no unit identifier ever enters it (DESIGN.md §10).
"""

from __future__ import annotations

import html
import math

import attrs
import numpy as np
import pandas as pd
from scipy import special

__all__ = ["DESIGNS", "ESTIMATE_COLUMNS", "METHODS", "Estimate"]

#: Designs an estimator can learn from its arguments (estimatr's names, in lower case).
DESIGNS = (
    "standard",
    "blocked",
    "matched-pair",
    "clustered",
    "block-clustered",
    "matched-pair clustered",
)

#: Estimators that produce an :class:`Estimate`.
METHODS = ("difference in means", "Lin")

#: Columns of :meth:`Estimate.to_frame`, in order.
ESTIMATE_COLUMNS = (
    "estimate",
    "std_error",
    "df",
    "statistic",
    "p_value",
    "ci_lower",
    "ci_upper",
    "n_treatment",
    "n_control",
    "design",
    "alpha",
    "n_dropped",
    "method",
)


def _open_unit_interval(instance: object, attribute: attrs.Attribute, value: float) -> None:
    if not 0.0 < value < 1.0:
        raise ValueError(f"{attribute.name} must lie strictly between 0 and 1, got {value}")


def _non_negative(instance: object, attribute: attrs.Attribute, value: int) -> None:
    if value < 0:
        raise ValueError(f"{attribute.name} must be >= 0, got {value}")


def t_inference(
    estimate: float, std_error: float, df: float, alpha: float
) -> tuple[float, float, float, float]:
    r"""Two-sided t test and confidence interval, as estimatr's ``add_cis_pvals``.

    Returns ``(statistic, p_value, ci_lower, ci_upper)`` with :math:`t = \hat\tau /
    \widehat{se}`, :math:`p = 2\,P(T_\nu > |t|)` and :math:`\hat\tau \pm t_{\nu, 1-\alpha/2}
    \widehat{se}`. A zero standard error gives an infinite statistic (or NaN for a zero
    estimate), as R does.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = float(np.divide(estimate, std_error))
        p_value = float(2.0 * special.stdtr(df, -abs(statistic)))
        half_width = float(special.stdtrit(df, 1.0 - alpha / 2.0) * std_error)
    return statistic, p_value, estimate - half_width, estimate + half_width


def _number(value: float, digits: int = 4) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "NA"
    return f"{value:.{digits}g}"


def _p_value(value: float) -> str:
    if math.isnan(value):
        return "NA"
    return "<0.0001" if value < 1e-4 else f"{value:.4f}"


@attrs.frozen(kw_only=True)
class Estimate:
    r"""A treatment effect with its standard error, t-based test and confidence interval.

    Returned by :func:`~activemeasures.estimators.difference_in_means` and
    :func:`~activemeasures.estimators.lin`; build one from an estimate, a standard error and
    degrees of freedom with :meth:`from_t`.

    Parameters
    ----------
    estimate : float
        Estimated average treatment effect (treated minus control).
    std_error : float
        Its standard error (design-based; see the estimator).
    df : float
        Degrees of freedom of the reference t distribution (may be fractional).
    statistic : float
        :math:`t = \hat\tau / \widehat{se}`.
    p_value : float
        Two-sided p-value :math:`2\,P(T_{df} > |t|)`.
    ci_lower, ci_upper : float
        Bounds of the :math:`1 - \alpha` confidence interval
        :math:`\hat\tau \pm t_{df,\,1-\alpha/2}\,\widehat{se}`.
    n_treatment, n_control : int
        Units (not clusters) in the treatment and control arms that entered the estimate.
    design : str
        Design learned from the arguments: one of ``"standard"``, ``"blocked"``,
        ``"matched-pair"``, ``"clustered"``, ``"block-clustered"``,
        ``"matched-pair clustered"``.
    alpha : float, default 0.05
        Significance level of the test and the interval.
    n_dropped : int, default 0
        Units dropped because their outcome was missing (``missing="drop"``).
    method : str, default "difference in means"
        ``"difference in means"`` or ``"Lin"``.

    See Also
    --------
    activemeasures.estimators.difference_in_means, activemeasures.estimators.lin

    Examples
    --------
    >>> from activemeasures.estimators import Estimate
    >>> est = Estimate.from_t(estimate=0.75, std_error=0.25, df=100, n_treatment=51,
    ...                       n_control=52, design="standard")
    >>> round(est.statistic, 6), round(est.p_value, 4)
    (3.0, 0.0034)
    >>> print(est)
    Difference in means (standard design)
      estimate   std. error   df    t   p-value   95% CI
      0.75       0.25         100   3   0.0034    [0.254, 1.246]
      units: 51 treated, 52 control
    >>> est.to_frame()[["estimate", "ci_lower", "ci_upper", "design"]]
       estimate  ci_lower  ci_upper    design
    0      0.75  0.254007  1.245993  standard
    """

    estimate: float = attrs.field(converter=float)
    std_error: float = attrs.field(converter=float)
    df: float = attrs.field(converter=float)
    statistic: float = attrs.field(converter=float)
    p_value: float = attrs.field(converter=float)
    ci_lower: float = attrs.field(converter=float)
    ci_upper: float = attrs.field(converter=float)
    n_treatment: int = attrs.field(converter=int, validator=_non_negative)
    n_control: int = attrs.field(converter=int, validator=_non_negative)
    design: str = attrs.field(validator=attrs.validators.in_(DESIGNS))
    alpha: float = attrs.field(default=0.05, converter=float, validator=_open_unit_interval)
    n_dropped: int = attrs.field(default=0, converter=int, validator=_non_negative)
    method: str = attrs.field(
        default="difference in means", validator=attrs.validators.in_(METHODS)
    )

    @classmethod
    def from_t(
        cls,
        *,
        estimate: float,
        std_error: float,
        df: float,
        n_treatment: int,
        n_control: int,
        design: str,
        alpha: float = 0.05,
        n_dropped: int = 0,
        method: str = "difference in means",
    ) -> Estimate:
        r"""Complete an estimate with its t statistic, p-value and confidence interval.

        Parameters
        ----------
        estimate, std_error, df : float
            Point estimate, standard error and degrees of freedom.
        n_treatment, n_control, design, alpha, n_dropped, method
            As in :class:`Estimate`.

        Returns
        -------
        Estimate

        Notes
        -----
        As estimatr (``add_cis_pvals``): :math:`t = \hat\tau/\widehat{se}`,
        :math:`p = 2\{1 - F_{df}(|t|)\}` and the interval
        :math:`\hat\tau \pm F_{df}^{-1}(1 - \alpha/2)\,\widehat{se}`, with :math:`F_{df}`
        the distribution function of Student's t with ``df`` degrees of freedom.
        """
        statistic, p_value, ci_lower, ci_upper = t_inference(estimate, std_error, df, alpha)
        return cls(
            estimate=estimate,
            std_error=std_error,
            df=df,
            statistic=statistic,
            p_value=p_value,
            ci_lower=ci_lower,
            ci_upper=ci_upper,
            n_treatment=n_treatment,
            n_control=n_control,
            design=design,
            alpha=alpha,
            n_dropped=n_dropped,
            method=method,
        )

    # ------------------------------------------------------------------ rendering

    @property
    def _title(self) -> str:
        name = "Difference in means" if self.method == "difference in means" else "Lin (2013)"
        return f"{name} ({self.design} design)"

    @property
    def _level(self) -> str:
        return f"{100 * (1 - self.alpha):.4g}%"

    def _cells(self) -> list[tuple[str, str]]:
        return [
            ("estimate", _number(self.estimate)),
            ("std. error", _number(self.std_error)),
            ("df", _number(self.df)),
            ("t", _number(self.statistic)),
            ("p-value", _p_value(self.p_value)),
            (
                f"{self._level} CI",
                f"[{_number(self.ci_lower)}, {_number(self.ci_upper)}]",
            ),
        ]

    def _units(self) -> str:
        text = f"units: {self.n_treatment} treated, {self.n_control} control"
        if self.n_dropped:
            noun = "unit" if self.n_dropped == 1 else "units"
            text += f"; {self.n_dropped} {noun} with a missing outcome dropped"
        return text

    def __str__(self) -> str:
        cells = self._cells()
        widths = [max(len(head), len(value)) + 3 for head, value in cells[:-1]]
        header = "".join(h.ljust(w) for (h, _), w in zip(cells[:-1], widths, strict=True))
        values = "".join(v.ljust(w) for (_, v), w in zip(cells[:-1], widths, strict=True))
        return "\n".join(
            [
                self._title,
                "  " + header + cells[-1][0],
                "  " + values + cells[-1][1],
                "  " + self._units(),
            ]
        )

    def _repr_html_(self) -> str:
        cells = self._cells()
        head = "".join(f"<th>{html.escape(h)}</th>" for h, _ in cells)
        body = "".join(f"<td>{html.escape(v)}</td>" for _, v in cells)
        return (
            '<div class="activemeasures-estimate">'
            f"<strong>{html.escape(self._title)}</strong>"
            f"<table><thead><tr>{head}</tr></thead><tbody><tr>{body}</tr></tbody></table>"
            f"<p>{html.escape(self._units())}</p></div>"
        )

    def to_frame(self) -> pd.DataFrame:
        """One-row tidy table of the estimate.

        Returns
        -------
        pandas.DataFrame
            Columns ``estimate, std_error, df, statistic, p_value, ci_lower, ci_upper,
            n_treatment, n_control, design, alpha, n_dropped, method``, as the attributes of
            the same names.
        """
        return pd.DataFrame([{name: getattr(self, name) for name in ESTIMATE_COLUMNS}])

    def plot(self, ax=None):
        """Plot the estimate as a point with its confidence interval.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; a new figure is made when omitted.

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on, with a dashed reference line at zero.
        """
        if ax is None:
            import matplotlib.pyplot as plt  # optional dependency: imported only when plotting

            _, ax = plt.subplots(figsize=(5.0, 1.6))
        lower = self.estimate - self.ci_lower
        upper = self.ci_upper - self.estimate
        ax.errorbar([self.estimate], [0.0], xerr=[[lower], [upper]], fmt="o", capsize=4, color="C0")
        ax.axvline(0.0, linestyle="--", linewidth=1, color="grey")
        ax.set_yticks([0.0], labels=[self._title])
        ax.set_xlabel(f"effect (estimate and {self._level} confidence interval)")
        return ax
