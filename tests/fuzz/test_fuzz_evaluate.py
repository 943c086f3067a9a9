"""Fuzzing ``evaluate`` (programme "mentorpilot", no bands) with mostly valid but odd tables.

Cases (:func:`fuzz.strategies.evaluation_cases`): 8-20 citizens in two municipalities with
one citizen, one municipality, every citizen in one arm, no arm column, every citizen visited
after the cut-off, CPR-like or integer identifiers, unicode codes, extreme dates and hours,
time zones, odd dtypes and indexes, extra columns, empty tables.

Property (:func:`fuzz.targets.check`): an Evaluation whose quality report reads every row
given, whose sample counts every citizen and whose shares and incidences lie in [0, 1]; or a
ValidationError listing exactly the broken rules, or a DesignError (the design cannot be
estimated from these citizens); never another exception, a foreign warning, or an identifier
in the result's text or any of its tables (what the report writer writes).
"""

from __future__ import annotations

from hypothesis import given

from .strategies import evaluation_cases
from .targets import check, fuzz_settings, run


@fuzz_settings(20)
@given(evaluation_cases())
def test_evaluate_returns_a_sound_evaluation_or_a_documented_error(case):
    check("evaluate", case, run("evaluate", case))
