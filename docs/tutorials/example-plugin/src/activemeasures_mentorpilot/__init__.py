"""Mentor First: an example pilot programme for activemeasures.

A (made-up) randomised pilot: participants get a mentor and a first conversation within two
weeks, then go into enterprise-directed activity. This module is the complete plugin of the
tutorial "Write a plugin for a new pilot".
"""

import activemeasures as am
from activemeasures.fidelity import kinds
from activemeasures.outcomes import MeanHours, ShareInState

PROGRAMME = "mentorpilot"

#: Eight weeks of enterprise-directed activity, gaps of up to two weeks tolerated.
EIGHT_WEEKS = am.SpellRule(min_weeks=8, max_gap=2)


@am.hookimpl
def register_programmes():
    return [
        am.Programme(
            name=PROGRAMME,
            label="Mentor First",
            design="randomised",
            participants=am.Population(arms=("treatment",)),
            thresholds=am.Thresholds(red_below=0.70, green_from=0.85),
            citation="Mentor First project description, section 2",
        )
    ]


@am.hookimpl
def register_core_elements(programme):
    if programme != PROGRAMME:
        return []
    early_contact = am.CoreElement(
        key="early_contact",
        label="Early contact",
        number=1,
        sub_components=[
            am.SubComponent(
                key="1.1",
                label="First conversation within two weeks",
                indicators=[
                    am.Indicator(
                        key="1.1a",
                        label="Conversation within 14 days of the draw",
                        kind=kinds.EventWithin(event="conversation", days=14),
                        source="register",
                        citation="project description, section 3.1",
                    )
                ],
            ),
            am.SubComponent(
                key="1.2",
                label="A mentor from the start",
                indicators=[
                    am.Indicator(
                        key="1.2a",
                        label="Mentor assigned within 28 days",
                        kind=kinds.EventWithin(event="mentor_assigned", days=28),
                        citation="project description, section 3.2",
                    )
                ],
            ),
        ],
    )
    enterprise = am.CoreElement(
        key="enterprise_focus",
        label="Enterprise focus",
        number=2,
        sub_components=[
            am.SubComponent(
                key="2.1",
                label="Into enterprise-directed activity",
                indicators=[
                    am.Indicator(
                        key="2.1a",
                        label="Eight weeks of enterprise-directed activity by week 26",
                        kind=kinds.SpellShare(rule=EIGHT_WEEKS, by_week=26, horizon=52),
                        rated=False,  # no fixed target: reported, not graded
                        citation="project description, section 4",
                    )
                ],
            ),
            am.SubComponent(
                key="2.2",
                label="Plans are job-directed",
                indicators=[
                    am.Indicator(
                        key="2.2a",
                        label="Staff answering 3-5: plans are directed at a job",
                        kind=kinds.SurveyShare(item="plan_job_directed", answers=(3, 4, 5)),
                        source="staff survey",
                        citation="staff survey, question 7",
                    )
                ],
            ),
        ],
    )
    return [early_contact, enterprise]


@am.hookimpl
def register_success_criteria(programme):
    if programme != PROGRAMME:
        return []
    return [
        am.SuccessCriterion(
            key="eight_weeks",
            label="Half the participants reach eight weeks by week 26",
            kind=kinds.SpellShare(rule=EIGHT_WEEKS, by_week=26, horizon=52),
            target=0.5,
            citation="project description, section 5",
        )
    ]


@am.hookimpl
def register_outcomes(programme):
    if programme != PROGRAMME:
        return []
    return [ShareInState(am.State.INTERNSHIP), MeanHours()]
