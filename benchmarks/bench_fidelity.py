"""Fidelity-indicator benchmarks: the built-in kinds against pandas group-by/apply code.

``fidelity_kinds_vs_pandas``
    Three register indicators of JobFirst on 1,000,000 participants in 15 municipalities with
    about 5,000,000 events and 2,000,000 sniffing activities: a conversation within 35 days of
    the draw (``EventWithin``, GE1 1.2a), the progression tool at least every 91 days
    (``Cadence``, GE2 2.3b) and passivity below 35 days between sniffing activities
    (``Passivity``, GE3 3.2). The baseline is what an analyst writes by hand: a
    ``groupby("citizen_id").apply`` with a Python function per citizen, then a share per
    municipality. It is timed once on 50,000 citizens and scaled linearly; both must agree
    on those 50,000 exactly (numerators and denominators), or the run fails.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd
from _timing import interleaved

from activemeasures import Dataset
from activemeasures.fidelity import NATIONAL, Population
from activemeasures.fidelity.kinds import Cadence, EventWithin, Passivity

SEED = 20160301
N_CITIZENS = 1_000_000
N_PANDAS = 50_000
N_BLOCKS = 15
EVENTS_PER_CITIZEN = 5
SNIFFING_PER_CITIZEN = 2
CUTOFF = pd.Timestamp("2017-12-31")

KINDS = (
    EventWithin(event="conversation", days=35),
    Cadence(event="progression_tool", every_days=91.0),
    Passivity(activity="SNIFFING", max_days=35),
)


def make_dataset(rng: np.random.Generator, n: int) -> Dataset:
    """Participants with staggered draws, conversations, tool uses and sniffing activities.

    Built from arrays and trusted as valid (``Dataset(...)``, no validation: the benchmark
    measures the indicators, not pandera).
    """
    draw = pd.Timestamp("2016-03-01") + pd.to_timedelta(rng.integers(0, 300, n), unit="D")
    citizens = pd.DataFrame(
        {
            "citizen_id": np.arange(n),
            "municipality": np.array([f"municipality {b:02d}" for b in range(N_BLOCKS)])[
                rng.integers(0, N_BLOCKS, n)
            ],
            "visitation_date": draw,
            "arm": "treatment",
        }
    )
    n_events = n * EVENTS_PER_CITIZEN
    owner = rng.integers(0, n, n_events)
    events = pd.DataFrame(
        {
            "citizen_id": owner,
            "date": draw.to_numpy()[owner] + pd.to_timedelta(rng.integers(-20, 400, n_events), "D"),
            "event": np.where(rng.random(n_events) < 0.6, "conversation", "progression_tool"),
        }
    )
    n_sniff = n * SNIFFING_PER_CITIZEN
    owner = rng.integers(0, n, n_sniff)
    start = draw.to_numpy()[owner] + pd.to_timedelta(rng.integers(0, 200, n_sniff), "D")
    activities = pd.DataFrame(
        {
            "citizen_id": owner,
            "activity": "SNIFFING",
            "start": start,
            "end": start + pd.to_timedelta(rng.integers(0, 30, n_sniff), "D"),
        }
    )
    return Dataset(citizens=citizens, activities=activities, events=events, cutoff=CUTOFF)


def head(dataset: Dataset, n: int) -> Dataset:
    """The first ``n`` citizens and their records."""

    def keep(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["citizen_id"] < n].reset_index(drop=True)

    return Dataset(
        citizens=dataset.citizens.iloc[:n].reset_index(drop=True),
        activities=keep(dataset.activities),
        events=keep(dataset.events),
        cutoff=dataset.cutoff,
    )


# ------------------------------------------------------------------ the hand-written baseline


def _per_municipality(citizens: pd.DataFrame, met: pd.Series, counted: pd.Series) -> pd.DataFrame:
    frame = citizens[["citizen_id", "municipality"]].assign(
        numerator=citizens["citizen_id"].map(met).fillna(False).astype(float),
        denominator=citizens["citizen_id"].map(counted).fillna(False).astype(float),
    )
    frame["numerator"] *= frame["denominator"]
    table = frame.groupby("municipality")[["numerator", "denominator"]].sum()
    table.loc[NATIONAL] = table.sum()
    return table


def pandas_event_within(data: Dataset) -> pd.DataFrame:
    c = data.citizens
    counted = (c["visitation_date"] + pd.Timedelta(days=35) <= data.cutoff).set_axis(
        c["citizen_id"]
    )
    merged = data.events[data.events["event"] == "conversation"].merge(
        c[["citizen_id", "visitation_date"]], on="citizen_id"
    )

    def any_within(group: pd.DataFrame) -> bool:
        days = (group["date"] - group["visitation_date"]).dt.days
        return bool(((days >= 0) & (days <= 35) & (group["date"] <= data.cutoff)).any())

    met = merged.groupby("citizen_id")[["date", "visitation_date"]].apply(any_within)
    return _per_municipality(c, met, counted)


def pandas_cadence(data: Dataset) -> pd.DataFrame:
    c = data.citizens
    end = c["visitation_date"].where(c["visitation_date"] > data.cutoff, data.cutoff)
    enrolled = ((end - c["visitation_date"]).dt.days + 1).set_axis(c["citizen_id"])
    counted = enrolled >= 91
    uses = data.events[data.events["event"] == "progression_tool"].merge(
        c[["citizen_id", "visitation_date"]], on="citizen_id"
    )

    def every_91_days(group: pd.DataFrame) -> bool:
        start = group["visitation_date"].iloc[0]
        dates = sorted(d for d in group["date"] if start <= d <= data.cutoff)
        points = [start, *dates, data.cutoff]
        return all((b - a).days <= 91 for a, b in itertools.pairwise(points))

    met = uses.groupby("citizen_id")[["date", "visitation_date"]].apply(every_91_days)
    return _per_municipality(c, met, counted)


def pandas_passivity(data: Dataset) -> pd.DataFrame:
    c = data.citizens
    sniff = data.activities.merge(c[["citizen_id", "visitation_date"]], on="citizen_id")
    sniff = sniff[(sniff["end"] >= sniff["visitation_date"]) & (sniff["start"] <= data.cutoff)]

    def longest_passive(group: pd.DataFrame) -> float:
        rows = group.sort_values("start")
        latest_end, longest = None, 0
        for start, end in zip(rows["start"], rows["end"], strict=True):
            if latest_end is not None:
                longest = max(longest, (start - latest_end).days - 1)
            latest_end = end if latest_end is None else max(latest_end, end)
        return longest

    longest = sniff.groupby("citizen_id")[["start", "end"]].apply(longest_passive)
    size = sniff.groupby("citizen_id").size()
    counted = size >= 2
    met = longest < 35
    return _per_municipality(c, met, counted.reindex(met.index))


BASELINES = (pandas_event_within, pandas_cadence, pandas_passivity)


def library_tables(data: Dataset) -> list[pd.DataFrame]:
    population = Population(arms=("treatment",))
    return [kind.compute(data, population) for kind in KINDS]


def _check_agreement(ours: list[pd.DataFrame], theirs: list[pd.DataFrame]) -> None:
    for kind, mine, baseline in zip(KINDS, ours, theirs, strict=True):
        mine = mine.set_index("unit")[["numerator", "denominator"]]
        baseline = baseline.reindex(mine.index)
        if not np.array_equal(mine.to_numpy(), baseline.to_numpy()):
            raise AssertionError(f"{type(kind).__name__} and the pandas baseline disagree")


def run(scale: float = 1.0, repeat: int = 3, seed: int = SEED) -> list[dict[str, Any]]:
    """Run the fidelity benchmark; return one record."""
    n = max(2_000, round(N_CITIZENS * scale))
    n_small = max(1_000, round(N_PANDAS * scale))
    rng = np.random.default_rng(seed)
    data = make_dataset(rng, n)
    small = head(data, n_small)
    measured, results = interleaved(
        {
            "kinds": lambda: library_tables(data),
            "pandas": lambda: [f(small) for f in BASELINES],
        },
        rounds=repeat,
        calls={"pandas": 1},
    )
    library, loop, theirs = measured["kinds"], measured["pandas"], results["pandas"]
    _check_agreement(library_tables(small), theirs)
    scaled = loop.best * n / n_small
    return [
        {
            "name": "fidelity_kinds_vs_pandas",
            "description": (
                "EventWithin + Cadence + Passivity by pandas groupby/apply, timed once on "
                f"{n_small:,} citizens and scaled to {n:,}, ÷ the built-in kinds on {n:,} "
                f"citizens (equal numerators and denominators on the {n_small:,})"
            ),
            "sizes": {
                "citizens": n,
                "events": len(data.events),
                "activities": len(data.activities),
                "pandas_citizens": n_small,
            },
            "data": {"seed": seed},
            "timings": {
                "pandas_measured": loop.as_dict(),
                "pandas_scaled_s": scaled,
                "kinds": library.as_dict(),
            },
            "metrics": [
                {
                    "metric": "fidelity_kinds_vs_pandas",
                    "value": scaled / library.best,
                    "unit": "x",
                    "direction": ">=",
                    "target": 50.0,
                }
            ],
        }
    ]
