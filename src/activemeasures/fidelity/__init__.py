"""Programme fidelity: core elements → sub-components → indicators → traffic lights → levels.

See the explanation page "Fidelity" and SPEC.md §6.
"""

from activemeasures.fidelity.kinds import (
    Cadence,
    Contrast,
    EventWithin,
    Passivity,
    SpellShare,
    SurveyMean,
    SurveyShare,
)
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
from activemeasures.fidelity.municipal import municipality_effects, municipality_means
from activemeasures.fidelity.regression import (
    Anova,
    MunicipalityRegression,
    municipality_regression,
)
from activemeasures.fidelity.report import FidelityReport, evaluate_fidelity
from activemeasures.fidelity.rounds import compare_rounds

__all__ = [
    "INDICATOR_VALUE_COLUMNS",
    "NATIONAL",
    "Anova",
    "Cadence",
    "Contrast",
    "CoreElement",
    "DataSource",
    "EventWithin",
    "FidelityReport",
    "Indicator",
    "IndicatorKind",
    "Level",
    "MunicipalityRegression",
    "Passivity",
    "Population",
    "RatingRule",
    "SpellShare",
    "SubComponent",
    "SurveyMean",
    "SurveyShare",
    "Thresholds",
    "TrafficLight",
    "compare_rounds",
    "evaluate_fidelity",
    "municipality_effects",
    "municipality_means",
    "municipality_regression",
]
