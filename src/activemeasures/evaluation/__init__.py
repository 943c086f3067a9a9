"""Evaluating a programme on a dataset: :func:`evaluate` and its :class:`Evaluation`.

Importing this package computes nothing and loads no estimator: :func:`evaluate` imports
them when it runs.
"""

from activemeasures.evaluation.result import HEADLINE_WEEKS, PROBLEM_COLUMNS, Evaluation
from activemeasures.evaluation.run import DEFAULT_HORIZON, RESERVED_COLUMNS, evaluate

__all__ = [
    "DEFAULT_HORIZON",
    "HEADLINE_WEEKS",
    "PROBLEM_COLUMNS",
    "RESERVED_COLUMNS",
    "Evaluation",
    "evaluate",
]
