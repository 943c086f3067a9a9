"""The small demo datasets shipped with the package (CSV files in this folder).

Each programme's demo is ``simulate_trial(programme, **DEMO_SETTINGS[programme])`` written by
:func:`make_demo`; :func:`load_demo` reads it back. Regenerate after changing the simulator::

    python -c "from activemeasures.datasets import make_demo; make_demo('jobfirst')"

A test checks that the shipped files equal what the generator gives, so they cannot drift.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from activemeasures.dataset import Dataset
from activemeasures.datasets._io import read_tables, write_tables
from activemeasures.datasets.simulate import simulate_trial

__all__ = ["DEMO_SETTINGS", "load_demo", "make_demo"]

#: The arguments of :func:`~activemeasures.datasets.simulate_trial` each demo was made with.
DEMO_SETTINGS = MappingProxyType(
    {"jobfirst": MappingProxyType({"n_citizens": 600, "n_municipalities": 15, "seed": 2016})}
)

#: Cut-off of each demo (written beside the tables as ``cutoff.txt``).
_CUTOFF_FILE = "cutoff.txt"


def _check(programme: str) -> str:
    if programme not in DEMO_SETTINGS:
        raise ValueError(
            f"programme must be one of {', '.join(map(repr, DEMO_SETTINGS))}, got {programme!r}"
        )
    return programme


def make_demo(programme: str = "jobfirst", directory: str | os.PathLike | None = None) -> Path:
    """Simulate a demo with :data:`DEMO_SETTINGS` and write it as CSV files.

    Parameters
    ----------
    programme : {"jobfirst"}, default "jobfirst"
    directory : path-like, optional
        Default: the package's ``datasets/demo/<programme>/`` folder (regenerates the shipped
        demo).

    Returns
    -------
    pathlib.Path
        The folder written.
    """
    _check(programme)
    folder = Path(directory) if directory is not None else Path(__file__).parent / programme
    data = simulate_trial(programme, **DEMO_SETTINGS[programme])
    write_tables(data, folder, format="csv")
    (folder / _CUTOFF_FILE).write_text(f"{data.cutoff.date()}\n", encoding="utf-8")
    return folder


def load_demo(programme: str = "jobfirst") -> Dataset:
    """The small synthetic demo dataset shipped with the package.

    Parameters
    ----------
    programme : {"jobfirst"}, default "jobfirst"

    Returns
    -------
    Dataset
        600 simulated JobFirst citizens in 15 municipalities (:data:`DEMO_SETTINGS`), every
        table, cut-off 2017-01-08. Synthetic: no real person.

    Examples
    --------
    >>> from activemeasures.datasets import load_demo
    >>> demo = load_demo()
    >>> demo.n_citizens, str(demo.cutoff.date())
    (600, '2017-01-08')
    """
    _check(programme)
    folder = resources.files("activemeasures.datasets.demo").joinpath(programme)
    with resources.as_file(folder) as path:
        tables = read_tables(path)
        cutoff = (Path(path) / _CUTOFF_FILE).read_text(encoding="utf-8").strip()
    return Dataset.from_frames(**tables, cutoff=pd.Timestamp(cutoff))
