"""The public entry point: :func:`evaluate` on a Dask cluster, partition by partition.

The flow (DESIGN.md §2, §9): the citizen-keyed tables are split by a keyed hash of the
citizen key (:mod:`~activemeasures.distributed.partitioning`), each partition becomes a
:class:`~activemeasures.Dataset` and a :class:`~activemeasures.Panel` on a worker
(:mod:`~activemeasures.distributed.partition`), the partitions' sufficient statistics are
added up (:mod:`~activemeasures.distributed.combine`) and the in-memory estimators finish the
job on the sums. The result is the :class:`~activemeasures.evaluation.Evaluation` that
:func:`activemeasures.evaluate` returns on the same data.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Mapping, Sequence

import attrs
import numpy as np
import pandas as pd

from activemeasures.dataset import TABLES, Dataset
from activemeasures.distributed import combine
from activemeasures.distributed import partition as part_
from activemeasures.distributed.kinds import Precomputed, combination, sum_tables
from activemeasures.distributed.partitioning import CITIZEN_TABLES, split_frame, split_frames
from activemeasures.errors import MissingTableError
from activemeasures.evaluation.result import HEADLINE_WEEKS, Evaluation, empty_descriptive
from activemeasures.panel import as_cutoff
from activemeasures.programme import Programme

__all__ = ["CITIZENS_PER_PARTITION", "evaluate"]

#: Default partition size: about 200,000 citizens (a Panel of 78 weeks of about 94 MB).
CITIZENS_PER_PARTITION = 200_000


# ============================================================================== the scheduler


class _Runner:
    """Persist, compute and scatter with a distributed Client or with dask's current scheduler."""

    def __init__(self, client: object) -> None:
        import dask

        self.owned = False
        if client is None:
            owner = getattr(dask.base.get_scheduler(), "__self__", None)
            self.client = owner if _is_client(owner) else None
        elif isinstance(client, str):
            from distributed import Client

            self.client = Client(client, set_as_default=False)
            self.owned = True
        elif _is_client(client):
            self.client = client
        else:
            raise TypeError(
                "client must be a distributed.Client, a scheduler address such as "
                f"'tcp://host:8786', or None; got {type(client).__name__}"
            )

    @property
    def n_workers(self) -> int:
        if self.client is None:
            return os.cpu_count() or 1
        return max(sum(self.client.nthreads().values()), 1)

    def scatter(self, items: list) -> list:
        if self.client is None:
            return items
        return self.client.scatter(items, hash=False)

    def persist(self, items: list) -> list:
        import dask

        if self.client is None:
            return list(dask.persist(*items))
        return list(self.client.persist(items))

    def compute(self, items: list) -> list:
        import dask

        if self.client is None:
            return list(dask.compute(*items))
        return list(self.client.compute(items, sync=True))

    def close(self) -> None:
        if self.owned:
            self.client.close()


def _is_client(value: object) -> bool:
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - dask without distributed
        return False
    return isinstance(value, Client)


# ================================================================================ the inputs


@attrs.frozen(kw_only=True, eq=False)
class _Inputs:
    partitions: list  # persisted Partition objects (delayed / futures)
    present: frozenset
    cutoff: pd.Timestamp
    quality: object  # DataQualityReport of the whole Dataset, or None (sum the partitions')


def _is_dask_frame(value: object) -> bool:
    try:
        import dask.dataframe as dd
    except ImportError:  # pragma: no cover
        return False
    return isinstance(value, dd.DataFrame)


def _as_table(name: str, value: object):
    """A pandas or dask DataFrame from a frame or a Parquet path / glob."""
    if value is None or isinstance(value, pd.DataFrame) or _is_dask_frame(value):
        return value
    if isinstance(value, str | os.PathLike):
        import dask.dataframe as dd

        return dd.read_parquet(os.fspath(value))
    raise TypeError(
        f"table {name!r} must be a pandas or dask DataFrame or a Parquet path, "
        f"got {type(value).__name__}"
    )


def _npartitions(npartitions: int | None, n_citizens: int | None, runner: _Runner) -> int:
    if npartitions is not None:
        value = int(npartitions)
        if value < 1:
            raise ValueError(f"npartitions must be at least 1, got {npartitions}")
        return value
    by_size = math.ceil((n_citizens or 0) / CITIZENS_PER_PARTITION)
    return max(runner.n_workers, by_size, 1)


def _split_pieces(frame: pd.DataFrame, npartitions: int, offset: int | None) -> list:
    """One input partition of a table split into the output partitions (a worker task)."""
    from activemeasures.distributed.partitioning import split_frame

    if offset is not None:
        frame = frame.assign(**{part_.ROW: np.arange(offset, offset + len(frame))})
    return split_frame(frame, npartitions)


def _inputs(
    tables: Dataset | Mapping,
    *,
    cutoff: object,
    npartitions: int | None,
    runner: _Runner,
    allow_cpr: bool,
    programme,
) -> _Inputs:
    from dask import delayed

    if isinstance(tables, Dataset):
        if cutoff is not None and as_cutoff(cutoff) != tables.cutoff:
            raise ValueError("cutoff differs from the Dataset's cut-off; leave it out")
        stamp, survey, quality = tables.cutoff, tables.survey, tables.quality
        present = frozenset(tables.tables)
        n = _npartitions(npartitions, tables.n_citizens, runner)
        citizens = tables.citizens.assign(**{part_.ROW: np.arange(tables.n_citizens)})
        frames = [citizens, *(getattr(tables, name) for name in CITIZEN_TABLES[1:])]
        pieces = [dict(zip(CITIZEN_TABLES, row, strict=True)) for row in split_frames(frames, n)]
        pieces = runner.scatter(pieces)
        builds = [
            delayed(part_.build, pure=False)(
                i,
                pieces[i],
                cutoff=stamp,
                survey=survey if i == 0 else None,
                validate=False,
                programme=programme,
            )
            for i in range(n)
        ]
        return _Inputs(
            partitions=runner.persist(builds), present=present, cutoff=stamp, quality=quality
        )

    if not isinstance(tables, Mapping):
        raise TypeError(
            f"tables must be a Dataset or a mapping of table names, got {type(tables).__name__}"
        )
    unknown = sorted(set(tables) - set(TABLES))
    if unknown:
        raise ValueError(f"unknown tables {unknown}; the tables are {list(TABLES)}")
    if tables.get("citizens") is None:
        raise MissingTableError("the distributed evaluation needs the citizens table")
    if cutoff is None:
        raise ValueError("cutoff= is required when the tables are not a Dataset")
    stamp = as_cutoff(cutoff)
    given = {name: _as_table(name, value) for name, value in tables.items() if value is not None}
    survey = given.pop("survey", None)
    if _is_dask_frame(survey):
        survey = runner.compute([survey])[0]
    citizens = given["citizens"]
    n_citizens = len(citizens) if isinstance(citizens, pd.DataFrame) else None
    n = _npartitions(npartitions, n_citizens, runner)

    # Input partitions of every table, split into the n output partitions on the workers.
    split: dict[str, list] = {}
    for name, frame in given.items():
        if isinstance(frame, pd.DataFrame):
            if name == "citizens":
                frame = frame.assign(**{part_.ROW: np.arange(len(frame))})
            chunks = [delayed(p, pure=False) for p in runner.scatter(split_frame(frame, n))]
            split[name] = [chunks]
            continue
        parts = frame.to_delayed()
        offsets: list[int | None] = [None] * len(parts)
        if name == "citizens":
            lengths = runner.compute([delayed(len)(p) for p in parts])
            offsets = list(np.r_[0, np.cumsum(lengths)[:-1]].astype(int))
        split[name] = [
            delayed(_split_pieces, nout=n, pure=True)(p, n, offset)
            for p, offset in zip(parts, offsets, strict=True)
        ]
    builds = []
    for i in range(n):
        mine = {name: [pieces[i] for pieces in split[name]] for name in split}
        builds.append(
            delayed(part_.build, pure=False)(
                i,
                mine,
                cutoff=stamp,
                survey=survey if i == 0 else None,
                validate=True,
                allow_cpr=allow_cpr,
                programme=programme,
            )
        )
    present = frozenset([*given, *(["survey"] if survey is not None else [])])
    return _Inputs(partitions=runner.persist(builds), present=present, cutoff=stamp, quality=None)


# ============================================================================== the assembly


class _Tables:
    """Stands in for the Dataset in the assembly: which tables exist, nothing else."""

    def __init__(self, present: frozenset) -> None:
        for name in TABLES:
            setattr(self, name, True if name in present else None)

    def require(self, *names: str, by: str) -> None:
        Dataset.require(self, *names, by=by)  # the Dataset's own message


def _jobs(programme: Programme, present: frozenset, round: str | None, additive) -> list:
    """(job id, kind, population, mode, round) of every criterion and indicator to compute."""
    from activemeasures.evaluation.run import _missing_tables

    tables = _Tables(present)
    jobs = []
    for criterion in programme.success_criteria:
        if _missing_tables(tables, criterion.kind):
            continue
        mode = combination(criterion.kind, f"success criterion {criterion.key!r}", additive)
        population = criterion.population or programme.participants
        jobs.append((("criterion", criterion.key), criterion.kind, population, mode, None))
    for element in programme.core_elements:
        if any(_missing_tables(tables, ind.kind) for ind in element.indicators):
            continue
        for indicator in element.indicators:
            mode = combination(indicator.kind, f"indicator {indicator.key!r}", additive)
            job = (("indicator", indicator.key), indicator.kind, programme.participants, mode)
            jobs.append((*job, round))
    return jobs


def _precomputed(jobs: list, results: list[dict], present: frozenset) -> dict:
    """Each job's kind replaced by a :class:`Precomputed` of its combined table."""
    out = {}
    for job, kind, population, mode, round_ in jobs:
        found = [r[job] for r in results if job in r]
        errors = [f for f in found if isinstance(f, MissingTableError)]
        if errors:
            out[job] = Precomputed(original=kind, error=str(errors[0]))
            continue
        arm = population.arms[0] if population.arms else None
        if mode == "once":
            table = found[0]
        elif mode == "sum":
            table = sum_tables(found)
        else:  # contrast: the arms' sums, then the Contrast's own code
            inner = Precomputed(
                original=kind.of,
                by_arm={side: sum_tables([f[side] for f in found]) for side in found[0]},
            )
            table = attrs.evolve(kind, of=inner).compute(_Tables(present), population, round=round_)
        out[job] = Precomputed(original=kind, by_arm={arm: table})
    return out


def _with_kinds(programme: Programme, kinds: dict) -> Programme:
    """The programme with every computed kind replaced by its precomputed table."""

    def indicator(ind):
        found = kinds.get(("indicator", ind.key))
        return ind if found is None else attrs.evolve(ind, kind=found)

    elements = [
        attrs.evolve(
            element,
            sub_components=[
                attrs.evolve(sub, indicators=[indicator(i) for i in sub.indicators])
                for sub in element.sub_components
            ],
        )
        for element in programme.core_elements
    ]
    criteria = [
        attrs.evolve(c, kind=kinds.get(("criterion", c.key), c.kind))
        for c in programme.success_criteria
    ]
    return attrs.evolve(programme, core_elements=elements, success_criteria=criteria)


def _stub_weekly(n_blocks: int, n_weeks: int):
    """A _Weekly without citizens: what the fits need to know about the design."""
    from activemeasures.estimators import curves

    return curves._Weekly(
        y=np.zeros((0, n_weeks), dtype=bool),
        observed_weeks=np.zeros(0, dtype=np.intp),
        mask=None,
        group=np.zeros(0, dtype=np.int64),
        n_blocks=n_blocks,
        blocked=n_blocks > 1,
        covariates=None,
        name="",
        label="",
    )


def _descriptive(outcomes, sums: dict, groups: pd.Index, by: str, horizon: int) -> pd.DataFrame:
    """As :func:`activemeasures.evaluation.run._descriptive`, from the summed statistics."""
    frames = []
    for outcome in outcomes:
        n, total = sums[outcome.name]
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = np.where(n > 0, total / np.maximum(n, 1), np.nan)
        frames.append(
            pd.DataFrame(
                {
                    "outcome": outcome.name,
                    "label": outcome.label,
                    by: np.repeat(np.asarray(groups, dtype=object), horizon),
                    "week": np.tile(np.arange(1, horizon + 1), len(groups)),
                    "n_observed": n.reshape(-1),
                    "mean": mean.reshape(-1),
                }
            )
        )
    if not frames:
        return empty_descriptive(by)
    return pd.concat(frames, ignore_index=True)


def _balance_rows(part, covariates: list[str]) -> pd.DataFrame:
    """The partition's treatment and control citizens: covariates, block, arm, input row."""
    citizens = part.dataset.citizens
    arms = citizens["arm"].astype("string")
    rows = arms.isin(["treatment", "control"]).fillna(False).to_numpy(dtype=bool)
    frame = citizens.loc[rows, [*covariates, "municipality"]].reset_index(drop=True)
    frame["__treated__"] = (arms[rows] == "treatment").to_numpy(dtype=np.int64)
    frame["__row__"] = part.rows[rows]
    return frame


def _union(series: list) -> pd.Index:
    """Labels of all partitions, sorted as :func:`pandas.factorize` sorts them."""
    values = [s for s in series if s is not None and len(s)]
    if not values:
        return pd.Index([])
    _, labels = pd.factorize(pd.concat(values, ignore_index=True), sort=True)
    return pd.Index(labels)


# ============================================================================== evaluate


def evaluate(
    tables: Dataset | Mapping,
    programme: str | Programme,
    *,
    client: object = None,
    npartitions: int | None = None,
    cutoff: object = None,
    registry=None,
    allow_cpr: bool = False,
    additive: Sequence[type] = (),
    horizon: int | None = None,
    method: str = "blocked",
    alpha: float = 0.05,
    round: str | None = None,
    covariates: Sequence[str] | None = None,
    municipal_weeks: Sequence[int] | None = None,
    headline_weeks: Sequence[int] = HEADLINE_WEEKS,
    bands: bool = True,
) -> Evaluation:
    r"""Evaluate a programme on a Dask cluster, partition by partition of the citizens.

    The same :class:`~activemeasures.evaluation.Evaluation` as
    :func:`activemeasures.evaluate` on the same data (equal to rounding: every table agrees
    to 1e-12), computed without holding all citizens in one process.

    Parameters
    ----------
    tables : Dataset or mapping
        A :class:`~activemeasures.Dataset`, or a mapping of table name (``citizens``,
        ``activities``, ``hours``, ``events``, ``survey``, ``visitations``) to a pandas
        DataFrame, a dask DataFrame or a path or glob of Parquet files; then ``cutoff`` is
        required and every partition is validated as
        :meth:`~activemeasures.Dataset.from_frames` validates a Dataset.
    programme : str or Programme
        As in :func:`activemeasures.evaluate`.
    client : distributed.Client or str, optional
        The cluster: a :class:`distributed.Client`, or a scheduler address
        (``"tcp://host:8786"``; a client is opened and closed again). Default: dask's
        current scheduler (the default client if there is one, else the local scheduler).
    npartitions : int, optional
        Number of partitions of the citizens. Default: the larger of the number of worker
        threads and one partition per :data:`CITIZENS_PER_PARTITION` citizens.
    cutoff : date-like, optional
        The data cut-off; required with a mapping of tables (a Dataset has its own).
    registry : Registry, optional
        As in :func:`activemeasures.evaluate`.
    allow_cpr : bool, default False
        Passed to the validation of a mapping of tables.
    additive : sequence of type, optional
        Indicator kind classes (of plugins) whose tables are sums over citizens and may be
        added up over partitions, besides the built-in kinds and kinds declaring
        ``combine = "sum"`` (see :mod:`activemeasures.distributed.kinds`).
    horizon, method, alpha, round, covariates, municipal_weeks, headline_weeks
        As in :func:`activemeasures.evaluate`.
    bands : bool, default True
        As in :func:`activemeasures.evaluate`: the simultaneous sup-t bands of the weekly
        effects. They take a second pass over the partitions (see the notes); ``False``
        saves it.

    Returns
    -------
    Evaluation
        With the same ``parameters`` as :func:`activemeasures.evaluate`.

    Raises
    ------
    NotImplementedError
        When a success criterion or fidelity indicator has a kind that cannot be combined
        over partitions (:func:`~activemeasures.distributed.kinds.combination`).
    ValueError, TypeError
        For bad parameters, as :func:`activemeasures.evaluate`.

    Notes
    -----
    **Partitioning.** A citizen's partition is :math:`\operatorname{SipHash}_k(\text{id})
    \bmod P` (:func:`~activemeasures.distributed.partitioning.partition_of`): all records of
    a citizen (citizens, activities, hours, events, visitations) are in one partition. The
    survey table (no citizens) goes whole to partition 0.

    **Per partition** (on the workers): the Dataset and its Panel, then sums over the
    partition's citizens: per arm × block × week the count, mean and squared deviations of
    every outcome (merged with Chan et al.'s update, :math:`M_2 = M_{2a} + M_{2b} +
    \delta^2 n_a n_b / n`); per group × week the numbers of events and exits of every spell
    criterion (Kaplan–Meier); per municipality × arm × week of the municipal window the
    counts and sums; per group × week the counts and sums of the descriptive means; per
    unit the numerators and denominators of the success criteria and fidelity indicators;
    the data-quality counts.

    **Sup-t bands.** The band's critical value rests on the correlation of the weekly
    estimates, :math:`\Phi^\top\Phi` (:math:`W \times W`) for influence functions
    :math:`\phi_{iw} = s_{g(i)w}(y_{iw} - c_{g(i)w})` whose centres and scales come from the
    summed moments. So a second pass sends :math:`(c, s)` to the partitions, each returns its
    :math:`\Phi^\top\Phi` (float64) and the sum goes into the same Monte Carlo step as in
    memory (same draws, same seed). The sums agree with the in-memory one to the last bits,
    and the draws go through the symmetric square root of the correlation, which moves
    continuously with it: the critical value agrees to about 1e-13 and the band's columns to
    1e-12 like every other table.

    **On the client**: the in-memory estimators on the sums (the same code:
    ``weekly_effects``' fit and band, ``cumulative_incidence``'s curve, the municipal tables,
    ``evaluate_fidelity``), and :func:`~activemeasures.estimators.balance_table` on the
    gathered treatment and control rows of the covariate columns (a few numbers per citizen,
    in input order).

    Examples
    --------
    >>> import dask
    >>> import activemeasures as am
    >>> from activemeasures.distributed import evaluate
    >>> from activemeasures.testing import example_dataset
    >>> registry = am.Registry()
    >>> _ = registry.discover()
    >>> data = example_dataset(registry.programme("mentorpilot"), n_citizens=80)
    >>> with dask.config.set(scheduler="synchronous"):
    ...     result = evaluate(data, "mentorpilot", registry=registry, npartitions=3, bands=False)
    >>> memory = am.evaluate(data, "mentorpilot", registry=registry, bands=False)
    >>> bool(abs(result.effects["hours"].estimate - memory.effects["hours"].estimate).max()
    ...      < 1e-12)
    True
    """
    from dask import delayed

    from activemeasures.estimators import balance_table, curves
    from activemeasures.estimators import incidence as incidence_
    from activemeasures.evaluation import run
    from activemeasures.fidelity import municipal

    if method not in run.METHODS:
        raise ValueError(
            f"method must be one of {', '.join(map(repr, run.METHODS))}, got {method!r}"
        )
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
    programme, registry = run._resolve(programme, registry)
    runner = _Runner(client)
    try:
        inputs = _inputs(
            tables,
            cutoff=cutoff,
            npartitions=npartitions,
            runner=runner,
            allow_cpr=allow_cpr,
            programme=programme,
        )
        parts = inputs.partitions

        # ------------------------------------------------------------ 1. the plan
        summaries = runner.compute([delayed(part_.summary)(p, "group") for p in parts])
        columns = summaries[0]["columns"]
        n_citizens = sum(s["n_citizens"] for s in summaries)
        randomised = programme.design == "randomised"
        by = run._grouping(programme, columns)
        horizon_given = horizon is not None
        if horizon_given:
            horizon = int(horizon)
        else:
            visits = [s["first_visit"] for s in summaries if s["first_visit"] is not None]
            horizon = run._default_horizon(_Earliest(inputs.cutoff, visits))
        window = run._window(municipal_weeks, horizon)
        weeks = tuple(sorted({int(w) for w in headline_weeks}))
        if covariates is None:
            covariates = run._numeric_covariates(columns) if randomised else []
        covariates = list(covariates)
        unknown = [c for c in covariates if c not in columns.columns]
        if unknown:
            raise ValueError(
                f"covariates not in the citizens table: {', '.join(map(repr, unknown))}"
            )
        outcomes = tuple(programme.outcomes)
        labels = _union([s["arms"] if by == "arm" else s["groups"] for s in summaries])
        labels = [str(v) for v in labels]
        if randomised:
            labels = [v for v in labels if v in (run.TREATED, run.CONTROL)]
            arms = set(labels)
            for arm in (run.TREATED, run.CONTROL):
                if outcomes and arm not in arms:
                    raise ValueError(f"no citizen has treatment value {arm!r}")
        jobs = _jobs(programme, inputs.present, round, tuple(additive))
        plan = part_.Plan(
            horizon=horizon,
            window=window,
            by=by,
            randomised=randomised,
            method=method,
            outcomes=outcomes,
            municipalities=_union([s["municipalities"] for s in summaries]),
            blocks=_union([s["blocks"] for s in summaries]),
            groups=pd.Index(sorted(labels), dtype=object),
            jobs=tuple(jobs),
            survey_partition=0,
        )

        # ------------------------------------------------------------ 2. the statistics
        plan_ = delayed(plan, pure=False) if runner.client is None else runner.scatter([plan])[0]
        stats = runner.compute([delayed(part_.statistics)(p, plan_) for p in parts])
        balance_frame = None
        if randomised and covariates:
            frames = runner.compute([delayed(_balance_rows)(p, covariates) for p in parts])
            balance_frame = (
                pd.concat(frames, ignore_index=True)
                .sort_values("__row__", kind="stable")
                .drop(columns="__row__")
                .reset_index(drop=True)
            )

        # ------------------------------------------------------------ 3. effects and bands
        effects = {}
        if randomised:
            n_blocks = max(len(plan.blocks), 1) if method == "blocked" else 1
            stub = _stub_weekly(n_blocks, horizon)
            fits = {}
            for outcome in outcomes:
                moments = combine.merge_moments([s["moments"][outcome.name] for s in stats])
                fit = (curves._raw if method == "raw" else curves._blocked)(stub, moments)
                fits[outcome.name] = fit
            if bands:  # a second pass: each partition's cross-product, added up
                weights = {name: fit.weights for name, fit in fits.items()}
                weights_ = (
                    delayed(weights, pure=False)
                    if runner.client is None
                    else runner.scatter([weights])[0]
                )
                crosses = runner.compute(
                    [delayed(part_.crossproducts)(p, plan_, weights_) for p in parts]
                )
                for name, fit in fits.items():
                    summed = combine.add_arrays([c[name] for c in crosses])
                    fits[name] = attrs.evolve(fit, influence=functools.partial(_given, summed))
            for outcome in outcomes:
                spec_name, spec_label = _names(outcome)
                effects[outcome.name] = curves._curve(
                    fits[outcome.name],
                    n_weeks=horizon,
                    outcome=spec_name,
                    label=spec_label,
                    method=method,
                    alpha=alpha,
                    bands=bands,
                    n_draws=10_000,
                    seed=0,
                    balanced=False,
                )
            descriptive = empty_descriptive(by)
        else:
            sums = {
                o.name: combine.add_arrays([s["descriptive"][o.name] for s in stats])
                for o in outcomes
            }
            descriptive = _descriptive(outcomes, sums, plan.groups, by, horizon)

        # ------------------------------------------------------------ 4. the other parts
        municipal_frames = []
        for outcome in outcomes:
            summed = combine.add_arrays([s["municipal"][outcome.name] for s in stats])
            if randomised:
                frame = municipal._effects_table(summed, plan.municipalities, 1.0)
            else:
                frame = municipal._means_table(
                    summed, plan.municipalities, pd.Index([municipal.ALL_ARMS]), 1.0
                )
            municipal_frames.append((outcome.name, frame))
        municipal_table = run._municipal_table(municipal_frames, window, randomised)

        incidence = {}
        for outcome in outcomes:
            found = [s["incidence"][outcome.name] for s in stats if outcome.name in s["incidence"]]
            if not found:
                continue
            events, exits, n_excluded = combine.add_arrays(found)
            incidence[outcome.name] = incidence_._curve(
                pd.Index(plan.groups, dtype=object),
                events,
                exits,
                int(n_excluded),
                alpha=alpha,
                ci="log-log",
                balanced=False,
                horizon=horizon,
            )

        balance = None
        if balance_frame is not None:
            balance = balance_table(balance_frame, "__treated__", covariates, blocks=run.BLOCKS)

        problems = run._Problems()
        run._panel_problems(problems, present=inputs.present)
        computed = _precomputed(jobs, [s["kinds"] for s in stats], inputs.present)
        assembled = _with_kinds(programme, computed)
        tables_ = _Tables(inputs.present)
        criteria = run._criteria(tables_, assembled, problems)
        fidelity = run._fidelity(tables_, assembled, round, problems)
        for table in programme.report_tables:  # computed from a whole Dataset only
            problems.add(
                "report table",
                table.key,
                "not computed on the distributed path (ReportTable.compute reads a whole "
                "Dataset); use activemeasures.evaluate in memory for it",
            )

        dataset_quality = inputs.quality or combine.merge_quality([s["quality"] for s in summaries])
        # Then what the visitation groups and the programme's data rules added, as in memory.
        dataset_quality = dataset_quality + combine.merge_quality(
            [s["added_quality"] for s in summaries]
        )
        quality = dataset_quality + combine.merge_quality([s["panel_quality"] for s in stats])
        parameters = run._parameters(
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
            cutoff=inputs.cutoff,
            n_citizens=n_citizens,
        )
        return Evaluation(
            programme=programme,
            parameters=parameters,
            plugins=run._plugins(programme, registry),
            quality=quality,
            sample=combine.merge_sample([s["sample"] for s in stats], by),
            effects=effects,
            incidence=incidence,
            balance=balance,
            criteria=criteria,
            fidelity=fidelity,
            municipal=municipal_table,
            descriptive=descriptive,
            problems=problems.frame(),
        )
    finally:
        runner.close()


def _given(value: np.ndarray) -> np.ndarray:
    """The influence cross-product already summed over the partitions."""
    return value


class _Earliest:
    """Stands in for the Dataset in the default horizon: the cut-off and the earliest visit."""

    def __init__(self, cutoff: pd.Timestamp, visits: list) -> None:
        self.cutoff = cutoff
        earliest = [min(visits)] if visits else []
        self.citizens = pd.DataFrame(
            {"visitation_date": pd.to_datetime(pd.Series(earliest, dtype=object))}
        )


def _names(outcome: object) -> tuple[str, str]:
    from activemeasures.outcomes import as_outcome

    spec = as_outcome(outcome)
    return spec.name, spec.label
