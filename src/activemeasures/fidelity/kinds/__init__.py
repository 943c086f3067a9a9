"""Built-in indicator kinds: how an indicator's value is computed from a Dataset.

Every kind is a frozen object with ``tables``, ``codes``, ``describe()`` and
``compute(dataset, population, *, round=None)``, which returns one row per municipality
(sorted as text) and a ``national`` row with the columns
:data:`~activemeasures.fidelity.INDICATOR_VALUE_COLUMNS` (SPEC.md §6.1-6.2).

=====================  ================================================  ===================
kind                   measures                                          JobFirst indicators
=====================  ================================================  ===================
:class:`EventWithin`   an event within N days of the draw date           1.2a, 2.1-2.3a, 3.1
:class:`Cadence`       an event at least every N days, or on average     1.2b, 2.3b
:class:`Passivity`     passive days between activities below a limit     3.2
:class:`SpellShare`    a spell rule met (by a given week)                5.2, 9.1
:class:`SurveyShare`   share of survey answers in a set (3-5 on 1-5)     1.1, 1.3, 4.1, 5.1
:class:`SurveyMean`    mean survey answer; multi-item element scores     ('Flere skal med')
:class:`Contrast`      treatment − control difference or ratio           5.2, GE7
=====================  ================================================  ===================
"""

from activemeasures.fidelity.kinds.activities import Passivity
from activemeasures.fidelity.kinds.contrast import Contrast
from activemeasures.fidelity.kinds.events import Cadence, EventWithin
from activemeasures.fidelity.kinds.spells import SpellShare
from activemeasures.fidelity.kinds.survey import SurveyMean, SurveyShare

__all__ = [
    "Cadence",
    "Contrast",
    "EventWithin",
    "Passivity",
    "SpellShare",
    "SurveyMean",
    "SurveyShare",
]
