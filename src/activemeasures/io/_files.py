"""Read one table file (CSV, Parquet or SAS) and find the table files of a folder."""

from __future__ import annotations

import os
import warnings
from collections.abc import Collection, Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from activemeasures.errors import InputError
from activemeasures.panel import as_cutoff

__all__ = ["CUTOFF_FILE", "EXTENSIONS", "read_table"]

#: File extensions read, and the format each one means (matched case-insensitively).
EXTENSIONS: dict[str, str] = {
    "csv": "CSV",
    "csv.gz": "CSV",
    "parquet": "Parquet",
    "sas7bdat": "SAS",
}

#: Name of the file holding the data cut-off (one ISO date) beside the tables.
CUTOFF_FILE = "cutoff.txt"

#: Columns always read as text: identifiers and codes (plus any column ending in ``_id``).
TEXT_COLUMNS: frozenset[str] = frozenset(
    {
        "citizen_id",
        "respondent_id",
        "workplace_id",
        "municipality",
        "arm",
        "group",
        "target_group",
        "activity",
        "event",
        "participants",
        "respondent",
        "round",
        "item",
        "week",
        "code",
    }
)

#: Date columns of the input tables; in SAS files they may hold days since 1960-01-01.
DATE_COLUMNS: frozenset[str] = frozenset(
    {"visitation_date", "start", "end", "period_start", "period_end", "date"}
)

_SAS_EPOCH = np.datetime64("1960-01-01", "D")
#: Whole days since 1960-01-01 accepted as SAS dates: years 1550 to 2370.
_SAS_MAX_DAYS = 150_000
#: The text dtype pandas gives inferred strings ("str" in pandas 3, object before).
_TEXT_DTYPE = pd.Series(["a"]).dtype


def _format(path: Path) -> str:
    """The format of a file by its extension; InputError when unsupported."""
    ext = path.name.partition(".")[2].lower()
    if ext not in EXTENSIONS:
        supported = ", ".join(f".{e}" for e in EXTENSIONS)
        raise InputError(
            f"{path.name} in {path.parent}: unsupported file format "
            f"{'.' + ext if ext else '(no extension)'}; supported: {supported}"
        )
    return EXTENSIONS[ext]


def _need_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise ImportError(
            "Parquet files need pyarrow: pip install 'activemeasures[parquet]'"
        ) from None


def _need_pyreadstat():
    try:
        import pyreadstat
    except ImportError:
        raise ImportError(
            "SAS files (.sas7bdat) need pyreadstat: pip install 'activemeasures[sas]'"
        ) from None
    return pyreadstat


def _reason(exc: Exception, encoding: str) -> str:
    """Why a file could not be read, in words that never quote the file's content."""
    if isinstance(exc, UnicodeDecodeError):
        return (
            f"not {encoding} text (undecodable byte at position {exc.start}); pass the file's "
            "encoding, e.g. encoding='latin-1'"
        )
    if isinstance(exc, pd.errors.EmptyDataError):
        return "the file is empty"
    if isinstance(exc, pd.errors.ParserWarning):
        return "some rows have more fields than the header"
    first_line = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first_line[:200]}".rstrip(": ")


def _is_text_column(name: object, text_columns: Collection[str] | str | None) -> bool:
    if text_columns == "all":
        return True
    name = str(name)
    extra = () if text_columns is None or isinstance(text_columns, str) else text_columns
    return name in TEXT_COLUMNS or name.endswith("_id") or name in extra


def _is_text_dtype(dtype: object) -> bool:
    """Whether a column already has the text dtype (pandas 3 "str"; pandas < 3: never)."""
    if isinstance(_TEXT_DTYPE, np.dtype):  # object: pandas < 3 has no default text dtype
        return False
    return isinstance(dtype, pd.StringDtype) and getattr(dtype, "na_value", pd.NA) is not pd.NA


def _as_text(values: pd.Series) -> pd.Series:
    """Values as text; whole numbers without a decimal point (SAS stores codes as numbers)."""
    if _is_text_dtype(values.dtype):
        return values
    present = values.notna().to_numpy()
    kept = values[present]
    if pd.api.types.is_float_dtype(kept.dtype):
        numbers = kept.to_numpy(dtype=float)
        if np.all(np.isfinite(numbers) & (numbers == np.trunc(numbers))) and (
            numbers.size == 0 or np.abs(numbers).max() < 2**53
        ):
            kept = pd.Series(numbers.astype(np.int64), index=kept.index)
    out = np.full(len(values), None, dtype=object)
    out[present] = kept.astype(str).to_numpy(dtype=object)
    return pd.Series(out, index=values.index, name=values.name).astype(_TEXT_DTYPE)


def _sas_types(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Blank SAS strings are missing; numeric date columns are days since 1960-01-01."""
    converted = {}
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_string_dtype(values.dtype) or values.dtype == object:
            blank = values.astype(str).str.strip().eq("").to_numpy() & values.notna().to_numpy()
            if blank.any():
                converted[column] = values.mask(blank)
        elif column in DATE_COLUMNS and pd.api.types.is_numeric_dtype(values.dtype):
            days = values.to_numpy(dtype=float)
            given = ~np.isnan(days)
            whole = np.isfinite(days) & (days == np.trunc(days)) & (np.abs(days) < _SAS_MAX_DAYS)
            bad = int((given & ~whole).sum())
            if bad:
                raise InputError(
                    f"{path.name} in {path.parent}: column {column} holds {bad} numbers that "
                    "are not SAS dates (whole days since 1960-01-01); give it a SAS date format "
                    "or export it as text YYYY-MM-DD"
                )
            dates = np.full(days.shape, np.datetime64("NaT"), dtype="datetime64[D]")
            dates[given] = _SAS_EPOCH + days[given].astype(np.int64)
            converted[column] = pd.Series(dates, index=frame.index).astype("datetime64[ns]")
    return frame.assign(**converted) if converted else frame


def read_table(
    path: str | os.PathLike,
    *,
    text_columns: Iterable[str] | str | None = None,
    encoding: str | None = None,
) -> pd.DataFrame:
    """Read one table file by its extension: CSV, Parquet or SAS.

    Parameters
    ----------
    path : path-like
        A ``.csv`` (or gzip-compressed ``.csv.gz``), ``.parquet`` (needs pyarrow, the
        ``parquet`` extra) or ``.sas7bdat`` file (needs pyreadstat, the ``sas`` extra).
        Extensions are matched case-insensitively.
    text_columns : iterable of str or "all", optional
        Further columns to read as text, or ``"all"`` for every column. Identifier and code
        columns (``citizen_id``, ``respondent_id``, any ``*_id``, ``municipality``, ``arm``,
        ``group``, ``target_group``, ``activity``, ``event``, ``participants``,
        ``respondent``, ``round``, ``item``, ``week``, ``code``) are always read as text.
    encoding : str, optional
        Text encoding. CSV default UTF-8; SAS default the encoding the file declares.

    Returns
    -------
    pandas.DataFrame
        The table with a fresh index. Text columns keep leading zeros (``"0101"`` stays
        ``"0101"``); whole numbers in text columns of Parquet or SAS files become text without
        a decimal point (``101.0`` becomes ``"101"``). Dates in CSV files stay text for the
        validation to parse (ISO 8601); Parquet dates arrive as dates.

    Raises
    ------
    InputError
        When the file does not exist, its extension is not supported, or it cannot be read
        (corrupt, empty, wrong encoding); the message names the file and the reason, never
        its content.
    ImportError
        When pyarrow (Parquet) or pyreadstat (SAS) is not installed.

    Notes
    -----
    **SAS files.** Strings that are empty or blank are missing values (SAS has no other
    missing string). Date columns of the input tables (``visitation_date``, ``start``,
    ``end``, ``period_start``, ``period_end``, ``date``) arrive as dates when the SAS variable
    has a date format; when they are plain numbers they are read as SAS dates, whole days
    since 1960-01-01:

    .. math:: \\text{date} = \\text{1960-01-01} + d \\text{ days}

    so 20514 is 2016-03-01. Numbers that are not whole days (e.g. SAS datetimes, seconds since
    1960) are refused with an :class:`~activemeasures.errors.InputError`.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from activemeasures.io import read_table
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "events.csv"
    ...     _ = path.write_text("citizen_id,date,event\\n0042,2016-03-15,conversation\\n")
    ...     events = read_table(path)
    >>> events["citizen_id"].tolist(), events["date"].tolist()
    (['0042'], ['2016-03-15'])
    """
    path = Path(path)
    kind = _format(path)
    if not path.is_file():
        raise InputError(f"{path.name}: no such file in {path.parent}")
    if kind == "Parquet":
        _need_pyarrow()
    pyreadstat = _need_pyreadstat() if kind == "SAS" else None
    if text_columns is not None and not isinstance(text_columns, str):
        text_columns = frozenset(map(str, text_columns))
    elif isinstance(text_columns, str) and text_columns != "all":
        raise ValueError(f"text_columns must be column names or 'all', got {text_columns!r}")
    try:
        if kind == "CSV":
            csv_encoding = encoding or "utf-8"
            header = pd.read_csv(path, nrows=0, encoding=csv_encoding).columns
            text = {c: str for c in header if _is_text_column(c, text_columns)}
            with warnings.catch_warnings():
                # A row longer than the header would silently lose or shift values.
                warnings.simplefilter("error", pd.errors.ParserWarning)
                frame = pd.read_csv(path, dtype=text, encoding=csv_encoding, index_col=False)
        elif kind == "Parquet":
            frame = pd.read_parquet(path)
        else:
            frame, _ = pyreadstat.read_sas7bdat(
                str(path), dates_as_pandas_datetime=True, encoding=encoding
            )
    except Exception as exc:  # every reader failure becomes one clear error
        raise InputError(
            f"cannot read {path.name} in {path.parent}: {_reason(exc, encoding or 'UTF-8')}"
        ) from None
    frame = frame.reset_index(drop=True)
    if kind == "SAS":
        frame = _sas_types(frame, path)
    texts = {
        column: _as_text(frame[column])
        for column in frame.columns
        if _is_text_column(column, text_columns) and not _is_text_dtype(frame[column].dtype)
    }
    return frame.assign(**texts) if texts else frame


def find_table_files(folder: Path, names: Iterable[str]) -> dict[str, Path]:
    """The file of each table in *folder* (``<table>.<ext>``, names matched case-insensitively).

    Files whose name does not start with a table name are ignored. A table name with an
    unsupported extension, or one table in several files, is an
    :class:`~activemeasures.errors.InputError`.
    """
    names = {name.lower() for name in names}
    found: dict[str, list[Path]] = {}
    unsupported: list[str] = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or not entry.is_file():
            continue
        stem, _, ext = entry.name.partition(".")
        if stem.lower() not in names:
            continue
        if ext.lower() in EXTENSIONS:
            found.setdefault(stem.lower(), []).append(entry)
        else:
            unsupported.append(entry.name)
    if unsupported:
        supported = ", ".join(f".{e}" for e in EXTENSIONS)
        raise InputError(
            f"unsupported file format in {folder}: {', '.join(unsupported)}; table files must "
            f"end in {supported}"
        )
    for name, paths in found.items():
        if len(paths) > 1:
            raise InputError(
                f"table {name} is in more than one file in {folder}: "
                f"{', '.join(p.name for p in paths)}; keep one"
            )
    return {name: paths[0] for name, paths in found.items()}


def read_cutoff(folder: Path) -> pd.Timestamp:
    """The cut-off date written in ``cutoff.txt`` in *folder*."""
    path = folder / CUTOFF_FILE
    if not path.is_file():
        raise InputError(
            f"no data cut-off for {folder}: pass cutoff= (on the command line --cutoff) or "
            f"write the last day the register data cover into {CUTOFF_FILE} in the folder, "
            "as one ISO date such as 2017-01-08"
        )
    try:
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {_reason(exc, 'UTF-8')}") from None
    shown = text if len(text) <= 30 else text[:27] + "..."
    if not (len(text) == 10 and text[4] == "-" and text[7] == "-"):
        raise InputError(f"{path} must hold one ISO date (YYYY-MM-DD), got {shown!r}")
    try:
        return as_cutoff(text)
    except ValueError:
        raise InputError(f"{path} must hold one ISO date (YYYY-MM-DD), got {shown!r}") from None
