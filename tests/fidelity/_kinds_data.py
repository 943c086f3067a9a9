"""Small random register tables for the indicator-kind tests, and the reference grouping.

Tables are generated as plain Python tuples (for the slow references) and turned into a
:class:`activemeasures.Dataset` with ``Dataset.from_frames``. Every example stays cheap: at most
30 citizens in at most 3 municipalities.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from activemeasures import Dataset

BASE = dt.date(2016, 1, 4)
MUNICIPALITIES = ["Aarhus", "Hedensted", "Lolland"]
ARMS = ["treatment", "control"]
EVENT_CODES = ["conversation", "cv_update", "job_goal"]


def day(offset: int) -> dt.date:
    return BASE + dt.timedelta(days=offset)


class Citizen(NamedTuple):
    citizen_id: str
    municipality: str
    visit: dt.date
    arm: str
    exit: dt.date | None = None


class Tables(NamedTuple):
    citizens: list[Citizen]
    events: list[tuple[str, dt.date, str]]
    activities: list[tuple[str, str, dt.date, dt.date]]
    cutoff: dt.date

    def dataset(self, *, events: bool = True, activities: bool = True) -> Dataset:
        citizens = pd.DataFrame(
            {
                "citizen_id": [c.citizen_id for c in self.citizens],
                "municipality": [c.municipality for c in self.citizens],
                "visitation_date": [c.visit.isoformat() for c in self.citizens],
                "arm": [c.arm for c in self.citizens],
                "exit_date": [
                    None if c.exit is None else c.exit.isoformat() for c in self.citizens
                ],
            }
        )
        event_frame = pd.DataFrame(
            self.events or None, columns=["citizen_id", "date", "event"]
        ).astype({"date": "datetime64[ns]"})
        activity_frame = pd.DataFrame(
            self.activities or None, columns=["citizen_id", "activity", "start", "end"]
        ).astype({"start": "datetime64[ns]", "end": "datetime64[ns]"})
        return Dataset.from_frames(
            citizens,
            activity_frame if activities else None,
            events=event_frame if events else None,
            cutoff=self.cutoff.isoformat(),
        )


@st.composite
def tables(
    draw,
    *,
    max_citizens: int = 30,
    max_events: int = 60,
    max_activities: int = 0,
    activity_names: Sequence[str] = ("SNIFFING", "INTERNSHIP"),
) -> Tables:
    rows = draw(
        st.lists(
            st.tuples(
                st.sampled_from(MUNICIPALITIES),
                st.integers(0, 60),
                st.sampled_from(ARMS),
                st.none() | st.integers(-5, 200),
            ),
            max_size=max_citizens,
        )
    )
    citizens = [
        Citizen(f"id-{i:04d}", m, day(v), arm, None if x is None else day(x))
        for i, (m, v, arm, x) in enumerate(rows)
    ]
    events, activities = [], []
    if citizens and max_events:
        events = [
            (citizens[i].citizen_id, day(offset), code)
            for i, offset, code in draw(
                st.lists(
                    st.tuples(
                        st.integers(0, len(citizens) - 1),
                        st.integers(-20, 220),
                        st.sampled_from(EVENT_CODES),
                    ),
                    max_size=max_events,
                )
            )
        ]
    if citizens and max_activities:
        activities = [
            (citizens[i].citizen_id, name, day(first), day(first + length))
            for i, name, first, length in draw(
                st.lists(
                    st.tuples(
                        st.integers(0, len(citizens) - 1),
                        st.sampled_from(activity_names),
                        st.integers(-30, 220),
                        st.integers(0, 40),
                    ),
                    max_size=max_activities,
                )
            )
        ]
    cutoff = day(draw(st.integers(30, 250)))
    return Tables(citizens, events, activities, cutoff)


# ---------------------------------------------------------------------------- reference grouping


def reference_table(
    members: Iterable[tuple[str, float, bool]],
) -> list[tuple[str, float, int, float]]:
    """``(municipality, numerator, in_denominator)`` per member -> expected indicator rows.

    One row per municipality (sorted as text) with the sums over members in the denominator,
    then the national row pooled over every member; the value is NaN for an empty denominator.
    """
    members = list(members)
    rows = []
    for unit in sorted({str(m) for m, _, _ in members}):
        counted = [y for m, y, d in members if str(m) == unit and d]
        rows.append((unit, float(sum(counted)), len(counted)))
    counted = [y for _, y, d in members if d]
    rows.append(("national", float(sum(counted)), len(counted)))
    return [(u, num, den, num / den if den else math.nan) for u, num, den in rows]


def assert_table(frame: pd.DataFrame, expected: Sequence[tuple[str, float, int, float]]) -> None:
    """Compare an indicator table with expected rows (NaN equals NaN)."""
    assert list(frame.columns) == ["unit", "numerator", "denominator", "value"]
    assert frame["unit"].tolist() == [row[0] for row in expected]
    for column, position in (("numerator", 1), ("denominator", 2), ("value", 3)):
        np.testing.assert_allclose(
            frame[column].to_numpy(dtype=float),
            np.array([row[position] for row in expected], dtype=float),
            rtol=1e-12,
            atol=1e-12,
            err_msg=column,
        )


def in_population(citizen: Citizen, arms: Sequence[str] | None) -> bool:
    return arms is None or citizen.arm in arms
