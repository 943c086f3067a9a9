"""Read a folder of register tables into a validated Dataset."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import attrs
import pandas as pd

from activemeasures.dataset import TABLES, Dataset
from activemeasures.errors import InputError, MissingTableError
from activemeasures.io._dream import BENEFITS, load_state_mapping, read_dream_long, read_dream_wide
from activemeasures.io._files import (
    EXTENSIONS,
    find_table_files,
    read_cutoff,
    read_table,
)
from activemeasures.panel import as_cutoff
from activemeasures.quality import DataQualityReport

__all__ = ["read_dataset"]


def _expected_files() -> str:
    extensions = ", ".join(f".{e}" for e in EXTENSIONS)
    return (
        f"one file <table><extension> per table, with <extension> one of {extensions} "
        "(Parquet needs pyarrow, SAS needs pyreadstat): citizens (required), activities, "
        f"hours, events, survey, visitations and a DREAM-style {BENEFITS} table (optional), "
        f"e.g. citizens.csv, activities.parquet, {BENEFITS}.sas7bdat"
    )


def _iso_dates(activities: pd.DataFrame, like: pd.DataFrame) -> pd.DataFrame:
    """Dates as ISO text when the activities file has text dates, so one column has one type."""
    dates = {}
    for column in ("start", "end"):
        if column in like and not pd.api.types.is_datetime64_any_dtype(like[column]):
            dates[column] = activities[column].dt.strftime("%Y-%m-%d")
    return activities.assign(**dates)


def read_dataset(
    directory: str | os.PathLike,
    *,
    cutoff: object = None,
    benefit_codes: Mapping[object, object] | str | os.PathLike | None = None,
    allow_cpr: bool = False,
    encoding: str | None = None,
) -> Dataset:
    """Read a folder of register tables (CSV, Parquet, SAS) into a validated Dataset.

    Parameters
    ----------
    directory : path-like
        A folder holding one file ``<table>.<ext>`` per table: ``citizens`` (required),
        ``activities``, ``hours``, ``events``, ``survey``, ``visitations`` (DESIGN.md §4.1;
        columns in :mod:`activemeasures.schemas`) and optionally ``benefits``, DREAM-style
        weekly benefit codes (:func:`read_dream_wide`; or the long layout
        ``citizen_id, week, code``, :func:`read_dream_long`). ``<ext>`` is ``csv``,
        ``csv.gz``, ``parquet`` or ``sas7bdat`` (case-insensitive), one format per table.
        Other files are ignored.
    cutoff : date-like, optional
        Last day covered by the register data. Default: the ISO date in the folder's
        ``cutoff.txt`` (which :func:`~activemeasures.datasets.write_tables` writes).
    benefit_codes : mapping or path-like, optional
        Benefit code → :class:`~activemeasures.State` name (or ``NONE``), or the path of a CSV
        file ``code,state`` (:func:`load_state_mapping`). Required when the folder has a
        benefits table, refused when it has none.
    allow_cpr : bool, default False
        Accept identifiers that look like Danish CPR numbers
        (:meth:`Dataset.from_frames <activemeasures.Dataset.from_frames>`).
    encoding : str, optional
        Text encoding of the files (default UTF-8 for CSV, the declared one for SAS).

    Returns
    -------
    Dataset
        Validated tables. Activity records made from the benefits table are appended to the
        activities table (or make it); its data-quality entries (unknown codes, codes mapped to
        no state, records made) are added to :attr:`Dataset.quality
        <activemeasures.Dataset.quality>`.

    Raises
    ------
    InputError
        When the folder does not exist; a file cannot be read or has an unsupported
        extension; a table is in two files; there is no cut-off; the benefits table and
        *benefit_codes* do not come together.
    MissingTableError
        When there is no citizens table; the message lists the expected files.
    ValidationError
        When the tables break the schemas (:func:`~activemeasures.validate_tables`).
    ImportError
        When a Parquet or SAS file needs an optional dependency that is not installed.

    Notes
    -----
    Nothing in a message names a value of the data: files, tables, columns and counts only.
    Unknown benefit codes are never guessed; they are counted in the data-quality report
    (table ``benefits``, action ``excluded``).

    Examples
    --------
    >>> import tempfile
    >>> from activemeasures.datasets import simulate_trial, write_tables
    >>> from activemeasures.io import read_dataset
    >>> data = simulate_trial(n_citizens=40, n_municipalities=2, seed=3)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = write_tables(data, folder)          # the tables and cutoff.txt
    ...     again = read_dataset(folder)
    >>> again.n_citizens, again.cutoff == data.cutoff
    (40, True)
    """
    folder = Path(directory)
    if not folder.exists():
        raise InputError(f"folder {folder} does not exist")
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder")
    files = find_table_files(folder, (*TABLES, BENEFITS))
    if "citizens" not in files:
        raise MissingTableError(
            f"{folder} has no citizens table (required); expected {_expected_files()}"
        )
    cutoff = read_cutoff(folder) if cutoff is None else as_cutoff(cutoff)
    if BENEFITS in files and benefit_codes is None:
        raise InputError(
            f"{files[BENEFITS].name} in {folder} holds benefit codes: pass benefit_codes= (a "
            "mapping code -> State name, or a CSV file with columns code,state); no code list "
            "ships with activemeasures"
        )
    if BENEFITS not in files and benefit_codes is not None:
        raise InputError(
            f"benefit_codes given, but {folder} has no {BENEFITS} table "
            f"({', '.join(f'{BENEFITS}.{e}' for e in EXTENSIONS)})"
        )
    mapping = load_state_mapping(benefit_codes) if benefit_codes is not None else None
    tables = {name: read_table(files[name], encoding=encoding) for name in TABLES if name in files}
    extra = DataQualityReport()
    if mapping is not None:
        frame = read_table(files[BENEFITS], text_columns="all", encoding=encoding)
        long = {"week", "code"} <= set(frame.columns)
        converted, extra, _ = (read_dream_long if long else read_dream_wide)(frame, mapping)
        if "activities" in tables:
            converted = _iso_dates(converted, tables["activities"])
            converted = pd.concat([tables["activities"], converted], ignore_index=True)
        tables["activities"] = converted
    dataset = Dataset.from_frames(**tables, cutoff=cutoff, allow_cpr=allow_cpr)
    if extra.entries:
        dataset = attrs.evolve(dataset, quality=dataset.quality + extra)
    return dataset
