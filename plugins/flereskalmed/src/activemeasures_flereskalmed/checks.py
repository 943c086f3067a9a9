"""Data-quality checks of a 'Flere skal med' dataset: what the plugin's rules leave out.

Counts only, never an identifier (DESIGN.md §10).
"""

from __future__ import annotations

import attrs
import numpy as np

import activemeasures as am
from activemeasures.quality import DataQualityReport, QualityEntry
from activemeasures_flereskalmed.constants import GROUP_RANK, SURVEY_SCALE
from activemeasures_flereskalmed.visitation import deduplicate_visitations, group_codes

__all__ = ["check_dataset", "clean_dataset"]


def check_dataset(dataset: am.Dataset) -> DataQualityReport:
    """Count the records of a dataset that the 'Flere skal med' rules leave out or flag.

    Parameters
    ----------
    dataset : Dataset

    Returns
    -------
    DataQualityReport
        * ``visitations``: every count of
          :func:`~activemeasures_flereskalmed.visitation.deduplicate_visitations` with its
          defaults (records read; step 0 end before start; rule 1 groups left out and unknown
          codes; rules 2-4, where rule 4 counts the same-start-same-end ties; exact
          duplicates; citizens left without a record);
        * ``citizens``: a note with the number of citizens whose ``group`` is not 1, 2, 3 or
          6 (when the column exists);
        * ``survey``: answers outside the scale 1-5 (003, L145-150; SPEC.md §6.4),
          *excluded*; answers inside it that are not whole numbers, a *note*.

        Tables the dataset does not have are skipped.

    Examples
    --------
    >>> import pandas as pd
    >>> from activemeasures import Dataset
    >>> from activemeasures_flereskalmed.checks import check_dataset
    >>> citizens = pd.DataFrame({"citizen_id": [1, 2], "municipality": ["A", "A"],
    ...                          "visitation_date": ["2018-01-15"] * 2, "group": [1, 4]})
    >>> visitations = pd.DataFrame({"citizen_id": [1, 1, 2], "group": [1, 2, 4],
    ...     "start": ["2018-01-15"] * 3, "end": ["2018-06-30", "2018-06-30", "2018-01-01"]})
    >>> survey = pd.DataFrame({"respondent_id": [1, 1], "municipality": ["A", "A"],
    ...     "respondent": ["staff"] * 2, "round": ["final"] * 2, "item": ["q1", "q2"],
    ...     "value": [4, 9]})
    >>> data = Dataset.from_frames(citizens, visitations=visitations, survey=survey,
    ...                            cutoff="2019-05-31")
    >>> report = check_dataset(data).to_frame()
    >>> print(report.loc[report["n_records"] > 0, ["table", "rule", "n_records"]].to_string(
    ...     index=False))
          table                                                         rule  n_records
    visitations                                                 records read          3
    visitations                           step 0: end date before start date          1
    visitations           rule 4: same start and end, lower group preference          1
    visitations citizens left without an included record (not in the result)          1
       citizens                                  group code not 1, 2, 3 or 6          1
         survey                                 answer outside the scale 1-5          1
    """
    entries: list[QualityEntry] = []
    if dataset.visitations is not None:
        entries += deduplicate_visitations(dataset.visitations).quality.entries
    citizens = dataset.citizens
    if "group" in citizens.columns:
        codes = group_codes(citizens["group"])
        unknown = ~np.isin(codes, list(GROUP_RANK)) & citizens["group"].notna().to_numpy()
        entries.append(
            QualityEntry(
                table="citizens",
                rule="group code not 1, 2, 3 or 6",
                action="note",
                n_records=int(unknown.sum()),
            )
        )
    if dataset.survey is not None:
        low, high = SURVEY_SCALE
        value = dataset.survey["value"].to_numpy(dtype=np.float64)
        outside = (value < low) | (value > high)
        fraction = ~outside & (np.floor(value) != value)
        entries += [
            QualityEntry(
                table="survey",
                rule=f"answer outside the scale {low}-{high}",
                action="excluded",
                n_records=int(outside.sum()),
            ),
            QualityEntry(
                table="survey",
                rule=f"answer inside the scale {low}-{high} but not a whole number",
                action="note",
                n_records=int(fraction.sum()),
            ),
        ]
    return DataQualityReport(entries)


def clean_dataset(dataset: am.Dataset) -> am.Dataset:
    """The dataset without survey answers outside the scale 1-5, counted in its report.

    What :func:`check_dataset` says about the citizens and the survey joins the dataset's
    data-quality report; the answers it counts as *excluded* are removed. (The visitation
    records are reduced by :func:`activemeasures.evaluate` through the programme's
    ``resolve_visitations`` rule, which counts its own exclusions.)

    Parameters
    ----------
    dataset : Dataset

    Returns
    -------
    Dataset

    Examples
    --------
    >>> import pandas as pd
    >>> from activemeasures import Dataset
    >>> from activemeasures_flereskalmed.checks import clean_dataset
    >>> citizens = pd.DataFrame({"citizen_id": [1], "municipality": ["A"],
    ...                          "visitation_date": ["2018-01-15"], "group": [1]})
    >>> survey = pd.DataFrame({"respondent_id": [1, 1], "municipality": ["A", "A"],
    ...     "respondent": ["staff"] * 2, "round": ["final"] * 2, "item": ["q1", "q2"],
    ...     "value": [4, 9]})
    >>> clean = clean_dataset(Dataset.from_frames(citizens, survey=survey,
    ...                                           cutoff="2019-05-31"))
    >>> clean.survey["value"].tolist(), clean.quality.excluded("survey")
    ([4.0], 1)
    """
    entries = [e for e in check_dataset(dataset).entries if e.table in ("citizens", "survey")]
    survey = dataset.survey
    if survey is not None:
        low, high = SURVEY_SCALE
        value = survey["value"].to_numpy(dtype=np.float64)
        survey = survey.loc[(value >= low) & (value <= high)].reset_index(drop=True)
    return attrs.evolve(
        dataset, survey=survey, quality=dataset.quality + DataQualityReport(entries)
    )
