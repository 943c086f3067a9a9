"""Read register tables from files: a folder of CSV, Parquet or SAS files into a Dataset.

:func:`read_dataset` reads a folder (one file per table, the cut-off in ``cutoff.txt``);
:func:`read_table` reads one file; :func:`read_dream_wide` / :func:`read_dream_long` turn
DREAM-style weekly benefit codes into activity records through a code → state mapping that
the user supplies (:func:`load_state_mapping`). Every problem is an
:class:`~activemeasures.errors.InputError` (files), a
:class:`~activemeasures.errors.MissingTableError` (no citizens table) or a
:class:`~activemeasures.errors.ValidationError` (the tables' content), and no message ever shows
a value of the data.
"""

from activemeasures.io._dream import NO_STATE, load_state_mapping, read_dream_long, read_dream_wide
from activemeasures.io._files import CUTOFF_FILE, EXTENSIONS, read_table
from activemeasures.io._folder import read_dataset

__all__ = [
    "CUTOFF_FILE",
    "EXTENSIONS",
    "NO_STATE",
    "load_state_mapping",
    "read_dataset",
    "read_dream_long",
    "read_dream_wide",
    "read_table",
]
