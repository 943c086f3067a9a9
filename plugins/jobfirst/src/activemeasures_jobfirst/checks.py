"""JobFirst's rules for its input data: what is an error, what is excluded, what is noted.

The library validates every table against its schema (:mod:`activemeasures.validation`).
JobFirst adds the rules of its design (004, L47-53; SPEC.md §3.1):

* two arms only: a citizen whose ``arm`` is not ``treatment`` or ``control`` is an **error**;
* randomised within municipalities: a municipality with only one arm is an **error** (its
  citizens cannot be compared; the municipality is the block, DESIGN.md §7);
* events dated before the draw date are **excluded**: no indicator counts them (SPEC.md
  §6.1: windows and cadences run from the draw date);
* survey answers outside the item's scale (1-5 for staff items, 000, L585-589) are
  **excluded**;
* a municipality with fewer than 100 citizens in an arm gets a **note**: the announcement
  asked for at least 100 in each (004, L49-53), but the data stay usable.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from activemeasures import DataQualityReport, Dataset, ValidationError
from activemeasures.errors import FAILURE_COLUMNS
from activemeasures.quality import QualityEntry
from activemeasures_jobfirst.constants import MIN_PER_ARM_PER_MUNICIPALITY

__all__ = ["ARMS", "STAFF_SCALE", "check_dataset", "clean_dataset"]

#: The two arms of the JobFirst trial: participants (D) and controls (K) (000, L874).
ARMS = ("treatment", "control")

#: The staff-survey answer scale, 1-5 (000, L585-589; SPEC.md §6.1, §12).
STAFF_SCALE = (1, 5)

#: Rule texts of the entries :func:`check_dataset` writes.
EVENT_BEFORE_DRAW = "event before the draw date"
ANSWER_OUTSIDE_SCALE = "answer outside the item's scale"
NO_SCALE = "citizen answer not range-checked (no scale given for the item)"


def _failure(column: str, rule: str, n_rows: int, examples: str = "") -> dict:
    return dict(zip(FAILURE_COLUMNS, ("citizens", column, rule, n_rows, examples), strict=True))


def _arm_problems(citizens: pd.DataFrame, arms: tuple[str, ...]) -> list[dict]:
    if "arm" not in citizens.columns:
        return [_failure("arm", "column present (JobFirst is randomised)", len(citizens))]
    arm = citizens["arm"].astype("string")
    problems = []
    missing = int(arm.isna().sum())
    if missing:
        problems.append(_failure("arm", "not missing", missing))
    other = arm.notna() & ~arm.isin(arms).fillna(False)
    if other.any():
        shown = ", ".join(arm[other].drop_duplicates().head(3).tolist())
        problems.append(_failure("arm", f"one of {', '.join(arms)}", int(other.sum()), shown))
    if problems:
        return problems
    per = citizens.groupby(citizens["municipality"].astype(str), sort=True)["arm"].agg(
        ["nunique", "first", "size"]
    )
    for municipality, row in per[per["nunique"] < len(arms)].iterrows():  # municipalities
        problems.append(
            _failure(
                "municipality",
                f"has both arms ({' and '.join(arms)}): municipality {municipality!s} has only "
                f"{row['first']}",
                int(row["size"]),
                str(municipality),
            )
        )
    return problems


def _small_arms(citizens: pd.DataFrame, arms: tuple[str, ...], minimum: int) -> list[QualityEntry]:
    counts = pd.crosstab(citizens["municipality"].astype(str), citizens["arm"].astype(str))
    counts = counts.reindex(columns=list(arms), fill_value=0)
    entries = []
    for municipality, row in counts.iterrows():  # municipalities
        for arm in arms:
            if row[arm] < minimum:
                entries.append(
                    QualityEntry(
                        table="citizens",
                        rule=(
                            f"municipality {municipality}: fewer than {minimum} citizens in arm "
                            f"{arm} (004, L49-53)"
                        ),
                        action="note",
                        n_records=int(row[arm]),
                    )
                )
    return entries


def _days(values: pd.Series) -> np.ndarray:
    return values.to_numpy().astype("datetime64[D]").astype(np.int64)


def _events_before_draw(dataset: Dataset) -> np.ndarray:
    events = dataset.events
    index = pd.Index(dataset.citizens["citizen_id"])
    row = index.get_indexer(events["citizen_id"])
    visit = _days(dataset.citizens["visitation_date"])
    return _days(events["date"]) < visit[row]


def _check_scale(name: str, value: object) -> tuple[float, float]:
    try:
        low, high = (float(v) for v in value)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        raise ValueError(f"scale of {name} must be (lowest, highest), got {value!r}") from None
    if not (np.isfinite(low) and np.isfinite(high) and low <= high):
        raise ValueError(f"scale of {name} must be finite with lowest <= highest, got {value!r}")
    return low, high


def _survey_masks(
    survey: pd.DataFrame,
    scales: Mapping[str, tuple[float, float]] | None,
    staff_scale: tuple[float, float],
) -> tuple[np.ndarray, np.ndarray]:
    """Answers outside their scale, and citizen answers that could not be checked."""
    scales = {str(k): _check_scale(repr(k), v) for k, v in (scales or {}).items()}
    staff_low, staff_high = _check_scale("staff items", staff_scale)
    item = survey["item"].astype(str)
    staff = survey["respondent"].astype(str).eq("staff").to_numpy(dtype=bool)
    low = item.map({k: v[0] for k, v in scales.items()}).to_numpy(dtype=np.float64)
    high = item.map({k: v[1] for k, v in scales.items()}).to_numpy(dtype=np.float64)
    # Staff items are on 1-5 unless a scale is given for the item.
    low = np.where(staff & np.isnan(low), staff_low, low)
    high = np.where(staff & np.isnan(high), staff_high, high)
    value = survey["value"].to_numpy(dtype=np.float64)
    known = ~np.isnan(low)
    outside = known & ((value < np.where(known, low, 0)) | (value > np.where(known, high, 0)))
    return outside, ~known


def check_dataset(
    dataset: Dataset,
    *,
    scales: Mapping[str, tuple[float, float]] | None = None,
    staff_scale: tuple[float, float] = STAFF_SCALE,
    min_per_arm: int = MIN_PER_ARM_PER_MUNICIPALITY,
    design: bool = True,
) -> DataQualityReport:
    """Check a dataset against JobFirst's design rules (SPEC.md §3.1; 004, L47-53).

    Parameters
    ----------
    dataset : Dataset
        A validated dataset (:meth:`activemeasures.Dataset.from_frames`).
    scales : mapping of item to (lowest, highest), optional
        Answer scales of survey items. Staff items without an entry are on 1-5 (000,
        L585-589). Citizen items have no default: JobFirst citizen questions use 1-10
        (000, L482-492; 001, L1000) and others may differ, so a citizen item is checked only
        when its scale is given here; unchecked citizen answers are counted in a note.
    staff_scale : tuple, default (1, 5)
        Scale of staff items without an entry in *scales*.
    min_per_arm : int, default 100
        Citizens each arm should have in each municipality (004, L49-53).
    design : bool, default True
        Check the design rules that compare citizens (arms, municipalities with one arm, the
        ``min_per_arm`` notes). ``False`` applies only the rules on single records (events,
        survey answers), which give the same on any part of the citizens: what
        :func:`activemeasures.evaluate` applies through the plugin's ``prepare_dataset``
        hook, also partition by partition on the distributed path.

    Returns
    -------
    DataQualityReport
        ``excluded`` entries: events before the draw date (events table) and survey answers
        outside their scale (survey table); ``note`` entries: each municipality and arm with
        fewer than ``min_per_arm`` citizens, and citizen answers without a scale. Counts only.

    Raises
    ------
    ValidationError
        Listing at once every citizen ``arm`` that is missing or not ``treatment`` /
        ``control`` (with the count and the offending arm values) and every municipality that
        has only one arm (named, with the arm it has). Municipality names and arm values are
        not identifiers; no ``citizen_id`` is shown.

    Notes
    -----
    The excluded records are only counted here; :func:`clean_dataset` removes them. The
    built-in event kinds already ignore events before the draw date; survey kinds do not
    range-check answers, so call :func:`clean_dataset` before computing survey indicators.

    Examples
    --------
    >>> import pandas as pd
    >>> from activemeasures import Dataset
    >>> from activemeasures_jobfirst.checks import check_dataset
    >>> citizens = pd.DataFrame({"citizen_id": [1, 2, 3, 4], "municipality": ["A", "A", "B", "B"],
    ...                          "visitation_date": ["2016-03-01"] * 4,
    ...                          "arm": ["treatment", "control", "treatment", "control"]})
    >>> events = pd.DataFrame({"citizen_id": [1, 2], "date": ["2016-02-29", "2016-03-01"],
    ...                        "event": ["conversation"] * 2})
    >>> report = check_dataset(Dataset.from_frames(citizens, events=events, cutoff="2016-12-31"))
    >>> report.excluded("events")
    1
    >>> report.to_frame()["action"].value_counts()["note"]  # A and B: under 100 per arm
    np.int64(4)
    >>> bad = citizens.assign(arm=["treatment", "treatment", "treatment", "comparison"])
    >>> check_dataset(Dataset.from_frames(bad, cutoff="2016-12-31"))
    Traceback (most recent call last):
    ...
    activemeasures.errors.ValidationError: 1 problem in the input tables:
       table column                      rule  n_rows   examples
    citizens    arm one of treatment, control       1 comparison
    """
    if not isinstance(dataset, Dataset):
        raise TypeError(f"check_dataset needs a Dataset, got {type(dataset).__name__}")
    if isinstance(min_per_arm, bool) or not isinstance(min_per_arm, int | np.integer):
        raise TypeError(f"min_per_arm must be a whole number, got {min_per_arm!r}")
    if min_per_arm < 0:
        raise ValueError(f"min_per_arm must be >= 0, got {min_per_arm}")
    citizens = dataset.citizens
    entries = []
    if design:
        problems = _arm_problems(citizens, ARMS)
        if problems:
            raise ValidationError(pd.DataFrame(problems, columns=list(FAILURE_COLUMNS)))
        entries = _small_arms(citizens, ARMS, int(min_per_arm))
    if dataset.events is not None:
        entries.append(
            QualityEntry(
                table="events",
                rule=EVENT_BEFORE_DRAW,
                action="excluded",
                n_records=int(_events_before_draw(dataset).sum()),
            )
        )
    if dataset.survey is not None:
        outside, unchecked = _survey_masks(dataset.survey, scales, staff_scale)
        entries.append(
            QualityEntry(
                table="survey",
                rule=ANSWER_OUTSIDE_SCALE,
                action="excluded",
                n_records=int(outside.sum()),
            )
        )
        if unchecked.any():
            entries.append(
                QualityEntry(
                    table="survey", rule=NO_SCALE, action="note", n_records=int(unchecked.sum())
                )
            )
    return DataQualityReport(entries)


def clean_dataset(
    dataset: Dataset,
    *,
    scales: Mapping[str, tuple[float, float]] | None = None,
    staff_scale: tuple[float, float] = STAFF_SCALE,
    min_per_arm: int = MIN_PER_ARM_PER_MUNICIPALITY,
    design: bool = True,
) -> Dataset:
    """The dataset without the records :func:`check_dataset` excludes, and its report added.

    Parameters
    ----------
    dataset : Dataset
    scales, staff_scale, min_per_arm, design
        As for :func:`check_dataset`.

    Returns
    -------
    Dataset
        Events before the draw date and survey answers outside their scale removed;
        ``quality`` is the dataset's report followed by :func:`check_dataset`'s.

    Raises
    ------
    ValidationError
        As :func:`check_dataset`.

    Examples
    --------
    >>> import pandas as pd
    >>> from activemeasures import Dataset
    >>> from activemeasures_jobfirst.checks import clean_dataset
    >>> citizens = pd.DataFrame({"citizen_id": [1, 2], "municipality": ["A", "A"],
    ...                          "visitation_date": ["2016-03-01"] * 2,
    ...                          "arm": ["treatment", "control"]})
    >>> survey = pd.DataFrame({"respondent_id": [1, 2], "municipality": ["A", "A"],
    ...                        "respondent": "staff", "round": "final", "item": "q1",
    ...                        "value": [3, 9]})
    >>> clean = clean_dataset(Dataset.from_frames(citizens, survey=survey, cutoff="2016-12-31"))
    >>> clean.survey["value"].tolist(), clean.quality.excluded("survey")
    ([3.0], 1)
    """
    report = check_dataset(
        dataset, scales=scales, staff_scale=staff_scale, min_per_arm=min_per_arm, design=design
    )
    events, survey = dataset.events, dataset.survey
    if events is not None:
        events = events.loc[~_events_before_draw(dataset)].reset_index(drop=True)
    if survey is not None:
        outside, _ = _survey_masks(survey, scales, staff_scale)
        survey = survey.loc[~outside].reset_index(drop=True)
    return Dataset(
        citizens=dataset.citizens,
        cutoff=dataset.cutoff,
        activities=dataset.activities,
        hours=dataset.hours,
        events=events,
        survey=survey,
        visitations=dataset.visitations,
        quality=dataset.quality + report,
    )
