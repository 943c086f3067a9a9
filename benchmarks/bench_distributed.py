"""The distributed path against the in-memory ``evaluate`` on the same simulated trial.

``distributed_vs_memory``
    ``activemeasures.distributed.evaluate`` of ``jobfirst-midterm`` on a local cluster of two
    worker processes (one thread each, bound to 127.0.0.1), reading Parquet files, against
    ``activemeasures.evaluate`` on the same tables read into one process. Reports both wall
    times, the peak resident memory of the in-memory process and of each worker
    (``resource.getrusage`` via ``client.run``), and checks that every table of the two
    evaluations agrees (reported: the largest relative difference; both without sup-t bands,
    which the distributed path refuses).

The trial is simulated in chunks of 100,000 citizens (``simulate_trial("jobfirst")`` with
a different seed per chunk, citizen keys prefixed by the chunk) and written to Parquet under
``/tmp/activemeasures_bench_distributed``. Each side runs in a fresh process so that the
memory figures are its own. Full size: 1,000,000 citizens (``SIZES``); quick: 20,000.

Usage::

    python benchmarks/bench_distributed.py            # 1,000,000 citizens
    python benchmarks/bench_distributed.py --quick
    python benchmarks/bench_distributed.py --citizens 5000000
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path("/tmp/activemeasures_bench_distributed")
CHUNK = 100_000
N_CITIZENS = 1_000_000
QUICK_CITIZENS = 20_000
PROGRAMME = "jobfirst-midterm"
TABLES = ("citizens", "activities", "hours", "events", "survey")


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6  # kB on Linux


def _simulate_chunk(root: Path, chunk: int, size: int) -> None:
    """Write chunk *chunk* (seed ``1000 + chunk``) unless a run wrote it before.

    The chunk's citizens file is written last, so its presence means the chunk is complete;
    the same seed gives the same tables, so a chunk of an earlier, smaller run is reused.
    """
    from activemeasures.datasets import simulate_trial

    if (root / "citizens" / f"part-{chunk:04d}.parquet").exists():
        return
    data = simulate_trial("jobfirst", n_citizens=size, seed=1000 + chunk)
    for name in (*TABLES[1:], "citizens"):
        frame = getattr(data, name)
        if frame is None or (name == "survey" and chunk > 0):
            continue
        if "citizen_id" in frame.columns:
            frame = frame.assign(citizen_id=f"k{chunk}_" + frame["citizen_id"].astype(str))
        frame.to_parquet(root / name / f"part-{chunk:04d}.parquet", index=False)


def simulate(n_citizens: int, root: Path = ROOT, jobs: int = 1) -> tuple[Path, str]:
    """Write a simulated JobFirst trial of ``n_citizens`` to Parquet; return root, cut-off.

    Chunks of :data:`CHUNK` citizens, ``jobs`` at a time in separate processes; complete
    chunks already under *root* (same seed, same tables) are kept.
    """
    from concurrent.futures import ProcessPoolExecutor

    from activemeasures.datasets import simulate_trial

    for name in TABLES:
        (root / name).mkdir(parents=True, exist_ok=True)
    n_chunks = -(-n_citizens // CHUNK)
    for name in TABLES:  # chunks of an earlier, larger run
        for path in (root / name).glob("part-*.parquet"):
            if int(path.stem.split("-")[1]) >= n_chunks:
                path.unlink()
    sizes = [min(CHUNK, n_citizens - begin) for begin in range(0, n_citizens, CHUNK)]
    if sizes[-1] != CHUNK:  # a partial last chunk differs from a full one of the same seed
        (root / "citizens" / f"part-{len(sizes) - 1:04d}.parquet").unlink(missing_ok=True)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        list(pool.map(_simulate_chunk, [root] * len(sizes), range(len(sizes)), sizes))
    cutoff = str(simulate_trial("jobfirst", n_citizens=50, seed=1000).cutoff.date())
    return root, cutoff


def _additive() -> tuple:
    import activemeasures_jobfirst.criteria as jc
    import activemeasures_jobfirst.kinds as jk

    return (
        jc.MeanHoursInWindow,
        jc.ProgressionShare,
        jk.StateDuring,
        jk.HoursDuringCourse,
        jk.EventAfterCourse,
    )


def _memory_side(root: str, cutoff: str, queue) -> None:
    import pandas as pd

    import activemeasures as am

    start = time.perf_counter()
    frames = {name: pd.read_parquet(Path(root) / name) for name in TABLES}
    data = am.Dataset.from_frames(
        frames["citizens"],
        frames["activities"],
        frames["hours"],
        events=frames["events"],
        survey=frames["survey"],
        cutoff=cutoff,
    )
    result = am.evaluate(data, PROGRAMME, bands=False)  # as the distributed side
    seconds = time.perf_counter() - start
    queue.put({"seconds": seconds, "peak_gb": _peak_gb(), "tables": result.tables()})


def _distributed_side(root: str, cutoff: str, queue) -> None:
    from activemeasures.distributed import evaluate
    from distributed import Client, LocalCluster

    tables = {name: str(Path(root) / name / "*.parquet") for name in TABLES}
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",  # any free port: never a fixed one
            memory_limit="10GB",
        ) as cluster,
        Client(cluster) as client,
    ):
        start = time.perf_counter()
        result = evaluate(
            tables, PROGRAMME, cutoff=cutoff, client=client, additive=_additive(), bands=False
        )
        seconds = time.perf_counter() - start
        peaks = client.run(_peak_gb)
    queue.put(
        {
            "seconds": seconds,
            "worker_peak_gb": sorted(peaks.values()),
            "client_peak_gb": _peak_gb(),
            "tables": result.tables(),
        }
    )


def _in_process(target, *args) -> dict:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue))
    process.start()
    out = queue.get()
    process.join()
    return out


def _worst_difference(a: dict, b: dict) -> float:
    """Largest relative difference over every float column of every table."""
    import numpy as np
    import pandas as pd

    worst = 0.0
    for key in a:
        left, right = a[key], b[key]
        pd.testing.assert_index_equal(left.columns, right.columns)
        for column in left.columns:
            x, y = left[column], right[column]
            if not (pd.api.types.is_float_dtype(x) and pd.api.types.is_float_dtype(y)):
                pd.testing.assert_series_equal(x, y)
                continue
            x, y = x.to_numpy(), y.to_numpy()
            same_nan = np.isnan(x) == np.isnan(y)
            assert same_nan.all(), f"{key}.{column}: missing values differ"
            ok = ~np.isnan(x)
            scale = np.maximum(np.abs(x[ok]), 1.0)
            diff = float(np.max(np.abs(x[ok] - y[ok]) / scale, initial=0.0))
            worst = max(worst, diff)
    return worst


def run(
    quick: bool = False, n_citizens: int | None = None, reuse: bool = False, jobs: int = 1
) -> dict[str, Any]:
    """Simulate, evaluate both ways, return times, memory and the agreement.

    ``reuse=True`` reads the Parquet files of an earlier run of the same size.
    """
    n = n_citizens or (QUICK_CITIZENS if quick else N_CITIZENS)
    start = time.perf_counter()
    stamp = ROOT / "simulated.json"
    if reuse and stamp.exists() and json.loads(stamp.read_text())["citizens"] == n:
        root, cutoff = ROOT, json.loads(stamp.read_text())["cutoff"]
    else:
        root, cutoff = simulate(n, jobs=jobs)
        stamp.write_text(json.dumps({"citizens": n, "cutoff": cutoff}))
    simulated = time.perf_counter() - start
    distributed = _in_process(_distributed_side, str(root), cutoff)
    memory = _in_process(_memory_side, str(root), cutoff) if n <= 2_000_000 else None
    record: dict[str, Any] = {
        "benchmark": "distributed_vs_memory",
        "citizens": n,
        "programme": PROGRAMME,
        "workers": 2,
        "simulate_seconds": simulated,
        "distributed_seconds": distributed["seconds"],
        "distributed_worker_peak_gb": distributed["worker_peak_gb"],
        "distributed_client_peak_gb": distributed["client_peak_gb"],
    }
    if memory is not None:
        record.update(
            {
                "memory_seconds": memory["seconds"],
                "memory_peak_gb": memory["peak_gb"],
                "ratio_distributed_to_memory": distributed["seconds"] / memory["seconds"],
                "worst_relative_difference": _worst_difference(
                    memory["tables"], distributed["tables"]
                ),
            }
        )
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--citizens", type=int, default=None)
    parser.add_argument("--reuse", action="store_true", help="reuse the simulated files")
    parser.add_argument("--jobs", type=int, default=1, help="processes simulating chunks")
    args = parser.parse_args()
    json.dump(run(args.quick, args.citizens, args.reuse, args.jobs), sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
