"""Panel-construction benchmark: ``Panel.from_frames`` against sorting its input.

``panel_vs_sort``
    ``Panel.from_frames(citizens, activities, cutoff=..., horizon=78)`` ÷
    ``activities.sort_values(["citizen_id", "start"])``: building the whole panel (validation
    included) compared with one sort of the activity table, the first step of any
    group-by-citizen approach.
``panel_bytes_per_cell``
    ``panel.nbytes / (n_citizens * horizon)``: bytes held per citizen-week, all arrays and the
    workplace intervals included (DESIGN.md §4.3 budget: 8).
``panel_peak_memory``
    Peak memory traced during one ``from_frames`` call ÷ (input frames'
    ``memory_usage(deep=True)`` + ``panel.nbytes``). Report only.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from _timing import interleaved, peak_traced

from activemeasures import Panel

SEED = 20171231

#: Full-size problem; ``scale`` multiplies both counts. Dates and horizon do not scale.
N_CITIZENS = 1_000_000
N_ACTIVITIES = 5_000_000
HORIZON = 78
CUTOFF = "2017-12-31"

FIRST_VISITATION = np.datetime64("2016-01-04")
VISITATION_DAYS = 300  # visitation dates spread uniformly over this many days
RECORD_START_DAYS = (-60, 600)  # records start this many days before/after visitation
MEAN_DURATION_DAYS = 20  # geometric durations
N_WORKPLACES = 100_000
ACTIVITY_NAMES = np.array(["INTERNSHIP", "WAGE_SUBSIDY", "SNIFFING", "MENTOR", "FLEX_JOB"])
MUNICIPALITIES = np.array(
    ["Aarhus", "Esbjerg", "Frederiksberg", "Holbæk", "Horsens", "Odense", "Randers", "Vejle"]
)
ARMS = np.array(["treatment", "control"])


def make_tables(
    rng: np.random.Generator, n_citizens: int, n_activities: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Citizens and activities tables in the layouts of :mod:`activemeasures.schemas`.

    Citizen keys are shuffled pseudonymous integers; each activity record belongs to a
    uniformly drawn citizen (so records are in random order), starts between 60 days before
    and 600 days after the citizen's visitation and lasts a geometric number of days (mean
    20). Dates are ``datetime64[ns]``, names pandas ``str`` columns, workplaces integers.
    """
    citizen_id = rng.permutation(n_citizens).astype(np.int64) + 10_000_000
    visitation = FIRST_VISITATION + rng.integers(0, VISITATION_DAYS, n_citizens)
    citizens = pd.DataFrame(
        {
            "citizen_id": citizen_id,
            "municipality": rng.choice(MUNICIPALITIES, n_citizens),
            "visitation_date": visitation.astype("datetime64[ns]"),
            "arm": rng.choice(ARMS, n_citizens),
        }
    )
    owner = rng.integers(0, n_citizens, n_activities)
    low, high = RECORD_START_DAYS
    start = visitation[owner] + rng.integers(low, high + 1, n_activities)
    end = start + (rng.geometric(1.0 / MEAN_DURATION_DAYS, n_activities) - 1)
    activities = pd.DataFrame(
        {
            "citizen_id": citizen_id[owner],
            "activity": rng.choice(ACTIVITY_NAMES, n_activities),
            "start": start.astype("datetime64[ns]"),
            "end": end.astype("datetime64[ns]"),
            "workplace_id": rng.integers(0, N_WORKPLACES, n_activities),
        }
    )
    return citizens, activities


def build_panel(citizens: pd.DataFrame, activities: pd.DataFrame) -> Panel:
    return Panel.from_frames(citizens, activities, cutoff=CUTOFF, horizon=HORIZON)


def run(scale: float = 1.0, repeat: int = 3, seed: int = SEED) -> list[dict[str, Any]]:
    """Run the panel benchmark; return one record."""
    n_citizens = max(1, round(N_CITIZENS * scale))
    n_activities = max(1, round(N_ACTIVITIES * scale))
    citizens, activities = make_tables(np.random.default_rng(seed), n_citizens, n_activities)
    input_bytes = {
        "citizens": int(citizens.memory_usage(deep=True).sum()),
        "activities": int(activities.memory_usage(deep=True).sum()),
    }

    timings, results = interleaved(
        {
            "sort_values": lambda: activities.sort_values(["citizen_id", "start"]),
            "from_frames": lambda: build_panel(citizens, activities),
        },
        rounds=repeat,
    )
    sort, build, panel = timings["sort_values"], timings["from_frames"], results["from_frames"]
    del results
    panel_bytes = panel.nbytes
    observed_share = float(panel.observed_weeks.sum() / (n_citizens * HORIZON))
    excluded = panel.quality.excluded("activities")
    n_workplace_records = len(panel.workplace_weeks.row)
    del panel
    memory, panel = peak_traced(lambda: build_panel(citizens, activities))
    if panel.nbytes != panel_bytes:
        raise AssertionError("the traced build differs from the timed builds")
    del panel

    cells = n_citizens * HORIZON
    denominator = sum(input_bytes.values()) + panel_bytes
    return [
        {
            "name": "panel_vs_sort",
            "description": (
                f"Panel.from_frames(citizens, activities, cutoff={CUTOFF}, horizon={HORIZON}) "
                "÷ activities.sort_values(['citizen_id', 'start'])"
            ),
            "sizes": {
                "citizens": n_citizens,
                "activities": n_activities,
                "horizon": HORIZON,
                "input_bytes": input_bytes,
                "panel_bytes": int(panel_bytes),
            },
            "data": {
                "seed": seed,
                "observed_share_of_cells": observed_share,
                "activities_excluded": int(excluded),
                "workplace_interval_records": int(n_workplace_records),
            },
            "timings": {"from_frames": build.as_dict(), "sort_values": sort.as_dict()},
            "memory": {**memory.as_dict(), "input_plus_panel_bytes": int(denominator)},
            "metrics": [
                {
                    "metric": "panel_vs_sort",
                    "value": build.best / sort.best,
                    "unit": "x",
                    "direction": "<=",
                    "target": 3.0,
                },
                {
                    "metric": "panel_bytes_per_cell",
                    "value": panel_bytes / cells,
                    "unit": "B",
                    "direction": "<=",
                    "target": 8.0,
                },
                {
                    "metric": "panel_peak_memory",
                    "value": memory.peak_bytes / denominator,
                    "unit": "x",
                    "direction": "<=",
                    "target": 2.0,
                },
            ],
        }
    ]
