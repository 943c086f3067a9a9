"""Design-based effect estimators and the results they return.

``difference_in_means`` and ``lin`` match R's estimatr (``difference_in_means``, ``lm_lin``);
``hc2_vcov``, ``cr2_vcov`` and ``cr2_df`` are the robust variances behind them. Importing this
package computes nothing.

To export a new name, import it below and add it to ``__all__``.
"""

from activemeasures.estimators._design import DesignError, DesignWarning
from activemeasures.estimators.balance import BalanceTable, Omnibus, balance_table
from activemeasures.estimators.curves import EffectCurve, weekly_effects
from activemeasures.estimators.dim import difference_in_means
from activemeasures.estimators.distribution import hours_distribution
from activemeasures.estimators.incidence import IncidenceCurve, cumulative_incidence
from activemeasures.estimators.lin import lin
from activemeasures.estimators.randomization import RandomizationResult, randomization_test
from activemeasures.estimators.results import Estimate
from activemeasures.estimators.robust import cr2_df, cr2_vcov, hc2_vcov

__all__ = [
    "BalanceTable",
    "DesignError",
    "DesignWarning",
    "EffectCurve",
    "Estimate",
    "IncidenceCurve",
    "Omnibus",
    "RandomizationResult",
    "balance_table",
    "cr2_df",
    "cr2_vcov",
    "cumulative_incidence",
    "difference_in_means",
    "hc2_vcov",
    "hours_distribution",
    "lin",
    "randomization_test",
    "weekly_effects",
]
