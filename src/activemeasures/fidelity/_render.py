"""Text, HTML tables and cell labels of a :class:`~activemeasures.fidelity.FidelityReport`.

Frames keep shares as fractions (0.88); only what is shown to a reader uses percentages.
Nothing here ever sees a citizen identifier: a report holds aggregates only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from activemeasures.fidelity.model import NATIONAL, Indicator

if TYPE_CHECKING:
    from activemeasures.fidelity.report import FidelityReport


#: How a kind's values read: a share (shown in %), a difference of shares (percentage
#: points), or a score/ratio (a plain number). A kind says so with a ``scale`` attribute.
SCALES = ("share", "difference", "score")


def value_scale(indicator: Indicator, values: np.ndarray) -> str:
    """How the indicator's values read: ``"share"``, ``"difference"`` or ``"score"``.

    A kind may say so with a ``scale`` attribute (one of :data:`SCALES`); otherwise every
    finite value within [0, 1] means a share, and anything else a score.
    """
    scale = getattr(indicator.kind, "scale", None)
    if scale is not None:
        return str(scale) if str(scale) in SCALES else "score"
    finite = values[np.isfinite(values)]
    return "share" if bool(np.all((finite >= 0) & (finite <= 1))) else "score"


def format_value(value: float, scale: str) -> str:
    """A value for the text summary: ``"88.0 %"``, ``"+5.2 pp"`` or ``"3.80"``; ``"–"``
    when missing."""
    if not np.isfinite(value):
        return "–"
    if scale == "share":
        return f"{100 * value:.1f} %"
    if scale == "difference":
        return f"{100 * value:+.1f} pp"
    return f"{value:.2f}"


def cell_text(value: float, scale: str) -> str:
    """A value for a heat-map cell: ``"88 %"``, ``"+5 pp"`` or ``"3.8"``; empty when missing."""
    if not np.isfinite(value):
        return ""
    if scale == "share":
        return f"{100 * value:.0f} %"
    if scale == "difference":
        return f"{100 * value:+.0f} pp"
    return f"{value:.1f}"


def format_count(value: float) -> str:
    """A count (a denominator) without decimals; ``"–"`` when missing."""
    if not np.isfinite(value):
        return "–"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.4g}"


def header(report: FidelityReport) -> str:
    """One line naming the programme, round and population."""
    round_text = "" if report.round is None else f", round {report.round}"
    return f"Fidelity of {report.programme}{round_text}; population: {report.population}"


def _scale(report: FidelityReport, key: str) -> str:
    return report.scales.get(key, "share")


def sections(report: FidelityReport) -> list[tuple[str, pd.DataFrame]]:
    """The national indicator table, the national element ratings, the light counts."""
    national = report.indicators[report.indicators["unit"] == NATIONAL]
    indicators = pd.DataFrame(
        {
            "indicator": national["indicator"].to_numpy(),
            "label": national["label"].to_numpy(),
            "value": [
                format_value(v, _scale(report, k))
                for k, v in zip(national["indicator"], national["value"], strict=True)
            ],
            "n": [format_count(v) for v in national["denominator"]],
            "light": national["light"].to_numpy(),
        }
    )
    rated = report.ratings[report.ratings["unit"] == NATIONAL]
    ratings = pd.DataFrame(
        {
            "element": rated["element"].to_numpy(),
            "label": rated["element_label"].to_numpy(),
            "level": rated["level"].fillna("–").to_numpy(),
        }
    )
    return [
        ("Indicators (national)", indicators),
        ("Element ratings (national)", ratings),
        ("Municipalities per light", report.light_counts().reset_index()),
    ]


def cell_texts(report: FidelityReport) -> pd.DataFrame:
    """Municipality × indicator labels for the heat map (shares in %)."""
    values = report.wide("value")
    return pd.DataFrame(
        {key: [cell_text(v, _scale(report, key)) for v in values[key]] for key in values.columns},
        index=values.index,
    )
