"""Run every benchmark, print a table of ratios against their targets and write JSON.

Usage::

    python benchmarks/run.py                 # full sizes (about two minutes)
    python benchmarks/run.py --quick         # 1/50 of every size, a smoke run (< 30 s)
    python benchmarks/run.py --output PATH   # JSON elsewhere (default results/latest.json)

A benchmark is a measurement, not a test: the exit code is 0 even when a target is missed
(missed targets are printed as MISSED). It is non-zero only when a benchmark fails to run,
for example when the engine and the pandas baseline disagree.
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
MODULES = ("bench_spells", "bench_panel", "bench_effects", "bench_fidelity")


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
        "platform": platform.platform(),
        "machine": platform.machine(),
    }


def evaluate(metric: dict[str, Any]) -> dict[str, Any]:
    """Add ``passed`` and ``passed_future`` (None where there is no such target)."""

    def meets(target: float | None) -> bool | None:
        if target is None:
            return None
        value = metric["value"]
        return value <= target if metric["direction"] == "<=" else value >= target

    return {
        **metric,
        "passed": meets(metric["target"]),
        "passed_future": meets(metric["future_target"]),
    }


def _format_value(metric: dict[str, Any]) -> str:
    value = metric["value"]
    text = f"{value:,.0f}" if value >= 100 else f"{value:.2f}"
    return f"{text} B" if metric["unit"] == "B" else f"{text}x"


def _format_target(metric: dict[str, Any], key: str) -> str:
    target = metric[key]
    return "-" if target is None else f"{metric['direction']} {target:g}"


def _format_status(passed: bool | None, none_text: str) -> str:
    return none_text if passed is None else ("pass" if passed else "MISSED")


def format_table(metrics: list[dict[str, Any]]) -> str:
    header = ("benchmark", "measured", "target", "result", "future target", "future result")
    rows = [
        (
            m["metric"],
            _format_value(m),
            _format_target(m, "target"),
            _format_status(m["passed"], "report only"),
            _format_target(m, "future_target"),
            _format_status(m["passed_future"], "-"),
        )
        for m in metrics
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    align = ("<", ">", ">", "<", ">", "<")

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
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"smoke run with 1/{round(1 / QUICK_SCALE)} of every size (finishes in < 30 s)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help=f"JSON results file (default: {DEFAULT_OUTPUT.relative_to(REPO)})",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    _set_up_imports()
    scale = QUICK_SCALE if args.quick else 1.0
    started = time.perf_counter()
    created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    print(f"activemeasures benchmarks ({'quick, 1/50 size' if args.quick else 'full size'})")

    benchmarks: list[dict[str, Any]] = []
    for name in MODULES:
        module = importlib.import_module(name)
        module_started = time.perf_counter()
        print(f"  running {name} ...", flush=True)
        records = module.run(scale=scale, repeat=REPEAT)
        elapsed = time.perf_counter() - module_started
        for record in records:
            record["metrics"] = [evaluate(m) for m in record["metrics"]]
            record["module"] = name
            record["module_wall_s"] = elapsed
        benchmarks.extend(records)

    metrics = [m for b in benchmarks for m in b["metrics"]]
    total = time.perf_counter() - started
    print()
    print(format_table(metrics))
    print()
    print("Timings:")
    print(format_timings(benchmarks))
    missed = [m["metric"] for m in metrics if m["passed"] is False]
    missed_future = [m["metric"] for m in metrics if m["passed_future"] is False]
    n_targets = sum(m["passed"] is not None for m in metrics)
    print()
    if missed:
        print(f"MISSED {len(missed)} of {n_targets} targets: {', '.join(missed)}")
    else:
        print(f"All {n_targets} targets met.")
    if missed_future:
        print(f"Future targets not yet met: {', '.join(missed_future)}")
    if args.quick:
        print("(quick run: sizes are 1/50 of the targets' sizes; ratios are indicative only)")

    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    result = {
        "created": created,
        "quick": args.quick,
        "scale": scale,
        "repeat": REPEAT,
        "machine": machine_info(),
        "benchmarks": benchmarks,
        "summary": {
            "metrics": {m["metric"]: m["value"] for m in metrics},
            "missed": missed,
            "missed_future": missed_future,
            "total_wall_s": total,
            "max_rss_bytes": max_rss,
        },
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"Total {total:.1f} s. Results written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
