"""The Dask path: evaluate a programme partition by partition of the citizens.

:func:`evaluate` returns the same :class:`~activemeasures.evaluation.Evaluation` as
:func:`activemeasures.evaluate` on the same data, computed on a Dask cluster: citizens are
partitioned by a keyed hash of their key (all their records together), every partition
becomes a Dataset and a Panel on a worker, and the partitions' sufficient statistics are
added up (DESIGN.md §9). Needs the ``dask`` extra (``pip install "activemeasures[dask]"``).
Importing this package imports neither dask nor the estimators.
"""

from activemeasures.distributed.evaluate import CITIZENS_PER_PARTITION, evaluate
from activemeasures.distributed.kinds import ADDITIVE_KINDS, combination
from activemeasures.distributed.partitioning import HASH_KEY, partition_of

__all__ = [
    "ADDITIVE_KINDS",
    "CITIZENS_PER_PARTITION",
    "HASH_KEY",
    "combination",
    "evaluate",
    "partition_of",
]
