"""Statistical disclosure control: every table that leaves the library goes through it
(DESIGN.md §10).

Counts of persons from 1 to ``min_cell - 1`` (default 5, the usual rule for output from
Statistics Denmark's research machines) and every statistic resting on them are suppressed
(primary suppression); further cells are suppressed so that published totals cannot reveal a
suppressed one (secondary suppression). Switching it off (``enabled=False``) is recorded and
printed. See :doc:`/explanation/disclosure`.
"""

from __future__ import annotations

from activemeasures.disclosure.control import DisclosureControl, ProtectedTable
from activemeasures.disclosure.tables import SHARE_RULES, protect, protect_counts, protect_shares

__all__ = [
    "SHARE_RULES",
    "DisclosureControl",
    "ProtectedTable",
    "protect",
    "protect_counts",
    "protect_shares",
]
