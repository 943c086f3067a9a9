"""Calibrated synthetic register data and a small bundled demo.

:func:`simulate_trial` draws a JobFirst trial (or 'Flere skal med' data) whose evaluation
lands near the published mid-term figures; :func:`write_tables` / :func:`read_tables` move a
dataset to and from CSV or Parquet files; :func:`load_demo` reads the small demo shipped with
the package. All of it is **synthetic**: no real person, workplace or respondent.
"""

from activemeasures.datasets._io import FORMATS, read_tables, write_tables
from activemeasures.datasets.demo import DEMO_SETTINGS, load_demo, make_demo
from activemeasures.datasets.simulate import PROGRAMMES, simulate_trial

__all__ = [
    "DEMO_SETTINGS",
    "FORMATS",
    "PROGRAMMES",
    "load_demo",
    "make_demo",
    "read_tables",
    "simulate_trial",
    "write_tables",
]
