"""activemeasures: evaluate active labour-market programmes from register data.

Importing the package does no work: plugins are discovered only when asked for
(:meth:`Registry.discover`).
"""

import pluggy

from activemeasures.dataset import Dataset
from activemeasures.errors import (
    ActiveMeasuresError,
    InputError,
    MissingTableError,
    PluginError,
    UnknownProgrammeError,
    ValidationError,
)
from activemeasures.evaluation import Evaluation, evaluate
from activemeasures.fidelity import (
    CoreElement,
    DataSource,
    Indicator,
    Level,
    Population,
    RatingRule,
    SubComponent,
    Thresholds,
    TrafficLight,
)
from activemeasures.identifiers import pseudonymise
from activemeasures.panel import Panel
from activemeasures.programme import (
    Programme,
    ReportFigure,
    ReportTable,
    ResolvedVisitations,
    SuccessCriterion,
    VisitationGroup,
)
from activemeasures.quality import DataQualityReport
from activemeasures.registry import Registry
from activemeasures.spells import SpellRule
from activemeasures.states import State
from activemeasures.validation import validate_tables

__version__ = "0.1.0.dev0"

#: Marks a plugin's hook implementations (see :mod:`activemeasures.hookspecs`)::
#:
#:     @activemeasures.hookimpl
#:     def register_programmes():
#:         return [activemeasures.Programme(name="mypilot", label="My pilot")]
hookimpl = pluggy.HookimplMarker("activemeasures")

__all__ = [
    "ActiveMeasuresError",
    "CoreElement",
    "DataQualityReport",
    "DataSource",
    "Dataset",
    "Evaluation",
    "Indicator",
    "InputError",
    "Level",
    "MissingTableError",
    "Panel",
    "PluginError",
    "Population",
    "Programme",
    "RatingRule",
    "Registry",
    "ReportFigure",
    "ReportTable",
    "ResolvedVisitations",
    "SpellRule",
    "State",
    "SubComponent",
    "SuccessCriterion",
    "Thresholds",
    "TrafficLight",
    "UnknownProgrammeError",
    "ValidationError",
    "VisitationGroup",
    "__version__",
    "evaluate",
    "hookimpl",
    "pseudonymise",
    "validate_tables",
]
