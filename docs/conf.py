"""Sphinx configuration for the activemeasures documentation."""

from __future__ import annotations

import activemeasures

project = "activemeasures"
author = "activemeasures developers"
copyright = "2026, activemeasures developers"
release = activemeasures.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "sphinx.ext.mathjax",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
]

exclude_patterns = ["_build"]
html_theme = "furo"
html_title = "activemeasures"

autodoc_member_order = "bysource"
autodoc_typehints = "none"
autodoc_typehints_format = "short"
autodoc_default_options = {"members": True, "show-inheritance": False}
autosummary_generate = False

# numpydoc-style docstrings; attributes as fields so attrs slots are not described twice.
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_ivar = True
napoleon_use_rtype = False

import doctest  # noqa: E402

# The same doctest options as pytest's (pyproject.toml).
doctest_default_flags = (
    doctest.ELLIPSIS | doctest.IGNORE_EXCEPTION_DETAIL | doctest.NORMALIZE_WHITESPACE
)

doctest_global_setup = """
import numpy as np
import pandas as pd
import activemeasures as am
from activemeasures import *
from activemeasures.panel import _example_panel
from activemeasures.outcomes import *
from activemeasures.outcomes import as_outcome
from activemeasures.estimators import *
"""
