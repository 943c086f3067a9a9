"""A tiny indicator kind and report for the examples in the fidelity docstrings (not public)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs
import numpy as np
import pandas as pd

from activemeasures.fidelity.model import INDICATOR_VALUE_COLUMNS, NATIONAL, Population

if TYPE_CHECKING:
    from activemeasures.dataset import Dataset
    from activemeasures.fidelity.report import FidelityReport


@attrs.frozen(kw_only=True)
class ColumnShare:
    """Share of citizens whose citizens-table *column* is 1, among those with it recorded."""

    column: str
    tables = ("citizens",)

    def compute(
        self, dataset: Dataset, population: Population, *, round: str | None = None
    ) -> pd.DataFrame:
        citizens = dataset.citizens.loc[population.select(dataset.citizens)]
        x = citizens[self.column].astype(float)
        recorded = x.notna().astype(float)
        met = (x == 1).astype(float)
        by = pd.DataFrame({"numerator": met, "denominator": recorded})
        grouped = by.groupby(citizens["municipality"], sort=True).sum()
        numerator = np.append(grouped["numerator"].to_numpy(), met.sum())
        denominator = np.append(grouped["denominator"].to_numpy(), recorded.sum())
        with np.errstate(invalid="ignore", divide="ignore"):
            value = np.where(denominator > 0, numerator / np.maximum(denominator, 1), np.nan)
        units = [*grouped.index, NATIONAL]
        return pd.DataFrame(
            dict(zip(INDICATOR_VALUE_COLUMNS, (units, numerator, denominator, value), strict=True))
        )

    def describe(self) -> str:
        return f"share of citizens with {self.column} = 1 among those with {self.column} recorded"


def example_report() -> FidelityReport:
    """Three municipalities, two elements, one indicator without a target.

    Values per municipality (Aarhus / Odense / Vejle): 1.1 = 4/4, 4/5, 3/5; 1.2 = 3/4, 5/5,
    1/5; 2.1 (not rated) = 1/2, 0/0 (no data), 2/2.
    """
    from activemeasures import CoreElement, Dataset, Indicator, Programme, SubComponent
    from activemeasures.fidelity.report import evaluate_fidelity

    nan = float("nan")
    citizens = pd.DataFrame(
        {
            "citizen_id": [f"p{i:02d}" for i in range(15)],
            "municipality": ["Aarhus"] * 4 + ["Odense"] * 5 + ["Vejle"] * 5 + ["Vejle"],
            "visitation_date": "2016-03-01",
            "arm": ["treatment"] * 14 + ["control"],
            "cv": [1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 0, 1],
            "goal": [1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1],
            "mentor": [1, 0, nan, nan, nan, nan, nan, nan, nan, 1, 1, nan, nan, nan, 1],
        }
    )
    data = Dataset.from_frames(citizens, cutoff="2016-12-31")

    def indicator(key: str, label: str, column: str, **options: object) -> Indicator:
        return Indicator(key=key, label=label, kind=ColumnShare(column=column), **options)

    roles = CoreElement(
        key="roles",
        label="Clear roles",
        sub_components=[
            SubComponent(key="1.1", label="CV", indicators=[indicator("1.1", "CV", "cv")]),
            SubComponent(
                key="1.2", label="Job goal", indicators=[indicator("1.2", "Job goal", "goal")]
            ),
        ],
    )
    support = CoreElement(
        key="support",
        label="Support",
        sub_components=[
            SubComponent(
                key="2.1",
                label="Mentor",
                indicators=[indicator("2.1", "Mentor", "mentor", rated=False)],
            )
        ],
    )
    programme = Programme(name="pilot", label="Pilot", core_elements=[roles, support])
    return evaluate_fidelity(data, programme, round="final")
