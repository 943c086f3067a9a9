"""The library's own exception types.

Every message names the table, the column, the rule and the number of rows concerned, and
never a citizen identifier (DESIGN.md §10).
"""

from __future__ import annotations

import pandas as pd

__all__ = [
    "ActiveMeasuresError",
    "InputError",
    "MissingTableError",
    "PluginError",
    "UnknownProgrammeError",
    "ValidationError",
]

#: Columns of :attr:`ValidationError.failures`.
FAILURE_COLUMNS = ("table", "column", "rule", "n_rows", "examples")


class ActiveMeasuresError(Exception):
    """Base class of every error the library raises on purpose."""


class ValidationError(ActiveMeasuresError, ValueError):
    """Input tables break one or more rules.

    Raised before anything is computed, listing *every* problem found, one row per
    (table, column, rule).

    Attributes
    ----------
    failures : pandas.DataFrame
        Tidy table with columns ``table``, ``column``, ``rule``, ``n_rows`` (number of rows
        that break the rule) and ``examples`` (a few offending *values*, only for columns that
        do not identify persons or records; empty otherwise).

    Examples
    --------
    >>> import pandas as pd
    >>> from activemeasures import ValidationError
    >>> err = ValidationError(pd.DataFrame({"table": ["citizens"], "column": ["visitation_date"],
    ...                                     "rule": ["not missing"], "n_rows": [2],
    ...                                     "examples": [""]}))
    >>> print(err)
    1 problem in the input tables:
       table          column        rule  n_rows
    citizens visitation_date not missing       2
    """

    def __init__(self, failures: pd.DataFrame) -> None:
        self.failures = failures.loc[:, list(FAILURE_COLUMNS)].reset_index(drop=True)
        super().__init__(self._message())

    def _message(self) -> str:
        n = len(self.failures)
        shown = self.failures
        if not shown["examples"].astype(bool).any():
            shown = shown.drop(columns="examples")
        noun = "problem" if n == 1 else "problems"
        lines = shown.to_string(index=False).splitlines()
        return f"{n} {noun} in the input tables:\n" + "\n".join(line.rstrip() for line in lines)

    def __reduce__(self):  # keep picklable (multiprocessing, Dask) despite the custom __init__
        return (type(self), (self.failures,))


class InputError(ActiveMeasuresError):
    """An input folder or file cannot be read as register tables.

    Raised by :mod:`activemeasures.io` for a missing folder, an unreadable or corrupt file, an
    unsupported file format, a table given in two files, a missing data cut-off or a bad
    benefit-code mapping. The message names the folder or file and the reason, never a value
    of the data (validation problems of the tables themselves are a :class:`ValidationError`).

    Examples
    --------
    >>> from activemeasures.errors import InputError
    >>> raise InputError("cannot read citizens.parquet in /data: not a Parquet file")
    Traceback (most recent call last):
    ...
    activemeasures.errors.InputError: cannot read citizens.parquet in /data: not a Parquet file
    """


class MissingTableError(ActiveMeasuresError, LookupError):
    """A computation needs an input table the dataset does not have.

    The message names the computation (e.g. an indicator) and the missing tables.
    """


class PluginError(ActiveMeasuresError):
    """A plugin broke the plugin contract (see :mod:`activemeasures.hookspecs`).

    The message names the plugin, the hook and the offending object: a wrong return type,
    an unknown hook name, two objects with the same key, a reference to an element that does
    not exist.

    Attributes
    ----------
    plugin : str
        Name the plugin was registered under (its entry-point name).
    """

    def __init__(self, plugin: str, message: str) -> None:
        self.plugin = plugin
        super().__init__(f"plugin {plugin!r}: {message}")

    def __reduce__(self):
        return (type(self), (self.plugin, str(self).split(": ", 1)[1]))


class UnknownProgrammeError(ActiveMeasuresError, LookupError):
    """The programme asked for is not installed; the message lists those that are."""

    def __str__(self) -> str:  # LookupError would quote the message
        return str(self.args[0])
