"""Tests of activemeasures.datasets: the simulator, the table files and the bundled demo.

The calibration tests compare the evaluated simulation with the published JobFirst mid-term
values (SPEC.md §5.2, §6.2); the record conversion is checked against a plain loop over
citizens and weeks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from activemeasures import Dataset, Registry, State
from activemeasures.datasets import (
    DEMO_SETTINGS,
    load_demo,
    make_demo,
    read_tables,
    simulate_trial,
    write_tables,
)
from activemeasures.datasets._records import runs
from activemeasures.fidelity import NATIONAL, evaluate_fidelity
from activemeasures.outcomes import AnyHours, CumulativeCriterion, MeanHours

jobfirst = pytest.importorskip("activemeasures_jobfirst")
fsm = pytest.importorskip("activemeasures_flereskalmed")
jobfirst_eligibility = pytest.importorskip("activemeasures_jobfirst.eligibility")
jobfirst_reference = pytest.importorskip("activemeasures_jobfirst.reference")
fsm_eligibility = pytest.importorskip("activemeasures_flereskalmed.eligibility")


@pytest.fixture(scope="module")
def trial() -> Dataset:
    """The default-size JobFirst trial (4,800 citizens, mid-term cut-off)."""
    return simulate_trial()


@pytest.fixture(scope="module")
def null_trial() -> Dataset:
    return simulate_trial(effect=0.0)


@pytest.fixture(scope="module")
def fsm_data() -> Dataset:
    return simulate_trial("flereskalmed")


def _normalised(frame: pd.DataFrame) -> pd.DataFrame:
    """Values as objects with one missing marker (None), for comparing frames as data."""
    out = frame.astype(object)
    return out.where(frame.notna(), None).reset_index(drop=True)


def _assert_same(a: Dataset, b: Dataset) -> None:
    assert list(a.tables) == list(b.tables)
    assert a.cutoff == b.cutoff
    for name in a.tables:
        pd.testing.assert_frame_equal(_normalised(a.tables[name]), _normalised(b.tables[name]))


def _week_mean(panel, values: np.ndarray, week: int) -> dict[str, float]:
    """Mean of a weekly outcome per arm over the citizens observed in *week*."""
    arm = panel.citizens["arm"].to_numpy()
    seen = panel.observed_weeks >= week
    return {a: float(values[seen & (arm == a), week - 1].mean()) for a in ("treatment", "control")}


# ------------------------------------------------------------------ records (slow reference)


@given(
    st.lists(st.lists(st.integers(0, 2), min_size=6, max_size=6), min_size=1, max_size=5),
    st.integers(0, 60),
)
def test_runs_match_a_loop_over_citizens_and_weeks(rows, cutoff_offset):
    codes = np.array(rows, dtype=np.int8)
    places = (codes * 7) % 5  # a second matrix: changes split runs too
    visit = np.arange(len(codes)) * 3
    cutoff = cutoff_offset
    found = runs(codes, places, visit=visit, cutoff=cutoff)
    expected = []
    for i, row in enumerate(codes):
        w = 0
        while w < len(row):
            k = w
            while k + 1 < len(row) and row[k + 1] == row[w] and places[i, k + 1] == places[i, w]:
                k += 1
            start, end = visit[i] + 7 * w, visit[i] + 7 * (k + 1) - 1
            if row[w] != 0 and start <= cutoff:
                expected.append((i, int(row[w]), start, min(end, cutoff), int(places[i, w])))
            w = k + 1
    got = list(
        zip(
            found["row"].tolist(),
            found["code"].tolist(),
            found["start"].tolist(),
            found["end"].tolist(),
            found["other0"].tolist(),
            strict=True,
        )
    )
    assert got == expected


def test_panel_hours_equal_the_simulated_weekly_hours(trial):
    # Hours records are runs of equal weekly hours, so every observed week of the panel holds
    # one of the simulated weekly values (6 ... 37 hours), never a blend.
    hours = np.asarray(trial.panel(44).hours)
    observed = trial.panel(44).observed
    values = np.unique(np.round(hours[observed & (hours > 0)], 1))
    assert set(values) <= {6.0, 9.0, 13.0, 20.0, 30.0, 37.0}


# ------------------------------------------------------------------ determinism, validity


def test_same_seed_same_tables_other_seed_other_tables():
    a = simulate_trial(n_citizens=600, seed=5)
    _assert_same(a, simulate_trial(n_citizens=600, seed=5))
    other = simulate_trial(n_citizens=600, seed=6)
    assert not a.citizens["visitation_date"].equals(other.citizens["visitation_date"])
    assert len(a.activities) != len(other.activities) or not a.activities.equals(other.activities)


@pytest.mark.parametrize("programme", ["jobfirst", "flereskalmed"])
def test_tables_revalidate(programme):
    data = simulate_trial(programme, n_citizens=600, n_municipalities=10, seed=2)
    again = Dataset.from_frames(**data.tables, cutoff=data.cutoff)
    assert again.n_citizens == data.n_citizens


def test_jobfirst_design(trial):
    c = trial.citizens
    assert c["municipality"].nunique() == 15
    # 1:1 within municipality: arm sizes differ by at most one in every municipality
    sizes = c.groupby(["municipality", "arm"]).size().unstack()
    assert (sizes["treatment"] - sizes["control"]).abs().max() <= 1
    assert (sizes.sum(axis=1) >= 200).all()  # >= 100 per arm and municipality (004, L49)
    assert c["age"].min() >= 30
    assert jobfirst_eligibility.eligibility(c).n_eligible == len(c)
    # follow-up as at the mid-term (001, L286-287): about 2,000 observed 30 weeks, just under
    # 1,000 at least 35, few the full 44
    observed = trial.panel(44).observed_weeks
    assert 1800 <= (observed >= 30).sum() <= 2200
    assert 850 <= (observed >= 35).sum() < 1000
    assert 0 < (observed >= 44).sum() < 200
    # sniffing is registered as internship too (000, L480)
    acts = trial.activities
    sniff = acts[acts["activity"] == "SNIFFING"][["citizen_id", "start", "end", "workplace_id"]]
    intern = acts[acts["activity"] == "INTERNSHIP"][["citizen_id", "start", "end", "workplace_id"]]
    assert len(sniff) > 0
    assert len(sniff.merge(intern)) == len(sniff)


def test_codes_are_the_plugins(trial):
    from activemeasures_jobfirst.elements import EVENT_CODES, SURVEY_ITEMS

    assert set(trial.events["event"]) == set(EVENT_CODES)
    assert set(trial.survey["item"]) == set(SURVEY_ITEMS)
    for code, item in SURVEY_ITEMS.items():
        values = trial.survey.loc[trial.survey["item"] == code, "value"]
        assert values.between(*item.scale).all()
        assert values.isin(item.fulfilled).any() and (~values.isin(item.fulfilled)).any()


# ------------------------------------------------------------------ calibration (SPEC.md §5.2)


def test_week_35_hours_near_the_mid_term(trial):
    panel = trial.panel(44)
    share = _week_mean(panel, AnyHours().values(panel), 35)
    hours = _week_mean(panel, MeanHours().values(panel), 35)
    # 12 % vs 7 % with ordinary hours; 2 h 05 vs 1 h 20 (001, L123, L127, L349)
    assert share["treatment"] == pytest.approx(0.12, abs=0.03)
    assert share["control"] == pytest.approx(0.07, abs=0.03)
    assert hours["treatment"] == pytest.approx(2.083, abs=0.5)
    assert hours["control"] == pytest.approx(1.333, abs=0.5)
    assert share["treatment"] - share["control"] == pytest.approx(0.05, abs=0.03)


def test_criterion_by_week_35_near_the_mid_term(trial):
    panel = trial.panel(44)
    outcome = CumulativeCriterion(jobfirst.CRITERION_13W, states=State.ENTERPRISE_DIRECTED)
    met = _week_mean(panel, outcome.values(panel), 35)
    # participants 47 %, "double the control group" (001, L616, L849)
    assert met["treatment"] == pytest.approx(0.47, abs=0.04)
    # controls: "about 20 %" at 44 weeks, half the participants at 35 (001, L326, L616)
    assert met["control"] == pytest.approx(0.22, abs=0.045)


def test_internship_share_of_participants_rises_to_about_a_third(trial):
    panel = trial.panel(44)
    share = {w: _week_mean(panel, panel.active(State.INTERNSHIP), w) for w in (1, 26, 30)}
    # D starts at K's level, rises to about 35 % after 20-30 weeks; K 12-16 % (001, L304)
    assert share[1]["treatment"] == pytest.approx(share[1]["control"], abs=0.03)
    assert 0.30 <= share[26]["treatment"] <= 0.42
    assert 0.09 <= share[30]["control"] <= 0.17


def test_fidelity_register_indicators_near_published(trial):
    registry = Registry()
    registry.discover()
    report = evaluate_fidelity(trial, registry.programme("jobfirst-midterm"), round="midterm")
    table = report.indicators
    national = table[table["unit"] == NATIONAL].set_index("indicator")["value"]
    published = jobfirst_reference.published_values()
    published = published[
        (published["kind"] == "indicator")
        & (published["round"] == "midterm")
        & (published["unit"] == NATIONAL)
    ].set_index("key")["value"]
    for key in ("1.2a", "1.2b", "2.1", "2.2", "2.3a", "2.3b", "3.1", "3.3", "5.2-any", "6.1"):
        assert national[key] == pytest.approx(published[key], abs=0.07), key
    assert national["5.2"] == pytest.approx(published["5.2"], abs=0.08)
    # municipalities spread around the national value
    municipal = table[table["unit"] != NATIONAL]
    spread = municipal.groupby("indicator")["value"].agg(lambda v: v.max() - v.min())
    assert spread["1.2b"] > 0.1 and spread["5.2"] > 0.1


def test_no_effect_gives_near_zero_differences(null_trial):
    panel = null_trial.panel(44)
    outcome = CumulativeCriterion(jobfirst.CRITERION_13W, states=State.ENTERPRISE_DIRECTED)
    for values in (AnyHours().values(panel), outcome.values(panel)):
        for week in (20, 30):
            means = _week_mean(panel, values, week)
            assert abs(means["treatment"] - means["control"]) < 0.035
    assert not null_trial.activities["activity"].eq("SNIFFING").any()


# ------------------------------------------------------------------ 'Flere skal med'


def test_fsm_groups_and_comparison(fsm_data):
    c = fsm_data.citizens
    assert c["municipality"].nunique() == 88
    shares = c.loc[c["group"].isin(["1", "2", "3"]), "group"].value_counts(normalize=True)
    # 55 / 34 / 11 % (003, L2071-2125)
    assert shares["1"] == pytest.approx(0.55, abs=0.03)
    assert shares["2"] == pytest.approx(0.34, abs=0.03)
    assert shares["3"] == pytest.approx(0.11, abs=0.03)
    assert (c["group"] == "6").sum() > 0
    comparison = c["arm"] == "comparison"
    assert c.loc[comparison, "group"].isna().all() and c.loc[~comparison, "group"].notna().all()
    assert c.loc[comparison, "seniority_years"].between(3, 5).all()
    assert fsm_eligibility.eligibility(c).mask[~comparison.to_numpy()].all()


def test_fsm_deduplication_has_work_and_keeps_the_own_group(fsm_data):
    from activemeasures_flereskalmed.visitation import RULES, deduplicate_visitations

    resolved = deduplicate_visitations(fsm_data.visitations)
    entries = resolved.quality.to_frame().set_index("rule")["n_records"]
    for key in ("step0", "rule1_unknown", "rule2", "rule3", "rule4"):
        matches = [rule for rule in entries.index if rule.startswith(RULES[key])]
        assert matches and entries[matches].sum() > 0, key
    own = fsm_data.citizens.dropna(subset=["group"])
    merged = own.merge(resolved.table, on="citizen_id", suffixes=("", "_resolved"))
    assert len(merged) == len(own)
    assert (merged["group"].astype(int) == merged["group_resolved"]).all()


def test_fsm_survey_rises_between_rounds(fsm_data):
    from activemeasures_flereskalmed.elements import load_item_map

    survey = fsm_data.survey
    assert set(survey["item"]) == set(load_item_map()["item"])
    assert survey["value"].between(1, 5).all()
    by_municipality = survey.groupby(["round", "municipality"])["value"].mean()
    means = by_municipality.groupby("round").mean()
    assert means["baseline"] < means["midterm"] < means["final"]
    assert 3.6 <= means["final"] <= 4.2  # combined final score about 3.8-4.1 (SPEC.md §5.4)


# ------------------------------------------------------------------ files and demo


@pytest.mark.parametrize("programme", ["jobfirst", "flereskalmed"])
def test_csv_round_trip(tmp_path, programme):
    data = simulate_trial(programme, n_citizens=400, n_municipalities=8, seed=4)
    paths = write_tables(data, tmp_path)
    assert [p.name for p in paths] == [f"{name}.csv" for name in data.tables]
    dates = pd.read_csv(tmp_path / "citizens.csv")["visitation_date"]
    assert dates.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()  # ISO dates, no time
    back = Dataset.from_frames(**read_tables(tmp_path), cutoff=data.cutoff)
    _assert_same(data, back)


def test_parquet_round_trip(tmp_path):
    pytest.importorskip("pyarrow")
    data = simulate_trial(n_citizens=300, n_municipalities=5, seed=4)
    write_tables(data, tmp_path, format="parquet")
    _assert_same(data, Dataset.from_frames(**read_tables(tmp_path), cutoff=data.cutoff))


def test_file_errors(tmp_path):
    data = simulate_trial(n_citizens=40, n_municipalities=2)
    with pytest.raises(ValueError, match="format"):
        write_tables(data, tmp_path, format="xlsx")
    with pytest.raises(TypeError, match="Dataset"):
        write_tables(data.citizens, tmp_path)
    with pytest.raises(FileNotFoundError):
        read_tables(tmp_path / "empty")
    write_tables(data, tmp_path)
    (tmp_path / "citizens.parquet").write_bytes(b"")  # the clash is found by file name
    with pytest.raises(ValueError, match="both"):
        read_tables(tmp_path)


def test_shipped_demo_equals_the_generator(tmp_path):
    folder = make_demo("jobfirst", tmp_path / "jobfirst")
    shipped = load_demo("jobfirst")
    assert shipped.n_citizens == DEMO_SETTINGS["jobfirst"]["n_citizens"]
    _assert_same(shipped, simulate_trial("jobfirst", **DEMO_SETTINGS["jobfirst"]))
    # the files themselves are byte-identical to freshly written ones
    from importlib import resources

    packaged = resources.files("activemeasures.datasets.demo").joinpath("jobfirst")
    for path in sorted(folder.iterdir()):
        assert packaged.joinpath(path.name).read_bytes() == path.read_bytes(), path.name
    assert sum(p.stat().st_size for p in folder.iterdir()) < 1_000_000


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"programme": "nope"}, ValueError),
        ({"n_citizens": 10}, ValueError),  # fewer than two per municipality
        ({"n_citizens": 2.5}, TypeError),
        ({"seed": -1}, ValueError),
        ({"cutoff": "2015-01-01"}, ValueError),
        ({"start": "not a date"}, ValueError),
        ({"effect": float("nan")}, TypeError),
    ],
)
def test_bad_arguments(kwargs, error):
    with pytest.raises(error):
        simulate_trial(**kwargs)
