"""Write a Dataset's tables to files and read them back (CSV or Parquet)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from activemeasures.dataset import TABLES, Dataset
from activemeasures.io._files import CUTOFF_FILE, _need_pyarrow, read_table

__all__ = ["FORMATS", "read_tables", "write_tables"]

#: File formats by extension.
FORMATS: tuple[str, ...] = ("csv", "parquet")

#: Date columns of each table, written as ISO dates (YYYY-MM-DD).
_DATES = {
    "citizens": ("visitation_date",),
    "activities": ("start", "end"),
    "hours": ("period_start", "period_end"),
    "events": ("date",),
    "visitations": ("start", "end"),
}


def write_tables(
    dataset: Dataset, directory: str | os.PathLike, *, format: str = "csv"
) -> list[Path]:
    """Write every table of a dataset as ``<table>.<format>`` into *directory*, and the cut-off.

    Parameters
    ----------
    dataset : Dataset
    directory : path-like
        Created if missing; existing files of the same names are replaced.
    format : {"csv", "parquet"}, default "csv"
        CSV (UTF-8, dates as ISO ``YYYY-MM-DD``, no index) or Parquet (needs pyarrow, the
        ``parquet`` extra).

    Returns
    -------
    list of pathlib.Path
        The table files written, in the order of :data:`activemeasures.dataset.TABLES`.

    Notes
    -----
    The data cut-off is written beside the tables as ``cutoff.txt`` (one ISO date and a
    newline; not in the returned list), so :func:`activemeasures.io.read_dataset` reads the
    folder back with no further argument.

    Examples
    --------
    >>> import tempfile
    >>> from activemeasures.datasets import simulate_trial, write_tables
    >>> data = simulate_trial(n_citizens=40, n_municipalities=2, seed=3)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     [path.name for path in write_tables(data, folder)]
    ['citizens.csv', 'activities.csv', 'hours.csv', 'events.csv', 'survey.csv']
    """
    if not isinstance(dataset, Dataset):
        raise TypeError(f"dataset must be a Dataset, got {type(dataset).__name__}")
    if format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(map(repr, FORMATS))}, got {format!r}")
    if format == "parquet":
        _need_pyarrow()
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in dataset.tables.items():
        path = folder / f"{name}.{format}"
        if format == "csv":
            frame = frame.copy()
            for column in _DATES.get(name, ()):
                if column in frame:
                    frame[column] = frame[column].dt.strftime("%Y-%m-%d")
            frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        else:
            frame.to_parquet(path, index=False)
        written.append(path)
    (folder / CUTOFF_FILE).write_text(f"{dataset.cutoff.date()}\n", encoding="utf-8")
    return written


def read_tables(directory: str | os.PathLike) -> dict[str, pd.DataFrame]:
    """Read the tables :func:`write_tables` wrote (``<table>.csv`` or ``<table>.parquet``).

    Parameters
    ----------
    directory : path-like

    Returns
    -------
    dict of str to pandas.DataFrame
        Table name to frame, for every table file found (names of
        :data:`activemeasures.dataset.TABLES`), ready for
        ``Dataset.from_frames(**tables, cutoff=...)``. CSV dates stay text (the schemas parse
        them); identifier and code columns are read as text
        (:func:`activemeasures.io.read_table`). To read a folder into a validated
        :class:`~activemeasures.Dataset` in one step, with its cut-off, SAS files and benefit
        codes, use :func:`activemeasures.io.read_dataset`.

    Raises
    ------
    FileNotFoundError
        When the folder holds no table file.
    ValueError
        When a table is there both as CSV and as Parquet.
    InputError
        When a file cannot be read.
    """
    folder = Path(directory)
    tables: dict[str, pd.DataFrame] = {}
    for name in TABLES:
        found = [folder / f"{name}.{ext}" for ext in FORMATS if (folder / f"{name}.{ext}").exists()]
        if len(found) > 1:
            raise ValueError(f"table {name} is in {folder} both as CSV and as Parquet")
        if found:
            tables[name] = read_table(found[0])
    if not tables:
        raise FileNotFoundError(f"no table files (<table>.csv or .parquet) in {folder}")
    return tables
