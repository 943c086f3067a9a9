"""The fuzz tests: a ``fuzz`` marker (``pytest -m "not fuzz"`` leaves them out).

Each test feeds :func:`fuzz.strategies.malformed_cases` to one entry point and checks the
properties of :mod:`fuzz.targets`. The number of examples is modest (each example is a few
small tables); ``tests/fuzz/tally.py`` runs thousands and counts how calls ended.
"""

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fuzz: fuzzing of the input boundary (tests/fuzz)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/fuzz/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.fuzz)
