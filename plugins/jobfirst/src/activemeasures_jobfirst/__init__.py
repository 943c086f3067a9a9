"""The JobFirst programme for activemeasures.

JobFirst was a randomised controlled trial in 15 Danish municipalities (001, L63): citizens
were drawn to a participant group (D) or a control group (K) within each municipality, and the
participants went straight into company internships, wage subsidy and ordinary paid hours.

This distribution registers under the ``activemeasures`` entry-point group as ``jobfirst``.
"""

import activemeasures as am
from activemeasures import SpellRule, State

__all__ = [
    "CRITERION_13W",
    "CRITERION_13W_STATES",
    "PROGRAMME_NAME",
    "register_programmes",
]

#: The name the programme is registered under.
PROGRAMME_NAME = "jobfirst"

#: "13 weeks of continuous enterprise-directed activity": 13 counted weeks, gaps of up to four
#: weeks tolerated but not counted (001, L319-326; 000, L518-524; SPEC.md §4.3, §11 A-2, A-3).
CRITERION_13W = SpellRule(min_weeks=13, max_gap=4, count_gap_weeks=False)

#: Weeks that count: internship, wage subsidy or any ordinary hours (001, L319-326). Sniffing
#: internships are registered as internships and count (000, L480; SPEC.md §11 A-6).
CRITERION_13W_STATES = State.INTERNSHIP | State.WAGE_SUBSIDY | State.ORDINARY_HOURS


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
