"""Simulated 'Flere skal med' data (SPEC.md §2.2, §4.7, §6.4, §7).

Citizens of the target group are visited into groups 1 (intervention), 2 (rehabilitation), 3
(uncontactable) with shares 55 / 34 / 11 % (003, L2071-2125) and a few into 6 (postponed
visitation, 003, L3987); a comparison group with 3-5 years' seniority is added (003,
L2038-2049). Several visitation records per citizen give the de-duplication rule of SPEC.md
§7.2 work to do; the record the rule keeps is always the citizen's own group. Weekly activity
chains (competing risks from a passive state) and an ordinary-hours chain differ by group;
the staff survey answers 1-5 rise from baseline to final (003, L326-332, L1012-1016).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from activemeasures.dataset import Dataset
from activemeasures.datasets._records import identifiers, runs, to_dates

__all__ = ["DEFAULTS", "SURVEY_ITEMS", "simulate_flereskalmed"]

#: Defaults: 88 municipalities (003, L9-10); 6,000 target-group citizens for speed (the real
#: project had about 26,000, 003, L1861-1865: pass ``n_citizens=26_000``); visitation from
#: the project start in August 2017 to 31 January 2018, just before STAR locked the groups in
#: February 2018 (003, L9-10, L3951-3975); 29 months of follow-up (003, L2187).
DEFAULTS = {
    "n_municipalities": 88,
    "n_citizens": 6000,
    "start": "2017-08-01",
    "enrolment": 184,
    "cutoff": "2020-06-30",
}

#: Comparison citizens per target-group citizen (not given in the sources: a choice).
_COMPARISON_RATIO = 0.25

#: Group shares: 55 / 34 / 11 % of groups 1-3 (n = 25,461, 003, L2071-2125); postponed
#: visitation (group 6) is not in those shares: 4 % here (a choice).
_GROUPS = np.array(["1", "2", "3", "6"], dtype=object)
_GROUP_SHARES = np.array([0.55 * 0.96, 0.34 * 0.96, 0.11 * 0.96, 0.04])

#: Activities of the weekly chain, in code order (code 0 = none).
_ACTIVITIES = np.array(
    [
        "",
        "INTERNSHIP",
        "WAGE_SUBSIDY",
        "FLEX_JOB",
        "EDUCATION",
        "RESOURCE_COURSE",
        "DISABILITY_PENSION",
    ],
    dtype=object,
)
_AT_WORKPLACE = {1, 2, 3}
#: Weekly entry probabilities from the passive state, per group (1, 2, 3, 6, comparison):
#: group 1 is enterprise-directed (72 % "virksomhedsforløb mv." ever, 003, L2547), group 2
#: heads for clarification (resource course, flex job, disability pension; 003, L83-88),
#: group 3 cannot take part (003, L90-94).
_ENTRY = {
    "1": (0.011, 0.003, 0.002, 0.002, 0.002, 0.0005),
    "2": (0.004, 0.001, 0.006, 0.001, 0.008, 0.004),
    "3": (0.001, 0.000, 0.000, 0.000, 0.002, 0.002),
    "6": (0.008, 0.001, 0.001, 0.001, 0.003, 0.001),
    "comparison": (0.006, 0.002, 0.002, 0.002, 0.002, 0.001),
}
#: Weekly exit probabilities per activity (disability pension is permanent).
_EXIT = np.array([0.0, 0.08, 0.04, 0.005, 0.03, 0.012, 0.0])
#: Ordinary hours: weekly start probability (idle, in an enterprise activity) and end.
_HOURS_ON = {
    "1": (0.004, 0.010),
    "2": (0.001, 0.003),
    "3": (0.0005, 0.001),
    "6": (0.002, 0.005),
    "comparison": (0.003, 0.006),
}
_HOURS_OFF = 0.04
_HOURS_VALUES = np.array([4.0, 8.0, 12.0, 20.0, 30.0, 37.0])
_HOURS_PROBS = np.array([0.30, 0.25, 0.15, 0.12, 0.08, 0.10])

#: Staff survey items (codes as in the 'Flere skal med' plugin's ``data/survey_items.csv``;
#: 1-5, banded questions coded 1-5).
SURVEY_ITEMS = (
    "ke1_cv_share",
    "ke1_job_goal_share",
    "ke1_plan_own_wish",
    "ke2_same_broker",
    "ke2_easy_contact",
    "ke2_local_labour_market",
    "ke3_contact_companies",
    "ke3_concrete_job_goals",
    "ke4_ordinary_hours_agreement",
    "ke6_progression_focus",
    "ke6_company_network",
)
#: Mean answer per round: median element scores from about 2 to about 4 (003, L1170-1187),
#: combined final score about 3.8-4.1 (Table 3-1, SPEC.md §5.4).
_ROUND_MEANS = {"baseline": 2.3, "midterm": 3.3, "final": 3.9}
#: Share of municipalities answering per round: N = 49-83 of 88 (003, L1028).
_ROUND_RESPONSE = {"baseline": 0.9, "midterm": 0.6, "final": 0.8}

_REFERENCE = np.datetime64("2018-01-31", "D").astype(np.int64)  # SPEC.md §7.2


def _citizens(rng, n, n_munis, start, enrolment):
    n_comp = round(_COMPARISON_RATIO * n)
    total = n + n_comp
    width = max(2, len(str(n_munis)))
    names = np.array([f"K{k + 1:0{width}d}" for k in range(n_munis)], dtype=object)
    weights = np.exp(rng.normal(0.0, 0.8, n_munis))
    extra = rng.choice(n_munis, size=total - 2 * n_munis, p=weights / weights.sum())
    muni = rng.permutation(np.concatenate([np.repeat(np.arange(n_munis), 2), extra]))
    comparison = np.zeros(total, dtype=bool)
    comparison[rng.choice(total, n_comp, replace=False)] = True
    # municipal variation in visitation practice around the national shares (003, L3299-3324)
    tilt = rng.dirichlet(_GROUP_SHARES * 60, n_munis)
    cdf = np.cumsum(tilt[muni], axis=1)
    group = _GROUPS[np.minimum((rng.random(total)[:, None] > cdf).sum(axis=1), 3)]
    group = np.where(comparison, None, group)
    visit = start + rng.integers(0, enrolment, total)
    seniority = np.where(
        comparison, rng.uniform(3.0, 5.0, total), np.minimum(5.05 + rng.gamma(2.0, 2.5, total), 20)
    )
    benefit = np.where(
        comparison,
        "CASH_BENEFIT",
        rng.choice(
            np.array(["CASH_BENEFIT", "EDUCATION_BENEFIT", "INTEGRATION_BENEFIT"], dtype=object),
            size=total,
            p=[0.85, 0.05, 0.10],
        ),
    )
    frame = pd.DataFrame(
        {
            "citizen_id": identifiers(rng, "F", total),
            "municipality": names[muni],
            "visitation_date": to_dates(visit),
            "arm": np.where(comparison, "comparison", None),
            "group": group,
            "age": (25 + np.floor(rng.beta(2.0, 1.6, total) * 40)).astype(float),
            "sex": np.where(rng.random(total) < 0.55, "F", "M"),
            "immigrant": (rng.random(total) < 0.45).astype(float),
            "activity_ready": True,
            "benefit": benefit,
            "seniority_years": seniority.round(2),
        }
    )
    key = np.where(comparison, "comparison", group.astype(str))
    return frame, muni, key, visit


def _chains(rng, key, width, entry_probs, hours_probs):
    n = len(key)
    entry = np.zeros((n, len(_ACTIVITIES) - 1))
    hours_on = np.zeros((n, 2))
    for name, probs in entry_probs.items():
        entry[key == name] = probs
        hours_on[key == name] = hours_probs[name]
    entry_cdf = np.cumsum(entry, axis=1)
    code = np.zeros((n, width), dtype=np.int8)
    place = np.zeros((n, width), dtype=np.int64)
    hours = np.zeros((n, width))
    hplace = np.zeros((n, width), dtype=np.int64)
    state = np.zeros(n, dtype=np.int8)
    where = np.zeros(n, dtype=np.int64)
    on = np.zeros(n, dtype=bool)
    amount = np.zeros(n)
    hwhere = np.zeros(n, dtype=np.int64)
    counter = np.arange(1, n + 1, dtype=np.int64) * 10_000
    for week in range(width):
        u = rng.random((4, n))
        leave = (state > 0) & (u[0] < _EXIT[state])
        chosen = 1 + (u[1][:, None] > entry_cdf).sum(axis=1)
        enter = (state == 0) & (chosen < len(_ACTIVITIES))
        state = np.where(leave, 0, np.where(enter, chosen, state)).astype(np.int8)
        fresh = enter & np.isin(state, list(_AT_WORKPLACE))
        where = np.where(fresh, counter, np.where(np.isin(state, list(_AT_WORKPLACE)), where, 0))
        counter += 1
        working = np.isin(state, [1, 2])
        pension = state == 6
        start_h = ~on & ~pension & (u[2] < np.where(working, hours_on[:, 1], hours_on[:, 0]))
        on = ((on & (u[3] >= _HOURS_OFF)) | start_h) & ~pension
        hwhere = np.where(start_h, np.where(working, where, counter), hwhere)
        counter += 1
        drawn = _HOURS_VALUES[rng.choice(len(_HOURS_VALUES), size=n, p=_HOURS_PROBS)]
        amount = np.where(start_h, drawn, amount)
        code[:, week] = state
        place[:, week] = where
        hours[:, week] = np.where(on, amount, 0.0)
        hplace[:, week] = np.where(on, hwhere, 0)
    return code, place, hours, hplace


def _visitations(rng, citizens, visit):
    """The citizen's own record plus extra records the de-duplication rule must remove."""
    own = np.flatnonzero(citizens["group"].notna().to_numpy())
    group = citizens["group"].to_numpy(dtype=object)
    n = len(own)
    start = visit[own]
    end = start + rng.integers(180, 720, n)
    open_end = rng.random(n) < 0.1
    records = [(own, group[own], start, np.where(open_end, -1, end))]
    kind = rng.integers(0, 5, n)
    extra = rng.random(n) < 0.35
    rank = np.searchsorted(_GROUPS, group[own])  # "1" < "2" < "3" < "6"
    other = _GROUPS[rng.integers(0, 4, n)]
    # a) an earlier record (farther from 31 January 2018), any group  -> rule 2
    a = extra & (kind == 0)
    records.append((own[a], other[a], start[a] - rng.integers(30, 200, a.sum()), end[a]))
    # b) same start, ends sooner (an open record is the longest)      -> rule 3
    b = extra & (kind == 1)
    shorter = np.where(open_end[b], end[b], end[b] - rng.integers(10, 100, b.sum()))
    records.append((own[b], other[b], start[b], shorter))
    # c) same start and end, a group of lower preference              -> rule 4
    c = extra & (kind == 2) & (rank < 3) & ~open_end
    lower = _GROUPS[np.minimum(rank[c] + 1 + rng.integers(0, 3, c.sum()), 3)]
    records.append((own[c], lower, start[c], end[c]))
    # d) later (closer to the reference date) but ending before it starts -> step 0
    d = extra & (kind == 3)
    later = np.minimum(start[d] + rng.integers(1, 60, d.sum()), _REFERENCE)
    records.append((own[d], other[d], later, later - rng.integers(1, 30, d.sum())))
    # e) an unknown group code                                          -> rule 1
    e = extra & (kind == 4)
    records.append((own[e], np.full(e.sum(), "9", dtype=object), start[e] + 1, end[e]))
    rows = np.concatenate([r[0] for r in records])
    ends = np.concatenate([r[3] for r in records])
    end_dates = to_dates(np.where(ends < 0, 0, ends))
    end_dates[ends < 0] = np.datetime64("NaT")
    frame = pd.DataFrame(
        {
            "citizen_id": citizens["citizen_id"].to_numpy()[rows],
            "group": np.concatenate([r[1] for r in records]),
            "start": to_dates(np.concatenate([r[2] for r in records])),
            "end": end_dates,
        }
    )
    order = np.lexsort((frame["start"].to_numpy(), rows))
    return frame.iloc[order].reset_index(drop=True)


def _survey(rng, names):
    frames = []
    n_munis = len(names)
    level = rng.normal(0.0, 0.35, n_munis)  # municipal random effect on the 1-5 scale
    item_shift = rng.normal(0.0, 0.2, len(SURVEY_ITEMS))
    for round_, mean in _ROUND_MEANS.items():
        answering = rng.random(n_munis) < _ROUND_RESPONSE[round_]
        answering[rng.integers(0, n_munis)] = True
        sizes = np.where(answering, rng.integers(2, 9, n_munis), 0)
        muni = np.repeat(np.arange(n_munis), sizes)
        ids = identifiers(rng, "S", len(muni))
        growth = rng.normal(0.0, 0.25, n_munis)  # municipalities improve at different speeds
        for j, item in enumerate(SURVEY_ITEMS):
            mu = mean + level[muni] + item_shift[j] + (growth[muni] if round_ != "baseline" else 0)
            value = np.clip(np.rint(mu + rng.normal(0.0, 0.8, len(muni))), 1, 5)
            answered = rng.random(len(muni)) >= 0.05
            frames.append(
                pd.DataFrame(
                    {
                        "respondent_id": ids,
                        "municipality": names[muni],
                        "respondent": "staff",
                        "round": round_,
                        "item": item,
                        "value": value,
                    }
                )[answered]
            )
    return pd.concat(frames, ignore_index=True)


def simulate_flereskalmed(
    *,
    n_municipalities: int,
    n_citizens: int,
    seed: int,
    start: np.datetime64,
    enrolment_days: int,
    cutoff: np.datetime64,
    effect: float,
) -> Dataset:
    """The 'Flere skal med' simulation; see :func:`activemeasures.datasets.simulate_trial`.

    *effect* scales the difference of every group's activity and hours probabilities from
    the comparison group's (0: all groups behave like the comparison group).
    """
    rng = np.random.default_rng([seed, 2])
    start_day = int(start.astype("datetime64[D]").astype(np.int64))
    cutoff_day = int(cutoff.astype("datetime64[D]").astype(np.int64))
    citizens, _, key, visit = _citizens(
        rng, n_citizens, n_municipalities, start_day, enrolment_days
    )
    width = max(1, (cutoff_day - start_day + 1) // 7 + 1)
    code, place, hours, hplace = _chains(
        rng, key, width, _moved(_ENTRY, effect), _moved(_HOURS_ON, effect)
    )
    found = runs(code, place, visit=visit, cutoff=cutoff_day)
    ids = citizens["citizen_id"].to_numpy()
    work = found["other0"].to_numpy()
    hfound = runs((hours > 0).astype(np.int8), hours, hplace, visit=visit, cutoff=cutoff_day)
    # receives a public transfer unless working 30+ hours a week (003, L2200, L2219-2227)
    benefit = runs(((hours < 30) & (code != 6)).astype(np.int8), visit=visit, cutoff=cutoff_day)
    mentor_on = (key == "1") & (rng.random(len(key)) < 0.5)
    mentor = runs(
        (np.isin(code, [1, 2]) & mentor_on[:, None]).astype(np.int8), visit=visit, cutoff=cutoff_day
    )
    place_ids = identifiers(rng, "W", 1 + len(work) + len(hfound))
    activities = pd.concat(
        [
            pd.DataFrame(
                {
                    "row": found["row"],
                    "activity": _ACTIVITIES[found["code"].to_numpy()],
                    "start": found["start"],
                    "end": found["end"],
                    "workplace_id": np.where(work > 0, place_ids[pd.factorize(work)[0] + 1], None),
                }
            ),
            pd.DataFrame(
                {
                    "row": benefit["row"],
                    "activity": "PUBLIC_BENEFIT",
                    "start": benefit["start"],
                    "end": benefit["end"],
                    "workplace_id": None,
                }
            ),
            pd.DataFrame(
                {
                    "row": mentor["row"],
                    "activity": "MENTOR",
                    "start": mentor["start"],
                    "end": mentor["end"],
                    "workplace_id": None,
                }
            ),
        ],
        ignore_index=True,
    ).sort_values(["row", "start", "activity"], kind="stable", ignore_index=True)
    all_places = np.concatenate([work, hfound["other1"].to_numpy()])
    codes_all = pd.factorize(all_places)[0]
    hours_ids = place_ids[codes_all[len(work) :] + 1]
    activities = activities.assign(
        citizen_id=ids[activities["row"].to_numpy()],
        start=to_dates(activities["start"].to_numpy()),
        end=to_dates(activities["end"].to_numpy()),
    )[["citizen_id", "activity", "start", "end", "workplace_id"]]
    hours_table = pd.DataFrame(
        {
            "citizen_id": ids[hfound["row"].to_numpy()],
            "period_start": to_dates(hfound["start"].to_numpy()),
            "period_end": to_dates(hfound["end"].to_numpy()),
            "hours": (hfound["other0"] * hfound["days"] / 7.0).round(2).to_numpy(dtype=float),
            "workplace_id": hours_ids,
        }
    )
    visitations = _visitations(rng, citizens, visit)
    names = np.sort(citizens["municipality"].unique()).astype(object)
    survey = _survey(rng, names)
    return Dataset.from_frames(
        citizens,
        activities,
        hours_table,
        survey=survey,
        visitations=visitations,
        cutoff=pd.Timestamp(np.datetime64(cutoff_day, "D")),
    )


def _moved(table: dict, effect: float) -> dict:
    """Group probabilities moved towards the comparison group's by *effect* (0: equal)."""
    base = np.array(table["comparison"])
    return {k: tuple(np.clip(base + effect * (np.array(v) - base), 0, 1)) for k, v in table.items()}
