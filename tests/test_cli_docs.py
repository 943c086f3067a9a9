"""The command-line reference page names every subcommand, option and exit code."""

from __future__ import annotations

from pathlib import Path

import pytest

from activemeasures.cli import EXIT_CODES, build_parser

PAGE = (Path(__file__).resolve().parents[1] / "docs" / "reference" / "cli.rst").read_text(
    encoding="utf-8"
)


def _options():
    parser = build_parser()
    found = [(None, o) for a in parser._actions for o in a.option_strings]
    for action in parser._subparsers._group_actions:
        for name, sub in action.choices.items():
            found.append((name, None))
            found += [(name, o) for a in sub._actions for o in a.option_strings]
    return [(c, o) for c, o in found if o not in ("-h", "--help")]


@pytest.mark.parametrize(("command", "option"), _options())
def test_every_command_and_option_is_documented(command, option):
    if option is None:
        assert f"``activemeasures {command}" in PAGE
    else:
        assert f"``{option}" in PAGE or f"{option}``" in PAGE, option


@pytest.mark.parametrize("code", sorted(EXIT_CODES))
def test_every_exit_code_is_documented(code):
    assert f"   * - {code}\n" in PAGE
