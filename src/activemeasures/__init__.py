"""activemeasures: evaluate active labour-market programmes from register data.

Importing the package does no work: plugins are discovered only when asked for.
"""

from activemeasures.errors import ActiveMeasuresError, ValidationError
from activemeasures.panel import Panel
from activemeasures.quality import DataQualityReport
from activemeasures.spells import SpellRule
from activemeasures.states import State
from activemeasures.validation import validate_tables

__version__ = "0.1.0.dev0"

__all__ = [
    "ActiveMeasuresError",
    "DataQualityReport",
    "Panel",
    "SpellRule",
    "State",
    "ValidationError",
    "__version__",
    "validate_tables",
]
