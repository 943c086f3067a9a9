"""The municipality × indicator traffic-light map of :meth:`FidelityReport.plot`."""

from __future__ import annotations

import pandas as pd

#: Fill colour of each light (text value of :class:`~activemeasures.fidelity.TrafficLight`).
COLOURS = {
    "green": "#4daf4a",
    "yellow": "#ffd92f",
    "red": "#e41a1c",
    "no data": "#d9d9d9",
    "not rated": "white",
    "suppressed": "#bdbdbd",
}
_HATCH = {"not rated": "///", "suppressed": "xx"}
_TEXT_BOX = {"facecolor": "white", "edgecolor": "none", "pad": 1.0}


def plot_lights(lights: pd.DataFrame, texts: pd.DataFrame | None, *, ax=None, title: str = ""):
    """Draw one rectangle per cell of *lights* (rows top to bottom), *texts* written inside.

    Returns the Axes. One patch per municipality × indicator is added to ``ax.patches``.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch, Rectangle

    n_rows, n_columns = lights.shape
    if ax is None:
        # Constrained layout keeps the legend (outside the axes, on the right) in the figure.
        _, ax = plt.subplots(
            figsize=(max(4.0, 0.8 * n_columns + 3.5), max(2.5, 0.32 * n_rows + 1.5)),
            layout="constrained",
        )
    cells = lights.to_numpy(dtype=object)
    words = None if texts is None else texts.to_numpy(dtype=object)
    for row in range(n_rows):
        for column in range(n_columns):
            light = str(cells[row, column])
            ax.add_patch(
                Rectangle(
                    (column, row),
                    1,
                    1,
                    facecolor=COLOURS.get(light, "white"),
                    edgecolor="0.55",
                    hatch=_HATCH.get(light),
                    linewidth=0.6,
                )
            )
            if words is not None and words[row, column]:
                ax.text(
                    column + 0.5,
                    row + 0.5,
                    words[row, column],
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if light == "red" else "black",
                    bbox=_TEXT_BOX if light in _HATCH else None,
                )
    ax.set_xlim(0, max(n_columns, 1))
    ax.set_ylim(max(n_rows, 1), 0)  # first municipality on top
    ax.set_xticks([c + 0.5 for c in range(n_columns)], [str(c) for c in lights.columns])
    ax.set_yticks([r + 0.5 for r in range(n_rows)], [str(r) for r in lights.index])
    ax.tick_params(length=0)
    ax.set_xlabel("indicator")
    ax.set_ylabel("municipality")
    if title:
        ax.set_title(title, fontsize=9)
    present = set(cells.ravel().tolist())
    handles = [
        Patch(facecolor=colour, edgecolor="0.55", hatch=_HATCH.get(light), label=light)
        for light, colour in COLOURS.items()
        if light in present
    ]
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    return ax
