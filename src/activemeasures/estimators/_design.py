"""Clean inputs for the effect estimators and learn the design they describe.

Outcomes, treatment, blocks and clusters arrive as array-likes or pandas Series (positions are
aligned, not indexes). :func:`prepare` turns them into NumPy arrays, handles missing outcomes
and checks the rules every design shares; :func:`learn_design` decides which of estimatr's
designs the blocks and clusters describe (standard, blocked, matched-pair, clustered,
block-clustered, matched-pair clustered) and checks the rules of that design.

Errors name the block or cluster *label* and the rule, with counts; they never contain an
outcome value or a unit identifier (DESIGN.md §10).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import attrs
import numpy as np
import pandas as pd

from activemeasures.errors import ActiveMeasuresError

__all__ = [
    "DesignError",
    "DesignWarning",
    "LearnedDesign",
    "Prepared",
    "check_alpha",
    "check_both_arms_in_blocks",
    "check_indexes",
    "learn_design",
    "prepare",
]

#: Labels named in one message before "and N more".
_MAX_LABELS = 5


class DesignError(ActiveMeasuresError, ValueError):
    """The data do not describe a design the estimator can analyse.

    The message names the rule, the block or cluster labels concerned and counts; never an
    outcome value or a unit identifier.

    Examples
    --------
    >>> from activemeasures.estimators import DesignError, difference_in_means
    >>> try:
    ...     difference_in_means([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [1, 1, 0, 0, 1, 1],
    ...                         blocks=["Aarhus"] * 2 + ["Vejle"] * 4)
    ... except DesignError as err:
    ...     print(err)
    block 'Aarhus' has no control unit; every block needs treated and control units
    """


class DesignWarning(UserWarning):
    """The design is analysable, but in a way the user should know about."""


def _labels(values: Sequence[object], noun: str) -> str:
    """``block 'A'`` / ``blocks 'A', 'B' and 3 more``."""
    shown = ", ".join(f"'{v}'" for v in values[:_MAX_LABELS])
    more = len(values) - _MAX_LABELS
    plural = f"{noun}s" if len(values) > 1 else noun
    return f"{plural} {shown}" + (f" and {more} more" if more > 0 else "")


def _as_series(name: str, values: object) -> pd.Series:
    """A 1-D input as a Series with a positional index."""
    if isinstance(values, pd.DataFrame):
        if values.shape[1] != 1:
            raise DesignError(f"{name} must be one-dimensional, got {values.shape[1]} columns")
        values = values.iloc[:, 0]
    if isinstance(values, pd.Series):
        return values.reset_index(drop=True)
    if isinstance(values, list | tuple):
        return pd.Series(list(values))  # pandas infers the dtype of mixed lists sensibly
    array = np.asarray(values)
    if array.ndim != 1:
        raise DesignError(f"{name} must be one-dimensional, got {array.ndim} dimensions")
    return pd.Series(array)


def check_indexes(**inputs: object) -> None:
    """pandas inputs passed together must share their index (positions are what counts)."""
    series = {name: v for name, v in inputs.items() if isinstance(v, pd.Series | pd.DataFrame)}
    names = list(series)
    for other in names[1:]:
        if not series[names[0]].index.equals(series[other].index):
            raise DesignError(
                f"{names[0]} and {other} are pandas objects with different indexes; "
                "align them (for instance take both from one DataFrame) before estimating"
            )


#: Kinds of values (``pandas.api.types.infer_dtype``) an outcome may hold.
_NUMERIC_KINDS = {"floating", "integer", "mixed-integer-float", "decimal", "boolean", "empty"}


def _outcome(values: pd.Series) -> np.ndarray:
    """Outcomes as floats; text (even text of digits) and categories are refused."""
    if isinstance(values.dtype, pd.CategoricalDtype) or (
        pd.api.types.infer_dtype(values, skipna=True) not in _NUMERIC_KINDS
    ):
        raise DesignError("the outcome must be numeric")
    return values.to_numpy(dtype=float, na_value=np.nan)


def _treatment(values: pd.Series) -> np.ndarray:
    missing = int(values.isna().sum())
    if missing:
        raise DesignError(f"treatment is missing for {missing} units; it must be 0/1 or boolean")
    if pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype=bool)
    if pd.api.types.is_numeric_dtype(values) and not isinstance(values.dtype, pd.CategoricalDtype):
        binary = values.isin([0, 1])
    else:  # object columns may hold Python bools or 0/1 integers; strings are refused
        binary = values.map(
            lambda v: isinstance(v, bool | int | np.integer | np.bool_) and v in (0, 1)
        ).astype(bool)
    if not binary.all():
        bad = int((~binary).sum())
        raise DesignError(
            f"treatment must be binary (0/1 or True/False, treated = 1); {bad} units have "
            f"another value ({values[~binary].nunique()} distinct)"
        )
    return (values == 1).to_numpy(dtype=bool)


def _codes(name: str, values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes 0..G-1 and the labels they stand for (sorted when sortable)."""
    missing = int(values.isna().sum())
    if missing:
        raise DesignError(f"{name} label is missing for {missing} units")
    try:
        codes, labels = pd.factorize(values, sort=True)
    except TypeError:  # labels of mixed, unorderable types
        codes, labels = pd.factorize(values, sort=False)
    return codes.astype(np.intp), np.asarray(labels, dtype=object)


@attrs.frozen(kw_only=True, eq=False)
class Prepared:
    """Clean estimator inputs: units with a missing outcome removed (when dropped)."""

    y: np.ndarray
    treated: np.ndarray
    block: np.ndarray | None
    block_labels: np.ndarray | None
    cluster: np.ndarray | None
    cluster_labels: np.ndarray | None
    keep: np.ndarray
    n_dropped: int

    @property
    def n(self) -> int:
        return int(self.y.size)

    @property
    def n_treatment(self) -> int:
        return int(self.treated.sum())

    @property
    def n_control(self) -> int:
        return self.n - self.n_treatment

    @property
    def n_blocks(self) -> int:
        return 0 if self.block_labels is None else len(self.block_labels)

    @property
    def n_clusters(self) -> int:
        return 0 if self.cluster_labels is None else len(self.cluster_labels)

    def after_drop(self, text: str) -> str:
        """Mention dropped units in a message, since they can explain it."""
        if not self.n_dropped:
            return text
        return f"{text} (after dropping {self.n_dropped} units with a missing outcome)"


def check_alpha(alpha: float) -> float:
    """The significance level lies strictly between 0 and 1."""
    if not 0.0 < alpha < 1.0:
        raise DesignError(f"alpha must lie strictly between 0 and 1, got {alpha}")
    return float(alpha)


def prepare(
    y: object,
    treatment: object,
    *,
    blocks: object = None,
    clusters: object = None,
    missing: str = "raise",
    n_rows: int | None = None,
) -> Prepared:
    """Clean the inputs of an estimator and check the rules shared by every design.

    Parameters
    ----------
    y, treatment, blocks, clusters : array-like or pandas.Series
        One entry per unit, aligned by position. ``treatment`` is binary (0/1 or boolean,
        treated = 1); ``blocks`` and ``clusters`` hold labels of any hashable type.
    missing : {"raise", "drop"}
        What to do with missing (NaN) outcomes: raise a :class:`DesignError`, or drop those
        units and count them.
    n_rows : int, optional
        Number of rows of further inputs (covariates) that must match.

    Returns
    -------
    Prepared

    Raises
    ------
    DesignError
        Inputs of different lengths, a non-numeric or infinite outcome, missing outcomes with
        ``missing="raise"``, a non-binary or missing treatment, missing block or cluster
        labels, only one arm, treatment varying within a cluster, a cluster spanning blocks.
    """
    if missing not in ("raise", "drop"):
        raise DesignError(f"missing must be 'raise' or 'drop', got {missing!r}")
    check_indexes(y=y, treatment=treatment, blocks=blocks, clusters=clusters)
    series = {"outcome": _as_series("y", y), "treatment": _as_series("treatment", treatment)}
    if blocks is not None:
        series["blocks"] = _as_series("blocks", blocks)
    if clusters is not None:
        series["clusters"] = _as_series("clusters", clusters)
    n = len(series["outcome"])
    for name, values in series.items():
        if len(values) != n:
            raise DesignError(f"{name} has {len(values)} entries but the outcome has {n}")
    if n_rows is not None and n_rows != n:
        raise DesignError(f"covariates have {n_rows} rows but the outcome has {n}")

    outcome = _outcome(series["outcome"])
    if np.isinf(outcome).any():
        raise DesignError(f"the outcome is infinite for {int(np.isinf(outcome).sum())} units")
    nan = np.isnan(outcome)
    if nan.any() and missing == "raise":
        raise DesignError(
            f"the outcome is missing (NaN) for {int(nan.sum())} units; pass missing='drop' "
            "to drop them (they are counted in the result)"
        )
    keep = ~nan
    treated = _treatment(series["treatment"])[keep]
    block = block_labels = cluster = cluster_labels = None
    if blocks is not None:
        block, block_labels = _codes("block", series["blocks"][keep])
    if clusters is not None:
        cluster, cluster_labels = _codes("cluster", series["clusters"][keep])

    prepared = Prepared(
        y=outcome[keep],
        treated=treated,
        block=block,
        block_labels=block_labels,
        cluster=cluster,
        cluster_labels=cluster_labels,
        keep=keep,
        n_dropped=int(nan.sum()),
    )
    if prepared.n_treatment == 0 or prepared.n_control == 0:
        arm = "treated" if prepared.n_treatment == 0 else "control"
        raise DesignError(prepared.after_drop(f"there is no {arm} unit; both arms are needed"))
    if cluster is not None:
        _check_clusters(prepared)
    return prepared


def _check_clusters(data: Prepared) -> None:
    """Treatment is constant within each cluster, and clusters nest in blocks."""
    n_clusters = data.n_clusters
    treated_units = np.bincount(data.cluster, weights=data.treated, minlength=n_clusters)
    units = np.bincount(data.cluster, minlength=n_clusters)
    mixed = np.flatnonzero((treated_units > 0) & (treated_units < units))
    if mixed.size:
        raise DesignError(
            f"treatment varies within {_labels(list(data.cluster_labels[mixed]), 'cluster')}; "
            "all units of a cluster must have the same treatment"
        )
    if data.block is None:
        return
    pairs = np.unique(np.column_stack([data.cluster, data.block]), axis=0)
    per_cluster = np.bincount(pairs[:, 0], minlength=n_clusters)
    spanning = np.flatnonzero(per_cluster > 1)
    if spanning.size:
        raise DesignError(
            f"{_labels(list(data.cluster_labels[spanning]), 'cluster')} "
            f"{'spans' if spanning.size == 1 else 'span'} several blocks; "
            "clusters must be nested in blocks"
        )


def _cells(data: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Units per block in the treatment and the control arm."""
    treated = np.bincount(data.block, weights=data.treated, minlength=data.n_blocks)
    units = np.bincount(data.block, minlength=data.n_blocks)
    return treated.astype(np.int64), (units - treated).astype(np.int64)


def _clusters_per_block(data: Prepared) -> np.ndarray:
    """Clusters per block (units per block without clusters), as estimatr counts them."""
    if data.cluster is None:
        return np.bincount(data.block, minlength=data.n_blocks)
    block_of_cluster = np.zeros(data.n_clusters, dtype=np.intp)
    block_of_cluster[data.cluster] = data.block
    return np.bincount(block_of_cluster, minlength=data.n_blocks)


def check_both_arms_in_blocks(data: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Every block has treated and control units; returns the units per block and arm."""
    treated, control = _cells(data)
    _refuse_blocks(
        data, treated, control, 0, "no {arm} unit; every block needs treated and control units"
    )
    return treated, control


def _blocks_where(data: Prepared, mask: np.ndarray) -> list[object]:
    return list(data.block_labels[np.flatnonzero(mask)])


def _refuse_blocks(
    data: Prepared, treated: np.ndarray, control: np.ndarray, count: int, rule: str
) -> None:
    """Raise naming the blocks where an arm has exactly ``count`` units (``rule`` says why)."""
    for arm, counts in (("treated", treated), ("control", control)):
        if (counts == count).any():
            blocks = _blocks_where(data, counts == count)
            verb = "has" if len(blocks) == 1 else "have"
            raise DesignError(
                data.after_drop(f"{_labels(blocks, 'block')} {verb} {rule.format(arm=arm)}")
            )


@attrs.frozen(kw_only=True)
class LearnedDesign:
    """The design the blocks and clusters describe.

    ``name`` is one of :data:`~activemeasures.estimators.results.DESIGNS`; ``pair_matched``
    says whether the matched-pair variance estimator is used.
    """

    name: str
    pair_matched: bool = False


def learn_design(data: Prepared) -> LearnedDesign:
    """Learn the design from blocks and clusters, as estimatr's ``difference_in_means``.

    * No blocks: ``standard`` (no clusters) or ``clustered``. Each arm needs two units.
    * Blocks: every block needs at least two units (clusters) and both arms. If every block
      has exactly two units (clusters) the design is ``matched-pair`` (``matched-pair
      clustered``). If some blocks have two and others more, the matched-pair estimator is
      used for all of them, with a :class:`DesignWarning`. Otherwise the design is
      ``blocked`` (``block-clustered``) and every block needs two treated and two control
      units.

    Raises
    ------
    DesignError
        When a rule above is broken; the message names the blocks concerned.
    """
    clustered = data.cluster is not None
    if data.block is None:
        for arm, count in (("treated", data.n_treatment), ("control", data.n_control)):
            if count < 2:
                raise DesignError(
                    data.after_drop(
                        f"there is a single {arm} unit; the {arm} arm needs at least two units "
                        "for a standard error"
                    )
                )
        if clustered:
            _warn_single_cluster_arms(data)
        return LearnedDesign(name="clustered" if clustered else "standard")

    per_block = _clusters_per_block(data)
    unit = "cluster" if clustered else "unit"
    singles = per_block == 1
    if singles.any():
        blocks = _blocks_where(data, singles)
        raise DesignError(
            data.after_drop(
                f"{_labels(blocks, 'block')} {'has' if len(blocks) == 1 else 'have'} a single "
                f"{unit}; every block needs at least two {unit}s"
            )
        )
    treated, control = check_both_arms_in_blocks(data)
    pairs = per_block == 2
    if pairs.any() and data.n_blocks < 2:
        raise DesignError(
            data.after_drop(
                f"the only block is a pair of {unit}s; a matched-pair design needs at least "
                "two pairs for a standard error"
            )
        )
    if pairs.all():
        return LearnedDesign(
            name="matched-pair clustered" if clustered else "matched-pair", pair_matched=True
        )
    if pairs.any():
        warnings.warn(
            f"{int(pairs.sum())} blocks have two {unit}s while {int((~pairs).sum())} blocks have "
            f"more; standard variance estimates cannot be computed within blocks of two {unit}s, "
            "so the matched-pair variance estimator is used for every block (as in estimatr)",
            DesignWarning,
            stacklevel=3,
        )
        return LearnedDesign(
            name="matched-pair clustered" if clustered else "matched-pair", pair_matched=True
        )
    _refuse_blocks(
        data,
        treated,
        control,
        1,
        "a single {arm} unit; outside matched pairs every block needs at least two treated "
        "and two control units for a standard error",
    )
    if clustered:
        _warn_single_cluster_arms(data)
    return LearnedDesign(name="block-clustered" if clustered else "blocked")


def _warn_single_cluster_arms(data: Prepared) -> None:
    """A block (or the sample) whose arm is one cluster gets no variance from that arm."""
    block = np.zeros(data.n, dtype=np.intp) if data.block is None else data.block
    n_blocks = max(data.n_blocks, 1)
    arm_of_cluster = np.zeros(data.n_clusters, dtype=np.intp)
    arm_of_cluster[data.cluster] = data.treated
    block_of_cluster = np.zeros(data.n_clusters, dtype=np.intp)
    block_of_cluster[data.cluster] = block
    clusters_per_cell = np.bincount(
        2 * block_of_cluster + arm_of_cluster, minlength=2 * n_blocks
    ).reshape(n_blocks, 2)
    single = (clusters_per_cell == 1).any(axis=1)
    if not single.any():
        return
    where = (
        "an arm consists of a single cluster"
        if data.block is None
        else f"in {_labels(_blocks_where(data, single), 'block')} an arm consists of a single "
        "cluster"
    )
    warnings.warn(
        f"{where}; CR2 gives that arm no variance (as estimatr does), so the standard error "
        "is likely too small",
        DesignWarning,
        stacklevel=4,
    )
