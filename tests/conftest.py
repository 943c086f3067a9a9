"""Shared test configuration: hypothesis profiles.

``default`` explores new random examples on every local run. ``ci`` (chosen by the nox
``tests`` session when the ``CI`` variable is set, through ``HYPOTHESIS_PROFILE``) is
derandomised, so a CI run is reproducible and never flaky. No deadline: the first call in a
process imports pandera, which would trip it.
"""

import os

from hypothesis import settings

settings.register_profile("default", deadline=None, max_examples=200, print_blob=True)
settings.register_profile("ci", deadline=None, max_examples=200, derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# Scripts that produced golden values are run by hand, not collected (they share a name).
collect_ignore_glob = ["reference/*/make_golden.py"]
