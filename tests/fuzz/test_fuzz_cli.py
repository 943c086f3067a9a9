"""Fuzzing the command line: malformed folders of register files give a documented exit code.

Each case starts from a small simulated trial written as CSV, with identifiers made of a
traceable token, and damages it: a file removed, emptied, truncated, replaced by bytes that
are no CSV, a column dropped or renamed, cells replaced by wrong types, unicode, huge or
negative numbers, or the cut-off file broken. ``activemeasures validate`` and ``evaluate``
must end with exit code 0 (the damage did not matter), 3 (invalid tables) or 4 (missing or
unreadable input) — never 1 (an unhandled exception) — and no identifier may appear in what
they print or in any report file.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activemeasures.cli import main
from activemeasures.datasets import simulate_trial, write_tables

TOKEN = "IDFUZZ"
TABLE_NAMES = ("citizens", "activities", "hours", "events", "survey")
DOCUMENTED = {0, 3, 4}

ODD_CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "NaT",
            "nan",
            "-1",
            "1e308",
            "-9999999999999",
            "9" * 30,
            "2016-02-30",
            "0000-01-01",
            "9999-12-31",
            "treatment ",
            "TREATMENT",
            "æøå",
            "\u202e",
            "𝔘𝔫𝔦",
            "1;2",
            '"',
            "None",
        ]
    ),
    st.text(max_size=12),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


@pytest.fixture(scope="module")
def clean_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("clean")
    data = simulate_trial("jobfirst", n_citizens=60, n_municipalities=2, seed=21)
    write_tables(data, folder)
    for name in ("citizens", "activities", "hours", "events"):
        path = folder / f"{name}.csv"
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame["citizen_id"] = TOKEN + frame["citizen_id"]
        frame.to_csv(path, index=False)
    survey = pd.read_csv(folder / "survey.csv", dtype=str, keep_default_na=False)
    survey["respondent_id"] = TOKEN + "R" + survey["respondent_id"]
    survey.to_csv(folder / "survey.csv", index=False)
    return folder


@st.composite
def damages(draw):
    """A list of (kind, table, details) damages to apply to the clean folder."""
    kinds = st.sampled_from(
        [
            "remove",
            "empty",
            "truncate",
            "garbage",
            "drop_column",
            "rename_column",
            "cells",
            "cutoff",
            "duplicate_format",
            "header_only",
        ]
    )
    found = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(kinds)
        table = draw(st.sampled_from(TABLE_NAMES))
        found.append((kind, table, draw(st.integers(0, 10_000)), draw(ODD_CELLS)))
    return found


def _apply(folder: Path, damage) -> None:
    kind, table, number, cell = damage
    path = folder / f"{table}.csv"
    if kind == "cutoff":
        (folder / "cutoff.txt").write_text(cell, encoding="utf-8")
        return
    if not path.exists():
        return
    if kind == "remove":
        path.unlink()
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "truncate":
        data = path.read_bytes()
        path.write_bytes(data[: number % max(len(data), 1)])
    elif kind == "garbage":
        path.write_bytes(bytes((number * 7 + i * 13) % 256 for i in range(200)))
    elif kind == "duplicate_format":
        shutil.copy(path, folder / f"{table}.parquet")
    else:
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        except Exception:  # already damaged beyond reading: leave it so
            return
        if frame.empty or frame.shape[1] == 0:
            return
        column = frame.columns[number % frame.shape[1]]
        if kind == "drop_column":
            frame = frame.drop(columns=column)
        elif kind == "rename_column":
            frame = frame.rename(columns={column: cell or "x"})
        elif kind == "header_only":
            frame = frame.iloc[:0]
        else:  # cells
            rows = list(range(number % len(frame), len(frame), 1 + number % 7))
            frame.loc[frame.index[rows], column] = cell
        frame.to_csv(path, index=False)


def _run(argv: list[str], capsys) -> tuple[int, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out + err


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(found=damages())
def test_damaged_folders_end_in_a_documented_exit_code_without_identifiers(
    found, clean_folder, capsys
):
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "data"
        shutil.copytree(clean_folder, folder)
        for damage in found:
            _apply(folder, damage)
        code, text = _run(["-q", "validate", str(folder)], capsys)
        assert code in DOCUMENTED, text
        assert TOKEN not in text
        report = Path(work) / "report"
        code, text = _run(
            [
                "-q",
                "evaluate",
                str(folder),
                "--programme",
                "jobfirst-midterm",
                "--out",
                str(report),
                "--no-figures",
                "--no-bands",
            ],
            capsys,
        )
        assert code in DOCUMENTED, text
        assert TOKEN not in text
        if code == 0:
            for path in report.rglob("*"):
                if path.is_file():
                    assert TOKEN.encode() not in path.read_bytes(), path.name
