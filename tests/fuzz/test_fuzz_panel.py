"""Fuzzing ``Panel.from_frames`` with malformed citizens, activities and hours tables.

Property (:func:`fuzz.targets.check`): a ValidationError listing exactly the broken rules, or
a panel with one row per citizen that equals the slow day-by-day reference of
``tests/reference.py`` (observed weeks, states, hours) and whose data-quality report counts
every record read, excluded and truncated as the reference does; never another exception, a
foreign warning or an identifier in any text.
"""

from __future__ import annotations

from hypothesis import given

from .strategies import malformed_cases
from .targets import check, fuzz_settings, run


@fuzz_settings(40)
@given(malformed_cases())
def test_panel_equals_the_reference_or_raises_a_validation_error(case):
    check("Panel.from_frames", case, run("Panel.from_frames", case))
