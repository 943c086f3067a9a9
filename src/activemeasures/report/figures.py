"""The report's figures, drawn from disclosure-controlled tables only.

Every function takes tidy frames as :func:`~activemeasures.report.protect_evaluation` returns
them (suppressed entries are missing values, so they show as gaps, never as 0) and returns a
:class:`matplotlib.figure.Figure`. matplotlib is imported inside the functions (the ``plots``
extra) and figures are made without pyplot's global state, so writing a report leaves no open
figure behind.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "distribution_figure",
    "effect_figure",
    "incidence_figure",
    "lights_figure",
    "lines_figure",
]

#: Colour of each arm or group line (treatment as in the JobFirst figures: dark, control light).
_COLOURS = ("#1f4e79", "#9dc3e6", "#c55a11", "#70ad47", "#7030a0", "#808080")


def _figure(width: float, height: float, ncols: int = 1):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained")
    axes = figure.subplots(1, ncols, squeeze=False)[0]
    return figure, list(axes)


def _percent_axis(ax, values: np.ndarray) -> None:
    """Label the y axis in per cent when every value is a share."""
    from matplotlib.ticker import PercentFormatter

    finite = values[np.isfinite(values)]
    if finite.size and finite.min() >= -1 and finite.max() <= 1:
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0))


def effect_figure(frame: pd.DataFrame, *, title: str, confidence: str = "95 %"):
    """Levels by arm (left) and the treatment − control effect with its CI (right).

    Parameters
    ----------
    frame : pandas.DataFrame
        One outcome's rows of the protected ``effects`` table (columns of
        :meth:`EffectCurve.to_frame <activemeasures.estimators.EffectCurve.to_frame>`).
    title : str
        The outcome's label.
    confidence : str
        Shown in the legend, e.g. ``"95 %"``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    figure, (levels, effect) = _figure(9.0, 3.4, 2)
    week = frame["week"].to_numpy(dtype=float)
    for column, name, colour in (
        ("mean_treatment", "treatment", _COLOURS[0]),
        ("mean_control", "control", _COLOURS[1]),
    ):
        levels.plot(week, frame[column].to_numpy(dtype=float), color=colour, label=name)
    levels.set_title("By arm", fontsize=9)
    levels.set_xlabel("weeks since visitation")
    levels.legend(frameon=False, fontsize=8)
    both = frame[["mean_treatment", "mean_control"]].to_numpy(dtype=float).ravel()
    _percent_axis(levels, both)
    estimate = frame["estimate"].to_numpy(dtype=float)
    lower = frame["ci_lower"].to_numpy(dtype=float)
    upper = frame["ci_upper"].to_numpy(dtype=float)
    effect.fill_between(
        week, lower, upper, color=_COLOURS[0], alpha=0.2, linewidth=0, label=f"{confidence} CI"
    )
    if "band_lower" in frame and np.isfinite(frame["band_lower"].to_numpy(dtype=float)).any():
        for column in ("band_lower", "band_upper"):
            effect.plot(
                week,
                frame[column].to_numpy(dtype=float),
                color=_COLOURS[0],
                linestyle=":",
                linewidth=0.9,
                label="simultaneous band" if column == "band_lower" else None,
            )
    effect.plot(week, estimate, color=_COLOURS[0], label="treatment − control")
    effect.axhline(0, color="0.4", linewidth=0.7)
    effect.set_title("Effect", fontsize=9)
    effect.set_xlabel("weeks since visitation")
    effect.legend(frameon=False, fontsize=8)
    _percent_axis(effect, np.r_[lower, upper, both])
    figure.suptitle(title, fontsize=10)
    return figure


def incidence_figure(frame: pd.DataFrame, *, title: str, confidence: str = "95 %"):
    """Cumulative share with the event by week, one step line per group with its CI.

    Parameters
    ----------
    frame : pandas.DataFrame
        One outcome's rows of the protected ``incidence`` table (``group, week,
        cumulative_share, ci_lower, ci_upper`` …).
    title : str
    confidence : str

    Returns
    -------
    matplotlib.figure.Figure
    """
    figure, (ax,) = _figure(5.5, 3.4)
    for index, (group, rows) in enumerate(frame.groupby("group", sort=True)):
        colour = _COLOURS[index % len(_COLOURS)]
        week = rows["week"].to_numpy(dtype=float)
        ax.step(
            week,
            rows["cumulative_share"].to_numpy(dtype=float),
            where="post",
            color=colour,
            label=str(group),
        )
        ax.fill_between(
            week,
            rows["ci_lower"].to_numpy(dtype=float),
            rows["ci_upper"].to_numpy(dtype=float),
            step="post",
            color=colour,
            alpha=0.15,
            linewidth=0,
        )
    ax.set_xlabel("weeks since visitation")
    ax.set_ylabel(f"cumulative share ({confidence} CI)")
    ax.set_ylim(0, 1)
    _percent_axis(ax, np.array([0.0, 1.0]))
    ax.legend(frameon=False, fontsize=8)
    ax.set_title(title, fontsize=10)
    return figure


def distribution_figure(frame: pd.DataFrame, *, title: str):
    """Bars of a distribution per arm (e.g. ordinary hours among those with hours).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per category (in order): ``category`` and one column per arm holding the
        share of that arm in the category (missing where suppressed).
    title : str

    Returns
    -------
    matplotlib.figure.Figure
    """
    figure, (ax,) = _figure(6.0, 3.4)
    arms = [c for c in frame.columns if c != "category"]
    x = np.arange(len(frame), dtype=float)
    width = 0.8 / max(len(arms), 1)
    for index, arm in enumerate(arms):
        ax.bar(
            x + (index - (len(arms) - 1) / 2) * width,
            frame[arm].to_numpy(dtype=float),
            width=width,
            color=_COLOURS[index % len(_COLOURS)],
            label=arm,
        )
    ax.set_xticks(x, frame["category"].astype(str).tolist(), fontsize=8)
    ax.set_xlabel("ordinary hours per week")
    _percent_axis(ax, np.array([0.0, 1.0]))
    ax.legend(frameon=False, fontsize=8)
    ax.set_title(title, fontsize=10)
    return figure


def lines_figure(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    group: str | None = None,
    panel: str | None = None,
    xlabel: str = "",
    ylabel: str = "",
    title: str = "",
):
    """Lines of *y* over *x*, one per *group*, one panel per value of *panel*.

    Parameters
    ----------
    frame : pandas.DataFrame
        A protected tidy table.
    x, y, group, panel : str
        Its columns (see :class:`~activemeasures.ReportFigure`).
    xlabel, ylabel, title : str

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure

    panels = [None] if panel is None else list(pd.unique(frame[panel]))
    ncols = min(max(len(panels), 1), 3)
    nrows = -(-max(len(panels), 1) // ncols)
    figure = Figure(figsize=(4.2 * ncols, 3.2 * nrows), layout="constrained")
    grid = figure.subplots(nrows, ncols, squeeze=False).ravel()
    for ax in grid[len(panels) :]:
        ax.set_visible(False)
    for ax, value in zip(grid, panels, strict=False):
        rows = frame if value is None else frame[frame[panel] == value]
        groups = [(None, rows)] if group is None else list(rows.groupby(group, sort=True))
        for index, (name, part) in enumerate(groups):
            ax.plot(
                part[x].to_numpy(dtype=float),
                part[y].to_numpy(dtype=float),
                color=_COLOURS[index % len(_COLOURS)],
                label=None if name is None else str(name),
            )
        _percent_axis(ax, rows[y].to_numpy(dtype=float))
        ax.set_xlabel(xlabel or x)
        ax.set_ylabel(ylabel or y)
        if value is not None:
            ax.set_title(str(value), fontsize=9)
        if group is not None:
            ax.legend(frameon=False, fontsize=7, title=group, title_fontsize=7)
    if title:
        figure.suptitle(title, fontsize=10)
    return figure


def lights_figure(lights: pd.DataFrame, *, title: str = ""):
    """The municipality × indicator traffic-light matrix (suppressed cells hatched grey).

    Parameters
    ----------
    lights : pandas.DataFrame
        Municipalities as the index, indicators as the columns, entries ``"green"``,
        ``"yellow"``, ``"red"``, ``"no data"``, ``"not rated"`` or ``"suppressed"``.
    title : str

    Returns
    -------
    matplotlib.figure.Figure
    """
    from activemeasures.fidelity._heatmap import plot_lights

    n_rows, n_columns = lights.shape
    # Room for the rotated indicator keys under the matrix (about 0.075 in per character).
    longest = max((len(str(c)) for c in lights.columns), default=1)
    height = 0.3 * n_rows + 1.5 + 0.075 * longest
    figure, (ax,) = _figure(max(4.0, 0.3 * n_columns + 3.5), max(2.5, height))
    plot_lights(lights, None, ax=ax, title=title)
    ax.tick_params(axis="x", labelrotation=90)
    return figure
