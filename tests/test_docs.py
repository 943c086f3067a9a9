"""Every public name and every schema column is documented (a public name without docs is
unfinished)."""

from pathlib import Path

import pytest

import activemeasures
from activemeasures import schemas

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _reference_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in (DOCS / "reference").glob("*.rst"))


@pytest.mark.parametrize("name", sorted(set(activemeasures.__all__) - {"__version__"}))
def test_every_public_name_has_a_reference_entry(name):
    assert f":: {name}" in _reference_text() or f"activemeasures.{name}" in _reference_text()


@pytest.mark.parametrize("name", sorted(set(activemeasures.__all__) - {"__version__"}))
def test_every_public_name_has_a_numpydoc_docstring(name):
    doc = getattr(activemeasures, name).__doc__ or ""
    assert len(doc.strip().splitlines()) >= 1
    assert doc.strip()[0].isupper()


@pytest.mark.parametrize(
    ("table", "schema"),
    [
        ("citizens", schemas.CITIZENS),
        ("activities", schemas.ACTIVITIES),
        ("hours", schemas.HOURS),
        ("events", schemas.EVENTS),
        ("survey", schemas.SURVEY),
        ("visitations", schemas.VISITATIONS),
    ],
)
def test_every_schema_column_is_listed_on_the_schema_page(table, schema):
    page = (DOCS / "reference" / "schemas.rst").read_text(encoding="utf-8")
    section = page.split(f"\n{table}\n", 1)[1]
    for column in schema.columns:
        assert f"``{column}``" in section, f"{table}.{column} is not documented"
