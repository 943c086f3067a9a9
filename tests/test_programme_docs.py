"""Every public name of the bundled programme plugins has an entry in the programme docs."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs" / "programmes"
PLUGINS = ("activemeasures_jobfirst", "activemeasures_flereskalmed")


def _public_names() -> list[str]:
    names = []
    for package_name in PLUGINS:
        package = importlib.import_module(package_name)
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package_name}.{info.name}")
            names += [f"{module.__name__}.{name}" for name in getattr(module, "__all__", ())]
    return names


@pytest.mark.parametrize("qualified", _public_names())
def test_every_public_plugin_name_is_documented(qualified):
    text = "\n".join(p.read_text(encoding="utf-8") for p in DOCS.glob("*.rst"))
    assert f":: {qualified}\n" in text, f"{qualified} has no autodoc entry in docs/programmes"
