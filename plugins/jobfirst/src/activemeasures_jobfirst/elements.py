"""The nine JobFirst core elements (grundelementer) with their sub-components and indicators.

SPEC.md §6.2 lists them as the two evaluations measured them: the final evaluation (000,
STAR register data, windows of 35 days) and the mid-term evaluation (001, DISCUS reports,
windows of four weeks). :func:`core_elements` builds either version (``preset="final"`` or
``"midterm"``, SPEC.md §11 A-1); the two differ only in their windows and follow-up, never in
the indicator keys, so the rounds can be set side by side (with the caveat of A-1 and A-12:
the definitions and data sources changed between the rounds).

The register indicators read plugin-defined event codes (:data:`EVENT_CODES`) and activity
states; the survey indicators read plugin-defined survey items (:data:`SURVEY_ITEMS`). Their
names are this plugin's convention: the sources name the questions, not codes.

Rating: the programme's rule (HIGH when no sub-component is red, LOW when all are, MEDIUM
otherwise) is **inferred** from the published ratings (SPEC.md §6.1, §11 A-25); GE7 has its
own rule with the override "at least MEDIUM when D > K on any ordinary hours". GE9 has no
published rating (SPEC.md §11 A-10): the level the library computes for it is the library's.
"""

from __future__ import annotations

from types import MappingProxyType

import attrs

from activemeasures import SpellRule, State
from activemeasures.fidelity import (
    Cadence,
    Contrast,
    CoreElement,
    DataSource,
    EventWithin,
    Indicator,
    Passivity,
    RatingRule,
    SpellShare,
    SubComponent,
    SurveyShare,
    Thresholds,
)
from activemeasures_jobfirst.constants import (
    CRITERION_13W,
    CRITERION_13W_STATES,
    FOLLOW_UP_WEEKS,
    PHASE_WEEKS,
    WINDOW_DAYS,
)
from activemeasures_jobfirst.kinds import EventAfterCourse, HoursDuringCourse, StateDuring

__all__ = [
    "ELEMENT_KEYS",
    "EVENT_CODES",
    "GE7_RATING_RULE",
    "MONTH_DAYS",
    "MORE_THAN_HALF",
    "PLAN_UPDATE_DAYS",
    "PRESETS",
    "PROGRESSION_CADENCE_DAYS",
    "SURVEY_ITEMS",
    "VS_CONTROL_THRESHOLDS",
    "Preset",
    "SurveyItem",
    "core_elements",
]


# ============================================================================ constants


@attrs.frozen(kw_only=True)
class Preset:
    """The parameters that differ between the mid-term and the final evaluation.

    Attributes
    ----------
    name : str
        ``"final"`` or ``"midterm"``.
    window_days : int
        Window after the draw date of the "within" indicators (1.2a, 2.1, 2.2, 2.3a, 3.1) and
        the passivity limit of 3.2: 35 days final, four weeks = 28 days mid-term (000,
        L218-220; 001, L405-413; SPEC.md §11 A-1).
    horizon : int
        Weeks of follow-up: 78 final, 44 mid-term (SPEC.md §12).
    criterion_by_week : int
        5.2: the 13-week criterion "within 78 weeks" (000, L518-524) or "within the first 35
        weeks" (001, L616).
    round : str
        The survey round the preset goes with (``round=`` of
        :func:`activemeasures.fidelity.evaluate_fidelity`).
    """

    name: str
    window_days: int
    horizon: int
    criterion_by_week: int
    round: str


#: The two presets, by name (SPEC.md §11 A-1, §12).
PRESETS = MappingProxyType(
    {
        "final": Preset(
            name="final",
            window_days=WINDOW_DAYS["final"],
            horizon=FOLLOW_UP_WEEKS["final"],
            criterion_by_week=78,
            round="final",
        ),
        "midterm": Preset(
            name="midterm",
            window_days=WINDOW_DAYS["midterm"],
            horizon=FOLLOW_UP_WEEKS["midterm"],
            criterion_by_week=35,
            round="midterm",
        ),
    }
)

#: Register event codes (``event`` column of the events table) the indicators read, with
#: what each records. The codes are this plugin's; map the register's own codes to them.
EVENT_CODES = MappingProxyType(
    {
        "conversation": "a job conversation with the citizen (1.2a, 1.2b; 000, L212-222)",
        "job_goal": "a concrete job goal recorded in MinPlan (2.1; 000, L310-314)",
        "cv_update": "the CV filled in or updated on Jobnet (2.2, 8.2; 000, L322-324, L714-720)",
        "progression_tool": "the progression tool MinVurdering used (2.3a, 2.3b; 000, L336-340)",
        "activity_plan": "an activity plan for the sniffing period in MinPlan (3.1; 000, L378)",
        "plan_update": "'MinPlan - for job' made or updated (8.1; 000, L692-732)",
    }
)


@attrs.frozen(kw_only=True)
class SurveyItem:
    """A survey item (``item`` column of the survey table) an indicator reads.

    Attributes
    ----------
    code : str
        The item code (this plugin's convention).
    respondent : {"staff", "citizen"}
    scale : (int, int)
        Lowest and highest answer.
    fulfilled : tuple of int
        Answers that count as fulfilled.
    indicator : str
        Key of the indicator that reads it.
    question : str
        The question, in English, as the sources give it.
    citation : str
    """

    code: str
    respondent: str
    scale: tuple[int, int]
    fulfilled: tuple[int, ...]
    indicator: str
    question: str
    citation: str


_STAFF_1_5 = {"respondent": "staff", "scale": (1, 5), "fulfilled": (3, 4, 5)}
_CITIZEN_YES_NO = {"respondent": "citizen", "scale": (0, 1), "fulfilled": (1,)}

#: Survey items by code. Staff questions are answered on 1-5 (5 = "to a very high degree")
#: and fulfilled by 3, 4 or 5 (000, L585-589; 001, L626; SPEC.md §11 A-26). Citizen yes/no
#: questions are coded 1 = yes, 0 = no (**interpretation**: the sources report "share of
#: citizens confirming"). The job-goal item is on 1-10, answers 2-10 read as a need for
#: adjustment (000, L482-492).
SURVEY_ITEMS = MappingProxyType(
    {
        item.code: item
        for item in (
            SurveyItem(
                code="roles_clear",
                indicator="1.1",
                question="to what degree is the division of roles between coordinating "
                "caseworker, company consultant and mentor clear",
                citation="(000, L198-202; 001, L399)",
                **_STAFF_1_5,
            ),
            SurveyItem(
                code="monthly_meeting_all_three",
                indicator="1.3",
                question="to what degree do all citizens get a monthly meeting with the "
                "coordinating caseworker, company consultant and mentor present",
                citation="(000, L230-238, L268-270; 001, L417)",
                **_STAFF_1_5,
            ),
            SurveyItem(
                code="citizen_at_meetings",
                indicator="1.4",
                question="to what degree does the citizen take part in all meetings (no "
                "professionals meet without the citizen)",
                citation="(000, L244-273; 001, L421-423)",
                **_STAFF_1_5,
            ),
            SurveyItem(
                code="job_goal_adjusted",
                indicator="4.1",
                respondent="citizen",
                scale=(1, 10),
                fulfilled=tuple(range(2, 11)),
                question="how important was the ongoing adjustment of your job goal and "
                "direction (1 'not at all' - 10 'great importance')",
                citation="(000, L482-492; 001, L590)",
            ),
            SurveyItem(
                code="work_agreement",
                indicator="5.1a",
                question="to what degree have you made work agreements between the unemployed "
                "and companies on established enterprise courses",
                citation="(000, L585-589; 001, L626)",
                **_STAFF_1_5,
            ),
            SurveyItem(
                code="work_agreement_confirmed",
                indicator="5.1b",
                question="was a work agreement made for your enterprise course (yes/no)",
                citation="(000, L510; 001, L612)",
                **_CITIZEN_YES_NO,
            ),
            SurveyItem(
                code="contact_person_assigned",
                indicator="6.2",
                question="were you assigned a contact person at the company (yes/no)",
                citation="(000, L582-600; 001, L689)",
                **_CITIZEN_YES_NO,
            ),
            SurveyItem(
                code="met_contact_before_meeting",
                indicator="6.3",
                question="did you talk with the contact person about how the internship was "
                "going before the monthly meeting with your caseworker (yes/no)",
                citation="(000, L604-608; 001, L691)",
                **_CITIZEN_YES_NO,
            ),
            SurveyItem(
                code="hours_combination_realised",
                indicator="7.3",
                question="to what degree has the chance to combine internship and ordinary "
                "hours been realised",
                citation="(001, L152, L747, L770)",
                **_STAFF_1_5,
            ),
        )
    }
)

#: A month in days (365.25 / 12), for "on average one conversation a month" (1.2b; SPEC.md
#: §11 A-47).
MONTH_DAYS = 30.4375
#: "At least once every third month" as at most 91 days between uses (2.3b; 000, L340;
#: SPEC.md §11 A-48).
PROGRESSION_CADENCE_DAYS = 91.0
#: "No later than 5 weeks" after the first 13-week course (8.1, 8.2; 000, L707-720; SPEC.md
#: §12 ``minplan_for_job_update: 35``); the same in both presets (the mid-term states no
#: window, SPEC.md §11 A-12).
PLAN_UPDATE_DAYS = 35
#: 3.3 has no fixed target; "more than half" judged met (001, L522-531; 000, L401-411;
#: SPEC.md §6.1): red below 50 %, green from 50 %.
MORE_THAN_HALF = Thresholds(red_below=0.5, green_from=0.5)
#: 5.2 is judged relative to the control group: "double the share in the control group" (000,
#: L518-524; 001, L616). **Interpretation** for the ratio D / K: red when D is below K (ratio
#: < 1), green from double (ratio >= 2), yellow between.
VS_CONTROL_THRESHOLDS = Thresholds(red_below=1.0, green_from=2.0)
#: GE7: the inferred rule, lifted to at least MEDIUM when D > K on any ordinary hours (the
#: indicator ``7.1-vs-control``): the evaluators rated GE7 MEDIUM in both rounds despite a
#: low absolute share, citing the positive difference to the control group (000, L147-154,
#: L652-660; 001, L384; SPEC.md §6.1, §11 A-25).
GE7_RATING_RULE = RatingRule(floor="medium", floor_if_positive="7.1-vs-control")

#: Element keys in GE order (SPEC.md §12 ``core_elements``).
ELEMENT_KEYS = (
    "clear_roles_from_start",
    "job_goal_sets_course",
    "sniffing_period",
    "try_and_adjust",
    "match_and_work_agreement",
    "intensive_retention_support",
    "internship_with_ordinary_hours",
    "springboard_min_plan_for_job",
    "kickstart_and_duration",
)

#: "Ever in the state": one week suffices.
_EVER = SpellRule(min_weeks=1, max_gap=0)


def _survey(code: str) -> SurveyShare:
    item = SURVEY_ITEMS[code]
    return SurveyShare(item=code, answers=item.fulfilled, respondent=item.respondent)


def _source(code: str) -> DataSource:
    respondent = SURVEY_ITEMS[code].respondent
    return DataSource.STAFF_SURVEY if respondent == "staff" else DataSource.CITIZEN_SURVEY


# ============================================================================ the elements


def _ge1(p: Preset) -> CoreElement:
    return CoreElement(
        key="clear_roles_from_start",
        label="Clear division of roles from the start",
        label_da="Klar rollefordeling fra start",
        number=1,
        citation="(000, L43-57, L188-288; 001, L374, L393-427)",
        description=(
            "A clear split of tasks between coordinating caseworker (KS), company consultant "
            "(VK) and mentor, so the course has a frame and direction from the start (000, "
            "L188-192; 001, L393). Published: MEDIUM in both rounds (three of four "
            "sub-components with high fidelity, citizen participation unclear)."
        ),
        sub_components=[
            SubComponent(
                key="1.1",
                label="Clear role division between KS, VK and mentor",
                citation="(000, L198-202; 001, L191, L399)",
                indicators=[
                    Indicator(
                        key="1.1",
                        label="Staff rating the role division clear (3-5 on 1-5)",
                        kind=_survey("roles_clear"),
                        source=_source("roles_clear"),
                        citation="(001, L191, L399; 000, L198-202, L259-261)",
                        description=(
                            "Share of staff answering 3, 4 or 5 on 1-5 to item 'roles_clear' "
                            "(SPEC.md §11 A-26). Mid-term 84 %; the final evaluation gives no "
                            "number, only 'generally high or very high' (SPEC.md §11 A-56)."
                        ),
                    )
                ],
            ),
            SubComponent(
                key="1.2",
                label="Conversation cadence",
                citation="(000, L212-222; 001, L405-413)",
                indicators=[
                    Indicator(
                        key="1.2a",
                        label=f"First conversation within {p.window_days} days of the draw",
                        kind=EventWithin(event="conversation", days=p.window_days),
                        citation="(000, L218-220, L262; 001, L405-413)",
                        description=(
                            "Share of participants with a 'conversation' event 0 to "
                            f"{p.window_days} days after the draw date (final 35 days, "
                            "mid-term four weeks = 28 days; 'within' = at most N days, SPEC.md "
                            "§11 A-1). Citizens drawn less than N days before the cut-off "
                            "are left out."
                        ),
                    ),
                    Indicator(
                        key="1.2b",
                        label="On average at least one conversation a month",
                        kind=Cadence(
                            event="conversation",
                            every_days=MONTH_DAYS,
                            mode="rate",
                            enrolment_days=7 * p.horizon,
                        ),
                        citation="(000, L220-222, L264-266; 001, L407-413, L441)",
                        description=(
                            "Share of participants with conversations / months enrolled >= 1 "
                            "(SPEC.md §11 A-47), a month being 30.4375 days. **Interpretation** "
                            f"of 'in the programme': from the draw to {p.horizon} weeks after "
                            "it or the cut-off, whichever is earlier (the register holds no "
                            "exit date); citizens enrolled under a month are left out."
                        ),
                    ),
                ],
            ),
            SubComponent(
                key="1.3",
                label="Relevant professionals attend the monthly meetings",
                citation="(000, L230-238, L268-270; 001, L417)",
                indicators=[
                    Indicator(
                        key="1.3",
                        label="Staff: monthly meetings with KS, VK and mentor (3-5 on 1-5)",
                        kind=_survey("monthly_meeting_all_three"),
                        source=_source("monthly_meeting_all_three"),
                        citation="(000, L230-238, L268-270; 001, L417)",
                        description=(
                            "Share of staff answering 3-5 that all citizens get a monthly "
                            "meeting with KS, VK and mentor present. The sources name the "
                            "meeting once as citizen, mentor and VK (000, L212-216) and once "
                            "as KS, VK and mentor (000, L230-232): the indicator requires KS, "
                            "VK and mentor; the citizen's presence is 1.4 (SPEC.md §11 A-50)."
                        ),
                    )
                ],
            ),
            SubComponent(
                key="1.4",
                label="The citizen takes part in all meetings",
                citation="(000, L244-273; 001, L421-423)",
                indicators=[
                    Indicator(
                        key="1.4",
                        label="Staff: the citizen takes part in all meetings (3-5 on 1-5)",
                        kind=_survey("citizen_at_meetings"),
                        source=_source("citizen_at_meetings"),
                        citation="(000, L244-273; 001, L421-423)",
                        description=(
                            "Share of staff answering 3-5 that professionals never meet "
                            "without the citizen. Both evaluations call the result unclear "
                            "(uncertainty over which meetings count, e.g. formal ones only) "
                            "and give no number; the published MEDIUM ratings imply it was "
                            "not judged implemented as intended."
                        ),
                    )
                ],
            ),
        ],
    )


def _ge2(p: Preset) -> CoreElement:
    return CoreElement(
        key="job_goal_sets_course",
        label="The citizen's job goal sets the course",
        label_da="Borgerens jobmål sætter kursen",
        number=2,
        citation="(000, L59-73, L296-352; 001, L375, L453-480)",
        description=(
            "Each citizen's job goals, experience and abilities are made concrete and visible: "
            "a CV, the progression tool MinVurdering and concrete job goals in MinPlan (000, "
            "L296-304; 001, L453). Published: MEDIUM in both rounds (MinPlan high, CV largely "
            "high, MinVurdering low)."
        ),
        sub_components=[
            SubComponent(
                key="2.1",
                label="Concrete job goal in MinPlan",
                citation="(000, L310-314; 001, L457-462)",
                indicators=[
                    Indicator(
                        key="2.1",
                        label=f"Job goal recorded within {p.window_days} days of the draw",
                        kind=EventWithin(event="job_goal", days=p.window_days),
                        citation="(000, L310-314; 001, L195, L457-462)",
                        description=(
                            f"Share of participants with a 'job_goal' event 0 to "
                            f"{p.window_days} days after the draw date (SPEC.md §11 A-1)."
                        ),
                    )
                ],
            ),
            SubComponent(
                key="2.2",
                label="CV filled in or updated",
                citation="(000, L322-324; 001, L466)",
                indicators=[
                    Indicator(
                        key="2.2",
                        label=f"CV updated within {p.window_days} days of the draw",
                        kind=EventWithin(event="cv_update", days=p.window_days),
                        citation="(000, L322-324; 001, L197, L466)",
                        description=(
                            f"Share of participants with a 'cv_update' event 0 to "
                            f"{p.window_days} days after the draw date (SPEC.md §11 A-1)."
                        ),
                    )
                ],
            ),
            SubComponent(
                key="2.3",
                label="The progression tool MinVurdering is used",
                citation="(000, L336-340; 001, L470-476)",
                indicators=[
                    Indicator(
                        key="2.3a",
                        label=f"MinVurdering taken into use within {p.window_days} days",
                        kind=EventWithin(event="progression_tool", days=p.window_days),
                        citation="(000, L336-338; 001, L199, L476)",
                        description=(
                            "Share of participants with a 'progression_tool' event 0 to "
                            f"{p.window_days} days after the draw date. The mid-term 61 % "
                            "(infographic) is this indicator, 55 % is 2.3b (SPEC.md §11 A-14)."
                        ),
                    ),
                    Indicator(
                        key="2.3b",
                        label="MinVurdering used at least every third month",
                        kind=Cadence(
                            event="progression_tool",
                            every_days=PROGRESSION_CADENCE_DAYS,
                            mode="max_gap",
                            enrolment_days=7 * p.horizon,
                        ),
                        citation="(000, L338-340; 001, L157, L470-476)",
                        description=(
                            "Share of participants with no interval over 91 days between "
                            "the draw and the first use, between uses, or from the last use "
                            "to the end of enrolment (SPEC.md §11 A-48); enrolment as in 1.2b."
                        ),
                    ),
                ],
            ),
        ],
    )


def _ge3(p: Preset) -> CoreElement:
    return CoreElement(
        key="sniffing_period",
        label="The sniffing (exploration) period",
        label_da="Snuseperioden",
        number=3,
        citation="(000, L75-89, L360-429, L476-480; 001, L376, L505-555)",
        description=(
            "The citizen gets out quickly to meet several workplaces and try different "
            "functions to find the right company match, with an activity plan for the "
            "sniffing period in MinPlan (000, L360-372; 001, L505). Published: HIGH in both "
            "rounds."
        ),
        sub_components=[
            SubComponent(
                key="3.1",
                label="Activity plan in MinPlan",
                citation="(000, L378-383; 001, L509-514)",
                indicators=[
                    Indicator(
                        key="3.1",
                        label=f"Activity plan within {p.window_days} days of the draw",
                        kind=EventWithin(event="activity_plan", days=p.window_days),
                        citation="(000, L378-383; 001, L509-514)",
                        description=(
                            "Share of participants with an 'activity_plan' event 0 to "
                            f"{p.window_days} days after the draw date. Whether the plan was "
                            "made together with the citizen cannot be measured."
                        ),
                    )
                ],
            ),
            SubComponent(
                key="3.2",
                label="Continuity: little passivity between sniffing activities",
                citation="(000, L389-395, L476-478; 001, L518, L529)",
                indicators=[
                    Indicator(
                        key="3.2",
                        label=f"Passivity between sniffing activities under {p.window_days} days",
                        kind=Passivity(activity="SNIFFING", max_days=p.window_days),
                        citation="(000, L389-395, L476-478; 001, L518, L529)",
                        description=(
                            "Share of participants whose longest passive stretch between "
                            f"SNIFFING activities is strictly under {p.window_days} days "
                            "(SPEC.md §11 A-1); citizens with fewer than two sniffing "
                            "activities are left out (SPEC.md §11 A-49)."
                        ),
                    )
                ],
            ),
            SubComponent(
                key="3.3",
                label="Citizens get into sniffing activities when needed",
                citation="(000, L401-419; 001, L203-205, L522-531, L555)",
                indicators=[
                    Indicator(
                        key="3.3",
                        label="Ever in sniffing activities",
                        kind=SpellShare(rule=_EVER, states=State.SNIFFING, horizon=p.horizon),
                        thresholds=MORE_THAN_HALF,
                        citation="(000, L401-419; 001, L203-205, L522-531, L555)",
                        description=(
                            "Share of participants with at least one week in SNIFFING within "
                            f"their observed weeks (at most {p.horizon}). No fixed target: the "
                            "model uses sniffing 'as needed' but expects the large majority; "
                            "judged met above one half (SPEC.md §6.1), so red below 50 % and "
                            "green from 50 %. The register cannot show planned long courses "
                            "broken off early and recorded as sniffing (000, L413-419, L480)."
                        ),
                    )
                ],
            ),
        ],
    )


def _ge4(p: Preset) -> CoreElement:
    return CoreElement(
        key="try_and_adjust",
        label="We try things out and adjust continuously",
        label_da="Vi prøver os frem og justerer løbende",
        number=4,
        citation="(000, L91-103, L439-492; 001, L377, L576-598)",
        description=(
            "The citizen's job goal and course are adjusted when needed, so the course keeps "
            "heading for the right match; goals may change already in the sniffing period "
            "(000, L439-447; 001, L576). Published: HIGH in both rounds."
        ),
        sub_components=[
            SubComponent(
                key="4.1",
                label="Job goal and direction adjusted when needed",
                citation="(000, L455, L482-492; 001, L580-590)",
                indicators=[
                    Indicator(
                        key="4.1",
                        label="Citizens reporting an adjustment (2-10 on 1-10)",
                        kind=_survey("job_goal_adjusted"),
                        source=DataSource.CITIZEN_SURVEY,
                        citation="(000, L455, L482-492; 001, L211, L580, L586, L590)",
                        description=(
                            "Share of citizen answers 2-10 on the 1-10 item 'importance of the "
                            "ongoing adjustment of job goal and direction' (1 'not at all'); "
                            "an answer above 1 is read as a need for adjustment (000, "
                            "L482-492). Mid-term 80 % (text; the infographic says 78 %, SPEC.md "
                            "§11 A-15)."
                        ),
                    )
                ],
            ),
        ],
    )


def _ge5(p: Preset) -> CoreElement:
    criterion = {"rule": CRITERION_13W, "states": CRITERION_13W_STATES, "horizon": p.horizon}
    same = SpellShare(by_week=p.criterion_by_week, same_workplace=True, **criterion)
    anywhere = SpellShare(by_week=p.criterion_by_week, same_workplace=False, **criterion)
    within = f"within {p.criterion_by_week} weeks"
    return CoreElement(
        key="match_and_work_agreement",
        label="Match and work agreement",
        label_da="Match og arbejdsaftale",
        number=5,
        citation="(000, L105-119, L497-540, L585-597; 001, L382, L608-632)",
        description=(
            "Based on the sniffing experience the citizen is matched with a company and starts "
            "a 13-week enterprise course; a work agreement sets tasks, hours and goals, and a "
            "company contact person follows the progress (000, L497-502; 001, L608). "
            "Published: HIGH in both rounds."
        ),
        sub_components=[
            SubComponent(
                key="5.1",
                label="Work agreement established",
                citation="(000, L508-512, L585-589; 001, L612, L626)",
                indicators=[
                    Indicator(
                        key="5.1a",
                        label="Staff: work agreements made (3-5 on 1-5)",
                        kind=_survey("work_agreement"),
                        source=DataSource.STAFF_SURVEY,
                        citation="(000, L508-512, L585-589; 001, L612, L626)",
                        description=(
                            "Share of staff answering 3, 4 or 5 to 'to what degree have you "
                            "made work agreements between the unemployed and companies on "
                            "established enterprise courses'; red under 75 % (000, L585-589)."
                        ),
                    ),
                    Indicator(
                        key="5.1b",
                        label="Citizens confirming a work agreement",
                        kind=_survey("work_agreement_confirmed"),
                        source=DataSource.CITIZEN_SURVEY,
                        citation="(000, L510; 001, L612; 002, L1392)",
                        description=(
                            "Share of citizen answers 'yes' (1) to 'was a work agreement "
                            "made'; 89-100 % across municipalities (002, L1392)."
                        ),
                    ),
                ],
            ),
            SubComponent(
                key="5.2",
                label="Citizens move on into 13-week enterprise courses",
                citation="(000, L518-528, L595-597; 001, L616, L624)",
                indicators=[
                    Indicator(
                        key="5.2",
                        label=f"13-week criterion at one workplace {within}",
                        kind=same,
                        rated=False,
                        citation="(000, L526-528, L595-597, L648; 001, L616)",
                        description=(
                            "Share of participants meeting the 13-week criterion (13 counted "
                            "weeks of internship, wage subsidy or ordinary hours, gaps of up "
                            "to 4 weeks tolerated and not counted; SPEC.md §4.3) at one "
                            f"workplace {within} of the draw, among those observed that long "
                            "(final: 2,000 of 2,406 followable for 78 weeks, 000, L591). "
                            "Faithful implementation needs the same workplace (000, L595-597; "
                            "SPEC.md §11 A-4, A-5). No fixed target: judged against the "
                            "control group (5.2-vs-control), so not rated."
                        ),
                    ),
                    Indicator(
                        key="5.2-any",
                        label=f"13-week criterion at any workplace {within}",
                        kind=anywhere,
                        rated=False,
                        citation="(000, L518-524; 001, L616)",
                        description=(
                            "As 5.2 without the same-workplace condition: the version the "
                            "evaluations compare with the control group (000, L595-597)."
                        ),
                    ),
                    Indicator(
                        key="5.2-vs-control",
                        label="13-week criterion, participants / controls",
                        kind=Contrast(of=anywhere, ratio=True),
                        thresholds=VS_CONTROL_THRESHOLDS,
                        citation="(000, L518-524; 001, L616)",
                        description=(
                            "Ratio of the 5.2-any shares of participants (D) and controls (K). "
                            "Both evaluations find D 'double' K and judge 5.2 met. "
                            "**Interpretation** of that judgement: red when D < K (ratio < 1), "
                            "green from double (ratio >= 2), yellow between."
                        ),
                    ),
                ],
            ),
        ],
    )


def _ge6(p: Preset) -> CoreElement:
    return CoreElement(
        key="intensive_retention_support",
        label="Intensive retention support",
        label_da="Intensiv fastholdelsesstøtte",
        number=6,
        citation="(000, L121-135, L548-628; 001, L383, L673-695)",
        description=(
            "Close follow-up continues once the enterprise course starts: mentor support "
            "during the course and a company contact person who discusses progress with the "
            "citizen monthly and feeds it into the monthly follow-up meeting (000, L548-558; "
            "001, L673-675). Published: MEDIUM in both rounds."
        ),
        sub_components=[
            SubComponent(
                key="6.1",
                label="Mentor support during the enterprise course",
                citation="(000, L564-570; 001, L679-685)",
                indicators=[
                    Indicator(
                        key="6.1",
                        label="Citizens in an enterprise course with a mentor",
                        kind=StateDuring(horizon=p.horizon),
                        citation="(000, L564-570; 001, L225, L679-685)",
                        description=(
                            "Share of participants with a week in internship or wage subsidy "
                            "(an enterprise course) who are in MENTOR in at least one of those "
                            f"weeks, within their observed weeks (at most {p.horizon}). "
                            "**Interpretation**: the sources say only 'share of citizens in an "
                            "enterprise course with a mentor'; sniffing weeks are not course "
                            "weeks."
                        ),
                    )
                ],
            ),
            SubComponent(
                key="6.2",
                label="Company contact person assigned",
                citation="(000, L582-600; 001, L689)",
                indicators=[
                    Indicator(
                        key="6.2",
                        label="Citizens confirming a company contact person",
                        kind=_survey("contact_person_assigned"),
                        source=DataSource.CITIZEN_SURVEY,
                        citation="(000, L582-600; 001, L227, L689)",
                        description="Share of citizen answers 'yes' (1).",
                    )
                ],
            ),
            SubComponent(
                key="6.3",
                label="Contact person met before the monthly meeting",
                citation="(000, L604-608; 001, L691)",
                indicators=[
                    Indicator(
                        key="6.3",
                        label="Citizens who met the contact person before the monthly meeting",
                        kind=_survey("met_contact_before_meeting"),
                        source=DataSource.CITIZEN_SURVEY,
                        citation="(000, L604-608; 001, L691)",
                        description=(
                            "Share of citizen answers 'yes' (1) to having talked with the "
                            "company contact person about the internship before the monthly "
                            "meeting with the coordinating caseworker. Probably happens ad hoc "
                            "rather than in formal meetings (001, L691)."
                        ),
                    )
                ],
            ),
        ],
    )


def _ge7(p: Preset) -> CoreElement:
    any_hours = SpellShare(rule=_EVER, states=State.ORDINARY_HOURS, horizon=p.horizon)
    return CoreElement(
        key="internship_with_ordinary_hours",
        label="Internship combined with ordinary hours",
        label_da="Praktik kombineret med ordinære timer",
        number=7,
        rating_rule=GE7_RATING_RULE,
        citation="(000, L137-154, L636-684; 001, L384, L723-770)",
        description=(
            "Where appropriate, internship work is combined with ordinary paid hours at the "
            "same workplace, so the citizen is part of the ordinary labour market during "
            "JobFirst (000, L636-642; 001, L723). Published: MEDIUM in both rounds although "
            "the share is low, because participants got more ordinary hours than the control "
            "group: the element's own rule lifts the rating to at least MEDIUM when "
            "7.1-vs-control is positive (SPEC.md §6.1, §11 A-25)."
        ),
        sub_components=[
            SubComponent(
                key="7.1",
                label="Ordinary hours as part of the 13-week course",
                citation="(000, L147-149, L648-672; 001, L384, L727-743)",
                indicators=[
                    Indicator(
                        key="7.1",
                        label="Same-workplace completers with ordinary hours in the course",
                        kind=HoursDuringCourse(horizon=p.horizon),
                        citation="(000, L147-149, L648-672, L676; 001, L384, L727-737)",
                        description=(
                            "Denominator: participants who completed 13 weeks at one "
                            "workplace (the 13-week criterion, SPEC.md §4.3, §11 A-4) within "
                            f"their observed weeks (at most {p.horizon}); numerator: those "
                            "with ordinary paid hours at that workplace in a week of that "
                            "course (from its first week to the week the 13th week is "
                            "reached). Final 544 / 1,430 = 38 % (the 1,430 are same-workplace "
                            "completers, SPEC.md §11 A-55); mid-term 115 / 540 = 21 % (SPEC.md "
                            "§11 A-13)."
                        ),
                    ),
                    Indicator(
                        key="7.1-vs-control",
                        label="Any ordinary hours, participants − controls",
                        kind=Contrast(of=any_hours),
                        rated=False,
                        citation="(000, L147-154, L652-660; 001, L123, L349, L384)",
                        description=(
                            "Difference D − K in the share with any ordinary paid hours within "
                            f"the observed weeks (at most {p.horizon}). Not rated itself; a "
                            "positive value lifts GE7 to at least MEDIUM (SPEC.md §6.1, §11 "
                            "A-25). The evaluations report D above K (final, 000, L652-660; "
                            "mid-term 12 % vs 7 % in week 35, 001, L123, L349)."
                        ),
                    ),
                ],
            ),
            SubComponent(
                key="7.2",
                label="Participants with ordinary hours",
                citation="(001, L229-233)",
                indicators=[
                    Indicator(
                        key="7.2",
                        label="Participants who had ordinary hours",
                        kind=any_hours,
                        rated=False,
                        citation="(001, L229-233)",
                        description=(
                            "Share (and, in the numerator, number) of participants with any "
                            f"ordinary paid hours within their observed weeks (at most "
                            f"{p.horizon}). The mid-term infographic gives the number, 292 "
                            "(1 March - 31 December 2016); no target."
                        ),
                    )
                ],
            ),
            SubComponent(
                key="7.3",
                label="Staff: the combination of internship and hours realised",
                citation="(001, L152, L747, L770)",
                indicators=[
                    Indicator(
                        key="7.3",
                        label="Staff: combining internship and ordinary hours realised (3-5)",
                        kind=_survey("hours_combination_realised"),
                        source=DataSource.STAFF_SURVEY,
                        citation="(001, L152, L747, L770)",
                        description=(
                            "Share of staff answering 3-5 that the chance to combine "
                            "internship and ordinary hours has been realised; low in several "
                            "municipalities at mid-term and positively related to actual "
                            "use of ordinary hours (001, L152, L770). Not in the final "
                            "evaluation."
                        ),
                    )
                ],
            ),
        ],
    )


def _ge8(p: Preset) -> CoreElement:
    course = {"days": PLAN_UPDATE_DAYS, "horizon": p.horizon}
    return CoreElement(
        key="springboard_min_plan_for_job",
        label="JobFirst is the springboard for 'MyPlan – for job'",
        label_da="JobFirst er afsæt for 'MinPlan – for job'",
        number=8,
        citation="(000, L156-174, L692-762, L829-833; 001, L385, L758-788)",
        description=(
            "After the first 13 weeks in an enterprise course, 'MinPlan - for job' (a "
            "six-month plan) is made with an adjusted job goal, and the CV is updated with the "
            "new work experience (000, L692-706; 001, L758). Published: HIGH (mid-term), "
            "MEDIUM (final)."
        ),
        sub_components=[
            SubComponent(
                key="8.1",
                label="'MinPlan - for job' after the first 13-week course",
                citation="(000, L707-732, L829-833; 001, L762-772)",
                indicators=[
                    Indicator(
                        key="8.1",
                        label="Plan updated within 5 weeks after the first 13-week course",
                        kind=EventAfterCourse(event="plan_update", **course),
                        citation="(000, L707-732, L829-833; 001, L242, L762-772)",
                        description=(
                            "Denominator: participants who completed a 13-week course at one "
                            "workplace (the first such course, SPEC.md §4.3, §11 A-5); "
                            "numerator: those with a 'plan_update' event from the first day of "
                            "the week the course is completed to 35 days after that week "
                            "(**interpretation** of 'no later than 5 weeks after'; 000, "
                            "L707-720). The mid-term (DISCUS) states no window; the same "
                            "35 days are used (SPEC.md §11 A-12)."
                        ),
                    )
                ],
            ),
            SubComponent(
                key="8.2",
                label="CV updated after the first 13-week course",
                citation="(000, L714-720, L738-742; 001, L776-782)",
                indicators=[
                    Indicator(
                        key="8.2",
                        label="CV updated within 5 weeks after the first 13-week course",
                        kind=EventAfterCourse(event="cv_update", **course),
                        citation="(000, L714-720, L738-742; 001, L776-782)",
                        description=(
                            "As 8.1 with 'cv_update' events. Mid-term 100 % (DISCUS) vs final "
                            "8 % (STAR register, 'no later than 5 weeks'): different sources "
                            "and definitions, not a time series (SPEC.md §11 A-12)."
                        ),
                    )
                ],
            ),
            SubComponent(
                key="8.3",
                label="Action plans keep the company-directed effort going (documents)",
                citation="(001, L385, L788)",
                description=(
                    "Qualitative, mid-term only: the municipalities had action plans to keep "
                    "the company-directed effort going without gaps (001, L788). Judged from "
                    "documents, not measurable in register or survey data: no indicator."
                ),
            ),
        ],
    )


def _ge9(p: Preset) -> CoreElement:
    by_26 = PHASE_WEEKS["phase12_deadline"]
    criterion = {"rule": CRITERION_13W, "states": CRITERION_13W_STATES, "horizon": p.horizon}
    return CoreElement(
        key="kickstart_and_duration",
        label="Kickstart and duration",
        label_da="Kickstart og varighed",
        number=9,
        citation="(000, L770-866; 001, L808-836)",
        description=(
            "The course runs in three phases: sniffing (13 weeks), enterprise course (13 "
            "weeks), continued enterprise-directed effort until exit (000, L770-788; 001, "
            "L808). Neither evaluation rates this element (SPEC.md §11 A-10): any level the "
            "library reports for it is the library's, from the inferred rule."
        ),
        sub_components=[
            SubComponent(
                key="9.1",
                label="Phases 1 and 2 completed within 26 weeks",
                citation="(000, L816-822, L864-866; 001, L818, L826, L832)",
                indicators=[
                    Indicator(
                        key="9.1",
                        label="13-week criterion at one workplace by week 26",
                        kind=SpellShare(by_week=by_26, same_workplace=True, **criterion),
                        citation="(000, L816-822, L864-866; 001, L826; SPEC.md §8)",
                        description=(
                            "Share of participants meeting the 13-week criterion at one "
                            "workplace by week 26 after the draw, among those observed 26 "
                            "weeks (**interpretation** of 'phases 1 and 2 within 26 weeks', "
                            "SPEC.md §8, §11 A-11). Published 'about one fifth' in both rounds."
                        ),
                    ),
                    Indicator(
                        key="9.1-any",
                        label="13-week criterion at any workplace by week 26",
                        kind=SpellShare(by_week=by_26, same_workplace=False, **criterion),
                        rated=False,
                        citation="(000, L816-818; 001, L818, L832)",
                        description=(
                            "As 9.1 at any workplace: 'just under one in three had completed "
                            "a 13-week course after 26 weeks' (SPEC.md §11 A-11). No target."
                        ),
                    ),
                ],
            ),
            SubComponent(
                key="9.2",
                label="Phase 1 kick-started (proxied by GE3)",
                citation="(000, L794-800; 001, L812)",
                description=(
                    "The evaluations judge phase 1 by the GE3 indicators 3.1-3.3; repeating "
                    "them here would count them twice, so the sub-component has no indicator."
                ),
            ),
            SubComponent(
                key="9.3",
                label="Phase 2 enterprise course (proxied by GE6 and GE7)",
                citation="(000, L812-814; 001, L816)",
                description="Judged by GE6 and GE7 (6.1-6.3, 7.1); no indicator of its own.",
            ),
            SubComponent(
                key="9.4",
                label="Phase 3 continued effort (proxied by GE8)",
                citation="(000, L850-858; 001, L822)",
                description="Judged by GE8 (8.1, 8.2); no indicator of its own.",
            ),
        ],
    )


_BUILDERS = (_ge1, _ge2, _ge3, _ge4, _ge5, _ge6, _ge7, _ge8, _ge9)


def core_elements(preset: str = "final") -> list[CoreElement]:
    """The nine JobFirst core elements GE1-GE9 with sub-components and indicators.

    Parameters
    ----------
    preset : {"final", "midterm"}, default "final"
        Which evaluation's definitions (:data:`PRESETS`): windows of 35 days and 78 weeks of
        follow-up (final, 000) or four weeks (28 days) and 44 weeks (mid-term, 001); SPEC.md
        §11 A-1, §12.

    Returns
    -------
    list of CoreElement
        GE1 ... GE9 in order (keys :data:`ELEMENT_KEYS`). Indicator keys are the SPEC.md §6.2
        IDs (``"1.2a"``, ``"7.1"`` ...); extra indicators carry a suffix: ``5.2-any``,
        ``5.2-vs-control``, ``7.1-vs-control``, ``9.1-any``. Sub-components 8.3 and 9.2-9.4
        have no indicator (qualitative, or proxies of other elements).

    Raises
    ------
    ValueError
        For an unknown preset.

    Notes
    -----
    Fidelity is measured on the participants (arm ``treatment``, SPEC.md §6.1); the
    ``Contrast`` indicators compare them with the controls. Register shares are pooled
    nationally (SPEC.md §6.1). Survey indicators read the answers of the round passed to
    :func:`activemeasures.fidelity.evaluate_fidelity` (``PRESETS[preset].round``).

    Examples
    --------
    >>> from activemeasures_jobfirst.elements import core_elements
    >>> elements = core_elements("midterm")
    >>> [e.number for e in elements]
    [1, 2, 3, 4, 5, 6, 7, 8, 9]
    >>> [i.key for i in elements[0].indicators]
    ['1.1', '1.2a', '1.2b', '1.3', '1.4']
    >>> elements[0].indicators[1].kind.days
    28
    """
    try:
        chosen = PRESETS[preset]
    except (KeyError, TypeError):
        raise ValueError(
            f"preset must be one of {', '.join(map(repr, PRESETS))}, got {preset!r}"
        ) from None
    return [build(chosen) for build in _BUILDERS]
