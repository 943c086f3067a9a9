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
