"""A small deterministic example dataset for smoke tests and the plugin contract suite.

:func:`example_dataset` builds every input table (citizens, activities, hours, events, survey,
visitations) for a :class:`~activemeasures.Programme`, so that each of its indicator kinds,
success criteria and outcomes has something to compute on. The numbers are **not** calibrated
to any evaluation: the tables are a fixture that exercises code paths, not a simulation of a
trial. Calibrated synthetic register data come from :mod:`activemeasures.datasets`.

This module needs neither hypothesis nor pytest.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from activemeasures.dataset import Dataset
from activemeasures.panel import as_cutoff
from activemeasures.schemas import RESPONDENTS
from activemeasures.states import ACTIVITY_STATES

if TYPE_CHECKING:
    from activemeasures.programme import Programme

__all__ = [
    "CODE_TABLES",
    "EVENT_CODES",
    "GROUP_CODES",
    "ROUNDS",
    "SURVEY_ITEMS",
    "example_dataset",
    "required_codes",
]

#: Register event codes every example dataset contains (DESIGN.md §4.1).
EVENT_CODES: tuple[str, ...] = (
    "conversation",
    "job_goal",
    "cv_update",
    "progression_tool",
    "activity_plan",
    "work_agreement",
    "plan_update",
)

#: Survey items every example dataset contains (answers 1-5).
SURVEY_ITEMS: tuple[str, ...] = ("q1", "q2", "q3")

#: Survey measurement rounds of the example data.
ROUNDS: tuple[str, ...] = ("baseline", "midterm", "final")

#: Visitation group codes used when the programme declares none ('Flere skal med' groups 1, 2,
#: 3 and 6, postponed visitation; SPEC.md §7.1).
GROUP_CODES: tuple[str, ...] = ("1", "2", "3", "6")

#: Tables whose codes an indicator kind may ask for through its ``codes`` attribute: event
#: codes, survey items, activity (State) names, extra 0/1 columns of the citizens table, and
#: visitation group codes.
CODE_TABLES: tuple[str, ...] = ("activities", "citizens", "events", "survey", "visitations")

_DEFAULT_CUTOFF = "2017-12-31"
_FIRST_VISITATION = np.datetime64("2016-02-01", "D")
_VISITATION_SPAN_DAYS = 366
_PARTICIPANTS = ("KS", "KS,VK", "KS,VK,mentor", "KS,employer")
#: Activities that take place at a workplace (they carry a workplace_id).
_AT_WORKPLACE = ("INTERNSHIP", "WAGE_SUBSIDY", "SNIFFING", "FLEX_JOB", "ORDINARY_EMPLOYMENT")
_STAFF_PER_MUNICIPALITY = 5
_CITIZEN_RESPONDENTS_PER_MUNICIPALITY = 8


def _codes_of(kind: object) -> Mapping[str, object]:
    codes = getattr(kind, "codes", None)
    if callable(codes):
        codes = codes()
    if codes is None:
        return {}
    if not isinstance(codes, Mapping):
        raise TypeError(
            f"the codes of indicator kind {type(kind).__name__} must be a mapping from table "
            f"name to codes, got {type(codes).__name__}"
        )
    return codes


def _as_codes(value: object) -> tuple[str, ...]:
    if isinstance(value, str | int):
        return (str(value),)
    return tuple(str(v) for v in value)  # type: ignore[attr-defined]


def required_codes(programme: Programme | None) -> dict[str, tuple[str, ...]]:
    """The codes a programme's indicator kinds ask for, by table.

    Collected from the optional ``codes`` attribute of the kinds of every indicator and every
    success criterion (see :class:`~activemeasures.fidelity.IndicatorKind`).

    Parameters
    ----------
    programme : Programme or None
        A resolved programme (:meth:`activemeasures.Registry.programme`); ``None`` asks for
        nothing.

    Returns
    -------
    dict of str to tuple of str
        Table name (one of :data:`CODE_TABLES`) to the codes, in order of first mention,
        without repeats.

    Raises
    ------
    ValueError
        When a kind asks for codes of a table not in :data:`CODE_TABLES`.
    TypeError
        When a kind's ``codes`` is not a mapping.

    Examples
    --------
    >>> from activemeasures import Programme
    >>> from activemeasures.testing import required_codes
    >>> required_codes(Programme(name="pilot", label="Pilot"))
    {}
    """
    found: dict[str, dict[str, None]] = {}
    if programme is None:
        return {}
    kinds = [ind.kind for ind in programme.indicators]
    kinds += [criterion.kind for criterion in programme.success_criteria]
    for kind in kinds:
        for table, codes in _codes_of(kind).items():
            if table not in CODE_TABLES:
                raise ValueError(
                    f"indicator kind {type(kind).__name__} asks for codes of table {table!r}; "
                    f"the example data can provide codes of {', '.join(CODE_TABLES)}"
                )
            found.setdefault(table, {}).update(dict.fromkeys(_as_codes(codes)))
    return {table: tuple(codes) for table, codes in found.items()}


def _union(*parts: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(code) for part in parts for code in part))


def _group_codes(programme: Programme | None, requested: tuple[str, ...]) -> tuple[str, ...]:
    declared: tuple[str, ...] = ()
    if programme is not None:
        ranked = sorted(programme.visitation_groups, key=lambda g: g.rank)
        declared = tuple(g.code for g in ranked)
        if programme.participants.groups is not None:
            declared = _union(declared, programme.participants.groups)
    return _union(declared or GROUP_CODES, requested)


def _arms(programme: Programme | None) -> tuple[str, ...] | None:
    if programme is None:
        return ("treatment", "control")
    arms: tuple[str, ...] = ()
    if programme.design != "visitation":
        arms = tuple(programme.arms)
    if programme.participants.arms is not None:
        arms = _union(arms, programme.participants.arms)
    return arms or None


def _uses_groups(programme: Programme | None) -> bool:
    return programme is not None and (
        programme.design == "visitation"
        or bool(programme.visitation_groups)
        or programme.participants.groups is not None
    )


def _identifiers(rng: np.random.Generator, prefix: str, n: int) -> np.ndarray:
    """*n* distinct opaque identifiers: the prefix and 8 random hex digits."""
    numbers = rng.choice(16**8, size=n, replace=False)
    return np.char.mod(prefix + "%08x", numbers).astype(object)


def _dates(days: np.ndarray) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(np.asarray(days, dtype="datetime64[D]").astype("datetime64[s]"))


def _round_robin(rng: np.random.Generator, blocks: np.ndarray, values: tuple) -> np.ndarray:
    """Assign *values* in turn within each block, in a random order: balanced and complete."""
    order = rng.permutation(len(blocks))
    turn = pd.Series(blocks[order]).groupby(blocks[order]).cumcount().to_numpy()
    assigned = np.empty(len(blocks), dtype=object)
    assigned[order] = np.asarray(values, dtype=object)[turn % len(values)]
    return assigned


def _citizens(
    rng: np.random.Generator,
    n: int,
    n_municipalities: int,
    arms: tuple[str, ...] | None,
    groups: tuple[str, ...] | None,
    columns: tuple[str, ...],
) -> pd.DataFrame:
    width = len(str(n_municipalities))
    names = np.array([f"M{k + 1:0{width}d}" for k in range(n_municipalities)], dtype=object)
    municipality = names[rng.permutation(np.arange(n) % n_municipalities)]
    visit = _FIRST_VISITATION + rng.integers(0, _VISITATION_SPAN_DAYS, n)
    frame = pd.DataFrame(
        {
            "citizen_id": _identifiers(rng, "P", n),
            "municipality": municipality,
            "visitation_date": _dates(visit),
        }
    )
    if arms is not None:
        frame["arm"] = _round_robin(rng, municipality, arms)
    if groups is not None:
        frame["group"] = _round_robin(rng, municipality, groups)
    frame["age"] = rng.integers(18, 65, n)
    frame["sex"] = np.where(rng.random(n) < 0.5, "F", "M")
    for column in columns:
        values = (rng.random(n) < 0.7).astype(float)
        values[rng.random(n) < 0.1] = np.nan  # not recorded for some citizens
        frame[column] = values
    return frame


def _covering(rng: np.random.Generator, n: int, per_citizen: float, codes: tuple) -> tuple:
    """Owner rows and code indices: every code once, then a Poisson number per citizen."""
    counts = rng.poisson(per_citizen, n)
    owner = np.concatenate([rng.integers(0, n, len(codes)), np.repeat(np.arange(n), counts)])
    code = np.concatenate([np.arange(len(codes)), rng.integers(0, len(codes), counts.sum())])
    return owner, code


def _activities(
    rng: np.random.Generator, visit: np.ndarray, home: np.ndarray, workplaces: np.ndarray, states
) -> pd.DataFrame:
    owner, code = _covering(rng, len(visit), 3.0, states)
    m = len(owner)
    activity = np.asarray(states, dtype=object)[code]
    start = visit[owner] + rng.integers(-30, 400, m)
    end = start + rng.integers(0, 120, m)
    at_workplace = np.isin(activity, _AT_WORKPLACE)
    other = workplaces[rng.integers(0, len(workplaces), m)]
    place = np.where(rng.random(m) < 0.7, home[owner], other)
    hours_per_week = np.where(at_workplace, rng.integers(5, 38, m), np.nan)
    return pd.DataFrame(
        {
            "citizen_id": owner,  # replaced by the identifiers below
            "activity": activity,
            "start": _dates(start),
            "end": _dates(end),
            "workplace_id": np.where(at_workplace, place, None),
            "hours_per_week": hours_per_week.astype(float),
        }
    )


def _hours(
    rng: np.random.Generator, visit: np.ndarray, home: np.ndarray, workplaces: np.ndarray
) -> pd.DataFrame:
    n = len(visit)
    periods = np.where(rng.random(n) < 0.5, rng.integers(1, 13, n), 0)
    owner = np.repeat(np.arange(n), periods)
    first = np.repeat(np.cumsum(periods) - periods, periods)
    month = np.arange(len(owner)) - first  # 0, 1, 2 ... within each citizen
    start = visit[owner] + rng.integers(-30, 200, n)[owner] + 30 * month
    hours = np.round(rng.uniform(0, 160, len(owner)) * 4) / 4
    hours[rng.random(len(owner)) < 0.2] = 0.0
    other = workplaces[rng.integers(0, len(workplaces), len(owner))]
    return pd.DataFrame(
        {
            "citizen_id": owner,
            "period_start": _dates(start),
            "period_end": _dates(start + 29),
            "hours": hours,
            "workplace_id": np.where(rng.random(len(owner)) < 0.8, home[owner], other),
        }
    )


def _events(rng: np.random.Generator, visit: np.ndarray, codes: tuple[str, ...]) -> pd.DataFrame:
    owner, code = _covering(rng, len(visit), 6.0, codes)
    m = len(owner)
    return pd.DataFrame(
        {
            "citizen_id": owner,
            "date": _dates(visit[owner] + rng.integers(-14, 400, m)),
            "event": np.asarray(codes, dtype=object)[code],
            "participants": np.asarray(_PARTICIPANTS, dtype=object)[
                rng.integers(0, len(_PARTICIPANTS), m)
            ],
        }
    )


def _survey(
    rng: np.random.Generator, municipalities: np.ndarray, items: tuple[str, ...]
) -> pd.DataFrame:
    per = {"staff": _STAFF_PER_MUNICIPALITY, "citizen": _CITIZEN_RESPONDENTS_PER_MUNICIPALITY}
    kinds = np.concatenate([np.repeat(np.asarray([r]), per[r]) for r in RESPONDENTS])
    k = len(kinds)
    respondent = np.tile(kinds, len(municipalities))
    municipality = np.repeat(municipalities, k)
    # The first respondent of each kind in a municipality answers everything.
    first = np.tile(np.r_[True, kinds[1:] != kinds[:-1]], len(municipalities))
    ids = _identifiers(rng, "R", len(respondent))
    cells = len(ROUNDS) * len(items)
    row = np.repeat(np.arange(len(respondent)), cells)
    frame = pd.DataFrame(
        {
            "respondent_id": ids[row],
            "municipality": municipality[row],
            "respondent": respondent[row],
            "round": np.tile(np.repeat(np.asarray(ROUNDS, dtype=object), len(items)), len(ids)),
            "item": np.tile(np.asarray(items, dtype=object), len(ROUNDS) * len(ids)),
            "value": rng.integers(1, 6, len(row)).astype(float),
        }
    )
    answered = first[row] | (rng.random(len(row)) >= 0.1)
    return frame.loc[answered].reset_index(drop=True)


def _visitations(
    rng: np.random.Generator, visit: np.ndarray, own_group: np.ndarray, codes: tuple[str, ...]
) -> pd.DataFrame:
    n = len(visit)
    # Every citizen's own record; every group code once, for random citizens; and a second
    # record in a random group for 30 % of citizens.
    covering, code = _covering(rng, n, 0.0, codes)
    extra = np.flatnonzero(rng.random(n) < 0.3)
    later = np.concatenate([covering, extra])
    owner = np.concatenate([np.arange(n), later])
    others = np.concatenate([code, rng.integers(0, len(codes), len(extra))])
    group = np.concatenate([own_group, np.asarray(codes, dtype=object)[others]])
    start = np.concatenate([visit, visit[later] + rng.integers(-120, 120, len(later))])
    # Some records are open (no end); some later records end before they start (SPEC.md §7.2
    # step 0 drops them).
    end = start + np.concatenate([np.full(n, 365), rng.integers(-30, 300, len(later))])
    end_dates = _dates(end).to_numpy().copy()
    end_dates[rng.random(len(owner)) < 0.1] = np.datetime64("NaT")
    return pd.DataFrame(
        {"citizen_id": owner, "group": group, "start": _dates(start), "end": end_dates}
    )


def _check_count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be a whole number, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return int(value)


def example_dataset(
    programme: Programme | None = None,
    *,
    n_citizens: int = 240,
    n_municipalities: int = 4,
    seed: int = 0,
    cutoff: object = None,
) -> Dataset:
    """A small, deterministic dataset with every input table, for smoke tests.

    A fixture that exercises code paths, not a calibrated simulation: shares, spells and
    effects in it mean nothing. For realistic synthetic register data use
    :mod:`activemeasures.datasets` (the calibrated simulator).

    Parameters
    ----------
    programme : Programme, optional
        A resolved programme (:meth:`activemeasures.Registry.programme`). The citizens get an
        ``arm`` column with the programme's arms (randomised and observational designs, or
        when its participants are chosen by arm) and a ``group`` column (visitation designs,
        or when it declares groups or its participants are chosen by group) with the codes of
        its visitation groups and of its participants' groups, or :data:`GROUP_CODES` when it
        names none; the tables contain every code its indicator kinds and success
        criteria ask for (:func:`required_codes`). Without a programme: arms ``treatment``
        and ``control``.
    n_citizens : int, default 240
    n_municipalities : int, default 4
        Municipalities ``M1`` ... (zero-padded), each with about the same number of citizens.
    seed : int, default 0
        Seed of the :func:`numpy.random.default_rng` generator; the same seed gives the same
        tables.
    cutoff : date-like, optional
        Data cut-off; default 2017-12-31.

    Returns
    -------
    Dataset
        With these tables (all validated):

        * ``citizens``: opaque ids (``P`` and 8 hex digits), visitation dates spread over
          2016-02-01 to 2017-01-31, arms (or groups) assigned in turn within each
          municipality in random order (so every municipality has every arm when it has
          enough citizens), covariates ``age`` and ``sex``, and one 0/1 column (10 % missing)
          per code the kinds ask of table ``citizens``;
        * ``activities``: every :data:`~activemeasures.states.ACTIVITY_STATES` name at least
          once, about three records per citizen from 30 days before to 400 days after
          visitation, workplaces on the workplace activities (mostly the citizen's own);
        * ``hours``: 30-day periods for about half of the citizens (1 to 12 each), 20 % of
          the periods with 0 hours;
        * ``events``: every code of :data:`EVENT_CODES` (and the requested ones) at least
          once, about six per citizen, with ``participants``;
        * ``survey``: 5 staff and 8 citizen respondents per municipality answering every item
          (:data:`SURVEY_ITEMS` and the requested ones) in every round of :data:`ROUNDS` with
          values 1-5; 10 % of answers missing except for the first respondent of each kind;
        * ``visitations``: one record per citizen starting at visitation (10 % open), one
          record of every group code (programme's, requested, or :data:`GROUP_CODES`) for
          random citizens, and for 30 % of citizens a second record in a random group; some
          later records end before they start.

    Raises
    ------
    ValueError, TypeError
        For bad counts, or codes the example data cannot provide (see :data:`CODE_TABLES`).
    ValidationError
        When the programme asks for values the schemas refuse (e.g. an arm that is not one
        of ``treatment``/``control``/``comparison``, or an activity that is not a State).

    Notes
    -----
    The construction is vectorised: every random draw is one NumPy call over all citizens or
    records, in a fixed order, so the tables depend only on the arguments.

    Examples
    --------
    >>> from activemeasures.testing import example_dataset
    >>> data = example_dataset(n_citizens=40, n_municipalities=2, seed=1)
    >>> data  # doctest: +ELLIPSIS
    <Dataset: 40 citizens; activities (...rows); hours (...rows); events (...rows);
     survey (...rows); visitations (...rows); cut-off 2017-12-31>
    >>> data.citizens.groupby(["municipality", "arm"]).size().tolist()
    [10, 10, 10, 10]
    """
    n = _check_count("n_citizens", n_citizens)
    n_munis = _check_count("n_municipalities", n_municipalities)
    cutoff = as_cutoff(_DEFAULT_CUTOFF if cutoff is None else cutoff)
    wanted = required_codes(programme)
    rng = np.random.default_rng(seed)

    groups = _group_codes(programme, wanted.get("visitations", ()))
    citizens = _citizens(
        rng,
        n,
        n_munis,
        _arms(programme),
        groups if _uses_groups(programme) else None,
        wanted.get("citizens", ()),
    )
    ids = citizens["citizen_id"].to_numpy()
    visit = citizens["visitation_date"].to_numpy().astype("datetime64[D]")
    workplaces = _identifiers(rng, "W", max(3, n // 10))
    home = workplaces[rng.integers(0, len(workplaces), n)]

    states = _union(ACTIVITY_STATES, wanted.get("activities", ()))
    activities = _activities(rng, visit, home, workplaces, states)
    hours = _hours(rng, visit, home, workplaces)
    events = _events(rng, visit, _union(EVENT_CODES, wanted.get("events", ())))
    municipalities = np.sort(citizens["municipality"].unique().astype(object))
    survey = _survey(rng, municipalities, _union(SURVEY_ITEMS, wanted.get("survey", ())))
    own_group = (
        citizens["group"].to_numpy(dtype=object)
        if "group" in citizens
        else np.asarray(groups, dtype=object)[rng.integers(0, len(groups), n)]
    )
    visitations = _visitations(rng, visit, own_group, groups)
    for frame in (activities, hours, events, visitations):
        frame["citizen_id"] = ids[frame["citizen_id"].to_numpy()]
    return Dataset.from_frames(
        citizens,
        activities,
        hours,
        events=events,
        survey=survey,
        visitations=visitations,
        cutoff=cutoff,
    )
