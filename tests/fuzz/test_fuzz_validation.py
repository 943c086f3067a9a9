"""Fuzzing ``validate_tables`` and ``Dataset.from_frames`` with malformed tables (issue 9).

Property (:func:`fuzz.targets.check`): the call returns validated tables that every rule holds
for, with every row and the dates and numbers given (checked against the slow reference of
:mod:`fuzz.reference_rules`), or raises a ValidationError listing exactly the (table, column,
rule) problems the reference finds; never another exception or a foreign warning, and no
identifier token in any text. The checks themselves are shown to fail on bad outcomes below.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from hypothesis import Phase, find, given, settings

from activemeasures import ValidationError

from .strategies import MUTATIONS, TABLES, Case, malformed_cases, valid_cases
from .targets import DOCUMENTED, OTHER, SUCCEEDED, Outcome, check, fuzz_settings, run


@fuzz_settings(40)
@given(malformed_cases())
def test_validate_tables_returns_valid_tables_or_lists_exactly_the_broken_rules(case):
    check("validate_tables", case, run("validate_tables", case))


@fuzz_settings(30)
@given(malformed_cases())
def test_dataset_from_frames_reads_every_row_or_raises_a_validation_error(case):
    check("Dataset.from_frames", case, run("Dataset.from_frames", case))


@fuzz_settings(15)
@given(valid_cases())
def test_the_cases_mutations_start_from_are_valid(case):
    outcome = run("validate_tables", case.finish())
    assert outcome.kind == SUCCEEDED, str(outcome)


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: m.__name__)
def test_every_mutation_applies_to_some_case(mutation):
    """No mutation is dead code (``find`` raises NoSuchExample if it never applies)."""
    case = find(
        malformed_cases((mutation,), min_mutations=1, max_mutations=1),
        lambda case: bool(case.mutations),
        settings=settings(max_examples=100, database=None, deadline=None, phases=[Phase.generate]),
    )
    assert case.mutations


# ------------------------------------------------------------------ the checks can fail


def _case(**columns) -> Case:
    """Two citizens; the second has an unknown arm (one problem) unless *columns* change it."""
    citizens = pd.DataFrame(
        {
            "citizen_id": ["ID00000000000a", "ID00000000000b"],
            "municipality": ["X", "X"],
            "visitation_date": ["2016-03-01", "2016-03-08"],
            "arm": ["treatment", "x"],
        }
    ).assign(**columns)
    tables = dict.fromkeys(TABLES) | {"citizens": citizens}
    return Case(tables=tables, cutoff="2016-12-31", horizon=4).finish()


def test_the_checks_accept_the_right_error():
    case = _case()
    outcome = run("validate_tables", case)
    assert outcome.kind == DOCUMENTED
    check("validate_tables", case, outcome)


def test_the_checks_fail_on_an_identifier_in_the_error():
    case = _case()
    failures = run("validate_tables", case).error.failures.assign(examples="ID00000000000a")
    with pytest.raises(AssertionError, match="identifiers shown"):
        check("validate_tables", case, Outcome(DOCUMENTED, error=ValidationError(failures)))


def test_the_checks_fail_on_a_problem_not_reported_or_not_there():
    case = _case(visitation_date=["2016-03-01", "someday"])  # two problems
    failures = run("validate_tables", case).error.failures
    assert len(failures) == 2
    with pytest.raises(AssertionError, match="expected but not reported: \\[\\("):
        check("validate_tables", case, Outcome(DOCUMENTED, error=ValidationError(failures[:1])))
    extra = pd.concat([failures, failures[:1].assign(column="citizen_id", rule="unique")])
    with pytest.raises(AssertionError, match="reported but not expected: \\[\\("):
        check("validate_tables", case, Outcome(DOCUMENTED, error=ValidationError(extra)))


def test_the_checks_fail_on_an_unhandled_exception_or_a_foreign_warning():
    case = _case()
    with pytest.raises(AssertionError, match="unhandled KeyError"):
        check("validate_tables", case, Outcome(OTHER, error=KeyError("x")))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.warn("overflow encountered in cast", RuntimeWarning, stacklevel=1)
    error = run("validate_tables", case).error
    with pytest.raises(AssertionError, match="warnings"):
        check("validate_tables", case, Outcome(DOCUMENTED, error=error, warnings=caught))


def test_the_checks_fail_on_invalid_tables_accepted_or_rows_dropped():
    case = _case()  # invalid: arm "x"
    citizens = case.tables["citizens"].assign(visitation_date=pd.to_datetime(["2016-03-01"] * 2))
    returned = dict.fromkeys(TABLES) | {"citizens": citizens}
    with pytest.raises(AssertionError, match="invalid tables accepted"):
        check("validate_tables", case, Outcome(SUCCEEDED, value=returned))
    valid = _case(arm="control")
    returned["citizens"] = run("validate_tables", valid).value["citizens"].iloc[:1]
    with pytest.raises(AssertionError, match="2 rows given, 1 back"):
        check("validate_tables", valid, Outcome(SUCCEEDED, value=returned))
