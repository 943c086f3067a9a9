"""The JobFirst programme for activemeasures.

JobFirst was a randomised controlled trial in 15 Danish municipalities (001, L63): citizens
were drawn to a participant group (D) or a control group (K) within each municipality, and the
participants went straight into company internships, wage subsidy and ordinary paid hours.

This distribution registers under the ``activemeasures`` entry-point group as ``jobfirst``.
"""

import activemeasures as am
from activemeasures_jobfirst import checks, criteria, elements, outcomes
from activemeasures_jobfirst.constants import (
    CRITERION_13W,
    CRITERION_13W_STATES,
    FOLLOW_UP_WEEKS,
    PROGRAMME_NAME,
)

__all__ = [
    "CRITERION_13W",
    "CRITERION_13W_STATES",
    "MIDTERM_PROGRAMME_NAME",
    "PROGRAMME_NAME",
    "prepare_dataset",
    "register_core_elements",
    "register_outcomes",
    "register_programmes",
    "register_success_criteria",
]

#: The programme with the mid-term evaluation's definitions: 28-day windows ("within four
#: weeks"), follow-up to week 44 (001, L405-413; SPEC.md §11 A-1, §12).
MIDTERM_PROGRAMME_NAME = PROGRAMME_NAME + "-midterm"

#: Programme name -> (fidelity preset, follow-up horizon in weeks).
_VERSIONS = {
    PROGRAMME_NAME: ("final", FOLLOW_UP_WEEKS["final"]),
    MIDTERM_PROGRAMME_NAME: ("midterm", FOLLOW_UP_WEEKS["midterm"]),
}


def _programme(name: str, label: str, citation: str, description: str) -> am.Programme:
    return am.Programme(
        name=name,
        label=label,
        label_da="JobFirst",
        design="randomised",
        arms=("treatment", "control"),
        participants=am.Population(arms=("treatment",)),
        thresholds=am.Thresholds(red_below=0.75, green_from=0.90),
        citation=citation,
        description=description,
    )


@am.hookimpl
def register_programmes() -> list[am.Programme]:
    """Declare JobFirst (final-evaluation definitions) and its mid-term version.

    A trial randomising citizens to participants (D) and controls (K) within each of 15
    municipalities (001, L63; 004, L47-53); fidelity is measured on the participants
    (SPEC.md §6.1), graded red under 75 % and green from 90 % (SPEC.md §11 A-21).
    """
    summary = (
        "Long-term unemployed citizens sent straight into company internships, wage subsidy "
        "and ordinary paid hours; randomised within municipalities."
    )
    return [
        _programme(
            PROGRAMME_NAME,
            "JobFirst",
            "(004, L7, L47-53; 001, L63; 000)",
            summary + " Final evaluation: 35-day windows, STAR registers, 78 weeks.",
        ),
        _programme(
            MIDTERM_PROGRAMME_NAME,
            "JobFirst (mid-term definitions)",
            "(004, L7, L47-53; 001, L63)",
            summary + " Mid-term evaluation: 28-day windows, DISCUS reports, 44 weeks.",
        ),
    ]


@am.hookimpl
def register_core_elements(programme: str) -> list[am.CoreElement]:
    """The nine core elements with the final (35-day) or mid-term (28-day) definitions."""
    if programme not in _VERSIONS:
        return []
    return elements.core_elements(preset=_VERSIONS[programme][0])


@am.hookimpl
def register_outcomes(programme: str) -> list:
    """The weekly outcomes of the JobFirst figures (SPEC.md §4.2, §4.3, §5.1, §8)."""
    return outcomes.outcomes() if programme in _VERSIONS else []


@am.hookimpl
def register_success_criteria(programme: str) -> list[am.SuccessCriterion]:
    """The programme success criteria (SPEC.md §4.5), followed to the version's horizon."""
    if programme not in _VERSIONS:
        return []
    return criteria.success_criteria(horizon=_VERSIONS[programme][1])


@am.hookimpl
def prepare_dataset(programme: str, dataset: am.Dataset) -> am.Dataset | None:
    """JobFirst's record rules before an evaluation: events before the draw date and survey
    answers outside their scale removed and counted
    (:func:`activemeasures_jobfirst.checks.clean_dataset` with ``design=False``; the design
    checks compare citizens and are :func:`~activemeasures_jobfirst.checks.check_dataset`'s)."""
    if programme not in _VERSIONS:
        return None
    return checks.clean_dataset(dataset, design=False)
