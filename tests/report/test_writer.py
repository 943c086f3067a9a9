"""The report folder: every figure and table written, deterministic, no identifier in it."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from activemeasures.disclosure import DisclosureControl
from activemeasures.report import write_report


@pytest.fixture(scope="module", params=["jobfirst", "flereskalmed"])
def written(request, evaluations, tmp_path_factory):
    evaluation = evaluations[request.param]
    folder = tmp_path_factory.mktemp(f"report_{request.param}")
    page = evaluation.write_report(folder)
    return request.param, evaluation, folder, page


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_the_page_links_only_to_files_that_exist(written):
    _, _, folder, page = written
    text = page.read_text(encoding="utf-8")
    links = re.findall(r'(?:src|href)="([^"#]+)"', text)
    assert links
    for link in links:
        assert (folder / link).is_file(), link


def test_every_figure_has_a_caption_with_its_n(written):
    _, _, _, page = written
    text = page.read_text(encoding="utf-8")
    figures = re.findall(r"<figure>.*?</figure>", text, flags=re.S)
    assert figures
    for figure in figures:
        caption = re.search(r"<figcaption>(.*?)</figcaption>", figure, flags=re.S).group(1)
        assert re.search(r"\bn\b|\bn per\b|n at risk", caption), caption


def test_randomised_report_has_the_mid_term_figures(written):
    programme, evaluation, folder, _ = written
    figures = {p.name for p in (folder / "figures").iterdir()}
    if programme == "jobfirst":
        for name in ("share_internship", "share_wage_subsidy", "hours", "criterion_13w_gap4"):
            assert f"effect_{name}.png" in figures
        assert "hours_distribution_week_35.png" in figures
        assert "incidence_criterion_13w_gap4.png" in figures
    else:
        assert "extra_monthly_outcomes.png" in figures
        assert {f"descriptive_{o.name}.png" for o in evaluation.programme.outcomes} <= figures
    assert "fidelity_lights.png" in figures


def test_every_table_is_written_as_csv_with_the_marker_not_zero(written):
    _, evaluation, folder, _ = written
    names = {p.stem for p in (folder / "tables").iterdir()}
    assert set(evaluation.tables()) <= names
    assert {f"extra_{k}" for k in evaluation.extra_tables} <= names
    assert "disclosure" in names
    effects = pd.read_csv(folder / "tables" / "effects.csv", dtype=str, keep_default_na=False)
    counts = pd.concat([effects["n_treatment"], effects["n_control"]])
    assert not counts.isin(["1", "2", "3", "4"]).any()


def test_no_identifier_appears_in_any_report_file(written, id_token):
    _, _, folder, _ = written
    for name, content in _files(folder).items():
        assert id_token.encode() not in content, name


def test_the_same_evaluation_gives_byte_identical_files(written, tmp_path):
    _, evaluation, folder, _ = written
    again = tmp_path / "again"
    evaluation.write_report(again)
    assert _files(again) == _files(folder)


def test_switching_disclosure_control_off_is_stated_at_the_top(evaluations, tmp_path):
    page = write_report(
        evaluations["jobfirst"],
        tmp_path,
        disclosure=DisclosureControl(enabled=False),
        figures=False,
    )
    text = page.read_text(encoding="utf-8")
    assert text.index("switched off by the user") < text.index("<h2>")
    assert not list((tmp_path / "figures").iterdir())


def test_bad_settings_are_refused(evaluations, tmp_path):
    with pytest.raises(TypeError, match="DisclosureControl"):
        write_report(evaluations["jobfirst"], tmp_path, disclosure=5)
    with pytest.raises(ValueError, match="distribution_week"):
        write_report(evaluations["jobfirst"], tmp_path, distribution_week=999, figures=False)
