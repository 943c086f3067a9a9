"""Simulated JobFirst trial data, calibrated to the mid-term evaluation (SPEC.md §3, §5.2, §6.2).

The generator draws, for every citizen, a weekly Markov chain of the enterprise-directed
course (passive, sniffing, internship, wage subsidy) and a second chain of ordinary paid hours,
vectorised over citizens with a loop over weeks. The weekly matrices become dated activity and
hours records (:func:`activemeasures.datasets._records.runs`). Register events and survey
answers follow from the courses and from per-municipality probabilities with random effects
on the logit scale, so that the national values sit near the published ones and the
municipalities spread around them.

Every probability below was tuned by hand against the targets in the comments (the measured
values are in ``docs/reference/datasets.rst``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from activemeasures.dataset import Dataset
from activemeasures.datasets._records import identifiers, logit_shift, runs, to_dates
from activemeasures.spells import SpellRule
from activemeasures.states import State

__all__ = ["DEFAULTS", "simulate_jobfirst"]

#: Defaults of :func:`simulate_jobfirst`: 15 municipalities (001, L63), about 2,400
#: participants (001, L181; 000, L591) and as many controls (1:1, SPEC.md §3.1), start March
#: 2016 (001, L63, L286), enrolment within one year (004, L53).
DEFAULTS = {"n_municipalities": 15, "n_citizens": 4800, "start": "2016-03-01", "enrolment": 365}

#: The 13-week criterion (13 counted weeks, gaps up to 4 not counted; 001, L319-326; SPEC.md
#: §4.3), used here only to date the plan and CV updates after the first course.
_CRITERION = SpellRule(min_weeks=13, max_gap=4, count_gap_weeks=False)

#: Share of citizens visited by day d of a 365-day enrolment (knots, linear between):
#: "about 2,000 can be followed 30 weeks, and just under 1,000 at least 35 weeks" at the
#: mid-term (001, L286-287), read as of all 4,800 citizens with the default cut-off; some
#: started as late as December 2016 (001, L286).
_ENROLMENT_KNOTS = ((0, 0.0), (68, 0.20), (103, 0.42), (200, 0.80), (290, 0.985), (365, 1.0))

# Course states of the weekly chain.
_PASSIVE, _SNIFF, _INTERN, _SUBSIDY = 0, 1, 2, 3

#: Weekly transition probabilities per arm (control, treatment). Targets: internship share
#: of the controls 12-16 % throughout, participants rising to about 35 % after 20-30 weeks
#: (001, L304); wage subsidy very low, about +1 pp for participants after week 13 (001,
#: L311); the 13-week criterion by week 35 47 % vs about half that (001, L616, L849), 33 % at
#: the same workplace (001, L616); sniffing ever 66 % (001, L522-531).
_CHAIN = {
    "start_in_course": (0.13, 0.13),  # week 1 in internship: D starts at K's level (001, L304)
    "sniff_start": (0.0, 0.13),  # passive, not yet sniffed -> sniffing (weeks 1-13)
    "sniff_end": (0.0, 0.45),  # the sniffing phase ends (a match or not)
    "match": (0.0, 0.35),  # ... and the end is a match: internship course at that workplace
    "sniff_pause": (0.0, 0.08),  # sniffing -> a passive week within the sniffing phase
    "sniff_return": (0.0, 0.60),  # passive within the sniffing phase -> sniffing again
    "sniff_switch": (0.0, 0.50),  # next sniffing workplace
    "intern_start": (0.0105, 0.024),  # passive -> internship (direct match)
    "subsidy_start": (0.0012, 0.0022),  # passive -> wage subsidy (after week 13 for D)
    "intern_end": (0.062, 0.048),
    "intern_switch": (0.0, 0.08),  # internship moves on to another workplace,
    "intern_to_subsidy": (0.002, 0.003),
    "subsidy_end": (0.04, 0.04),
}

#: Ordinary-hours chain. Targets at week 35: 7 % vs 12 % with hours, 1.33 h vs 2.08 h mean
#: hours, about 19 vs 17.5 hours among those with hours (001, L123, L127, L349-351); about
#: half an hour on average shortly after the start (001, L127, L317).
_HOURS = {
    "start_share": (0.03, 0.03),
    "on_idle": (0.0030, 0.0038),  # off -> on, not in a course
    "on_course": (0.0030, 0.0075),  # off -> on, in internship or wage subsidy
    "off": (0.03, 0.03),
    "at_course_workplace": (0.4, 0.4),  # hours started during a course are at its workplace
}
#: Weekly hours of a spell and their probabilities: participants' extra jobs mostly at 5-10
#: hours or full time (001, L131, L351).
_HOURS_VALUES = np.array([6.0, 9.0, 13.0, 20.0, 30.0, 37.0])
_HOURS_PROBS = (
    np.array([0.27, 0.10, 0.15, 0.15, 0.15, 0.18]),
    np.array([0.33, 0.14, 0.10, 0.13, 0.10, 0.20]),
)

#: Municipality random effects (standard deviations, log scale for rates, logit scale for
#: shares): realistic spread, e.g. 3.2 from 58 % to 100 % and 7.1 from 0 to > 50 % (000,
#: L476-478; 001, L727-737).
_RE_SD = {"course": 0.30, "hours": 0.30, "fidelity": 0.55}

#: Per-citizen fidelity probabilities (participants), mid-term targets (SPEC.md §6.2):
#: first conversation within four weeks 90 % (1.2a), on average a conversation a month 84 %
#: (1.2b), job goal 100 % (2.1), CV 82 % (2.2), MinVurdering taken into use 61 % and used
#: every third month 55 % (2.3a, 2.3b), activity plan 99 % (3.1), mentor during the course
#: 79 % (6.1), plan update after the course 85 % (8.1), CV after the course 100 % (8.2).
_EVENTS = {
    "first_conversation": 0.91,
    "monthly": 0.90,
    "job_goal": 0.999,
    "cv": 0.83,
    "progression": 0.62,
    "progression_regular": 0.83,
    "activity_plan": 0.99,
    "mentor": 0.80,
    "plan_update": 0.86,
    "cv_after_course": 0.98,
}

#: Survey items (codes as in the JobFirst plugin's ``SURVEY_ITEMS``): respondent, fulfilled
#: share at mid-term and final (SPEC.md §6.2: 1.1 84 %; 1.3 77 / 76 %; 4.1 80 / 75 %; 5.1a
#: 80 %; 5.1b 98 / 97 %; 6.2 91 / 88 %; 6.3 low / 66 %). 1.4 and 7.3 have no number ("unclear",
#: "low in several municipalities"): 70 % and 60 % are this simulation's choice.
_SURVEY = {
    "roles_clear": ("staff", 0.84, 0.84),
    "monthly_meeting_all_three": ("staff", 0.77, 0.76),
    "citizen_at_meetings": ("staff", 0.70, 0.70),
    "work_agreement": ("staff", 0.80, 0.80),
    "hours_combination_realised": ("staff", 0.60, 0.60),
    "job_goal_adjusted": ("citizen10", 0.80, 0.75),
    "work_agreement_confirmed": ("citizen01", 0.98, 0.97),
    "contact_person_assigned": ("citizen01", 0.91, 0.88),
    "met_contact_before_meeting": ("citizen01", 0.45, 0.66),
}
_SURVEY_ROUNDS = ("midterm", "final")

_PARTICIPANTS = np.array(["KS", "KS,VK", "KS,VK,mentor"], dtype=object)


def _mix(pair: tuple[float, float], arm: np.ndarray, effect: float) -> np.ndarray:
    """Per-citizen value: control value, plus *effect* times the treatment difference."""
    control, treatment = pair
    return np.where(arm == 1, control + effect * (treatment - control), control)


def default_cutoff(start: np.datetime64) -> np.datetime64:
    """Last day of week 44 of the citizens visited in the first project week (SPEC.md §3.3)."""
    return start + np.timedelta64(7 * 44 - 1 + 6, "D")


def _visitation_days(rng: np.random.Generator, n: int, start: int, enrolment: int) -> np.ndarray:
    days, shares = np.array(_ENROLMENT_KNOTS, dtype=float).T
    u = rng.random(n)
    offset = np.interp(u, shares, days * (enrolment / 365.0))
    return start + np.minimum(np.floor(offset).astype(np.int64), enrolment - 1)


def _citizens(rng, n, n_munis, start, enrolment):
    width = max(2, len(str(n_munis)))
    names = np.array([f"M{k + 1:0{width}d}" for k in range(n_munis)], dtype=object)
    weights = np.exp(rng.normal(0.0, 0.35, n_munis))
    # every municipality gets 65 % of an equal share (at least 2; with the defaults 208, so
    # at least 100 per arm, 004, L49), the rest by size weights
    base = max(2, int(0.65 * n / n_munis))
    extra = rng.choice(n_munis, size=n - base * n_munis, p=weights / weights.sum())
    muni = rng.permutation(np.concatenate([np.repeat(np.arange(n_munis), base), extra]))
    # 1:1 within municipality: alternate arms over a random order of each municipality.
    order = rng.permutation(n)
    turn = pd.Series(muni[order]).groupby(muni[order]).cumcount().to_numpy()
    flip = rng.integers(0, 2, n_munis)
    arm = np.empty(n, dtype=np.int8)
    arm[order] = (turn + flip[muni[order]]) % 2
    visit = _visitation_days(rng, n, start, enrolment)
    age = 30 + np.floor(rng.beta(1.6, 1.8, n) * 35).astype(int)
    tg1 = rng.random(n) < 0.21  # 21 % on resource-course benefit (001, L551)
    benefit = np.where(
        tg1,
        "resource_course_benefit",
        np.where(rng.random(n) < 0.9, "cash_benefit", "integration_benefit"),
    )
    immigrant = (rng.random(n) < 0.28).astype(float)
    frame = pd.DataFrame(
        {
            "citizen_id": identifiers(rng, "C", n),
            "municipality": names[muni],
            "visitation_date": to_dates(visit),
            "arm": np.where(arm == 1, "treatment", "control"),
            "age": age.astype(float),
            "sex": np.where(rng.random(n) < 0.48, "F", "M"),
            "immigrant": immigrant,
            "education": rng.choice(
                np.array(["basic", "vocational", "higher"], dtype=object),
                size=n,
                p=[0.58, 0.32, 0.10],
            ),
            "benefit": benefit,
            "activity_ready": True,
            "public_support_days": (365 + rng.gamma(2.0, 900.0, n)).round().astype(float),
            "integration_programme": False,
            "target_group": np.where(tg1, "JF_TG1", "JF_TG2"),
        }
    )
    return frame, muni, arm, visit


def _chains(rng, arm, muni, n_munis, width, effect):
    """Weekly course codes, course workplaces, hours and hours workplaces (n × width)."""
    n = len(arm)
    p = {key: _mix(pair, arm, effect) for key, pair in _CHAIN.items()}
    h = {key: _mix(pair, arm, effect) for key, pair in _HOURS.items()}
    course_re = np.exp(rng.normal(0.0, _RE_SD["course"], n_munis))[muni]
    hours_re = np.exp(rng.normal(0.0, _RE_SD["hours"], n_munis))[muni]
    for key in ("sniff_start", "match", "intern_start"):
        p[key] = np.clip(p[key] * course_re, 0, 0.95)
    for key in ("on_idle", "on_course"):
        h[key] = np.clip(h[key] * hours_re, 0, 0.95)
    hours_cdf = np.cumsum(np.where(arm[:, None] == 1, _mix_probs(effect), _HOURS_PROBS[0]), 1)

    code = np.zeros((n, width), dtype=np.int8)
    place = np.zeros((n, width), dtype=np.int64)
    hours = np.zeros((n, width), dtype=np.float64)
    hplace = np.zeros((n, width), dtype=np.int64)
    next_place = np.arange(1, n + 1, dtype=np.int64) * 1000  # per-citizen workplace numbers

    state = np.where(rng.random(n) < p["start_in_course"], _INTERN, _PASSIVE).astype(np.int8)
    where = np.where(state == _INTERN, next_place, 0)
    next_place += 1
    phase = np.zeros(n, dtype=np.int8)  # 0 not sniffed yet, 1 sniffing phase, 2 after
    on = rng.random(n) < h["start_share"]
    amount = _draw_hours(rng, hours_cdf)
    hwhere = np.where(on, next_place, 0)
    next_place += 1
    for week in range(width):
        u = rng.random((6, n))
        if week > 0:
            passive, sniff = state == _PASSIVE, state == _SNIFF
            intern, subsidy = state == _INTERN, state == _SUBSIDY
            new = state.copy()
            # passive -> sniffing (first time, first 13 weeks) or again (sniffing phase)
            go_sniff = passive & (
                ((phase == 0) & (week < 13) & (u[0] < p["sniff_start"]))
                | ((phase == 1) & (u[0] < p["sniff_return"]))
            )
            go_intern = passive & ~go_sniff & (phase != 1) & (u[2] < p["intern_start"])
            subsidy_ok = (week >= 13) | (arm == 0)
            go_subsidy = passive & ~go_sniff & ~go_intern & (phase != 1) & subsidy_ok
            go_subsidy &= u[3] < p["subsidy_start"]
            new[go_sniff] = _SNIFF
            new[go_intern] = _INTERN
            new[go_subsidy] = _SUBSIDY
            phase = np.where(go_sniff, 1, phase)
            # sniffing: the phase ends (match at this workplace, or not), pauses a week, or
            # moves on to the next workplace
            ends = sniff & (u[0] < p["sniff_end"])
            match = ends & (u[1] < p["match"])
            pause = sniff & ~ends & (u[1] < p["sniff_pause"])
            switch = sniff & ~ends & ~pause & (u[2] < p["sniff_switch"])
            new[match] = _INTERN
            new[(ends & ~match) | pause] = _PASSIVE
            phase = np.where(ends, 2, phase)
            # courses end, or an internship turns into wage subsidy at the same workplace
            end_i = intern & (u[0] < p["intern_end"])
            to_sub = intern & ~end_i & (u[1] < p["intern_to_subsidy"])
            new[end_i] = _PASSIVE
            new[to_sub] = _SUBSIDY
            new[subsidy & (u[0] < p["subsidy_end"])] = _PASSIVE
            moved = intern & ~end_i & ~to_sub & (u[2] < p["intern_switch"])
            fresh = go_sniff | go_intern | go_subsidy | switch | moved
            where = np.where(fresh, next_place, np.where(new == _PASSIVE, 0, where))
            next_place += 1
            state = new
            # hours: spells end, start (more often during a course for participants)
            course = (state == _INTERN) | (state == _SUBSIDY)
            stop_h = on & (u[4] < h["off"])
            start_h = ~on & (u[4] < np.where(course, h["on_course"], h["on_idle"]))
            on = (on & ~stop_h) | start_h
            at_course = start_h & course & (u[5] < h["at_course_workplace"])
            hwhere = np.where(start_h, np.where(at_course, where, next_place), hwhere)
            next_place += 1
            amount = np.where(start_h, _draw_hours(rng, hours_cdf), amount)
        code[:, week] = state
        place[:, week] = where
        hours[:, week] = np.where(on, amount, 0.0)
        hplace[:, week] = np.where(on, hwhere, 0)
    return code, place, hours, hplace


def _mix_probs(effect: float) -> np.ndarray:
    control, treatment = _HOURS_PROBS
    probs = np.clip(control + effect * (treatment - control), 0, None)
    return probs / probs.sum()


def _draw_hours(rng: np.random.Generator, cdf: np.ndarray) -> np.ndarray:
    u = rng.random(len(cdf))
    index = np.minimum((u[:, None] > cdf).sum(axis=1), len(_HOURS_VALUES) - 1)
    return _HOURS_VALUES[index]


def _workplace_names(codes: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Opaque workplace ids for integer workplace codes (distinct codes, distinct ids)."""
    unique, inverse = np.unique(codes, return_inverse=True)
    return identifiers(rng, "W", len(unique))[inverse]


def _activities(rng, code, place, arm, mentor_p, visit, cutoff):
    course = runs(code, place, visit=visit, cutoff=cutoff)
    kinds = course["code"].to_numpy()
    rows = course["row"].to_numpy()
    names = np.array(["", "SNIFFING", "INTERNSHIP", "WAGE_SUBSIDY"], dtype=object)
    # Sniffing is registered as an internship too (000, L480; SPEC.md §4.3): the SNIFFING
    # record says what kind of internship it is.
    sniff = kinds == _SNIFF
    has_mentor = rng.random(len(arm)) < mentor_p
    in_course = (code != _PASSIVE) & has_mentor[:, None]
    mentor = runs(in_course.astype(np.int8), visit=visit, cutoff=cutoff)
    frames = [
        pd.DataFrame(
            {
                "row": rows,
                "activity": names[kinds],
                "start": course["start"],
                "end": course["end"],
                "place": course["other0"],
            }
        ),
        pd.DataFrame(
            {
                "row": rows[sniff],
                "activity": "INTERNSHIP",
                "start": course["start"][sniff],
                "end": course["end"][sniff],
                "place": course["other0"][sniff],
            }
        ),
        pd.DataFrame(
            {
                "row": mentor["row"],
                "activity": "MENTOR",
                "start": mentor["start"],
                "end": mentor["end"],
                "place": 0,
            }
        ),
    ]
    frame = pd.concat(frames, ignore_index=True)
    frame["hours_per_week"] = np.where(frame["activity"] == "MENTOR", np.nan, 30.0)
    return frame.sort_values(["row", "start", "activity"], kind="stable", ignore_index=True)


def _hours_table(hours, hplace, visit, cutoff):
    found = runs((hours > 0).astype(np.int8), hours, hplace, visit=visit, cutoff=cutoff)
    total = (found["other0"] * found["days"] / 7.0).round(2)
    return pd.DataFrame(
        {
            "row": found["row"],
            "period_start": found["start"],
            "period_end": found["end"],
            "hours": total,
            "place": found["other1"],
        }
    )


def _event_days(rng, rows, visit, first_offset, gaps_low, gaps_high, count):
    """Events from the first offset on, then gaps uniform in [low, high] days."""
    rows = np.repeat(rows, count)
    first = np.repeat(first_offset, count)
    k = np.arange(len(rows)) - np.repeat(np.cumsum(count) - count, count)
    gaps = rng.uniform(np.repeat(gaps_low, count), np.repeat(gaps_high, count))
    gaps[k == 0] = 0
    frame = pd.DataFrame({"row": rows, "gap": gaps})
    offset = first + frame.groupby("row", sort=False)["gap"].cumsum().to_numpy()
    return rows, visit[rows] + np.floor(offset).astype(np.int64)


def _events(rng, citizens_muni, arm, visit, cutoff, fidelity_re, course_end):
    n = len(arm)
    d = np.flatnonzero(arm == 1)
    parts = []

    def p(key):
        return logit_shift(_EVENTS[key], fidelity_re[key][citizens_muni])

    def add(rows, days, event):
        keep = days <= cutoff
        parts.append((rows[keep], days[keep], event))

    # conversations: first within four weeks (1.2a), then about monthly (1.2b); controls
    # get the ordinary, less frequent contact.
    quick = rng.random(n) < p("first_conversation")
    first = np.where(quick, rng.integers(0, 28, n), rng.integers(29, 75, n))
    monthly = rng.random(n) < np.where(arm == 1, p("monthly"), 0.3)
    low = np.where(monthly, 12.0, 33.0)
    high = np.where(monthly, 32.0, 75.0)
    count = np.full(n, 40)
    rows, days = _event_days(rng, np.arange(n), visit, first, low, high, count)
    add(rows, days, "conversation")
    for key, event, late in (
        ("job_goal", "job_goal", 60),
        ("cv", "cv_update", 120),
        ("activity_plan", "activity_plan", 60),
    ):
        ok = rng.random(len(d)) < p(key)[d]
        day = np.where(ok, rng.integers(0, 28, len(d)), rng.integers(29, late, len(d)))
        add(d, visit[d] + day, event)
    # MinVurdering: taken into use within four weeks (2.3a), then every <= 3 months (2.3b)
    used = rng.random(len(d)) < p("progression")[d]
    regular = rng.random(len(d)) < _EVENTS["progression_regular"]
    first = np.where(used, rng.integers(0, 28, len(d)), rng.integers(29, 150, len(d)))
    count = np.where(used & regular, 6, 1)
    rows, days = _event_days(
        rng, d, visit, first, np.full(len(d), 40.0), np.full(len(d), 88.0), count
    )
    add(rows, days, "progression_tool")
    # after the first 13-week course at one workplace: plan (8.1) and CV update (8.2)
    done = d[course_end[d] > 0]
    start = visit[done] + 7 * (course_end[done] - 1)
    for key, event in (("plan_update", "plan_update"), ("cv_after_course", "cv_update")):
        ok = rng.random(len(done)) < p(key)[done]
        later = np.where(ok, rng.integers(0, 40, len(done)), rng.integers(45, 120, len(done)))
        add(done, start + later, event)
    rows = np.concatenate([part[0] for part in parts])
    days = np.concatenate([part[1] for part in parts])
    events = np.concatenate([np.full(len(part[0]), part[2], dtype=object) for part in parts])
    frame = pd.DataFrame({"row": rows, "date": days, "event": events})
    frame["participants"] = np.where(
        frame["event"] == "conversation", _PARTICIPANTS[rng.integers(0, 3, len(frame))], None
    )
    return frame.sort_values(["row", "date", "event"], kind="stable", ignore_index=True)


def _survey(rng, names, fidelity_re):
    frames = []
    for r, round_ in enumerate(_SURVEY_ROUNDS):
        staff_n = rng.integers(6, 15, len(names))
        citizen_n = rng.integers(12, 30, len(names))
        for kind, sizes, prefix in (("staff", staff_n, "S"), ("citizen", citizen_n, "B")):
            muni = np.repeat(np.arange(len(names)), sizes)
            ids = identifiers(rng, prefix, len(muni))
            for item, (scale, *shares) in _SURVEY.items():
                if (scale == "staff") != (kind == "staff"):
                    continue
                share = logit_shift(shares[r], fidelity_re[item][muni])
                ok = rng.random(len(muni)) < share
                if scale == "staff":
                    good = rng.choice([3.0, 4.0, 5.0], size=len(muni), p=[0.3, 0.45, 0.25])
                    bad = rng.choice([1.0, 2.0], size=len(muni), p=[0.3, 0.7])
                elif scale == "citizen10":
                    good = rng.integers(2, 11, len(muni)).astype(float)
                    bad = np.ones(len(muni))
                else:
                    good, bad = np.ones(len(muni)), np.zeros(len(muni))
                answered = rng.random(len(muni)) >= 0.05
                frames.append(
                    pd.DataFrame(
                        {
                            "respondent_id": ids,
                            "municipality": names[muni],
                            "respondent": kind,
                            "round": round_,
                            "item": item,
                            "value": np.where(ok, good, bad),
                        }
                    )[answered]
                )
    return pd.concat(frames, ignore_index=True)


def simulate_jobfirst(
    *,
    n_municipalities: int,
    n_citizens: int,
    seed: int,
    start: np.datetime64,
    enrolment_days: int,
    cutoff: np.datetime64,
    effect: float,
) -> Dataset:
    """The JobFirst simulation; see :func:`activemeasures.datasets.simulate_trial`."""
    rng = np.random.default_rng([seed, 1])
    start_day = int(start.astype("datetime64[D]").astype(np.int64))
    cutoff_day = int(cutoff.astype("datetime64[D]").astype(np.int64))
    citizens, muni, arm, visit = _citizens(
        rng, n_citizens, n_municipalities, start_day, enrolment_days
    )
    width = max(1, (cutoff_day - start_day + 1) // 7 + 1)
    code, place, hours, hplace = _chains(rng, arm, muni, n_municipalities, width, effect)
    fidelity_re = {
        key: rng.normal(0.0, _RE_SD["fidelity"], n_municipalities) for key in (*_EVENTS, *_SURVEY)
    }
    mentor_p = np.where(arm == 1, logit_shift(_EVENTS["mentor"], fidelity_re["mentor"][muni]), 0.1)
    activities = _activities(rng, code, place, arm, mentor_p, visit, cutoff_day)
    hours_table = _hours_table(hours, hplace, visit, cutoff_day)
    # one workplace namespace for activities and hours, opaque ids
    codes = np.concatenate([activities["place"].to_numpy(), hours_table["place"].to_numpy()])
    ids = _workplace_names(codes, rng)
    activities["workplace_id"] = np.where(
        codes[: len(activities)] > 0, ids[: len(activities)], None
    )
    hours_table["workplace_id"] = ids[len(activities) :]
    ids_c = citizens["citizen_id"].to_numpy()
    activities = pd.DataFrame(
        {
            "citizen_id": ids_c[activities["row"].to_numpy()],
            "activity": activities["activity"].to_numpy(),
            "start": to_dates(activities["start"].to_numpy()),
            "end": to_dates(activities["end"].to_numpy()),
            "workplace_id": activities["workplace_id"].to_numpy(),
            "hours_per_week": activities["hours_per_week"].to_numpy(),
        }
    )
    hours_out = pd.DataFrame(
        {
            "citizen_id": ids_c[hours_table["row"].to_numpy()],
            "period_start": to_dates(hours_table["period_start"].to_numpy()),
            "period_end": to_dates(hours_table["period_end"].to_numpy()),
            "hours": hours_table["hours"].to_numpy(dtype=float),
            "workplace_id": hours_table["workplace_id"].to_numpy(),
        }
    )
    # Week the first 13-week course at one workplace is completed, from the library's own
    # panel (so the plan and CV updates of 8.1 / 8.2 follow the course the indicators see).
    bare = Dataset.from_frames(
        citizens, activities, hours_out, cutoff=pd.Timestamp(np.datetime64(cutoff_day, "D"))
    )
    course_end = bare.panel(width).first_met_week(
        _CRITERION, states=State.ENTERPRISE_DIRECTED, same_workplace=True
    )
    events = _events(rng, muni, arm, visit, cutoff_day, fidelity_re, np.asarray(course_end))
    events = pd.DataFrame(
        {
            "citizen_id": ids_c[events["row"].to_numpy()],
            "date": to_dates(events["date"].to_numpy()),
            "event": events["event"].to_numpy(),
            "participants": events["participants"].to_numpy(),
        }
    )
    names = np.sort(citizens["municipality"].unique()).astype(object)
    survey = _survey(rng, names, fidelity_re)
    return Dataset.from_frames(
        citizens,
        activities,
        hours_out,
        events=events,
        survey=survey,
        cutoff=pd.Timestamp(np.datetime64(cutoff_day, "D")),
    )
