"""JobFirst constants, each with its source (SPEC.md §12 and the sections cited).

Kept in one module so every part of the plugin (and a user) reads the same numbers.
"""

from activemeasures import SpellRule, State

#: The name the programme is registered under.
PROGRAMME_NAME = "jobfirst"

#: "13 weeks of continuous enterprise-directed activity": 13 counted weeks, gaps of up to four
#: weeks tolerated but not counted (001, L319-326; 000, L518-524; SPEC.md §4.3, §11 A-2, A-3).
CRITERION_13W = SpellRule(min_weeks=13, max_gap=4, count_gap_weeks=False)

#: Weeks that count: internship, wage subsidy or any ordinary hours (001, L319-326). Sniffing
#: internships are registered as internships and count (000, L480; SPEC.md §11 A-6).
CRITERION_13W_STATES = State.INTERNSHIP | State.WAGE_SUBSIDY | State.ORDINARY_HOURS

#: The 13-week criterion at the same workplace: the fidelity version of GE5 5.2 and GE7
#: (000, L526-528, L595-597; SPEC.md §11 A-4, A-5).
CRITERION_13W_SAME_WORKPLACE = True

#: Follow-up horizons in weeks since visitation: mid-term and final evaluation (SPEC.md §12).
FOLLOW_UP_WEEKS = {"midterm": 44, "final": 78}

#: Fidelity windows in days after the draw: 28 at mid-term ("four weeks"), 35 in the final
#: evaluation (000, L218-220; 001, L405-413; SPEC.md §11 A-1).
WINDOW_DAYS = {"midterm": 28, "final": 35}

#: Phase lengths: sniffing 13 weeks, enterprise course 13 weeks, phases 1 + 2 by week 26
#: (000, L770-788; 001, L808; SPEC.md §8).
PHASE_WEEKS = {"sniffing": 13, "enterprise_course": 13, "phase12_deadline": 26}

#: Municipality-level analysis windows (000, L870-874, L1028-1034; SPEC.md §5.3, §12).
FIDELITY_WEEKS = (1, 52)
EFFECT_WEEKS = (53, 78)

#: Success criteria targets: wage hours at least twice the control group's, progression for
#: 75 % (001, L92-93; SPEC.md §4.5, §11 A-43, A-44).
WAGE_HOURS_RATIO = 2.0
PROGRESSION_SHARE = 0.75

#: At least 100 citizens per arm and municipality (004, L49-53; SPEC.md §3.1).
MIN_PER_ARM_PER_MUNICIPALITY = 100

# ------------------------------------------------------------------ eligibility (SPEC.md §2.1)

#: Target groups JF_TG1 and JF_TG2 need the citizen to have turned 30 ("fyldt 30 år")
#: (004, L28-29; 001, L71-72).
MIN_AGE = 30

#: JF_TG2: "has received public income support for at least one year"; the same bullet also
#: says "more than one year" (004, L29). Interpretation: >= 365 days before the draw date,
#: strictness configurable (SPEC.md §11 A-22, A-23).
MIN_PUBLIC_SUPPORT_DAYS = 365

#: Benefit codes of the citizens' ``benefit`` column: JF_TG1 receives resource-course benefit
#: (ressourceforløbsydelse, 004, L28); JF_TG2 cash benefit (kontanthjælp) or integration
#: benefit (integrationsydelse) (004, L29; SPEC.md §1.2, §12).
TG1_BENEFITS = ("resource_course_benefit",)
TG2_BENEFITS = ("cash_benefit", "integration_benefit")

# ------------------------------------------------------------------ hours bands (SPEC.md §4.2)

#: Lower edges of the default bands of positive weekly ordinary hours, (0, 5], (5, 10], ...,
#: (25, 30], then (30, 37) and [37, inf): the sources name "5-10 hours", "5-15 hours" and
#: "full time" without exact edges (001, L131, L351; SPEC.md §4.2.4, §11 A-45, interpretation).
HOUR_BAND_EDGES = (0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0)

#: Full time: 37 hours a week, the ordinary full-time week of the sources (002, L1334).
FULL_TIME_HOURS = 37.0

#: The week of the published distribution of positive hours (Figure 7, 001, L351-353).
HOURS_DISTRIBUTION_WEEK = 35

# ------------------------------------------------------------------ grants (SPEC.md §9)

#: Pool for the municipal grants, DKK (004, L5, L39).
GRANT_POOL_DKK = 47_500_000

#: Fixed grant per municipality for the project leader's salary, at most DKK 850,000
#: (004, L101).
FIXED_GRANT_MAX_DKK = 850_000

#: Activity-dependent grant: at most DKK 16,000 per citizen over both milestones, start of a
#: course and completion of a 13-week course at a company (004, L103; the worked example
#: 1,440,000 = 0.9 x 100 x 16,000, 004, L109; SPEC.md §9, §11 A-8).
ACTIVITY_GRANT_PER_CITIZEN_DKK = 16_000

#: Part of the 16,000 paid at the start of a course; the split is not stated. Interpretation:
#: 50/50, configurable (SPEC.md §9, §11 A-8).
ACTIVITY_GRANT_START_DKK = 8_000

#: At most 90 % of the activity-dependent sum (target participants x 16,000) is paid
#: (004, L109); cumulative over the project (SPEC.md §11 A-9, interpretation).
ACTIVITY_GRANT_CAP_SHARE = 0.90

#: Course types of the grant's 13-week criterion: ordinary company internship, wage-subsidy
#: employment, ordinary employment (004, L104-107; SPEC.md §4.4, §11 A-7).
GRANT_COURSE_STATES = State.INTERNSHIP | State.WAGE_SUBSIDY | State.ORDINARY_EMPLOYMENT

#: The grant text names no gap tolerance (004, L103-111): interpretation max_gap = 0,
#: configurable (SPEC.md §4.4, §11 A-7).
GRANT_MAX_GAP = 0
