"""The JobFirst programme for activemeasures.

JobFirst was a randomised controlled trial in 15 Danish municipalities (001, L63): citizens
were drawn to a participant group (D) or a control group (K) within each municipality, and the
participants went straight into company internships, wage subsidy and ordinary paid hours.

This distribution registers under the ``activemeasures`` entry-point group as ``jobfirst``.
"""

import activemeasures as am
from activemeasures_jobfirst.constants import (
    CRITERION_13W,
    CRITERION_13W_STATES,
    PROGRAMME_NAME,
)

__all__ = [
    "CRITERION_13W",
    "CRITERION_13W_STATES",
    "PROGRAMME_NAME",
    "register_programmes",
]


@am.hookimpl
def register_programmes() -> list[am.Programme]:
    """Declare JobFirst: a trial randomising citizens to participants (D) and controls (K)
    within each of 15 municipalities (001, L63; 004, L47-53); fidelity is measured on the
    participants (SPEC.md §6.1), graded red under 75 % and green from 90 % (SPEC.md §11 A-21).
    """
    return [
        am.Programme(
            name=PROGRAMME_NAME,
            label="JobFirst",
            label_da="JobFirst",
            design="randomised",
            arms=("treatment", "control"),
            participants=am.Population(arms=("treatment",)),
            thresholds=am.Thresholds(red_below=0.75, green_from=0.90),
            citation="(004, L7, L47-53; 001, L63)",
            description=(
                "Long-term unemployed citizens sent straight into company internships, wage "
                "subsidy and ordinary paid hours; randomised within municipalities."
            ),
        )
    ]
