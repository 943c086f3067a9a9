"""Tally how the fuzzed entry points end on many malformed cases (issue 9, item 4).

Run from the repository root (a script, not a test; pytest only imports it)::

    PYTHONPATH=src python tests/fuzz/tally.py                # 2,000 cases per target
    PYTHONPATH=src python tests/fuzz/tally.py --cases 200 --targets evaluate

For every target it draws the cases with the fuzz tests' strategies (``evaluate``:
:func:`fuzz.strategies.evaluation_cases`, the others :func:`fuzz.strategies.malformed_cases`),
makes the call, applies the same checks (:func:`fuzz.targets.check`) and prints one line:
cases, succeeded, documented error, other (an unhandled exception) and check failed (a leak, a
foreign warning, a wrong-but-silent result). The last two must be 0. Generation is seeded
(``--seed``), without shrinking or example database, so a tally can be repeated exactly.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

COLUMNS = ("cases", "succeeded", "documented error", "other", "check failed")


def tally(target: str, cases: int, seed: int) -> tuple[collections.Counter, dict[str, str]]:
    """Counts of the endings of *cases* calls of *target*, and one example per failure."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as seeded

    from fuzz.strategies import evaluation_cases, malformed_cases
    from fuzz.targets import OTHER, check, run

    counts: collections.Counter = collections.Counter()
    failures: dict[str, str] = {}
    strategy = evaluation_cases() if target == "evaluate" else malformed_cases()

    @seeded(seed)
    @settings(
        max_examples=cases,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def one(case):
        outcome = run(target, case)
        counts["cases"] += 1
        try:
            check(target, case, outcome)
        except AssertionError as exc:
            kind = OTHER if outcome.kind == OTHER else "check failed"
            counts[kind] += 1
            failures.setdefault(str(exc).splitlines()[0][:200], repr(case.mutations))
        else:
            counts[outcome.kind] += 1

    one()
    return counts, failures


def main(argv: list[str] | None = None) -> int:
    from fuzz.targets import TARGETS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000, help="cases per target")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--targets", nargs="+", default=list(TARGETS), choices=list(TARGETS))
    args = parser.parse_args(argv)
    width = max(map(len, args.targets))
    print(f"{'target':<{width}}  " + "  ".join(f"{c:>16}" for c in COLUMNS) + "   seconds")
    bad = 0
    for target in args.targets:
        started = time.perf_counter()
        counts, failures = tally(target, args.cases, args.seed)
        seconds = time.perf_counter() - started
        print(
            f"{target:<{width}}  "
            + "  ".join(f"{counts[c]:>16,}" for c in COLUMNS)
            + f"   {seconds:7.0f}",
            flush=True,
        )
        for message, mutations in failures.items():
            print(f"    {message}\n        e.g. after {mutations}")
        bad += counts["other"] + counts["check failed"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: fuzz, reference
    sys.exit(main())
