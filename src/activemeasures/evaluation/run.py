"""Running a programme over a dataset: every part of an evaluation, in one call.

:func:`evaluate` is the library's main entry point (DESIGN.md §2, §5): it resolves the
programme, builds the panel, estimates the effect curves, the cumulative incidence of the spell
criteria, the balance table, the success criteria, the fidelity report and the municipal
effects, and bundles them, with every parameter and the plugins' versions, into an
:class:`~activemeasures.evaluation.Evaluation`. It only calls the documented computations of
:mod:`activemeasures.estimators` and :mod:`activemeasures.fidelity`; a part that needs a table
the dataset does not have is recorded in the evaluation's ``problems`` table instead of
stopping the others.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Collection, Sequence
from typing import Any

import attrs
import numpy as np
import pandas as pd

from activemeasures.errors import MissingTableError
from activemeasures.evaluation.result import (
    HEADLINE_WEEKS,
    PROBLEM_COLUMNS,
    Evaluation,
    empty_descriptive,
    empty_municipal,
)
from activemeasures.fidelity import evaluate_fidelity, municipality_effects, municipality_means
from activemeasures.fidelity._contract import checked_table
from activemeasures.fidelity.model import Indicator
from activemeasures.fidelity.municipal import _group_sums
from activemeasures.programme import Programme
from activemeasures.registry import ENTRY_POINT_GROUP, Registry

__all__ = ["DEFAULT_HORIZON", "RESERVED_COLUMNS", "evaluate"]

#: Default follow-up in weeks: the final JobFirst evaluation (000, L518-524, L591; SPEC.md §3.3).
DEFAULT_HORIZON = 78

#: Columns of the citizens table that are never balance covariates.
RESERVED_COLUMNS = ("citizen_id", "municipality", "visitation_date", "arm", "group", "target_group")

#: The two arms the effect estimators compare (DESIGN.md §4.1).
TREATED, CONTROL = "treatment", "control"

#: The block column of a randomised design: randomisation within municipalities (DESIGN.md §7).
BLOCKS = "municipality"

#: The published municipal effect window, weeks 53-78 (000, L1028-1034; SPEC.md §5.3).
MUNICIPAL_WEEKS = (53, 78)

#: Methods :func:`evaluate` accepts.
METHODS = ("blocked", "raw")


class _Problems:
    """Collects what could not be computed (no identifiers: messages name tables and rules)."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str]] = []

    def add(self, part: str, item: str, reason: str) -> None:
        self.rows.append((part, item, reason))

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=list(PROBLEM_COLUMNS), dtype=object)


# ============================================ parts shared with activemeasures.distributed

#: The tables the panel reads, and what every citizen has in every week without one.
PANEL_TABLES = {"activities": "no activity states", "hours": "0 hours"}


def _panel_problems(problems: _Problems, present: Collection[str]) -> None:
    """Record each table of :data:`PANEL_TABLES` missing from *present* as a problem."""
    for table, consequence in PANEL_TABLES.items():
        if table not in present:
            problems.add(
                "panel",
                table,
                f"the dataset has no {table} table: every citizen has "
                f"{consequence} in every week, and the outcomes read from it are computed so",
            )


def _municipal_table(
    frames: Sequence[tuple[str, pd.DataFrame]], window: tuple[int, int], randomised: bool
) -> pd.DataFrame:
    """One municipal table from ``(outcome name, per-municipality frame)`` pairs: each frame
    led by the columns ``outcome``, ``first_week`` and ``last_week`` of *window*."""
    tables = []
    for name, frame in frames:
        frame.insert(0, "last_week", window[1])
        frame.insert(0, "first_week", window[0])
        frame.insert(0, "outcome", name)
        tables.append(frame)
    if not tables:
        return empty_municipal(randomised)
    return pd.concat(tables, ignore_index=True)


def _parameters(
    programme: Programme,
    *,
    horizon: int,
    horizon_given: bool,
    method: str,
    alpha: float,
    round: str | None,
    covariates: Sequence[str],
    window: tuple[int, int],
    weeks: tuple[int, ...],
    bands: bool,
    cutoff: pd.Timestamp,
    n_citizens: int,
) -> dict[str, Any]:
    """The parameters an Evaluation records (:attr:`Evaluation.parameters`)."""
    randomised = programme.design == "randomised"
    return {
        "programme": programme.name,
        "design": programme.design,
        "horizon": horizon,
        "horizon_source": "given" if horizon_given else "default: longest follow-up, at most 78",
        "method": method if randomised else "descriptive",
        "blocks": BLOCKS if randomised and method == "blocked" else None,
        "alpha": float(alpha),
        "round": round,
        "covariates": tuple(covariates),
        "municipal_weeks": window,
        "headline_weeks": weeks,
        "bands": bool(bands),
        "cutoff": str(cutoff.date()),
        "n_citizens": int(n_citizens),
    }


# ================================================================================ inputs


def _resolve(programme: str | Programme, registry: Registry | None) -> tuple[Programme, Any]:
    if isinstance(programme, Programme):
        return programme, registry
    if not isinstance(programme, str):
        raise TypeError(f"programme must be a name or a Programme, got {type(programme).__name__}")
    if registry is None:
        registry = Registry()
        registry.discover()
    return registry.programme(programme), registry


def _plugins(programme: Programme, registry: Registry | None) -> pd.DataFrame:
    """Registered plugins with distribution, version and whether they shaped the programme."""
    from activemeasures import __version__

    if registry is not None:
        frame = registry.distributions()
    else:  # a Programme object: look its plugins up among the installed entry points
        points = {ep.name: ep for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}
        rows = [("activemeasures", "activemeasures", __version__)]
        for name in programme.plugins:
            dist = getattr(points.get(name), "dist", None)
            rows.append((name, *((dist.name, dist.version) if dist else ("", ""))))
        frame = pd.DataFrame(rows, columns=["plugin", "distribution", "version"])
    frame["contributed"] = frame["plugin"].isin(programme.plugins)
    return frame.reset_index(drop=True)


def _default_horizon(dataset) -> int:
    """Largest number of observed weeks of any citizen, at most 78 and at least 1."""
    # In whole days (int64): timestamps centuries apart would overflow in nanoseconds.
    visit = np.asarray(dataset.citizens["visitation_date"], dtype="datetime64[D]")
    cutoff = np.datetime64(dataset.cutoff.date(), "D")
    days = (cutoff - visit).astype(np.int64)
    longest = int(((days + 1) // 7).max(initial=0)) if len(days) else 0
    return int(np.clip(longest, 1, DEFAULT_HORIZON))


def _numeric_covariates(citizens: pd.DataFrame) -> list[str]:
    return [
        c
        for c in citizens.columns
        if c not in RESERVED_COLUMNS
        and (pd.api.types.is_numeric_dtype(citizens[c]) or pd.api.types.is_bool_dtype(citizens[c]))
    ]


def _window(weeks: Sequence[int] | None, horizon: int) -> tuple[int, int]:
    if weeks is None:
        return MUNICIPAL_WEEKS if horizon >= MUNICIPAL_WEEKS[1] else (1, horizon)
    first, last = (int(w) for w in weeks)
    if not 1 <= first <= last <= horizon:
        raise ValueError(
            f"municipal_weeks must satisfy 1 <= first <= last <= {horizon} (the horizon), "
            f"got {tuple(weeks)!r}"
        )
    return first, last


def _met_week_source(outcome: object) -> object | None:
    """The outcome itself or the outcome it wraps (``.outcome``) when it has ``met_week``."""
    for _ in range(4):
        if outcome is None:
            return None
        if callable(getattr(outcome, "met_week", None)):
            return outcome
        outcome = getattr(outcome, "outcome", None)
    return None


def _check_arms(citizens: pd.DataFrame) -> None:
    """A randomised design compares the arms: both must have citizens (else a DesignError)."""
    from activemeasures.estimators import DesignError

    if "arm" not in citizens.columns:
        raise DesignError(
            "a randomised design compares the arms, but the citizens table has no arm column"
        )
    arms = citizens["arm"].astype("string")
    empty = [arm for arm in (TREATED, CONTROL) if not arms.eq(arm).fillna(False).any()]
    if empty:
        raise DesignError(
            "a randomised design needs citizens in both arms; no citizen has arm "
            + " or ".join(map(repr, empty))
        )


def _grouping(programme: Programme, citizens: pd.DataFrame) -> str:
    """The column citizens are compared by: the arm in a randomised design, else the group."""
    if programme.design == "randomised" or "group" not in citizens.columns:
        return "arm"
    return "group"


# ================================================================================= parts


def _missing_tables(dataset, kind: object) -> list[str]:
    """The tables a kind declares (``kind.tables``) that the dataset does not have."""
    return [t for t in getattr(kind, "tables", ()) if getattr(dataset, t, None) is None]


def _needs(missing: list[str]) -> str:
    noun = "table" if len(missing) == 1 else "tables"
    return f"needs the {' and '.join(missing)} {noun}, which the dataset does not have"


def _criteria(dataset, programme: Programme, problems: _Problems) -> pd.DataFrame:
    """Each success criterion's kind on its population, national row first, target and met."""
    frames = []
    for criterion in programme.success_criteria:
        population = criterion.population or programme.participants
        missing = _missing_tables(dataset, criterion.kind)
        if missing:
            problems.add("criteria", criterion.key, _needs(missing))
            continue
        try:
            computed = criterion.kind.compute(dataset, population)
        except MissingTableError as exc:
            problems.add("criteria", criterion.key, str(exc))
            continue
        as_indicator = Indicator(key=criterion.key, label=criterion.label, kind=criterion.kind)
        table = checked_table(computed, as_indicator).reset_index()
        order = np.r_[len(table) - 1, np.arange(len(table) - 1)]  # national first
        table = table.iloc[order].reset_index(drop=True)
        target = np.nan if criterion.target is None else criterion.target
        met = pd.array(table["value"].to_numpy() >= target, dtype="boolean")
        met[~np.isfinite(table["value"].to_numpy()) | np.isnan(target)] = pd.NA
        table.insert(0, "label", criterion.label)
        table.insert(0, "key", criterion.key)
        table["target"] = target
        table["met"] = met
        frames.append(table)
    columns = ["key", "label", "unit", "numerator", "denominator", "value", "target", "met"]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return pd.concat(frames, ignore_index=True).loc[:, columns]


def _fidelity(dataset, programme: Programme, round: str | None, problems: _Problems):
    """The fidelity report over the core elements whose indicators have their tables."""
    if not programme.core_elements:
        return None
    kept = []
    for element in programme.core_elements:
        lacking = []
        for indicator in element.indicators:
            missing = _missing_tables(dataset, indicator.kind)
            if missing:
                lacking.append(indicator.key)
                problems.add(
                    "fidelity",
                    f"indicator {indicator.key}",
                    f"{_needs(missing)}; core element {element.key!r} left out of the "
                    "fidelity report",
                )
        if not lacking:
            kept.append(element.key)
    if not kept:
        return None
    selected = None if len(kept) == len(programme.core_elements) else kept
    try:
        return evaluate_fidelity(dataset, programme, round=round, elements=selected)
    except MissingTableError as exc:
        problems.add("fidelity", "report", str(exc))
        return None


def _installed() -> Registry:
    """A registry of the installed plugins (for a Programme object given without one)."""
    registry = Registry()
    registry.discover()
    return registry


def _with_visitation_groups(dataset, programme: Programme, registry: Registry):
    """The dataset with each citizen's visitation group from the visitations table.

    Only for a visitation design whose citizens table has no ``group`` column: the records
    are reduced to one per citizen by the programme's ``resolve_visitations`` rule, the group
    joins the citizens table (citizens without a record keep a missing group) and the rule's
    counts join the data-quality report.
    """
    if (
        programme.design != "visitation"
        or dataset.visitations is None
        or "group" in dataset.citizens.columns
    ):
        return dataset
    resolved = registry.resolve_visitations(programme.name, dataset.visitations)
    groups = resolved.table.set_index("citizen_id")["group"]
    if pd.api.types.is_float_dtype(groups) and (groups.dropna() % 1 == 0).all():
        groups = groups.astype("Int64")  # group codes 1, 2, 3, 6 read as numbers
    citizens = dataset.citizens.copy()
    citizens["group"] = citizens["citizen_id"].map(groups.astype("string")).astype("string")
    return attrs.evolve(dataset, citizens=citizens, quality=dataset.quality + resolved.quality)


def _extra_tables(dataset, programme: Programme, problems: _Problems) -> dict:
    """The programme's report tables; one needing a missing table is recorded in problems."""
    tables = {}
    for table in programme.report_tables:
        try:
            frame = table.compute(dataset)
        except MissingTableError as error:
            problems.add("report table", table.key, str(error))
            continue
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(
                f"report table {table.key!r}: compute returned {type(frame).__name__}, "
                "expected a pandas DataFrame"
            )
        tables[table.key] = frame.reset_index(drop=True)
    return tables


def _descriptive(panel, outcomes: Sequence, by: str) -> pd.DataFrame:
    """Weekly mean of each outcome per group over the observed citizens (not effects)."""
    labels = panel.citizens[by].astype("string")
    codes, groups = pd.factorize(labels, sort=True)
    observed = panel.observed
    frames = []
    for outcome in outcomes:
        values = np.asarray(outcome.values(panel, compact=True), dtype=np.float64)
        n, sums = _group_sums(values, observed, codes.astype(np.int64), len(groups))
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = np.where(n > 0, sums / np.maximum(n, 1), np.nan)
        frames.append(
            pd.DataFrame(
                {
                    "outcome": outcome.name,
                    "label": outcome.label,
                    by: np.repeat(np.asarray(groups, dtype=object), panel.horizon),
                    "week": np.tile(np.arange(1, panel.horizon + 1), len(groups)),
                    "n_observed": n.reshape(-1),
                    "mean": mean.reshape(-1),
                }
            )
        )
    if not frames:
        return empty_descriptive(by)
    return pd.concat(frames, ignore_index=True)


def _sample(panel, by: str) -> pd.DataFrame:
    labels = panel.citizens[by].astype("string").fillna("(missing)")
    full = pd.Series(panel.observed_weeks >= panel.horizon, index=labels.index)
    frame = (
        pd.DataFrame({by: labels, "full": full})
        .groupby(by, sort=True)["full"]
        .agg(n_citizens="size", n_full_follow_up="sum")
        .reset_index()
        .rename(columns={by: "value"})
    )
    frame.insert(0, "by", by)
    return frame.astype({"n_citizens": "int64", "n_full_follow_up": "int64"})


# ============================================================================== evaluate


def evaluate(
    dataset,
    programme: str | Programme,
    *,
    registry: Registry | None = None,
    horizon: int | None = None,
    method: str = "blocked",
    alpha: float = 0.05,
    round: str | None = None,
    covariates: Sequence[str] | None = None,
    municipal_weeks: Sequence[int] | None = None,
    headline_weeks: Sequence[int] = HEADLINE_WEEKS,
    bands: bool = True,
) -> Evaluation:
    r"""Evaluate a programme on a dataset: effects, criteria, fidelity, all in one result.

    Parameters
    ----------
    dataset : Dataset
        The validated input tables (:meth:`activemeasures.Dataset.from_frames`).
    programme : str or Programme
        A programme name, resolved with ``registry`` (default: a new
        :class:`~activemeasures.Registry` after :meth:`~activemeasures.Registry.discover`),
        or a resolved :class:`~activemeasures.Programme`.
    registry : Registry, optional
        Where to look the programme up; its :meth:`~activemeasures.Registry.distributions`
        are recorded as the evaluation's ``plugins``.
    horizon : int, optional
        Weeks since visitation of the panel. Default: the largest number of weeks any citizen
        is observed (:math:`\lfloor (\text{cutoff} - \text{visitation} + 1\text{ day}) /
        7 \rfloor`), at most 78, the follow-up of the final JobFirst evaluation (000,
        L518-524; SPEC.md §3.3), and at least 1.
    method : {"blocked", "raw"}, default "blocked"
        Effect estimator (:func:`~activemeasures.estimators.weekly_effects`): blocked by
        municipality, the design-correct default (DESIGN.md §7), or the raw Welch difference
        of the published curves (001, L332; SPEC.md §11 A-52).
    alpha : float, default 0.05
        1 − confidence level of every interval.
    round : str, optional
        Measurement round of the fidelity indicators (survey kinds).
    covariates : sequence of str, optional
        Citizens columns of the balance table. Default: every numeric or boolean column of the
        citizens table except :data:`RESERVED_COLUMNS`.
    municipal_weeks : (int, int), optional
        Window of the per-municipality effects. Default: weeks 53-78 (the final evaluation's
        municipal analysis, 000, L1028-1034; SPEC.md §5.3) when the horizon reaches week 78,
        otherwise the whole horizon.
    headline_weeks : sequence of int, default (13, 26, 35, 52, 78)
        Weeks shown in the summary and in :meth:`Evaluation.headline` (those within the
        horizon).
    bands : bool, default True
        Compute the simultaneous sup-t bands of the effect curves.

    Returns
    -------
    Evaluation

    Raises
    ------
    UnknownProgrammeError
        If no installed plugin declares the programme.
    ValueError
        For a bad parameter (method, alpha, horizon, window, covariate not in the citizens
        table).
    DesignError
        When the data cannot support the design (a subclass of ValueError): a randomised
        design whose citizens table has no ``arm`` column or no citizen in an arm, or too few
        citizens of an arm in a municipality (the blocks of
        :func:`~activemeasures.estimators.weekly_effects`).

    Notes
    -----
    **Visitation groups.** For a visitation design whose citizens table has no ``group``
    column, the visitations table is reduced to one record per citizen by the programme's
    rule (:meth:`Registry.resolve_visitations <activemeasures.Registry.resolve_visitations>`;
    'Flere skal med': SPEC.md §7.2) and each citizen's group joins the citizens table; the
    records the rule removes are counted in the data-quality report.

    **The programme's data rules.** Then the programme's plugin may clean the dataset
    (:func:`~activemeasures.hookspecs.prepare_dataset`, e.g. JobFirst drops events before
    the draw date); what it excludes is counted in the data-quality report, and data the
    programme cannot be evaluated on raise :class:`~activemeasures.ValidationError`.

    The parts, in order:

    * **quality**: the dataset's :class:`~activemeasures.DataQualityReport` plus the panel's
      (records cut to the follow-up window).
    * **effects** (randomised designs): for every programme outcome,
      ``weekly_effects(panel, outcome, method=method, blocks="municipality", alpha=alpha)``,
      treatment − control in every week over the citizens observed that week (001, L287;
      SPEC.md §5.1). Citizens of arm ``comparison`` are left out.
    * **incidence**: for every outcome with a ``met_week(panel)`` method (a spell criterion,
      :class:`~activemeasures.outcomes.CumulativeCriterion`, or an outcome wrapping one in
      its ``outcome`` attribute), the Kaplan–Meier cumulative incidence
      ``cumulative_incidence(met_week, observed_weeks, groups, alpha=alpha, horizon=horizon)``
      with groups the arms (treatment and control) or, in other designs, the visitation
      groups (DESIGN.md §7).
    * **balance** (randomised designs): ``balance_table`` of the covariates on treatment
      versus control with municipality blocks; ``None`` without covariates.
    * **criteria**: each success criterion's kind on its population (default: the
      programme's participants), per municipality and nationally; ``met`` is
      :math:`\text{value} \ge \text{target}`, missing without a target or a value.
    * **fidelity**: ``evaluate_fidelity(dataset, programme, round=round)``.
    * **municipal**: per municipality and outcome, ``municipality_effects`` over
      ``municipal_weeks`` (randomised designs; SPEC.md §5.3, §11 A-46), or
      ``municipality_means`` over all citizens (other designs, descriptive).
    * **extra tables**: each of the programme's report tables,
      ``table.compute(dataset)`` (:class:`~activemeasures.ReportTable`).
    * **descriptive** (visitation and observational designs): the weekly mean of every
      outcome per group over the citizens observed that week, :math:`\bar y_{gw} =
      \sum_{i \in O_{gw}} y_{iw} / |O_{gw}|`. These are **descriptive** levels, not effects:
      without randomisation the groups differ in more than the programme ('Flere skal med'
      was evaluated descriptively, 003, L12-14).

    **Missing tables.** A success criterion or a fidelity indicator whose kind reads a table
    (its ``tables`` attribute) that the dataset does not have is not computed (nor one whose
    ``compute`` raises :class:`~activemeasures.MissingTableError`); the evaluation goes on
    and records it in ``problems`` (part, item, reason; no identifiers). A fidelity
    indicator lacking a table takes its whole core element out of the fidelity report
    (rating an element on part of its indicators would change its level); with no element
    left, ``fidelity`` is ``None``.
    A dataset without an activities or hours table gives a panel without those states or
    hours; that is recorded too. Other errors (an invalid table, a plugin error) are raised.

    Examples
    --------
    >>> import activemeasures as am
    >>> from activemeasures.testing import example_dataset
    >>> registry = am.Registry()
    >>> _ = registry.discover()
    >>> data = example_dataset(registry.programme("mentorpilot"), n_citizens=80)
    >>> result = am.evaluate(data, "mentorpilot", registry=registry, bands=False)
    >>> sorted(result.effects)
    ['hours', 'share_internship']
    >>> result.criteria.loc[0, ["key", "unit", "target"]].to_dict()
    {'key': 'eight_weeks', 'unit': 'national', 'target': 0.5}
    """
    from activemeasures.estimators import balance_table, cumulative_incidence, weekly_effects

    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(map(repr, METHODS))}, got {method!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
    programme, registry = _resolve(programme, registry)
    rules = registry if registry is not None else _installed()
    dataset = _with_visitation_groups(dataset, programme, rules)
    dataset = rules.prepare_dataset(programme.name, dataset)
    citizens = dataset.citizens
    horizon_given = horizon is not None
    horizon = int(horizon) if horizon_given else _default_horizon(dataset)
    window = _window(municipal_weeks, horizon)
    weeks = tuple(sorted({int(w) for w in headline_weeks}))
    randomised = programme.design == "randomised"
    if covariates is None:
        covariates = _numeric_covariates(citizens) if randomised else []
    covariates = list(covariates)
    unknown = [c for c in covariates if c not in citizens.columns]
    if unknown:
        raise ValueError(f"covariates not in the citizens table: {', '.join(map(repr, unknown))}")
    if randomised:
        _check_arms(citizens)

    problems = _Problems()
    panel = dataset.panel(horizon)
    _panel_problems(problems, present={t for t in PANEL_TABLES if getattr(dataset, t) is not None})
    outcomes = list(programme.outcomes)
    by = _grouping(programme, citizens)

    effects, municipal_frames = {}, []
    if randomised:
        blocks = BLOCKS
        for outcome in outcomes:
            effects[outcome.name] = weekly_effects(
                panel, outcome, method=method, blocks=blocks, alpha=alpha, bands=bands
            )
        descriptive = empty_descriptive(by)
    else:
        descriptive = _descriptive(panel, outcomes, by)
    for outcome in outcomes:
        if randomised:
            frame = municipality_effects(panel, outcome, weeks=window)
        else:
            frame = municipality_means(panel, outcome, weeks=window, by_arm=False)
        municipal_frames.append((outcome.name, frame))
    municipal = _municipal_table(municipal_frames, window, randomised)

    incidence = {}
    groups = panel.citizens[by].astype("string")
    if randomised:
        keep = groups.isin([TREATED, CONTROL]).fillna(False).to_numpy(dtype=bool)
    else:
        keep = groups.notna().to_numpy(dtype=bool)
    for outcome in outcomes:
        source = _met_week_source(outcome)
        if source is None:
            continue
        met = np.asarray(source.met_week(panel))
        incidence[outcome.name] = cumulative_incidence(
            met[keep],
            panel.observed_weeks[keep],
            groups.to_numpy(dtype=object)[keep],
            alpha=alpha,
            horizon=horizon,
        )

    balance = None
    if randomised and covariates:
        arms = citizens["arm"].astype("string")
        rows = arms.isin([TREATED, CONTROL]).fillna(False).to_numpy(dtype=bool)
        frame = citizens.loc[rows, [*covariates, BLOCKS]].reset_index(drop=True)
        frame["__treated__"] = (arms[rows] == TREATED).to_numpy(dtype=np.int64)
        balance = balance_table(frame, "__treated__", covariates, blocks=BLOCKS)

    parameters = _parameters(
        programme,
        horizon=horizon,
        horizon_given=horizon_given,
        method=method,
        alpha=alpha,
        round=round,
        covariates=covariates,
        window=window,
        weeks=weeks,
        bands=bands,
        cutoff=dataset.cutoff,
        n_citizens=dataset.n_citizens,
    )
    criteria = _criteria(dataset, programme, problems)
    fidelity = _fidelity(dataset, programme, round, problems)
    extra = _extra_tables(dataset, programme, problems)
    return Evaluation(
        programme=programme,
        parameters=parameters,
        plugins=_plugins(programme, registry),
        quality=dataset.quality + panel.quality,
        sample=_sample(panel, by),
        effects=effects,
        incidence=incidence,
        balance=balance,
        criteria=criteria,
        fidelity=fidelity,
        municipal=municipal,
        descriptive=descriptive,
        problems=problems.frame(),
        extra_tables=extra,
    )
