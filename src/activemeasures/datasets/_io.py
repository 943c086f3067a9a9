"""Write a Dataset's tables to files and read them back (CSV or Parquet)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from activemeasures.dataset import TABLES, Dataset

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


def _need_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise ImportError(
            "Parquet files need pyarrow: pip install 'activemeasures[parquet]'"
        ) from None


def write_tables(
    dataset: Dataset, directory: str | os.PathLike, *, format: str = "csv"
) -> list[Path]:
    """Write every table of a dataset as ``<table>.<format>`` into *directory*.

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
        The files written, in the order of :data:`activemeasures.dataset.TABLES`.

    Notes
    -----
    The data cut-off is not a table and is not written: pass it again to
    :meth:`Dataset.from_frames` when reading back.

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
        them); identifier and code columns are read as text.

    Raises
    ------
    FileNotFoundError
        When the folder holds no table file.
    ValueError
        When a table is there both as CSV and as Parquet.
    """
    folder = Path(directory)
    tables: dict[str, pd.DataFrame] = {}
    for name in TABLES:
        found = [folder / f"{name}.{ext}" for ext in FORMATS if (folder / f"{name}.{ext}").exists()]
        if len(found) > 1:
            raise ValueError(f"table {name} is in {folder} both as CSV and as Parquet")
        if not found:
            continue
        path = found[0]
        if path.suffix == ".parquet":
            _need_pyarrow()
            tables[name] = pd.read_parquet(path)
        else:
            text = {"citizen_id", "respondent_id", "workplace_id", "municipality", "group"}
            text |= {"item", "round", "respondent", "event", "activity", "participants", "arm"}
            header = pd.read_csv(path, nrows=0).columns
            tables[name] = pd.read_csv(
                path, dtype={c: "string" for c in header if c in text}, keep_default_na=True
            )
    if not tables:
        raise FileNotFoundError(f"no table files (<table>.csv or .parquet) in {folder}")
    return tables
