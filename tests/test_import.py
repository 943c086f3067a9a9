"""Importing activemeasures does no work: no plugin, no heavy dependency is loaded."""

from __future__ import annotations

import subprocess
import sys


def test_import_loads_no_plugin_and_no_heavy_dependency():
    heavy = (
        "statsmodels",
        "matplotlib",
        "scipy",
        "hypothesis",
        "pytest",
        "activemeasures_jobfirst",
        "activemeasures_flereskalmed",
        "activemeasures.testing",
    )
    code = (
        "import sys, activemeasures, activemeasures.fidelity; "
        f"print(','.join(m for m in {heavy!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
