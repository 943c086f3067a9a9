"""Programme fidelity: core elements → sub-components → indicators → traffic lights → levels.

See the explanation page "Fidelity" and SPEC.md §6.
"""

from activemeasures.fidelity.lights import Level, RatingRule, Thresholds, TrafficLight
from activemeasures.fidelity.model import (
    INDICATOR_VALUE_COLUMNS,
    NATIONAL,
    CoreElement,
    DataSource,
    Indicator,
    IndicatorKind,
    Population,
    SubComponent,
)

__all__ = [
    "INDICATOR_VALUE_COLUMNS",
    "NATIONAL",
    "CoreElement",
    "DataSource",
    "Indicator",
    "IndicatorKind",
    "Level",
    "Population",
    "RatingRule",
    "SubComponent",
    "Thresholds",
    "TrafficLight",
]
