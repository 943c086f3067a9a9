"""Testing tools for activemeasures and its plugins.

* :mod:`activemeasures.testing.strategies`: hypothesis strategies for valid input tables and
  whole :class:`~activemeasures.Dataset` objects;
* :mod:`activemeasures.testing.simulate`: :func:`example_dataset`, a small deterministic
  dataset with every table, for smoke tests;
* :mod:`activemeasures.testing.contract`: :func:`check_plugin`, :func:`check_installed` and
  :class:`PluginContract`, the contract suite every programme plugin runs in its own tests.

The strategies need `hypothesis <https://hypothesis.readthedocs.io>`_ and
:class:`PluginContract` is meant for `pytest <https://pytest.org>`_; neither is a dependency
of the library. Install them with the ``testing`` extra::

    pip install "activemeasures[testing]"

Names are imported on first use, so ``from activemeasures.testing import example_dataset``
works without hypothesis. The library itself never imports this package.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "PluginContract",
    "check_installed",
    "check_plugin",
    "example_dataset",
    "required_codes",
    "strategies",
]

_HOMES = {
    "PluginContract": "contract",
    "check_installed": "contract",
    "check_plugin": "contract",
    "example_dataset": "simulate",
    "required_codes": "simulate",
}


def __getattr__(name: str) -> Any:
    if name == "strategies":
        return importlib.import_module(f"{__name__}.strategies")
    if name in _HOMES:
        module = importlib.import_module(f"{__name__}.{_HOMES[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
