"""Meta-tests: every hook is documented like an API, listed, documented on its page, tested."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from activemeasures import hookspecs

ROOT = Path(__file__).resolve().parents[1]
SPEC_FUNCTIONS = sorted(
    name
    for name, value in inspect.getmembers(hookspecs, inspect.isfunction)
    if hasattr(value, "activemeasures_spec")
)


def test_hook_names_lists_every_hookspec_and_nothing_else():
    assert sorted(hookspecs.HOOK_NAMES) == SPEC_FUNCTIONS
    assert len(SPEC_FUNCTIONS) == 10


@pytest.mark.parametrize("hook", SPEC_FUNCTIONS)
def test_every_hook_has_a_numpydoc_docstring_with_returns(hook):
    doc = inspect.getdoc(getattr(hookspecs, hook)) or ""
    assert "Returns\n-------" in doc, f"{hook} does not document what it returns"
    parameters = inspect.signature(getattr(hookspecs, hook)).parameters
    if parameters:
        assert "Parameters\n----------" in doc
        for name in parameters:
            assert f"\n{name} :" in doc, f"{hook} does not document its parameter {name}"
    assert "Called" in doc, f"{hook} does not say when it is called"


@pytest.mark.parametrize("hook", SPEC_FUNCTIONS)
def test_every_hook_is_on_the_hooks_reference_page(hook):
    page = (ROOT / "docs" / "reference" / "hooks.rst").read_text(encoding="utf-8")
    assert f".. autofunction:: {hook}\n" in page


def _test_function_names() -> set[str]:
    names = set()
    for path in (ROOT / "tests").rglob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names |= {
            node.name
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
        }
    return names


@pytest.mark.parametrize("hook", SPEC_FUNCTIONS)
def test_every_hook_has_a_test_named_after_it(hook):
    own = {n for n in globals() if n.startswith("test_")}
    named = [n for n in _test_function_names() - own if hook in n]
    assert named, f"no test function mentions {hook} in its name"


def test_firstresult_only_where_one_answer_makes_sense():
    first = {
        name
        for name in SPEC_FUNCTIONS
        if getattr(hookspecs, name).activemeasures_spec.get("firstresult")
    }
    # One answer each: the programme's visitation rule, and the programme's own data rules.
    assert first == {"resolve_visitations", "prepare_dataset"}
