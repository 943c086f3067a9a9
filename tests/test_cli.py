"""The ``activemeasures`` command: every subcommand, its output and its exit codes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from activemeasures.cli import EXIT_CODES, main
from activemeasures.datasets import simulate_trial, write_tables

TOKEN = "IDLEAK"


@pytest.fixture(scope="module")
def trial(tmp_path_factory) -> Path:
    """A small simulated JobFirst trial written as CSV with traceable identifiers."""
    folder = tmp_path_factory.mktemp("trial")
    data = simulate_trial("jobfirst", n_citizens=300, n_municipalities=3, seed=4)
    write_tables(data, folder)
    for name in ("citizens", "activities", "hours", "events"):
        path = folder / f"{name}.csv"
        frame = pd.read_csv(path, dtype={"citizen_id": str})
        frame["citizen_id"] = TOKEN + frame["citizen_id"]
        frame.to_csv(path, index=False)
    return folder


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert TOKEN not in out + err
    return code, out, err


def test_help_lists_every_command_with_examples_and_exit_codes(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    for command in ("programmes", "validate", "simulate", "evaluate", "demo"):
        assert command in text
    assert "examples:" in text
    for code in EXIT_CODES:
        assert f"  {code}  " in text


@pytest.mark.parametrize("command", ["validate", "simulate", "evaluate", "demo"])
def test_each_command_has_help_with_an_example(capsys, command):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert "example" in capsys.readouterr().out


def test_programmes_lists_the_installed_programmes_and_versions(capsys):
    code, out, _ = run(capsys, "programmes")
    assert code == 0
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert {"jobfirst", "jobfirst-midterm", "flereskalmed"} <= set(lines)
    assert "activemeasures_jobfirst" in lines["jobfirst"] or "jobfirst " in lines["jobfirst"]


def test_validate_prints_the_data_quality_report(capsys, trial):
    code, out, err = run(capsys, "validate", str(trial))
    assert code == 0
    assert "300 citizens" in out
    assert "records read" in out
    assert "reading the tables" in err


def test_validate_exits_3_on_invalid_tables_naming_the_problems(capsys, trial, tmp_path):
    shutil.copytree(trial, tmp_path / "bad")
    citizens = pd.read_csv(tmp_path / "bad" / "citizens.csv", dtype=str)
    citizens.loc[:9, "visitation_date"] = "not a date"
    citizens.to_csv(tmp_path / "bad" / "citizens.csv", index=False)
    code, _, err = run(capsys, "validate", str(tmp_path / "bad"))
    assert code == 3
    assert "citizens" in err and "visitation_date" in err


def test_a_missing_table_is_named_with_what_was_expected(capsys, tmp_path):
    (tmp_path / "cutoff.txt").write_text("2017-01-08\n")
    code, _, err = run(capsys, "validate", str(tmp_path))
    assert code == 4
    assert "citizens" in err


def test_a_missing_folder_exits_4(capsys, tmp_path):
    code, _, err = run(capsys, "validate", str(tmp_path / "nowhere"))
    assert code == 4
    assert "nowhere" in err


def test_an_unknown_programme_exits_5_listing_the_installed_ones(capsys, trial, tmp_path):
    code, _, err = run(
        capsys, "evaluate", str(trial), "--programme", "jobfrist", "--out", str(tmp_path / "r")
    )
    assert code == 5
    assert "jobfirst" in err and "jobfrist" in err


def test_a_bad_option_exits_2(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["evaluate"])
    assert stop.value.code == 2


def test_simulate_writes_tables_that_validate(capsys, tmp_path):
    out = tmp_path / "sim"
    code, text, _ = run(
        capsys,
        "simulate",
        "--programme",
        "flereskalmed",
        "--out",
        str(out),
        "--citizens",
        "120",
        "--municipalities",
        "3",
    )
    assert code == 0
    assert (out / "cutoff.txt").is_file() and (out / "visitations.csv").is_file()
    code, text, _ = run(capsys, "validate", str(out))
    assert code == 0
    assert "records read" in text


def test_evaluate_writes_the_report_and_prints_where(capsys, trial, tmp_path):
    out = tmp_path / "report"
    code, text, _ = run(
        capsys,
        "evaluate",
        str(trial),
        "--programme",
        "jobfirst-midterm",
        "--out",
        str(out),
        "--no-bands",
        "--no-figures",
    )
    assert code == 0
    assert (out / "index.html").is_file()
    assert str((out / "index.html").resolve()) in text
    assert (out / "tables" / "effects.csv").is_file()
    for path in out.rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path.name


def test_demo_makes_a_new_folder_and_prints_the_week_35_figures(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "activemeasures-demo-jobfirst-midterm").mkdir()  # taken: a new one is made
    code, text, _ = run(capsys, "demo", "--citizens", "600", "--no-bands", "--no-figures")
    assert code == 0
    page = tmp_path / "activemeasures-demo-jobfirst-midterm-2" / "index.html"
    assert page.is_file()
    assert "Week 35" in text and "Share achieving 13 weeks" in text
    assert page.resolve().as_uri() in text


def test_the_console_script_is_installed():
    script = shutil.which("activemeasures", path=str(Path(sys.executable).parent))
    assert script is not None
    result = subprocess.run([script, "--version"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert result.stdout.startswith("activemeasures ")
