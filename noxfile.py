"""Developer tasks: ``nox`` runs lint, tests and docs; ``nox -s bench`` runs the benchmarks."""

from __future__ import annotations

import os

import nox

nox.options.sessions = ["lint", "tests", "docs"]
nox.options.error_on_missing_interpreters = True

# The bundled plugins, and the example plugin of the tutorial "Write a plugin for a new pilot"
# (installed like a third-party plugin, so its discovery is tested for real).
PLUGINS = (
    "-e",
    "plugins/jobfirst",
    "-e",
    "plugins/flereskalmed",
    "-e",
    "docs/tutorials/example-plugin",
)


@nox.session
def lint(session: nox.Session) -> None:
    """Static checks and formatting (ruff)."""
    session.install("ruff>=0.5")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def tests(session: nox.Session) -> None:
    """Unit, property and doctest suite of the core and the bundled plugins."""
    session.install("-e", ".[test]", *PLUGINS)
    env = {"HYPOTHESIS_PROFILE": "ci"} if os.environ.get("CI") else {}
    session.run("pytest", *session.posargs, env=env)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the Sphinx site with warnings as errors, then run its doctests."""
    # The testing extra: the reference pages document activemeasures.testing (hypothesis).
    session.install("-e", ".[docs,testing]", *PLUGINS)
    common = ("-W", "--keep-going", "-q")
    session.run("sphinx-build", *common, "-b", "html", "docs", "docs/_build/html")
    session.run("sphinx-build", *common, "-b", "doctest", "docs", "docs/_build/doctest")


@nox.session
def bench(session: nox.Session) -> None:
    """Ratio benchmarks (a measurement, not a test): ``nox -s bench -- --quick``."""
    session.install("-e", ".[bench]")
    session.run("python", "benchmarks/run.py", *session.posargs)
