"""Small evaluations shared by the report tests (simulated, with traceable identifiers)."""

from __future__ import annotations

import pytest

import activemeasures as am
from activemeasures.datasets import simulate_trial

#: Every citizen identifier of the fixtures starts with this token: a report file or message
#: containing it leaks an identifier.
ID_TOKEN = "IDLEAK"


def _traceable(dataset: am.Dataset) -> am.Dataset:
    """The dataset with identifiers that are easy to find in any output."""
    tables = dict(dataset.tables)
    ids = tables["citizens"]["citizen_id"].astype(str)
    mapping = dict(zip(ids, [f"{ID_TOKEN}{i:07d}" for i in range(len(ids))], strict=True))
    for name in ("citizens", "activities", "hours", "events", "visitations"):
        if name in tables:
            frame = tables[name].copy()
            frame["citizen_id"] = frame["citizen_id"].astype(str).map(mapping)
            tables[name] = frame
    if "survey" in tables:
        survey = tables["survey"].copy()
        codes = survey["respondent_id"].astype(str).factorize()[0]
        survey["respondent_id"] = [f"{ID_TOKEN}R{code:06d}" for code in codes]
        tables["survey"] = survey
    return am.Dataset.from_frames(**tables, cutoff=dataset.cutoff)


@pytest.fixture(scope="session")
def id_token() -> str:
    """The token every identifier of the fixtures starts with."""
    return ID_TOKEN


@pytest.fixture(scope="session")
def registry():
    registry = am.Registry()
    registry.discover()
    return registry


@pytest.fixture(scope="session")
def jobfirst_evaluation(registry):
    data = _traceable(simulate_trial("jobfirst", n_citizens=600, n_municipalities=4, seed=11))
    return am.evaluate(data, "jobfirst-midterm", registry=registry, bands=False)


@pytest.fixture(scope="session")
def flereskalmed_evaluation(registry):
    data = _traceable(simulate_trial("flereskalmed", n_citizens=400, n_municipalities=4, seed=12))
    return am.evaluate(data, "flereskalmed", registry=registry, bands=False)


@pytest.fixture(scope="session")
def evaluations(jobfirst_evaluation, flereskalmed_evaluation):
    return {"jobfirst": jobfirst_evaluation, "flereskalmed": flereskalmed_evaluation}
