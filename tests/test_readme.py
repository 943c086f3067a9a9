"""The README's two quick-start commands are the ones CI and the browser session run."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    quick = README[README.index("## Quick start") :]
    quick = quick[: quick.index("\n## ", 5)]
    return re.findall(r"```bash\n(.*?)\n```", quick, flags=re.S)


def test_the_quick_start_has_two_one_line_commands_first():
    install, tests = _commands()[:2]
    assert "\n" not in install and "\n" not in tests


def test_the_first_installs_the_core_with_both_plugins_and_runs_the_demo():
    install = _commands()[0]
    assert install.startswith("python -m pip install ")
    for part in ('".[plots', "./plugins/jobfirst", "./plugins/flereskalmed"):
        assert part in install
    assert install.endswith("&& activemeasures demo")


def test_the_second_is_exactly_what_ci_runs():
    tests = _commands()[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert tests == ci == "python -m pip install nox && nox"


def test_the_default_nox_sessions_include_the_browser_check_of_the_demo():
    noxfile = (ROOT / "noxfile.py").read_text(encoding="utf-8")
    assert 'nox.options.sessions = ["lint", "tests", "docs", "browser"]' in noxfile
    assert '"activemeasures", "demo"' in noxfile
