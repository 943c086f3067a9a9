"""The page docs/reference/validation-rules.rst lists exactly the rules the validator applies.

The rules are collected from the code (:func:`activemeasures.validation.rules`, built from the
pandera schemas and the rules of the validation module; :data:`activemeasures.panel.
QUALITY_RULES` for the data-quality report) and compared with the CSV tables of the page, in
both directions, so that neither can drift from the other.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

from activemeasures.panel import QUALITY_RULES
from activemeasures.validation import rules

PAGE = Path(__file__).resolve().parents[1] / "docs" / "reference" / "validation-rules.rst"
TABLES = ("citizens", "activities", "hours", "events", "survey", "visitations")


def csv_tables(text: str) -> dict[str, list[list[str]]]:
    """Rows of every ``.. csv-table:: <title>`` of an RST text, by title (header excluded)."""
    tables = {}
    lines = text.splitlines()
    for i, line in enumerate(lines):
        match = re.match(r"\.\. csv-table:: (.+)$", line)
        if not match:
            continue
        body = []
        for following in lines[i + 1 :]:
            if following.strip() and not following.startswith("   "):
                break
            if following.strip() and not following.strip().startswith(":"):
                body.append(following.strip())
        tables[match[1]] = list(csv.reader(body, skipinitialspace=True))
    return tables


@pytest.fixture(scope="module")
def page() -> dict[str, list[list[str]]]:
    return csv_tables(PAGE.read_text(encoding="utf-8"))


def test_the_page_parses_into_the_expected_tables(page):
    titles = {f"Rules of the {t} table" for t in TABLES}
    titles |= {"Rules of every table", "Records counted in the data-quality report"}
    assert set(page) == titles
    assert all(len(row) == 3 for t in TABLES for row in page[f"Rules of the {t} table"])


@pytest.mark.parametrize("table", TABLES)
def test_each_table_lists_exactly_its_column_rules(page, table):
    code = rules()
    code = code[(code["table"] == table) & (code["column"] != "")]
    expected = set(zip(code["column"], code["rule"], strict=True))
    listed = {(column, rule) for column, rule, _ in page[f"Rules of the {table} table"]}
    assert listed == expected, (
        f"on the page only: {sorted(listed - expected)}; in the code only: "
        f"{sorted(expected - listed)}"
    )


def test_the_rules_about_whole_tables_are_listed(page):
    code = rules()
    code = code[code["column"] == ""]
    listed = {(table, rule) for table, column, rule, _ in page["Rules of every table"]}
    assert all(column == "" for _, column, _, _ in page["Rules of every table"])
    # A rule every table has is listed once, for table "any".
    expected = set()
    for rule, tables in code.groupby("rule")["table"]:
        expected |= {("any", rule)} if set(tables) == set(TABLES) else {(t, rule) for t in tables}
    assert listed == expected


def test_every_rule_text_appears_on_the_page():
    text = " ".join(PAGE.read_text(encoding="utf-8").split())
    missing = [rule for rule in rules()["rule"].unique() if rule not in text]
    assert not missing


def test_the_quality_report_rules_are_listed(page):
    listed = {rule for rule, _, _ in page["Records counted in the data-quality report"]}
    assert listed == set(QUALITY_RULES.values())


def test_the_rules_table_is_collected_from_the_schemas():
    """A rule added to a schema appears in rules() without further code (no hand-kept list)."""
    import pandera.pandas as pa

    from activemeasures import schemas, validation

    extra = pa.Check(lambda s: s.str.len() < 99, name="shorter than 99 characters")
    original = validation._SCHEMAS["events"]
    patched = original.update_column("event", checks=[*original.columns["event"].checks, extra])
    validation._SCHEMAS["events"] = patched
    try:
        table = rules()
    finally:
        validation._SCHEMAS["events"] = original
    assert ((table["column"] == "event") & (table["rule"] == extra.name)).sum() == 1
    assert schemas.EVENTS is original
    assert isinstance(table, pd.DataFrame)
