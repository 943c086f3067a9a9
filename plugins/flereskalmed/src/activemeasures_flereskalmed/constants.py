"""'Flere skal med' constants, each with its source (SPEC.md §12 and the sections cited)."""

import datetime

#: The name the programme is registered under.
PROGRAMME_NAME = "flereskalmed"

#: Visitation groups by code (003, L75, L3987, L4001; SPEC.md §7.1, §11 A-31).
VISITATION_GROUPS: dict[int, str] = {
    1: "intervention",
    2: "rehabilitation",
    3: "uncontactable",
    6: "postponed",
}

#: Reference date of de-duplication rule 2: the start closest to 31 January 2018 wins
#: (003, L3977-3991; SPEC.md §7.2, §11 A-30).
REFERENCE_DATE = datetime.date(2018, 1, 31)

#: Preference order of de-duplication rule 4: group 1, 2, 3, then 6 (003, L4001; SPEC.md §7.2).
GROUP_RANK: dict[int, int] = {1: 0, 2: 1, 3: 2, 6: 3}

#: Funding success criterion: at least 40 % of group 1 in "virksomhedsforløb mv." over a
#: period of 3 months (003, L130-132; SPEC.md §4.7, §11 A-32).
ENTERPRISE_COURSE_SHARE_MIN = 0.40
WINDOW_MONTHS = 3

#: Months since visitation shown in the published monthly figures (003, L2187-2197; A-41).
FOLLOW_UP_MONTHS = 29

#: Eligibility: more than five years' continuous seniority on cash-like benefits; the
#: comparison group has 3-5 years (003, L65, L2055-2057; SPEC.md §2.2, §11 A-24).
MIN_SENIORITY_YEARS = 5
COMPARISON_SENIORITY_YEARS = (3, 5)

#: Fidelity survey scale and rounds (003, L145-150, L1028, L1042-1044; SPEC.md §6.4).
SURVEY_SCALE = (1, 5)
ROUNDS = ("baseline", "midterm", "final")

#: Weekly ordinary-hours goal (SPEC.md §12).
WEEKLY_ORDINARY_HOURS_GOAL = 30

#: A municipality counts as answering "to a high" or "to a very high degree" when its mean
#: staff answer is at least 4 on 1-5 (003, L1577-1583, L1796-1802; SPEC.md §11 A-26,
#: interpretation).
HIGH_ANSWER = 4

#: Core elements KE1-KE6 of group 1 (003, L98-106, L978-1008; SPEC.md §6.4, §12).
CORE_ELEMENTS: tuple[str, ...] = (
    "own_job_goal",
    "personal_job_broker",
    "individual_match",
    "clear_agreements",
    "resource_focus",
    "follow_up_progression",
)

#: The five answer bands of the share questions, scored 1..5 (003, L1481-1483, L1700-1702;
#: SPEC.md §6.4, interpretation).
SHARE_BANDS: tuple[str, ...] = ("0-20 %", "20-40 %", "40-60 %", "60-80 %", "80-100 %")

#: The published fidelity-results regression across municipalities: y = 0.0514 x + 0.5811,
#: R² = 0.0779, N = 71, p < 0.05 (003, L2582-2591; SPEC.md §5.4, §12).
FIDELITY_RESULTS_REGRESSION = {"slope": 0.0514, "intercept": 0.5811, "r2": 0.0779, "n": 71}
