"""DREAM-style weekly benefit codes → activity records, through a user-supplied code mapping."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from activemeasures.errors import InputError
from activemeasures.io._files import _TEXT_DTYPE, _reason
from activemeasures.io._weeks import monday, parse_weeks
from activemeasures.quality import DataQualityReport, QualityEntry
from activemeasures.states import DERIVED_STATES, State

__all__ = ["NO_STATE", "load_state_mapping", "read_dream_long", "read_dream_wide"]

#: The mapping value meaning "this code is no state: ignore its weeks".
NO_STATE = "NONE"

#: Table name of the benefit codes in the data-quality report.
BENEFITS = "benefits"

#: Single-bit states a code may map to (derived states come from other tables).
_MEMBERS: tuple[State, ...] = tuple(m for m in State if m not in DERIVED_STATES)
_MEMBER_NAMES = np.array([m.name for m in _MEMBERS], dtype=object)
_MAX_SHOWN = 40  # characters of a code shown in a message or report


def _code_label(value: object) -> str:
    """A code as text: stripped; whole numbers without a decimal point (``101.0`` → ``"101"``)."""
    if isinstance(value, (float, np.floating)) and np.isfinite(value) and value == int(value):
        return str(int(value))
    return str(value).strip()


def _shown(code: str) -> str:
    return repr(code if len(code) <= _MAX_SHOWN else code[: _MAX_SHOWN - 3] + "...")


def _canonical_state(code: str, value: object) -> str:
    """``NONE`` or the State names of a mapping value, joined by ``|`` in bit order."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return NO_STATE
    if isinstance(value, State):
        state = value
    else:
        text = str(value).strip()
        if text == "" or text.upper() == NO_STATE:
            return NO_STATE
        try:
            state = State.parse(text)
        except ValueError as exc:
            raise ValueError(f"benefit code {_shown(code)}: {exc}") from None
    members = [m for m in State if m in state]
    derived = [m.name for m in members if m in DERIVED_STATES]
    if derived or not members:
        raise ValueError(
            f"benefit code {_shown(code)} maps to {' | '.join(derived) or 'no State'}: a code "
            f"maps to registered states ({', '.join(_MEMBER_NAMES)}) or to {NO_STATE}"
        )
    return "|".join(m.name for m in members)


def _mapping_from_file(path: Path) -> dict[str, str]:
    if not path.is_file():
        raise InputError(f"benefit code file {path} does not exist")
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except Exception as exc:  # any reader failure becomes one clear error
        raise InputError(
            f"cannot read {path.name} in {path.parent}: {_reason(exc, 'UTF-8')}"
        ) from None
    table.columns = [str(c).strip().lower() for c in table.columns]
    missing = [c for c in ("code", "state") if c not in table.columns]
    if missing:
        raise InputError(
            f"benefit code file {path} needs the columns code,state; missing: {', '.join(missing)}"
        )
    codes = table["code"].str.strip()
    if (codes == "").any():
        lines = (np.flatnonzero((codes == "").to_numpy()) + 2).tolist()
        raise InputError(f"benefit code file {path}: no code on line {lines[:5]}")
    mapping: dict[str, str] = {}
    try:
        for code, state in zip(codes, table["state"], strict=True):
            canonical = _canonical_state(code, state)
            if mapping.setdefault(code, canonical) != canonical:
                raise ValueError(f"benefit code {_shown(code)} is listed with two states")
    except ValueError as exc:
        raise InputError(f"benefit code file {path}: {exc}") from None
    return mapping


def load_state_mapping(codes: Mapping[object, object] | str | os.PathLike) -> dict[str, str]:
    """The benefit-code → state mapping, from a dict or from a CSV file ``code,state``.

    Parameters
    ----------
    codes : mapping or path-like
        A mapping code → state, or the path of a UTF-8 CSV file with the columns ``code`` and
        ``state`` (other columns, e.g. a ``label``, are ignored). A state is a
        :class:`~activemeasures.State` name (case-insensitive), several names joined by ``|``
        (the code's weeks count in each of them), or empty / ``NONE``: the code is known but
        is no state, and its weeks are ignored.

    Returns
    -------
    dict of str to str
        Code (text, stripped; whole numbers without a decimal point) to the canonical state:
        upper-case State names joined by ``|`` in bit order, or ``"NONE"``.

    Raises
    ------
    InputError
        When the file is missing or unreadable, lacks a column, lists a code without a value,
        or lists one code with two different states; or for the problems below in a file.
    ValueError
        For a mapping argument with an unknown state name, or a derived state
        (``ORDINARY_HOURS`` comes from the hours table, never from a benefit code).

    Notes
    -----
    No code list ships with the library: the source documents do not describe the content of
    DREAM (SPEC.md glossary, "DREAM"; 001, L285; 003, L3953-3957). The user supplies the
    mapping for the codes of the register extract at hand.

    Examples
    --------
    >>> from activemeasures.io import load_state_mapping
    >>> load_state_mapping({"521": "internship", 651: "WAGE_SUBSIDY", "111": "",
    ...                     "730": "INTERNSHIP|PUBLIC_BENEFIT"})
    {'521': 'INTERNSHIP', '651': 'WAGE_SUBSIDY', '111': 'NONE', '730': 'INTERNSHIP|PUBLIC_BENEFIT'}
    """
    if isinstance(codes, (str, os.PathLike)):
        return _mapping_from_file(Path(codes))
    if not isinstance(codes, Mapping):
        raise TypeError(
            f"codes must be a mapping code -> state or the path of a CSV file, "
            f"got {type(codes).__name__}"
        )
    mapping: dict[str, str] = {}
    for key, value in codes.items():
        code = _code_label(key)
        if code == "":
            raise ValueError("benefit code mapping has an empty code")
        canonical = _canonical_state(code, value)
        if mapping.setdefault(code, canonical) != canonical:
            raise ValueError(f"benefit code {_shown(code)} is given twice with two states")
    return mapping


# ------------------------------------------------------------------------------ conversion


def _convert(
    citizen: np.ndarray,
    citizens: pd.Index,
    week: np.ndarray,
    raw: np.ndarray,
    mapping: dict[str, str],
    entries: list[QualityEntry],
) -> tuple[pd.DataFrame, DataQualityReport, pd.DataFrame]:
    """Cells (citizen index, week ordinal, raw code) → activity records, report, unknown codes.

    Loops run over distinct codes and states only; cells are handled as whole arrays.
    """
    code_index, uniques = pd.factorize(raw)
    labels = [_code_label(u) for u in uniques]
    n_cells = np.bincount(code_index, minlength=len(labels)) if len(labels) else np.zeros(0, int)
    unknown: dict[str, int] = {}
    ignored: dict[str, int] = {}
    by_member: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        if label == "":
            continue  # blank: no benefit that week
        if label not in mapping:
            unknown[label] = unknown.get(label, 0) + int(n_cells[i])
        elif mapping[label] == NO_STATE:
            ignored[label] = ignored.get(label, 0) + int(n_cells[i])
        else:
            for name in mapping[label].split("|"):
                by_member.setdefault(_MEMBERS.index(State[name]), []).append(i)
    # One cell per (citizen, state, week): a code with several states gives several cells.
    cit, mem, wk = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    for member, idx in sorted(by_member.items()):
        sel = np.isin(code_index, idx)
        cit.append(citizen[sel].astype(np.int64))
        mem.append(np.full(int(sel.sum()), member, dtype=np.int64))
        wk.append(week[sel].astype(np.int64))
    cit, mem, wk = np.concatenate(cit), np.concatenate(mem), np.concatenate(wk)
    order = np.lexsort((wk, mem, cit))
    cit, mem, wk = cit[order], mem[order], wk[order]
    # One cell per citizen, state and week (a citizen on two rows may repeat a week).
    keep = np.ones(len(cit), dtype=bool)
    keep[1:] = (cit[1:] != cit[:-1]) | (mem[1:] != mem[:-1]) | (wk[1:] != wk[:-1])
    cit, mem, wk = cit[keep], mem[keep], wk[keep]
    # A run starts at a new citizen, a new state, or a week that does not follow the last.
    new_run = np.ones(len(cit), dtype=bool)
    new_run[1:] = (cit[1:] != cit[:-1]) | (mem[1:] != mem[:-1]) | (wk[1:] != wk[:-1] + 1)
    first = np.flatnonzero(new_run)
    last = np.append(first[1:], len(cit))[: len(first)] - 1
    activities = pd.DataFrame(
        {
            "citizen_id": citizens.take(cit[first]),
            "activity": pd.Series(_MEMBER_NAMES[mem[first]], dtype=_TEXT_DTYPE),
            "start": monday(wk[first]).astype("datetime64[ns]"),
            "end": (monday(wk[last]) + 6).astype("datetime64[ns]"),
        }
    )
    for code in sorted(ignored):
        entries.append(
            QualityEntry(
                table=BENEFITS,
                rule=f"code {_shown(code)} mapped to no state (citizen-weeks ignored)",
                action="note",
                n_records=ignored[code],
            )
        )
    for code in sorted(unknown):
        entries.append(
            QualityEntry(
                table=BENEFITS,
                rule=f"code {_shown(code)} not in the code mapping (citizen-weeks)",
                action="excluded",
                n_records=unknown[code],
            )
        )
    entries.append(
        QualityEntry(
            table=BENEFITS,
            rule="activity records made from runs of consecutive weeks in one state",
            action="note",
            n_records=len(activities),
        )
    )
    unknown_frame = pd.DataFrame(
        {
            "code": pd.Series(sorted(unknown), dtype=_TEXT_DTYPE),
            "n_cells": pd.Series([unknown[c] for c in sorted(unknown)], dtype=np.int64),
        }
    )
    return activities, DataQualityReport(entries), unknown_frame


def _citizens(frame: pd.DataFrame, entries: list[QualityEntry]) -> tuple[np.ndarray, pd.Index]:
    """Row → citizen index (-1 where the id is missing), and the citizens in order of rows."""
    if "citizen_id" not in frame.columns:
        raise InputError("the benefits table has no citizen_id column")
    entries.append(
        QualityEntry(table=BENEFITS, rule="records read", action="read", n_records=len(frame))
    )
    citizen, citizens = pd.factorize(frame["citizen_id"])
    n_missing = int((citizen < 0).sum())
    if n_missing:
        entries.append(
            QualityEntry(
                table=BENEFITS, rule="citizen_id missing", action="excluded", n_records=n_missing
            )
        )
    return citizen, citizens


def read_dream_wide(
    frame: pd.DataFrame,
    codes: Mapping[object, object] | str | os.PathLike,
    *,
    other_columns: str = "error",
) -> tuple[pd.DataFrame, DataQualityReport, pd.DataFrame]:
    """Turn a DREAM-style wide table of weekly benefit codes into activity records.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per citizen: a ``citizen_id`` column and one column per ISO week, named
        ``y_YYWW`` as in DREAM (``y_1610`` is 2016 week 10; two-digit years from 90 up are
        19YY, below 90 20YY) or ``YYYY-Www`` (``2016-W10``). Values are benefit codes; blank
        or missing means no benefit that week. Week columns may come in any order and need
        not be consecutive.
    codes : mapping or path-like
        Code → state mapping, or the path of a CSV file ``code,state``
        (:func:`load_state_mapping`). No code list ships with the library.
    other_columns : {"error", "ignore"}, default "error"
        What to do with columns that are neither ``citizen_id`` nor a week.

    Returns
    -------
    activities : pandas.DataFrame
        Records for the activities table: ``citizen_id``, ``activity`` (a State name),
        ``start`` (the Monday of the first week of a run), ``end`` (the Sunday of its last
        week). Ordered by citizen (in order of first row), state (bit order) and start.
    quality : DataQualityReport
        Table ``benefits``: rows read; rows without ``citizen_id`` (excluded); one ``note``
        per code mapped to ``NONE`` and one ``excluded`` entry per code not in the mapping,
        each counting citizen-week cells; the number of records made.
    unknown : pandas.DataFrame
        Columns ``code``, ``n_cells``: every code not in the mapping and its number of
        citizen-weeks, sorted by code. Unknown codes are never guessed.

    Raises
    ------
    InputError
        When ``citizen_id`` is missing, a week column names a week that does not exist
        (week 53 of a 52-week year), two columns name the same week, there are no week
        columns, or (with ``other_columns="error"``) other columns are present.

    Notes
    -----
    The table is melted to one cell per citizen and week; blank cells are dropped; each code
    is mapped to its states (a code may map to several, ``INTERNSHIP|PUBLIC_BENEFIT``);
    within one citizen and state, a *run* is a maximal sequence of consecutive ISO weeks
    (week ordinals :math:`k, k+1, \\dots, k+m`), whichever codes fill it and across year
    boundaries (2015-W53 is followed by 2016-W01). Each run becomes one record

    .. math:: \\text{start} = \\text{Monday of week } k, \\qquad
              \\text{end} = \\text{Sunday of week } k + m .

    A citizen on two rows has the weeks of both (counted as read rows).
    DREAM codes the week's dominant benefit; the panel then sees the citizen in the state
    for the whole week (DESIGN.md §4.2). The content of DREAM is not described in the
    source documents (SPEC.md glossary, "DREAM"; 001, L285).

    Examples
    --------
    >>> import pandas as pd
    >>> from activemeasures.io import read_dream_wide
    >>> wide = pd.DataFrame({"citizen_id": ["a", "b"], "y_1552": ["521", None],
    ...                      "y_1553": ["521", "999"], "y_1601": ["521", "111"]})
    >>> activities, quality, unknown = read_dream_wide(
    ...     wide, {"521": "INTERNSHIP", "111": "NONE"})
    >>> activities
      citizen_id    activity      start        end
    0          a  INTERNSHIP 2015-12-21 2016-01-10
    >>> unknown
      code  n_cells
    0  999        1

    Three weeks in a row, across the turn of 2015 (a year with 53 ISO weeks): one record from
    the Monday of 2015-W52 to the Sunday of 2016-W01.
    """
    if other_columns not in ("error", "ignore"):
        raise ValueError(f"other_columns must be 'error' or 'ignore', got {other_columns!r}")
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a pandas DataFrame, got {type(frame).__name__}")
    mapping = load_state_mapping(codes)
    entries: list[QualityEntry] = []
    citizen, citizens = _citizens(frame, entries)
    columns = pd.Index([c for c in frame.columns if c != "citizen_id"])
    ordinal, valid, is_week = parse_weeks(columns)
    if (is_week & ~valid).any():
        bad = ", ".join(map(str, columns[is_week & ~valid][:10]))
        raise InputError(f"benefits: week columns name weeks that do not exist: {bad}")
    if (~is_week).any() and other_columns == "error":
        others = columns[~is_week]
        raise InputError(
            f"benefits: {len(others)} columns are neither citizen_id nor a week "
            f"(y_YYWW or YYYY-Www): {', '.join(map(str, others[:10]))}"
            f"{' ...' if len(others) > 10 else ''}; drop them or pass other_columns='ignore'"
        )
    weeks, week_ordinal = columns[is_week], ordinal[is_week]
    if len(weeks) == 0:
        raise InputError("benefits: no week columns (y_YYWW or YYYY-Www)")
    repeated = pd.Index(week_ordinal).duplicated(keep=False)
    if repeated.any():
        raise InputError(
            "benefits: the same week in more than one column: "
            + ", ".join(map(str, weeks[repeated]))
        )
    values = frame[list(weeks)].to_numpy(dtype=object)
    present = ~pd.isna(values) & (citizen >= 0)[:, None]
    row, column = np.nonzero(present)
    cells = values[row, column]
    return _convert(citizen[row], citizens, week_ordinal[column], cells, mapping, entries)


def read_dream_long(
    frame: pd.DataFrame, codes: Mapping[object, object] | str | os.PathLike
) -> tuple[pd.DataFrame, DataQualityReport, pd.DataFrame]:
    """Turn a long table of weekly benefit codes (``citizen_id, week, code``) into activities.

    The long layout of DESIGN.md §4.1: one row per citizen and week. ``week`` is ``y_YYWW``
    or ``YYYY-Www``; a blank ``code`` means no benefit. Otherwise as :func:`read_dream_wide`
    (same returns, same runs).

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns ``citizen_id``, ``week``, ``code``.
    codes : mapping or path-like
        Code → state mapping (:func:`load_state_mapping`).

    Returns
    -------
    activities, quality, unknown
        As :func:`read_dream_wide`.

    Raises
    ------
    InputError
        When a column is missing or a week is missing, malformed or does not exist.

    Examples
    --------
    >>> import pandas as pd
    >>> from activemeasures.io import read_dream_long
    >>> long = pd.DataFrame({"citizen_id": ["a", "a", "a"],
    ...                      "week": ["2016-W10", "2016-W11", "2016-W13"],
    ...                      "code": ["521", "521", "521"]})
    >>> read_dream_long(long, {"521": "INTERNSHIP"})[0]
      citizen_id    activity      start        end
    0          a  INTERNSHIP 2016-03-07 2016-03-20
    1          a  INTERNSHIP 2016-03-28 2016-04-03
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a pandas DataFrame, got {type(frame).__name__}")
    mapping = load_state_mapping(codes)
    missing = [c for c in ("citizen_id", "week", "code") if c not in frame.columns]
    if missing:
        raise InputError(f"the benefits table has no {' and '.join(missing)} column")
    entries: list[QualityEntry] = []
    citizen, citizens = _citizens(frame, entries)
    ordinal, valid, _ = parse_weeks(frame["week"].to_numpy(dtype=object))
    if not valid.all():
        raise InputError(
            f"benefits: {int((~valid).sum())} rows have a week that is missing, not of the form "
            "y_YYWW or YYYY-Www, or does not exist"
        )
    raw = frame["code"].to_numpy(dtype=object)
    keep = ~pd.isna(raw) & (citizen >= 0)
    return _convert(citizen[keep], citizens, ordinal[keep], raw[keep], mapping, entries)
