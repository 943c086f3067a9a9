"""Developer tasks: ``nox`` runs lint, tests, docs and the browser check of the demo report;
``nox -s bench`` runs the benchmarks."""

from __future__ import annotations

import os
import shutil

import nox

nox.options.sessions = ["lint", "tests", "docs", "browser"]
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
    # The testing extra: the reference pages document activemeasures.testing (hypothesis);
    # plots: the how-to guides draw figures; dask: the distributed reference runs its example.
    session.install("-e", ".[docs,testing,plots,dask]", *PLUGINS)
    common = ("-W", "--keep-going", "-q")
    session.run("sphinx-build", *common, "-b", "html", "docs", "docs/_build/html")
    session.run("sphinx-build", *common, "-b", "doctest", "docs", "docs/_build/doctest")


@nox.session
def bench(session: nox.Session) -> None:
    """Ratio benchmarks (a measurement, not a test): ``nox -s bench -- --quick``."""
    # The evaluate and scaling benchmarks run the bundled programmes; distributed needs dask.
    session.install("-e", ".[bench,dask]", *PLUGINS)
    session.run("python", "benchmarks/run.py", *session.posargs)


#: Chromium executables the browser session looks for (Debian's package is ``chromium``).
CHROMIUM = ("chromium", "chromium-browser", "google-chrome")


def _chromium(session: nox.Session) -> str:
    """Debian's Chromium; installed with apt-get when missing and running as root (CI)."""
    found = next(filter(None, map(shutil.which, CHROMIUM)), None)
    if found:
        return found
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        session.run("apt-get", "update", "-qq", external=True)
        session.run(
            "apt-get",
            "install",
            "-y",
            "-qq",
            "--no-install-recommends",
            "chromium",
            external=True,
            env={"DEBIAN_FRONTEND": "noninteractive"},
        )
        found = next(filter(None, map(shutil.which, CHROMIUM)), None)
    if not found:
        session.error("the browser check needs Chromium: apt-get install chromium")
    return found


@nox.session
def browser(session: nox.Session) -> None:
    """Run ``activemeasures demo`` and open its report in headless Chromium: every figure
    must load and the page must log no error (the README's quick start, checked)."""
    executable = _chromium(session)
    session.install(".[plots]", "./plugins/jobfirst", "./plugins/flereskalmed", "playwright")
    out = os.path.join(session.create_tmp(), "demo-report")
    shutil.rmtree(out, ignore_errors=True)
    session.run("activemeasures", "demo", "--out", out)
    session.run(
        "python",
        "tools/check_report_in_browser.py",
        os.path.join(out, "index.html"),
        env={"CHROMIUM": executable},
    )
