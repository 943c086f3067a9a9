"""The glossary page names no ghost: every code identifier on it exists.

``docs/reference/glossary.rst`` maps the Danish programme terms to the library's names. A name
there must exist: a role target (``:class:`activemeasures.State```...) must import, a quoted
literal (````"activity_ready"````) must be a string constant in the source, and any other
literal an importable dotted name or an identifier of the source. The page must also keep its
form: entries in Danish alphabetical order, each with a source citation, and an English →
Danish index covering every entry.
"""

from __future__ import annotations

import ast
import importlib
import re
from functools import cache
from pathlib import Path

import attrs
import pytest

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "docs" / "reference" / "glossary.rst"
SOURCE_DIRS = [ROOT / "src" / "activemeasures", *sorted((ROOT / "plugins").glob("*/src"))]

#: Roles that name Python objects (``:doc:``, ``:term:``, ``:ref:`` name pages and terms).
PYTHON_ROLES = {"class", "func", "meth", "attr", "data", "mod", "exc", "obj"}
ROLE = re.compile(r":(?P<role>[a-z]+):`(?P<content>[^`]+)`")
LITERAL = re.compile(r"``(?P<text>[^`]+)``")
CITATION = re.compile(r"\b\d{3}, L\d+")
DOTTED = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+")


# ----------------------------------------------------------------------------- parsing


def _page() -> str:
    return GLOSSARY.read_text(encoding="utf-8")


def _entries() -> list[tuple[list[str], str]]:
    """(terms, definition) of every entry of the ``.. glossary::`` directive, in page order.

    Terms are the lines indented by three spaces, definitions those indented by six.
    """
    lines = _page().splitlines()
    start = lines.index(".. glossary::")
    entries: list[tuple[list[str], list[str]]] = []
    for line in lines[start + 1 :]:
        if line and not line.startswith(" "):
            break  # the directive ends at the next unindented line
        if line.startswith("      "):
            entries[-1][1].append(line.strip())
        elif line.startswith("   ") and line.strip():
            if not entries or entries[-1][1]:
                entries.append(([], []))
            entries[-1][0].append(line.strip())
    return [(terms, " ".join(body)) for terms, body in entries]


def _index() -> list[tuple[str, str]]:
    """(English, Danish term) rows of the English → Danish list-table."""
    section = _page().split("English → Danish index\n", 1)[1]
    cells = re.findall(r"^\s+(?:\* )?- (.+)$", section, flags=re.MULTILINE)
    rows = list(zip(cells[0::2], cells[1::2], strict=True))[1:]  # skip the header row
    pairs = []
    for english, danish in rows:
        match = re.fullmatch(r":term:`(?P<term>[^`]+)`", danish)
        assert match, f"index row {english!r} does not link a term: {danish!r}"
        pairs.append((english, match["term"]))
    return pairs


def _role_target(content: str) -> str:
    titled = re.fullmatch(r".*<(?P<target>[^>]+)>", content, flags=re.DOTALL)
    target = titled["target"] if titled else content
    return target.strip().lstrip("~!")


def _python_targets() -> list[str]:
    return sorted(
        {
            _role_target(match["content"])
            for match in ROLE.finditer(_page())
            if match["role"] in PYTHON_ROLES
        }
    )


def _literals() -> list[str]:
    """Literals in the definitions (the page's introduction explains the notation)."""
    return sorted({m["text"] for _, body in _entries() for m in LITERAL.finditer(body)})


# ----------------------------------------------------------------------------- the source


@cache
def _source_names() -> tuple[frozenset[str], frozenset[str]]:
    """(string constants, identifiers) of every module of the core and the plugins."""
    strings: set[str] = set()
    names: set[str] = set()
    for directory in SOURCE_DIRS:
        for path in directory.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    strings.add(node.value)
                elif isinstance(node, ast.Name):
                    names.add(node.id)
                elif isinstance(node, ast.arg):
                    names.add(node.arg)
                elif isinstance(node, ast.Attribute):
                    names.add(node.attr)
                elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    names.add(node.name)
                elif isinstance(node, ast.keyword) and node.arg:
                    names.add(node.arg)
    return frozenset(strings), frozenset(names)


def _exists(dotted: str) -> bool:
    """Whether ``package.module.Object.attribute`` imports (attrs fields count)."""
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for name in parts[split:]:
            if hasattr(obj, name):
                obj = getattr(obj, name)
            elif isinstance(obj, type) and attrs.has(obj) and name in attrs.fields_dict(obj):
                obj = attrs.fields_dict(obj)[name]
            else:
                return False
        return True
    return False


_DANISH_ORDER = str.maketrans({"æ": "{", "ø": "|", "å": "}"})  # after z, in this order


def danish_key(term: str) -> str:
    """Sort key of Danish alphabetical order: letters, digits and spaces, ... z æ ø å."""
    kept = "".join(ch for ch in term.lower() if ch.isalnum() or ch == " ")
    return kept.translate(_DANISH_ORDER)


def english_key(term: str) -> str:
    return "".join(ch for ch in term.lower() if ch.isalnum() or ch == " ")


# ----------------------------------------------------------------------------- the checks


def test_the_checks_can_fail():
    strings, names = _source_names()
    assert _exists("activemeasures.State.INTERNSHIP")
    assert _exists("activemeasures.fidelity.FidelityReport.ratings")  # an attrs field
    assert not _exists("activemeasures.State.NO_SUCH_STATE")
    assert not _exists("activemeasures_nowhere.thing")
    assert "activity_ready" in strings and "no_such_column_anywhere" not in strings
    assert "first_met_week" in names and "no_such_identifier_anywhere" not in names
    assert sorted(["å", "ø", "z", "æ", "a"], key=danish_key) == ["a", "z", "æ", "ø", "å"]


def test_the_page_parses():
    entries = _entries()
    assert len(entries) >= 100  # SPEC.md §1 has about 110 terms
    assert all(terms and body for terms, body in entries)
    assert len(_index()) == len(entries)


@pytest.mark.parametrize("target", _python_targets())
def test_every_python_name_exists(target):
    assert _exists(target), f"the glossary names {target!r}, which does not exist"


@pytest.mark.parametrize("literal", _literals())
def test_every_literal_exists_in_the_source(literal):
    strings, names = _source_names()
    quoted = re.fullmatch(r'"(?P<value>[^"]*)"', literal)
    if quoted:
        assert quoted["value"] in strings, f"no string constant {literal} in the source"
    elif DOTTED.fullmatch(literal):
        assert _exists(literal), f"{literal!r} does not import"
    else:
        assert literal.isidentifier(), f"write {literal!r} as a quoted value or a name"
        assert literal in names, f"no identifier {literal!r} in the source"


def test_entries_are_in_danish_alphabetical_order():
    firsts = [terms[0] for terms, _ in _entries()]
    assert firsts == sorted(firsts, key=danish_key)


def test_terms_are_unique():
    terms = [term.lower() for names, _ in _entries() for term in names]
    assert len(terms) == len(set(terms))


def test_every_entry_cites_its_source():
    for terms, body in _entries():
        assert CITATION.search(body) or "not mentioned in any source" in body, terms[0]


def test_every_entry_names_the_library_or_none():
    for terms, body in _entries():
        assert "*Library:*" in body, terms[0]


def test_the_index_covers_every_entry_once_and_is_sorted():
    index = _index()
    firsts = [terms[0] for terms, _ in _entries()]
    assert sorted(term for _, term in index) == sorted(firsts)
    english = [name for name, _ in index]
    assert english == sorted(english, key=english_key)


def test_danish_letters_are_utf8():
    text = _page()
    assert all(letter in text for letter in "æøå")
    assert not any(broken in text for broken in ("Ã¦", "Ã¸", "Ã¥", "\\u00"))
