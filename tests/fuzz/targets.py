"""The fuzzed entry points, how a call ended, and what must hold after it.

Shared by the fuzz tests and by ``tally.py``. A call ends in one of three ways:

* ``succeeded``: then the result is checked not to be wrong-but-silent (rows given = rows
  read, every exclusion counted, the panel equal to the slow reference, shares in [0, 1]);
* ``documented error``: an :class:`activemeasures.errors.ActiveMeasuresError` (for bad tables:
  a :class:`~activemeasures.errors.ValidationError`); every fuzzed *parameter* is valid, so a
  plain ``ValueError``/``TypeError`` is not documented here;
* ``other``: any other exception, a bug.

Whatever the ending, no identifier token of the case may appear in the error's text, its
``failures`` table, a warning, or the result's ``str``/``repr``/``_repr_html_`` and tables.
Warnings other than the library's own (``DesignWarning``) are bugs too (an overflow in a
cast, a pandas deprecation).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, settings

from activemeasures import Dataset, Panel, evaluate, validate_tables
from activemeasures.errors import FAILURE_COLUMNS, ActiveMeasuresError, ValidationError
from activemeasures.estimators import DesignError
from activemeasures.validation import rules
from reference import panel_reference, quality_reference, state_bits

from .reference_rules import expected_problems, reference_dates, reference_numbers
from .strategies import CITIZEN_RECORD_TABLES, TABLES, Case

__all__ = ["TARGETS", "Outcome", "check", "fuzz_settings", "run"]

SUCCEEDED, DOCUMENTED, OTHER = "succeeded", "documented error", "other"

#: Multiplies the fuzz tests' numbers of examples (e.g. ``ACTIVEMEASURES_FUZZ_SCALE=20`` for a
#: long run); the defaults keep the suite fast.
SCALE = float(os.environ.get("ACTIVEMEASURES_FUZZ_SCALE", "1"))


def fuzz_settings(max_examples: int) -> settings:
    """Hypothesis settings of a fuzz test: *max_examples* times :data:`SCALE`, no deadline."""
    return settings(
        max_examples=max(1, round(max_examples * SCALE)),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


#: The programme evaluated (small, fast: two outcomes, two core elements).
PROGRAMME = "mentorpilot"


@dataclasses.dataclass
class Outcome:
    kind: str
    value: object = None
    error: BaseException | None = None
    warnings: list[warnings.WarningMessage] = dataclasses.field(default_factory=list)

    def __str__(self) -> str:
        if self.error is None:
            return self.kind
        return f"{self.kind}: {type(self.error).__name__}: {self.error}"


def _call(function: Callable[[], object]) -> Outcome:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = function()
        except ActiveMeasuresError as exc:
            return Outcome(DOCUMENTED, error=exc, warnings=list(caught))
        except Exception as exc:
            return Outcome(OTHER, error=exc, warnings=list(caught))
    return Outcome(SUCCEEDED, value=value, warnings=list(caught))


@functools.cache
def _registry():
    from activemeasures import Registry

    registry = Registry()
    registry.discover()
    return registry


def _tables(case: Case) -> dict[str, object]:
    return dict(case.tables)


def _validate(case: Case):
    return validate_tables(**_tables(case), allow_cpr=case.allow_cpr)


def _dataset(case: Case):
    return Dataset.from_frames(**_tables(case), cutoff=case.cutoff, allow_cpr=case.allow_cpr)


def _panel(case: Case):
    t = case.tables
    return Panel.from_frames(
        t["citizens"],
        t["activities"],
        t["hours"],
        cutoff=case.cutoff,
        horizon=case.horizon,
        allow_cpr=case.allow_cpr,
    )


def _evaluate(case: Case):
    data = _dataset(case)
    return data, evaluate(data, PROGRAMME, registry=_registry(), bands=False)


#: Target name -> the call it makes on a case.
TARGETS: dict[str, Callable[[Case], object]] = {
    "validate_tables": _validate,
    "Dataset.from_frames": _dataset,
    "Panel.from_frames": _panel,
    "evaluate": _evaluate,
}


def run(target: str, case: Case) -> Outcome:
    """Call *target* on *case* and classify how it ended."""
    return _call(lambda: TARGETS[target](case))


# ------------------------------------------------------------------------------- checks


def _leaks(texts: list[str], tokens: frozenset[str]) -> list[str]:
    return sorted({t for t in tokens for text in texts if t in text})


def _error_texts(error: BaseException) -> list[str]:
    texts = [str(error), repr(error)]
    if isinstance(error, ValidationError):
        texts.append(error.failures.to_csv())
    return texts


def _result_texts(value: object) -> list[str]:
    texts = [str(value), repr(value)]
    if hasattr(value, "_repr_html_"):
        texts.append(value._repr_html_())
    if hasattr(value, "quality"):
        texts.append(str(value.quality))
    if hasattr(value, "tables") and callable(value.tables):
        texts += [frame.to_csv() for frame in value.tables().values()]
    return texts


def check(target: str, case: Case, outcome: Outcome) -> None:
    """Raise AssertionError when *outcome* breaks a property (see the module docstring)."""
    assert outcome.kind != OTHER, f"unhandled {type(outcome.error).__name__}: {outcome.error}"
    texts = [str(w.message) for w in outcome.warnings]
    foreign = [
        f"{w.category.__name__}: {w.message}"
        for w in outcome.warnings
        if not w.category.__module__.startswith("activemeasures")
    ]
    assert not foreign, f"warnings: {foreign}"
    if outcome.kind == DOCUMENTED:
        texts += _error_texts(outcome.error)
        _check_error(target, case, outcome.error)
    else:
        values = outcome.value if isinstance(outcome.value, tuple) else (outcome.value,)
        for value in values:
            if not isinstance(value, dict):
                texts += _result_texts(value)
        _SUCCESS_CHECKS[target](case, outcome.value)
    leaked = _leaks(texts, case.tokens)
    assert not leaked, f"identifiers shown: {leaked}"


def _check_error(target: str, case: Case, error: BaseException) -> None:
    if target == "evaluate" and isinstance(error, DesignError):
        # Valid tables too small or unbalanced for the design (no control arm, a municipality
        # with one treated citizen): raised by evaluate, after validation.
        assert expected_problems(case, TABLES) == set(), "invalid tables accepted"
        return
    assert isinstance(error, ValidationError), f"{type(error).__name__}: {error}"
    failures = error.failures
    assert list(failures.columns) == list(FAILURE_COLUMNS)
    assert len(failures), "a ValidationError lists at least one problem"
    assert (failures["n_rows"] >= 0).all()
    unknown = set(failures["rule"]) - set(rules()["rule"])
    assert not unknown, f"rules not listed by validation.rules(): {unknown}"
    tables = (
        TABLES
        if target in ("validate_tables", "Dataset.from_frames", "evaluate")
        else ("citizens", "activities", "hours")
    )
    reported = {(r.table, r.column, r.rule) for r in failures.itertuples(index=False)}
    expected = expected_problems(case, tables)
    assert reported == expected, (
        f"reported but not expected: {sorted(reported - expected)}; "
        f"expected but not reported: {sorted(expected - reported)}"
    )


# ------------------------------------------------------------------------ on success


def _check_tables(case: Case, tables: dict) -> None:
    """Validated tables: every rule holds, nothing dropped, dates and numbers as given."""
    assert expected_problems(case, tuple(tables)) == set(), "invalid tables accepted"
    for name, frame in tables.items():
        given = case.tables[name]
        if given is None:
            assert frame is None
            continue
        assert isinstance(frame, pd.DataFrame)
        assert len(frame) == len(given), f"{name}: {len(given)} rows given, {len(frame)} back"
        assert isinstance(frame.index, pd.RangeIndex)
        for column, days in reference_dates(name, given).items():
            assert pd.api.types.is_datetime64_dtype(frame[column]), (name, column)
            got = frame[column].dt.tz_localize(None) if frame[column].dt.tz else frame[column]
            got_days = [None if pd.isna(v) else v.date() for v in got]
            assert got_days == days, f"{name}.{column}: {got_days} != {days}"
        for column, numbers in reference_numbers(name, given).items():
            assert frame[column].dtype == np.float64, (name, column, frame[column].dtype)
            np.testing.assert_array_equal(frame[column].to_numpy(), np.asarray(numbers, float))


def _check_validate(case: Case, tables: dict) -> None:
    assert set(tables) == set(TABLES)
    _check_tables(case, tables)


def _check_dataset(case: Case, data: Dataset) -> None:
    _check_tables(case, {name: getattr(data, name) for name in TABLES})
    read = data.quality.to_frame()
    given = {n: len(t) for n, t in case.tables.items() if t is not None}
    assert dict(zip(read["table"], read["n_records"], strict=True)) == given
    assert (read["action"] == "read").all()


def _dates(values: pd.Series) -> list[dt.date]:
    return [pd.Timestamp(v).date() for v in values]


def _check_panel(case: Case, panel: Panel) -> None:
    t = {n: case.tables[n] for n in ("citizens", "activities", "hours")}
    validated = validate_tables(**t, allow_cpr=case.allow_cpr)
    _check_tables(case, {name: validated[name] for name in t})
    people = validated["citizens"]
    assert panel.n_citizens == len(people), "panel rows = citizens"
    cutoff = pd.Timestamp(case.cutoff)
    cutoff = (cutoff.tz_localize(None) if cutoff.tz else cutoff).date()
    citizens = list(zip(people["citizen_id"], _dates(people["visitation_date"]), strict=True))
    acts = validated["activities"]
    activities = (
        []
        if acts is None
        else list(
            zip(
                acts["citizen_id"],
                acts["activity"],
                _dates(acts["start"]),
                _dates(acts["end"]),
                strict=False,
            )
        )
    )
    hrs = validated["hours"]
    hours = (
        []
        if hrs is None
        else list(
            zip(
                hrs["citizen_id"],
                _dates(hrs["period_start"]),
                _dates(hrs["period_end"]),
                hrs["hours"].astype(float),
                strict=False,
            )
        )
    )
    ref = panel_reference(citizens, activities, hours, cutoff, panel.horizon)
    np.testing.assert_array_equal(panel.observed_weeks, ref.observed_weeks)
    shape = (panel.n_citizens, panel.horizon)
    ref_hours = np.asarray(ref.hours, dtype=np.float64).reshape(shape)
    # ORDINARY_HOURS where the week's hours are positive as the panel stores them (float32: an
    # amount such as 1e-88 hours rounds to zero and sets nothing).
    bits = np.array(
        [[state_bits(week - {"ORDINARY_HOURS"}) for week in row] for row in ref.states],
        dtype=np.int64,
    ).reshape(shape)
    bits |= np.where(ref_hours.astype(np.float32) > 0, state_bits({"ORDINARY_HOURS"}), 0)
    np.testing.assert_array_equal(panel.states, bits)
    np.testing.assert_allclose(panel.hours, ref_hours, rtol=1e-5, atol=1e-6)
    quality = panel.quality.to_frame()
    spans = {
        "activities": [(who, start, end) for who, _, start, end in activities],
        "hours": [(who, start, end) for who, start, end, _ in hours],
    }
    for name, records in spans.items():
        if validated[name] is None:
            continue
        expect = quality_reference(citizens, records, cutoff, panel.horizon)
        rows = quality[quality["table"] == name].set_index("rule")["n_records"]
        assert rows["records read"] == expect["read"] == len(case.tables[name])
        assert rows["ends before visitation"] == expect["before"]
        assert rows["starts after the last observed week (cut-off or horizon)"] == expect["after"]
        assert rows["cut to the observed weeks"] == expect["truncated"]


def _check_evaluate(case: Case, value: tuple) -> None:
    data, result = value
    _check_dataset(case, data)
    quality = result.quality.to_frame()
    read = quality[(quality["action"] == "read") & (quality["rule"] == "records read")]
    assert read.groupby("table")["n_records"].max().to_dict() == {
        n: len(t) for n, t in case.tables.items() if t is not None
    }
    sample = result.sample
    assert sample["n_citizens"].sum() == data.n_citizens
    assert (sample["n_full_follow_up"] <= sample["n_citizens"]).all()
    for name, curve in result.incidence.items():
        frame = curve.to_frame()
        estimates = frame["estimate"].to_numpy(dtype=float)
        finite = estimates[np.isfinite(estimates)]
        assert ((finite >= 0) & (finite <= 1)).all(), f"incidence {name} outside [0, 1]"
    headline = result.headline()
    shares = headline[headline["outcome"].str.startswith("share_")]
    for column in ("mean_treatment", "mean_control"):
        values = shares[column].to_numpy(dtype=float)
        values = values[np.isfinite(values)]
        assert ((values >= 0) & (values <= 1)).all(), f"{column} of a share outside [0, 1]"
    assert result.parameters["n_citizens"] == data.n_citizens
    _ = CITIZEN_RECORD_TABLES


_SUCCESS_CHECKS = {
    "validate_tables": _check_validate,
    "Dataset.from_frames": _check_dataset,
    "Panel.from_frames": _check_panel,
    "evaluate": _check_evaluate,
}
