"""What runs on a worker: one partition of the citizens, its Dataset, Panel and statistics.

Each function takes a :class:`Partition` (all records of some citizens) and returns
sufficient statistics: sums over the partition's citizens that
:mod:`activemeasures.distributed.combine` adds up over partitions. None of them returns a
citizen's key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs
import numpy as np
import pandas as pd

from activemeasures.dataset import Dataset
from activemeasures.distributed.partitioning import CITIZEN_TABLES
from activemeasures.errors import MissingTableError
from activemeasures.fidelity.model import Population
from activemeasures.quality import DataQualityReport

__all__ = [
    "ROW",
    "Partition",
    "Plan",
    "build",
    "crossproducts",
    "prepare",
    "statistics",
    "summary",
]

#: Column carrying a citizen's position in the input citizens table while it travels.
ROW = "__activemeasures_row__"

TREATED, CONTROL = "treatment", "control"


@attrs.frozen(kw_only=True, eq=False)
class Partition:
    """All records of some citizens: their Dataset and their rows in the input citizens table."""

    index: int
    dataset: Dataset
    rows: np.ndarray
    base_quality: DataQualityReport = attrs.field(factory=DataQualityReport)
    added_quality: DataQualityReport = attrs.field(factory=DataQualityReport)


def _concat(pieces: Sequence[pd.DataFrame]) -> pd.DataFrame | None:
    pieces = [p for p in pieces if p is not None]
    if not pieces:
        return None
    if len(pieces) == 1:
        return pieces[0]
    return pd.concat(pieces, ignore_index=True)


def build(
    index: int,
    tables: Mapping[str, Sequence[pd.DataFrame] | pd.DataFrame | None],
    *,
    cutoff: pd.Timestamp,
    survey: pd.DataFrame | None,
    validate: bool,
    allow_cpr: bool = False,
    programme=None,
) -> Partition:
    """The Dataset of one partition (validated unless the tables come from a Dataset).

    ``tables`` maps citizen-keyed table names to the partition's frame or pieces of it;
    ``survey`` (the whole survey table) is given to one partition only. With a *programme*,
    the partition is prepared as :func:`activemeasures.evaluate` prepares a dataset
    (:func:`prepare`).
    """
    frames = {}
    for name in CITIZEN_TABLES:
        value = tables.get(name)
        frames[name] = value if value is None or isinstance(value, pd.DataFrame) else _concat(value)
    citizens = frames["citizens"]
    rows = citizens[ROW].to_numpy(dtype=np.int64)
    frames["citizens"] = citizens.drop(columns=[ROW])
    if validate:
        dataset = Dataset.from_frames(
            frames["citizens"],
            frames["activities"],
            frames["hours"],
            events=frames["events"],
            survey=survey,
            visitations=frames["visitations"],
            cutoff=cutoff,
            allow_cpr=allow_cpr,
        )
    else:
        dataset = Dataset(**frames, survey=survey, cutoff=cutoff)
    if dataset.n_citizens != len(rows):  # validation never drops a row; guard the alignment
        raise AssertionError("the partition's citizens changed length in validation")
    base = dataset.quality
    if programme is not None:
        dataset = prepare(dataset, programme)
        if dataset.n_citizens != len(rows):
            raise AssertionError("the programme's data rules dropped citizens of a partition")
    added = DataQualityReport(dataset.quality.entries[len(base.entries) :])
    return Partition(
        index=index, dataset=dataset, rows=rows, base_quality=base, added_quality=added
    )


def prepare(dataset: Dataset, programme) -> Dataset:
    """The partition after the steps :func:`activemeasures.evaluate` takes before computing:
    visitation groups from the visitations table, then the programme's ``prepare_dataset``
    rules, with a registry of the plugins installed on the worker.

    Both work citizen by citizen (the hook's contract), so applying them partition by
    partition gives the same records, and the counts add up to the whole dataset's.
    """
    from activemeasures.evaluation import run

    registry = run._installed()
    dataset = run._with_visitation_groups(dataset, programme, registry)
    return registry.prepare_dataset(programme.name, dataset)


def _unique(values: pd.Series) -> pd.Series:
    return pd.Series(pd.unique(values.dropna()), dtype=values.dtype)


def summary(part: Partition, by: str | None) -> dict:
    """What the plan needs from every partition: counts, labels, dates, column types."""
    citizens = part.dataset.citizens
    arm = citizens["arm"].astype("string") if "arm" in citizens.columns else None
    analysed = (
        arm.isin([TREATED, CONTROL]).fillna(False).to_numpy(dtype=bool) if arm is not None else None
    )
    out = {
        "n_citizens": len(citizens),
        "quality": part.base_quality,
        "added_quality": part.added_quality,
        "first_visit": citizens["visitation_date"].min() if len(citizens) else None,
        "columns": citizens.iloc[:0],
        "municipalities": _unique(citizens["municipality"]),
        "arms": None if arm is None else _unique(arm),
        "blocks": None if arm is None else _unique(citizens["municipality"][analysed]),
        "groups": None,
    }
    if by is not None and by in citizens.columns:
        out["groups"] = _unique(citizens[by].astype("string"))
    return out


# ================================================================================== the plan


@attrs.frozen(kw_only=True, eq=False)
class Plan:
    """Everything a partition needs to compute its statistics (sent to every worker)."""

    horizon: int
    window: tuple[int, int]
    by: str
    randomised: bool
    method: str
    outcomes: tuple
    municipalities: pd.Index
    blocks: pd.Index
    groups: pd.Index
    jobs: tuple  # (job id, kind, population, mode, round)
    survey_partition: int


def _weekly(panel, outcome, plan: Plan):
    """The outcome of a partition as :func:`weekly_effects` reads it, with global codes."""
    from activemeasures.estimators import curves
    from activemeasures.outcomes import as_outcome

    spec = as_outcome(outcome)
    values = spec.values(panel, compact=True)
    curves._check_values(values)
    observed = np.minimum(panel.observed_weeks, panel.horizon).astype(np.intp)
    arm = panel.citizens["arm"]
    is_treated = arm.eq(TREATED).fillna(False).to_numpy(dtype=bool)
    is_control = arm.eq(CONTROL).fillna(False).to_numpy(dtype=bool)
    keep = is_treated | is_control
    if plan.method == "blocked":
        codes = plan.blocks.get_indexer(panel.citizens["municipality"]).astype(np.int64)
        n_blocks = max(len(plan.blocks), 1)
    else:
        codes, n_blocks = np.zeros(len(arm), dtype=np.int64), 1
    group = np.where(keep, is_treated.astype(np.int64) * n_blocks + codes, -1)
    return curves._Weekly(
        y=values,
        observed_weeks=observed,
        mask=None,
        group=group,
        n_blocks=n_blocks,
        blocked=plan.method == "blocked",
        covariates=None,
        name=spec.name,
        label=spec.label,
    )


def _municipal(panel, outcome, plan: Plan) -> dict:
    from activemeasures.fidelity import municipal

    codes = plan.municipalities.get_indexer(panel.citizens["municipality"]).astype(np.int64)
    if plan.randomised:
        arm = panel.citizens["arm"].to_numpy(dtype=object)
        arm_codes, n_arms = np.select([arm == TREATED, arm == CONTROL], [0, 1], default=-1), 2
    else:
        arm_codes, n_arms = np.zeros(panel.n_citizens, dtype=np.int64), 1
    first, last = plan.window
    return municipal._window_statistics(
        panel, outcome, first, last, codes, len(plan.municipalities), arm_codes, n_arms
    )


def _group_labels(panel, plan: Plan) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the citizens' groups (arm or group) in ``plan.groups`` and who is analysed."""
    labels = panel.citizens[plan.by].astype("string")
    if plan.randomised:
        keep = labels.isin([TREATED, CONTROL]).fillna(False).to_numpy(dtype=bool)
    else:
        keep = labels.notna().to_numpy(dtype=bool)
    codes = pd.Index(plan.groups, dtype=object).get_indexer(labels.to_numpy(dtype=object))
    return np.where(keep, codes, -1).astype(np.int64), keep


def _kind_tables(part: Partition, plan: Plan) -> dict:
    """Each job's table on this partition, or the MissingTableError's message."""
    out = {}
    for job, kind, population, mode, round_ in plan.jobs:
        if mode == "once" and part.index != plan.survey_partition:
            continue
        try:
            if mode == "contrast":
                out[job] = {
                    arm: kind.of.compute(
                        part.dataset,
                        Population(arms=(arm,), groups=population.groups),
                        round=round_,
                    )
                    for arm in (kind.treatment, kind.control)
                }
            else:
                out[job] = kind.compute(part.dataset, population, round=round_)
        except MissingTableError as exc:
            out[job] = exc
    return out


def statistics(part: Partition, plan: Plan) -> dict:
    """Sufficient statistics of one partition for every part of the evaluation."""
    from activemeasures.estimators import curves
    from activemeasures.estimators.incidence import _event_counts
    from activemeasures.evaluation.run import _met_week_source, _sample
    from activemeasures.fidelity.municipal import _group_sums

    panel = part.dataset.panel(plan.horizon)
    out: dict = {
        "panel_quality": panel.quality,
        "sample": _sample(panel, plan.by),
        "moments": {},
        "municipal": {},
        "descriptive": {},
        "incidence": {},
    }
    codes, keep = _group_labels(panel, plan)
    for outcome in plan.outcomes:
        name = outcome.name
        if plan.randomised:
            out["moments"][name] = curves._moments(_weekly(panel, outcome, plan))
        else:
            values = np.asarray(outcome.values(panel, compact=True), dtype=np.float64)
            out["descriptive"][name] = _group_sums(values, panel.observed, codes, len(plan.groups))
        out["municipal"][name] = _municipal(panel, outcome, plan)
        source = _met_week_source(outcome)
        if source is not None:
            met = np.asarray(source.met_week(panel)).astype(np.int64)
            out["incidence"][name] = _event_counts(
                met[keep],
                panel.observed_weeks[keep].astype(np.int64),
                codes[keep],
                len(plan.groups),
                horizon=plan.horizon,
                balanced=False,
            )
    out["kinds"] = _kind_tables(part, plan)
    return out


def crossproducts(part: Partition, plan: Plan, weights: Mapping[str, tuple]) -> dict:
    """The partition's part of each outcome's influence cross-product (the sup-t band).

    ``weights`` maps an outcome's name to the ``(center, scale)`` of its fit on the whole
    data (from the summed moments); the sum of every partition's
    :math:`\\Phi^\\top\\Phi` is the whole data's (:func:`weekly_effects`' band).
    """
    from activemeasures.estimators import curves

    panel = part.dataset.panel(plan.horizon)
    return {
        outcome.name: curves._influence_crossproduct(
            _weekly(panel, outcome, plan), *weights[outcome.name]
        )
        for outcome in plan.outcomes
        if outcome.name in weights
    }
