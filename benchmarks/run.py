"""Run every benchmark, print a table of ratios against their targets and write JSON.

Usage::

    python benchmarks/run.py                    # full sizes (about 15 minutes on 2 cores)
    python benchmarks/run.py --quick            # 1/50 of every size, a smoke run
    python benchmarks/run.py --output PATH      # JSON elsewhere (default results/latest.json)
    python benchmarks/run.py --only spells panel    # some benchmarks only
    python benchmarks/run.py --skip distributed     # all but some

Every figure is a ratio of two timings taken in the same run on the same data. A benchmark
is a measurement, not a test: the exit code is 0 even when a target is missed (the table
says ``no``). It is non-zero only when a benchmark fails to run, for example when the
engine and the pandas baseline disagree.

``bench_distributed.py`` (the Dask path; its own module, ``run(quick) -> dict``) is run last
when the file exists (with ``--quick`` only when named in ``--only``: it starts a local
cluster); its record goes to the JSON under ``distributed``, and its
``ratio_distributed_to_memory``, if any, into the table (report only).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
DEFAULT_OUTPUT = BENCH_DIR / "results" / "latest.json"
QUICK_SCALE = 1 / 50
REPEAT = 3
QUICK_REPEAT = 2
#: Benchmark modules, each with ``run(scale, repeat) -> list of records``.
MODULES = (
    "bench_spells",
    "bench_panel",
    "bench_effects",
    "bench_fidelity",
    "bench_evaluate",
    "bench_scaling",
)
#: The distributed benchmark: ``run(quick) -> dict``, run when its file exists.
DISTRIBUTED = "bench_distributed"


def _set_up_imports() -> None:
    """Make the benchmark modules importable, and the library from ``src`` if not installed."""
    if str(BENCH_DIR) not in sys.path:
        sys.path.insert(0, str(BENCH_DIR))
    try:
        importlib.import_module("activemeasures")
    except ImportError:
        sys.path.insert(0, str(REPO / "src"))


def _version(module: str) -> str | None:
    try:
        return importlib.import_module(module).__version__
    except ImportError:
        return None


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")


def machine_info() -> dict[str, Any]:
    import activemeasures

    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = None
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        memory = None
    return {
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "numpy": _version("numpy"),
        "pandas": _version("pandas"),
        "pandera": _version("pandera"),
        "pyarrow": _version("pyarrow"),
        "activemeasures": activemeasures.__version__,
        "activemeasures_path": str(Path(activemeasures.__file__).parent),
        "git_commit": _git_commit(),
        "cpu_count": os.cpu_count(),
        "cpus_available": affinity,
        "memory_bytes": memory,
        "load_average": os.getloadavg(),  # other processes share the 2 cores
        "blas_threads_env": {
            k: os.environ[k]
            for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "ACTIVEMEASURES_THREADS")
            if k in os.environ
        },
        "platform": platform.platform(),
        "machine": platform.machine(),
    }


def evaluate(metric: dict[str, Any]) -> dict[str, Any]:
    """Add ``met``: whether the value meets the target (None for report-only figures)."""
    target, value = metric["target"], metric["value"]
    if target is None:
        met = None
    elif metric["direction"] == "<=":
        met = value <= target
    elif metric["direction"] == "<":
        met = value < target
    else:
        met = value >= target
    return {**metric, "met": met}


def _format_value(metric: dict[str, Any]) -> str:
    value = metric["value"]
    text = f"{value:,.0f}" if value >= 100 else f"{value:.2f}"
    return f"{text} B" if metric["unit"] == "B" else f"{text}x"


def _format_target(metric: dict[str, Any]) -> str:
    target = metric["target"]
    return "-" if target is None else f"{metric['direction']} {target:g}"


def format_table(metrics: list[dict[str, Any]]) -> str:
    """One row per metric: name, measured value, target, met (yes / no / - for report only)."""
    header = ("benchmark", "value", "target", "met")
    met_text = {True: "yes", False: "no", None: "-"}
    rows = [(m["metric"], _format_value(m), _format_target(m), met_text[m["met"]]) for m in metrics]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    align = ("<", ">", ">", "<")

    def line(cells: tuple[str, ...]) -> str:
        cells = (f"{c:{a}{w}}" for c, a, w in zip(cells, align, widths, strict=True))
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


def format_timings(benchmarks: list[dict[str, Any]]) -> str:
    lines = []
    for bench in benchmarks:
        parts = []
        for label, timing in bench["timings"].items():
            if isinstance(timing, dict):
                parts.append(f"{label} {timing['best_s']:.3f} s (best of {timing['repeat']})")
            else:
                parts.append(f"{label} {timing:.3f} s")
        sizes = ", ".join(f"{k}={v:,}" for k, v in bench["sizes"].items() if isinstance(v, int))
        lines.append(f"  {bench['name']}: {'; '.join(parts)}  [{sizes}]")
        if "memory" in bench:
            mem = bench["memory"]
            lines.append(
                f"  {bench['name']}: peak traced {mem['peak_bytes'] / 2**20:,.0f} MiB, "
                f"inputs + panel {mem['input_plus_panel_bytes'] / 2**20:,.0f} MiB"
            )
        for cost in bench.get("profile", {}).get("top_costs", []):
            lines.append(
                f"  {bench['name']}: profile {cost['function']} {100 * cost['share']:.0f} %"
            )
    return "\n".join(lines)


def _short(module: str) -> str:
    return module.removeprefix("bench_")


def _selected(args: argparse.Namespace) -> list[str]:
    names = [*MODULES, DISTRIBUTED]
    known = {_short(m) for m in names}
    for name in [*(args.only or []), *(args.skip or [])]:
        if name not in known:
            raise SystemExit(f"unknown benchmark {name!r}; known: {', '.join(sorted(known))}")
    chosen = [m for m in names if not args.only or _short(m) in args.only]
    return [m for m in chosen if _short(m) not in (args.skip or [])]


def _run_distributed(quick: bool) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Run ``bench_distributed.run(quick)``; its record and a report-only metric if it has one.

    An exception is recorded (``error``) rather than raised, so that the other results are
    still printed and written; :func:`main` then exits with 1.
    """
    started = time.perf_counter()
    try:
        record = importlib.import_module(DISTRIBUTED).run(quick)
    except Exception as error:  # reported in the JSON; the exit code says it
        record = {"error": f"{type(error).__name__}: {error}"}
    record = {**record, "module_wall_s": time.perf_counter() - started}
    metrics = []
    if isinstance(record.get("ratio_distributed_to_memory"), int | float):
        metrics.append(
            evaluate(
                {
                    "metric": "distributed_vs_memory",
                    "value": float(record["ratio_distributed_to_memory"]),
                    "unit": "x",
                    "direction": "<=",
                    "target": None,
                }
            )
        )
    return record, metrics


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"smoke run with 1/{round(1 / QUICK_SCALE)} of every size",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help=f"JSON results file (default: {DEFAULT_OUTPUT.relative_to(REPO)})",
    )
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these benchmarks")
    parser.add_argument("--skip", nargs="+", metavar="NAME", help="leave these benchmarks out")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    _set_up_imports()
    selected = _selected(args)
    scale = QUICK_SCALE if args.quick else 1.0
    repeat = QUICK_REPEAT if args.quick else REPEAT
    started = time.perf_counter()
    created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    print(f"activemeasures benchmarks ({'quick, 1/50 size' if args.quick else 'full size'})")

    benchmarks: list[dict[str, Any]] = []
    for name in selected:
        if name == DISTRIBUTED:
            continue
        module = importlib.import_module(name)
        module_started = time.perf_counter()
        print(f"  running {name} ...", flush=True)
        records = module.run(scale=scale, repeat=repeat)
        elapsed = time.perf_counter() - module_started
        for record in records:
            record["metrics"] = [evaluate(m) for m in record["metrics"]]
            record["module"] = name
            record["module_wall_s"] = elapsed
        benchmarks.extend(records)
    metrics = [m for b in benchmarks for m in b["metrics"]]

    distributed = None
    # The distributed benchmark starts a local cluster: left out of --quick unless named.
    named = _short(DISTRIBUTED) in (args.only or [])
    wanted = DISTRIBUTED in selected and (not args.quick or named)
    if wanted and (BENCH_DIR / f"{DISTRIBUTED}.py").exists():
        print(f"  running {DISTRIBUTED} ...", flush=True)
        distributed, extra = _run_distributed(args.quick)
        metrics.extend(extra)

    total = time.perf_counter() - started
    print()
    print(format_table(metrics))
    print()
    print("Timings:")
    print(format_timings(benchmarks))
    if distributed is not None:
        shown = {k: v for k, v in distributed.items() if isinstance(v, int | float | str)}
        print(f"  distributed: {shown}")
    missed = [m["metric"] for m in metrics if m["met"] is False]
    n_targets = sum(m["met"] is not None for m in metrics)
    print()
    if missed:
        print(f"Missed {len(missed)} of {n_targets} targets: {', '.join(missed)}")
    else:
        print(f"All {n_targets} targets met.")
    if args.quick:
        print("(quick run: sizes are 1/50 of the targets' sizes; ratios are indicative only)")

    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    result = {
        "created": created,
        "quick": args.quick,
        "scale": scale,
        "repeat": repeat,
        "machine": machine_info(),
        "benchmarks": benchmarks,
        "distributed": distributed,
        "summary": {
            "metrics": {m["metric"]: m["value"] for m in metrics},
            "table": [
                {k: m[k] for k in ("metric", "value", "direction", "target", "met")}
                for m in metrics
            ],
            "missed": missed,
            "total_wall_s": total,
            "max_rss_bytes": max_rss,
            "load_average_end": os.getloadavg(),
        },
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"Total {total:.1f} s. Results written to {args.output}")
    return 1 if distributed is not None and "error" in distributed else 0


if __name__ == "__main__":
    sys.exit(main())
