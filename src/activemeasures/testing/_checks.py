"""The checks of the plugin contract, one function each (see :mod:`.contract`).

Private: :func:`activemeasures.testing.check_plugin` and
:class:`activemeasures.testing.PluginContract` run them. Each takes a
:class:`~activemeasures.testing._subject.Subject` and returns its failure messages; it raises
``Blocked`` when a check it depends on failed and ``NotApplicable`` when it does not apply.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from activemeasures import hookspecs
from activemeasures.dataset import TABLES, Dataset
from activemeasures.fidelity.model import INDICATOR_VALUE_COLUMNS, NATIONAL, Population
from activemeasures.programme import Programme, ResolvedVisitations
from activemeasures.quality import DataQualityReport
from activemeasures.testing._subject import (
    Blocked,
    NotApplicable,
    Subject,
    each_programme,
    error_text,
    hook_members,
)
from activemeasures.testing.simulate import CODE_TABLES, ROUNDS, _codes_of

#: Weeks of the panel the outcomes are computed on.
CONTRACT_HORIZON = 52


def _text(where: str, value: object) -> str:
    """A string the plugin returned, checked to be non-empty text (raises ValueError)."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where} must be a non-empty string, got {value!r}")
    return value


# ---------------------------------------------------------------------------------- checks


def _check_hook_names(subject: Subject) -> list[str]:
    """Marked functions are hooks; functions named after a hook (or nearly) are marked."""
    marked, unmarked = hook_members(subject.plugin)
    failures = []
    for attr, hook in sorted(marked.items()):
        if hook not in hookspecs.HOOK_NAMES:
            close = difflib.get_close_matches(hook, hookspecs.HOOK_NAMES, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            failures.append(
                f"{attr}() is marked with @activemeasures.hookimpl, but {hook!r} is not a hook "
                f"of activemeasures.hookspecs{hint}"
            )
    for attr in sorted(unmarked):
        if attr in hookspecs.HOOK_NAMES:
            failures.append(
                f"{attr}() is named after a hook but not marked with @activemeasures.hookimpl, "
                "so it would never be called"
            )
            continue
        close = difflib.get_close_matches(attr, hookspecs.HOOK_NAMES, n=1, cutoff=0.9)
        if close:
            failures.append(
                f"{attr}() is not a hook; is it a misspelling of {close[0]!r}? (rename it, "
                "and mark it with @activemeasures.hookimpl)"
            )
    return failures


def _check_registers(subject: Subject) -> list[str]:
    """Registers in a fresh Registry (with the plugins given alongside) without PluginError."""
    _, errors = subject.registration
    return list(errors)


def _check_declares(subject: Subject) -> list[str]:
    """Declares at least one programme, or contributes to each programme named."""
    registry = subject.registry
    declared = subject.declared
    if not declared and not subject.programmes:
        return [
            "declares no programme (register_programmes returns none) and names no programme "
            "it contributes to (pass programmes=[...])"
        ]
    try:
        known = set(registry.programmes())
    except Exception as exc:
        raise Blocked("the registry cannot list the programmes") from exc
    failures = []
    for name in subject.programmes:
        if name in declared:
            continue
        if name not in known:
            failures.append(
                f"programme {name!r} is declared neither by the plugin nor by a plugin given "
                "alongside it"
            )
        elif not subject.contributions(name):
            failures.append(f"contributes nothing to programme {name!r}")
    return failures


def _check_resolves(subject: Subject) -> list[str]:
    """Every programme it declares or contributes to resolves in the registry."""
    registry = subject.registry
    try:
        known = set(registry.programmes())
    except Exception as exc:
        subject.texts.append(("Registry.programmes()", str(exc)))
        return [f"Registry.programmes() fails: {error_text(exc)}"]
    failures = []
    for name in subject.targets:
        if name not in known:
            continue  # reported by the declares check
        error = subject.resolution_error(name)
        if error is not None:
            failures.append(f"programme {name!r} does not resolve: {error}")
    return failures


def _check_example_data(subject: Subject) -> list[str]:
    """The example dataset builds for every programme (its arms, groups and codes are valid)."""

    def check(name: str) -> list[str]:
        error = subject.dataset_error(name)
        if error is None:
            return []
        return [f"the example data for programme {name!r} cannot be built: {error}"]

    return each_programme(subject, check)


def _check_keys_and_labels(subject: Subject) -> list[str]:
    """Every object has a non-empty key (or name, code) and label."""

    def check(name: str) -> list[str]:
        subject.programme(name)
        own = subject.contributions(name)
        failures = []
        for kind, objects, fields in (
            ("core element", own.elements, ("key", "label")),
            ("sub-component", own.subs, ("key", "label")),
            ("indicator", own.indicators, ("key", "label")),
            ("visitation group", own.groups, ("code", "key", "label")),
            ("success criterion", own.criteria, ("key", "label")),
            ("outcome", own.outcomes, ("name", "label")),
        ):
            for obj in objects:
                for field in fields:
                    try:
                        value = getattr(obj, field)
                    except Exception as exc:
                        failures.append(
                            f"{kind} {type(obj).__name__} of programme {name!r}: {field} raised "
                            f"{error_text(exc)}"
                        )
                        continue
                    if not isinstance(value, str) or not value.strip():
                        failures.append(
                            f"{kind} {type(obj).__name__} of programme {name!r} has an empty "
                            f"or non-text {field}: {value!r}"
                        )
                    else:
                        subject.texts.append((f"the {kind} {field} {value!r}", value))
        return failures

    failures = []
    for programme in subject.own_items("register_programmes", Programme):
        for field in ("name", "label"):
            value = getattr(programme, field)
            if not isinstance(value, str) or not value.strip():
                failures.append(f"a declared programme has an empty {field}: {value!r}")
        subject.texts.append((f"str() of programme {programme.name!r}", str(programme)))
    return failures + each_programme(subject, check)


def _check_citations(subject: Subject) -> list[str]:
    """Every indicator, and every success criterion with a target, cites its source."""
    if not subject.require_citations:
        raise NotApplicable("citations are not required (require_citations=False)")
    hint = 'give citation="(source, lines)", e.g. "(000, L218-220)"'

    def check(name: str) -> list[str]:
        subject.programme(name)
        own = subject.contributions(name)
        failures = [
            f"indicator {ind.key!r} of programme {name!r} has no citation: every number cites "
            f"its source; {hint}"
            for ind in own.indicators
            if not str(ind.citation).strip()
        ]
        failures += [
            f"success criterion {c.key!r} of programme {name!r} has a target ({c.target:g}) but "
            f"no citation; {hint}"
            for c in own.criteria
            if c.target is not None and not str(c.citation).strip()
        ]
        return failures

    return each_programme(subject, check)


def frame_failures(frame: object, units: set[str]) -> list[str]:
    """Why *frame* is not a valid indicator value table (empty when it is)."""
    if not isinstance(frame, pd.DataFrame):
        return [f"returned {type(frame).__name__}, expected a pandas DataFrame"]
    if tuple(frame.columns) != INDICATOR_VALUE_COLUMNS:
        return [
            f"returned the columns {[str(c) for c in frame.columns]}, expected exactly "
            f"{list(INDICATOR_VALUE_COLUMNS)}"
        ]
    if len(frame) == 0 or str(frame["unit"].iloc[-1]) != NATIONAL:
        return [f"the last row must be the {NATIONAL!r} row"]
    failures = []
    municipalities = frame["unit"].iloc[:-1].astype(str)
    if (municipalities == NATIONAL).any():
        failures.append(f"the {NATIONAL!r} row appears more than once")
    elif municipalities.duplicated().any():
        failures.append(f"{int(municipalities.duplicated().sum())} municipalities repeat a row")
    elif not municipalities.is_monotonic_increasing:
        failures.append("the municipality rows are not in sorted order")
    unknown = int((~municipalities.isin(units) & (municipalities != NATIONAL)).sum())
    if unknown:
        failures.append(f"{unknown} units are not municipalities of the dataset")
    numbers = {}
    for column in ("numerator", "denominator", "value"):
        if not pd.api.types.is_numeric_dtype(frame[column]) or pd.api.types.is_bool_dtype(
            frame[column]
        ):
            failures.append(f"{column} has dtype {frame[column].dtype}, expected numbers")
            return failures
        numbers[column] = frame[column].to_numpy(dtype=float, na_value=np.nan)
    num, den, value = numbers["numerator"], numbers["denominator"], numbers["value"]
    bad = ~np.isfinite(den) | (den < 0)
    if bad.any():
        failures.append(
            f"the denominator must be a finite number >= 0 ({int(bad.sum())} rows are not)"
        )
        return failures
    no_data = (den == 0) & ~np.isnan(value)
    if no_data.any():
        failures.append(
            f"the value must be NaN where the denominator is 0 ({int(no_data.sum())} rows are "
            "not): no data is never 0 % or 100 %"
        )
    ratio_rows = ~np.isnan(num) & (den > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = num[ratio_rows] / den[ratio_rows]
    off = ~np.isclose(value[ratio_rows], ratio, rtol=1e-9, atol=1e-12)
    if off.any():
        failures.append(
            f"the value must be numerator / denominator where the numerator is given "
            f"({int(off.sum())} rows differ)"
        )
    return failures


def _cells_text(frame: pd.DataFrame) -> str:
    """Column names and every non-numeric cell of *frame*, as text (numbers hold no ids)."""
    parts = [str(c) for c in frame.columns]
    for column in range(frame.shape[1]):
        values = frame.iloc[:, column]
        if not pd.api.types.is_numeric_dtype(values):
            parts += values.astype(str).tolist()
    return "\n".join(parts)


def kind_failures(
    subject: Subject, name: str, where: str, kind: object, population: Population
) -> list[str]:
    """Everything the contract asks of one indicator kind, computed on programme *name*."""
    failures = []
    where = f"{where} of programme {name!r}"
    tables = getattr(kind, "tables", None)
    if (
        not isinstance(tables, tuple | list)
        or not tables
        or any(table not in TABLES for table in tables)
    ):
        failures.append(
            f"{where}: kind {type(kind).__name__}.tables must be a tuple of table names from "
            f"{', '.join(TABLES)}, got {tables!r}"
        )
        tables = ()
    try:
        unknown = sorted(set(_codes_of(kind)) - set(CODE_TABLES))
    except Exception as exc:
        failures.append(f"{where}: its codes cannot be read: {error_text(exc)}")
    else:
        if unknown:
            failures.append(
                f"{where}: codes name the tables {unknown}; codes can be given for "
                f"{', '.join(CODE_TABLES)}"
            )
    try:
        description = _text("describe()", kind.describe())  # type: ignore[attr-defined]
    except Exception as exc:
        subject.texts.append((f"describe() of {where}", str(exc)))
        failures.append(f"{where}: describe() fails: {error_text(exc)}")
    else:
        subject.texts.append((f"describe() of {where}", description))
    try:
        data = subject.dataset(name)
    except Blocked:
        if failures:
            return failures
        raise
    units = set(data.citizens["municipality"].astype(str)) | set(
        data.survey["municipality"].astype(str)
    )
    rounds: tuple[str | None, ...] = (None, *(ROUNDS if "survey" in tables else ()))
    for round in rounds:
        label = f"compute(round={round!r})"
        result = subject.compute(kind, name, population, round)
        if isinstance(result, BaseException):
            subject.texts.append((f"{label} of {where}", str(result)))
            failures.append(f"{where}: {label} raised {error_text(result)}")
            continue
        if isinstance(result, pd.DataFrame):
            subject.texts.append((f"{label} of {where}", _cells_text(result)))
        failures += [f"{where}: {label} {problem}" for problem in frame_failures(result, units)]
    first = subject.compute(kind, name, population, None)
    if isinstance(first, pd.DataFrame):
        try:
            again = kind.compute(data, population, round=None)  # type: ignore[attr-defined]
            pd.testing.assert_frame_equal(again, first)
        except Exception as exc:
            failures.append(
                f"{where}: compute() gives a different table the second time ({type(exc).__name__})"
            )
    changed = subject.restore_if_changed(name)
    if changed:
        failures.append(
            f"{where}: compute() changed the dataset's {', '.join(changed)} table in place"
        )
    return failures


def kinds_failures(subject: Subject, name: str, kinds: list[tuple[str, object, Population]]):
    """:func:`kind_failures` of several kinds; blocked only when nothing else is found."""
    failures: list[str] = []
    blocked: Blocked | None = None
    for where, kind, population in kinds:
        try:
            failures += kind_failures(subject, name, where, kind, population)
        except Blocked as exc:
            blocked = exc
    if blocked is not None and not failures:
        raise blocked
    return failures


def _check_indicator_kinds(subject: Subject) -> list[str]:
    """Each indicator's kind computes a valid value table and describes itself."""

    def check(name: str) -> list[str]:
        participants = subject.programme(name).participants
        kinds = [
            (f"indicator {ind.key!r}", ind.kind, participants)
            for ind in subject.contributions(name).indicators
        ]
        return kinds_failures(subject, name, kinds)

    return each_programme(subject, check)


def _check_success_criteria(subject: Subject) -> list[str]:
    """Each success criterion's kind computes a valid value table; targets are finite."""

    def check(name: str) -> list[str]:
        participants = subject.programme(name).participants
        criteria = subject.contributions(name).criteria
        failures = [
            f"success criterion {c.key!r} of programme {name!r}: the target must be finite"
            for c in criteria
            if c.target is not None and not math.isfinite(c.target)
        ]
        kinds = [
            (f"success criterion {c.key!r}", c.kind, c.population or participants) for c in criteria
        ]
        try:
            return failures + kinds_failures(subject, name, kinds)
        except Blocked:
            if failures:
                return failures
            raise

    return each_programme(subject, check)


def _check_outcomes(subject: Subject) -> list[str]:
    """Each outcome's ``values(panel)`` is an ``n × horizon`` float array."""

    def check(name: str) -> list[str]:
        subject.programme(name)
        outcomes = subject.contributions(name).outcomes
        if not outcomes:
            return []
        panel = subject.dataset(name).panel(CONTRACT_HORIZON)
        expected = (panel.n_citizens, CONTRACT_HORIZON)
        failures = []
        for outcome in outcomes:
            where = f"outcome {getattr(outcome, 'name', '?')!r} of programme {name!r}"
            try:
                values = outcome.values(panel)
            except Exception as exc:
                subject.texts.append((f"values() of {where}", str(exc)))
                failures.append(f"{where}: values(panel) raised {error_text(exc)}")
                continue
            if not isinstance(values, np.ndarray):
                failures.append(
                    f"{where}: values(panel) returned {type(values).__name__}, expected a "
                    "numpy array"
                )
            elif values.shape != expected:
                failures.append(
                    f"{where}: values(panel) has shape {values.shape}, expected "
                    f"(citizens, weeks) = {expected}"
                )
            elif not np.issubdtype(values.dtype, np.floating):
                failures.append(f"{where}: values(panel) has dtype {values.dtype}, expected floats")
        return failures

    return each_programme(subject, check)


def _check_resolve_visitations(subject: Subject) -> list[str]:
    """``resolve_visitations`` returns ResolvedVisitations or None, from the records given."""
    if not subject.implements("resolve_visitations"):
        raise NotApplicable("the plugin does not implement resolve_visitations")

    def check(name: str) -> list[str]:
        records = subject.dataset(name).visitations
        given = records.copy()
        where = f"resolve_visitations(programme={name!r})"
        try:
            result = subject.own_call("resolve_visitations", programme=name, records=given)
        except Blocked:
            raise
        except Exception as exc:
            subject.texts.append((where, str(exc)))
            return [f"{where} raised {error_text(exc)}"]
        failures = []
        if not given.equals(records):
            failures.append(f"{where} changed the records it was given")
        if result is None:
            return failures
        if not isinstance(result, ResolvedVisitations):
            return [
                *failures,
                f"{where} returned {type(result).__name__}, expected ResolvedVisitations or None",
            ]
        strangers = int((~result.table["citizen_id"].isin(records["citizen_id"])).sum())
        if strangers:
            failures.append(f"{where} returned {strangers} citizens that are not in the records")
        if not isinstance(result.quality, DataQualityReport):
            failures.append(
                f"{where} returned quality of type {type(result.quality).__name__}, expected "
                "DataQualityReport"
            )
        else:
            subject.texts.append((f"quality of {where}", str(result.quality)))
        return failures

    return each_programme(subject, check)


def _check_prepare_dataset(subject: Subject) -> list[str]:
    """``prepare_dataset`` returns a Dataset or None, drops nothing without counting it."""
    if not subject.implements("prepare_dataset"):
        raise NotApplicable("the plugin does not implement prepare_dataset")

    def check(name: str) -> list[str]:
        dataset = subject.dataset(name)
        before = {table: frame.copy() for table, frame in dataset.tables.items()}
        where = f"prepare_dataset(programme={name!r})"
        try:
            result = subject.own_call("prepare_dataset", programme=name, dataset=dataset)
        except Blocked:
            raise
        except Exception as exc:
            subject.texts.append((where, str(exc)))
            return [f"{where} raised {error_text(exc)} on the example data"]
        failures = [
            f"{where} changed the {table} table it was given"
            for table, frame in before.items()
            if not frame.equals(dataset.tables[table])
        ]
        if result is None:
            return failures
        if not isinstance(result, Dataset):
            return [*failures, f"{where} returned {type(result).__name__}, expected a Dataset"]
        subject.texts.append((f"quality of {where}", str(result.quality)))
        for table, frame in before.items():
            after = result.tables.get(table)
            removed = len(frame) - (0 if after is None else len(after))
            counted = result.quality.excluded(table) - dataset.quality.excluded(table)
            if removed != counted:
                failures.append(
                    f"{where} removed {removed} {table} records but its quality report "
                    f"counts {counted} excluded: nothing may be dropped without being counted"
                )
        return failures

    return each_programme(subject, check)


def _check_report_tables(subject: Subject) -> list[str]:
    """Each report table computes a DataFrame with every column its roles and figure name."""

    def check(name: str) -> list[str]:
        subject.programme(name)
        tables = subject.contributions(name).report_tables
        if not tables:
            return []
        dataset = subject.dataset(name)
        failures = []
        for table in tables:
            where = f"report table {table.key!r} of programme {name!r}"
            try:
                frame = table.compute(dataset)
            except Exception as exc:
                subject.texts.append((f"compute() of {where}", str(exc)))
                failures.append(f"{where}: compute(dataset) raised {error_text(exc)}")
                continue
            if not isinstance(frame, pd.DataFrame):
                failures.append(
                    f"{where}: compute(dataset) returned {type(frame).__name__}, expected a "
                    "pandas DataFrame"
                )
                continue
            subject.texts.append((f"{where}", frame.to_string()))
            count = table.count
            counts = [count] if isinstance(count, str) else list(count)
            for names in [] if isinstance(count, str) else count.values():
                counts += [names] if isinstance(names, str) else list(names)
            named = {*counts, *table.values, *table.by, *table.labels}  # noqa: PD011
            if table.figure is not None:
                figure = table.figure
                named |= {c for c in (figure.x, figure.y, figure.group, figure.panel) if c}
            missing = sorted(named - set(frame.columns))
            if missing:
                failures.append(f"{where}: the table has no column {', '.join(missing)}")
            unnamed = sorted(set(frame.columns) - named)
            if unnamed:
                failures.append(
                    f"{where}: columns {', '.join(map(str, unnamed))} have no disclosure role "
                    "(count, values, by or labels)"
                )
        return failures

    return each_programme(subject, check)


def _check_no_identifiers(subject: Subject) -> list[str]:
    """No output of the plugin shows an identifier (citizen_id, respondent_id) of the data."""
    messages = run_all(subject, exclude=("no_identifiers",))
    texts = [*subject.texts, *(("a contract failure message", m) for m in messages)]
    if not subject.identifiers:
        raise Blocked("no example data was built")
    pattern = re.compile("|".join(re.escape(i) for i in sorted(subject.identifiers)))
    shown = sorted({where for where, text in texts if pattern.search(text)})
    return [f"{where} shows an identifier (citizen_id or respondent_id)" for where in shown]


#: The contract checks, by name, in the order :func:`check_plugin` runs them.
CHECKS: dict[str, Callable[[Subject], list[str]]] = {
    "hook_names": _check_hook_names,
    "registers": _check_registers,
    "declares": _check_declares,
    "resolves": _check_resolves,
    "example_data": _check_example_data,
    "keys_and_labels": _check_keys_and_labels,
    "citations": _check_citations,
    "indicator_kinds": _check_indicator_kinds,
    "success_criteria": _check_success_criteria,
    "outcomes": _check_outcomes,
    "resolve_visitations": _check_resolve_visitations,
    "prepare_dataset": _check_prepare_dataset,
    "report_tables": _check_report_tables,
    "no_identifiers": _check_no_identifiers,
}


def run(subject: Subject, check: str) -> list[str]:
    """The failures of one check of :data:`CHECKS`, computed once per subject."""
    if check not in subject.outcomes:
        try:
            subject.outcomes[check] = CHECKS[check](subject)
        except (Blocked, NotApplicable) as exc:
            subject.outcomes[check] = exc
    found = subject.outcomes[check]
    if isinstance(found, Exception):
        raise found
    return list(found)


def run_all(subject: Subject, exclude: Sequence[str] = ()) -> list[str]:
    """Every failure of every check, in order, without repeats.

    A check blocked by another's failure adds nothing (the other reports it); if checks were
    blocked and nothing failed, the reasons are the failures: nothing passes unchecked.
    """
    failures: list[str] = []
    blocked: list[str] = []
    for check_name in CHECKS:
        if check_name in exclude:
            continue
        try:
            failures += run(subject, check_name)
        except Blocked as exc:
            blocked.append(f"{check_name} could not run: {exc}")
        except NotApplicable:
            pass
    return list(dict.fromkeys(failures or blocked))
