"""The distributed evaluation equals the in-memory one on simulated data.

A local multi-process cluster (two workers, bound to 127.0.0.1) is started once for the
module and closed at its end; one test uses dask's synchronous scheduler instead.
Everything is compared with :meth:`Evaluation.tables`: every table to 1e-12 (relative and
absolute), the sup-t bands' columns included; the bands' Monte Carlo critical values to
1e-10 (an eigendecomposition magnifies the last bits of the summed cross-products).
"""

import attrs
import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest

import activemeasures as am
from activemeasures.datasets import simulate_trial
from activemeasures.distributed import evaluate
from activemeasures_flereskalmed import kinds as fsm_kinds
from activemeasures_jobfirst import criteria as jf_criteria
from activemeasures_jobfirst import kinds as jf_kinds
from distributed import Client, LocalCluster

JOBFIRST_KINDS = (
    jf_criteria.MeanHoursInWindow,
    jf_criteria.ProgressionShare,
    jf_kinds.StateDuring,
    jf_kinds.HoursDuringCourse,
    jf_kinds.EventAfterCourse,
)
FSM_KINDS = (fsm_kinds.VisitationShare, fsm_kinds.EverShare)


@pytest.fixture(scope="module")
def client():
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",  # any free port: never a fixed one
        ) as cluster,
        Client(cluster, set_as_default=False) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def registry():
    registry = am.Registry()
    registry.discover()
    return registry


@pytest.fixture(scope="module")
def jobfirst():
    return simulate_trial("jobfirst", n_citizens=1200, seed=11)


def assert_same(memory, distributed):
    left, right = memory.tables(), distributed.tables()
    assert list(left) == list(right)
    for key in left:
        pd.testing.assert_frame_equal(left[key], right[key], rtol=1e-12, atol=1e-12, obj=key)
    assert memory.parameters == distributed.parameters
    for name, curve in memory.effects.items():
        other = distributed.effects[name]
        assert other.n_draws == curve.n_draws and other.seed == curve.seed
        np.testing.assert_allclose(
            other.band_critical_value, curve.band_critical_value, rtol=0, atol=1e-10
        )


@pytest.mark.parametrize("method", ["blocked", "raw"])
def test_jobfirst_midterm_equals_the_in_memory_evaluation(client, registry, jobfirst, method):
    options = {"method": method, "registry": registry}
    memory = am.evaluate(jobfirst, "jobfirst-midterm", **options)
    # The plugin's kinds declare combine = "sum": no additive= needed.
    distributed = evaluate(jobfirst, "jobfirst-midterm", client=client, **options)
    assert len(memory.effects) == 15 and len(memory.criteria) > 0  # the test has substance
    bands = memory.effects["share_internship"].band_upper
    assert np.isfinite(bands).sum() > 20  # with bands (the default of both)
    assert_same(memory, distributed)


def test_flereskalmed_equals_the_in_memory_evaluation(client, registry):
    data = simulate_trial("flereskalmed", n_citizens=1200, seed=3)
    programme = registry.programme("flereskalmed")
    # WindowShare picks the best window per unit: not a sum over citizens (see below); the
    # report tables read a whole Dataset (recorded as a problem on the distributed path).
    programme = attrs.evolve(
        programme,
        success_criteria=[
            c for c in programme.success_criteria if not isinstance(c.kind, fsm_kinds.WindowShare)
        ],
        report_tables=(),
    )
    memory = am.evaluate(data, programme, registry=registry, bands=False)
    distributed = evaluate(
        data, programme, client=client, registry=registry, npartitions=3, bands=False
    )
    assert len(memory.descriptive) > 0 and memory.fidelity is not None
    assert_same(memory, distributed)


def test_report_tables_are_recorded_as_not_computed(registry, jobfirst):
    programme = registry.programme("flereskalmed")
    data = simulate_trial("flereskalmed", n_citizens=150, n_municipalities=2, seed=5)
    programme = attrs.evolve(
        programme,
        success_criteria=[
            c for c in programme.success_criteria if not isinstance(c.kind, fsm_kinds.WindowShare)
        ],
    )
    with dask.config.set(scheduler="synchronous"):
        result = evaluate(data, programme, registry=registry, npartitions=2)
    assert not result.extra_tables
    rows = result.problems[result.problems["part"] == "report table"]
    assert rows["item"].tolist() == [t.key for t in programme.report_tables]


def test_a_kind_that_is_not_a_sum_is_refused(client, registry):
    data = simulate_trial("flereskalmed", n_citizens=200, seed=3)
    with pytest.raises(NotImplementedError, match=r"enterprise_course_etc_rolling.*WindowShare"):
        evaluate(data, "flereskalmed", client=client, registry=registry, additive=FSM_KINDS)


def test_parquet_and_dask_inputs_on_a_scheduler_address(client, registry, jobfirst, tmp_path):
    tables = {}
    for name, frame in jobfirst.tables.items():
        (tmp_path / name).mkdir()
        for i in range(3):  # three files of unequal size
            part = frame.iloc[i * len(frame) // 3 : (i + 1) * len(frame) // 3]
            part.to_parquet(tmp_path / name / f"part{i}.parquet")
        tables[name] = str(tmp_path / name / "*.parquet")
    tables["events"] = dd.read_parquet(str(tmp_path / "events"))  # a dask DataFrame
    tables["hours"] = jobfirst.hours  # a pandas DataFrame
    memory = am.evaluate(jobfirst, "jobfirst-midterm", registry=registry, bands=False)
    distributed = evaluate(
        tables,
        "jobfirst-midterm",
        cutoff=jobfirst.cutoff,
        client=client.scheduler.address,
        registry=registry,
        npartitions=4,
        additive=JOBFIRST_KINDS,
        bands=False,
    )
    assert_same(memory, distributed)


def test_default_scheduler_synchronous(registry):
    data = simulate_trial("jobfirst", n_citizens=300, seed=5)
    memory = am.evaluate(data, "jobfirst-midterm", registry=registry, horizon=30)
    with dask.config.set(scheduler="synchronous"):
        distributed = evaluate(
            data,
            "jobfirst-midterm",
            registry=registry,
            horizon=30,
            npartitions=5,
            additive=JOBFIRST_KINDS,
        )
    assert_same(memory, distributed)


def test_bad_arguments(registry, jobfirst):
    with pytest.raises(TypeError, match="client must be"):
        evaluate(jobfirst, "jobfirst-midterm", client=3, registry=registry)
    with pytest.raises(ValueError, match="method must be"):
        evaluate(jobfirst, "jobfirst-midterm", method="lin", registry=registry)
    with pytest.raises(ValueError, match="cutoff= is required"):
        evaluate({"citizens": jobfirst.citizens}, "jobfirst-midterm", registry=registry)
