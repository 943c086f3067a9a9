"""Partitioning: every record of a citizen in one partition, the same in every process."""

import subprocess
import sys

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from activemeasures.distributed.partitioning import partition_of, split_frame, split_frames

ids = st.lists(st.one_of(st.text(max_size=6), st.integers(-1000, 1000)), max_size=40)


@settings(max_examples=30)
@given(ids, st.integers(1, 9))
def test_partition_depends_on_the_key_text_only(keys, n):
    parts = partition_of(keys, n)
    assert ((parts >= 0) & (parts < n)).all()
    # Reference: one call per key, as text.
    for key, part in zip(keys, parts, strict=True):
        assert partition_of([str(key)], n)[0] == part


@settings(max_examples=30)
@given(
    st.lists(st.tuples(st.sampled_from(list("abcdefgh")), st.integers(0, 99)), max_size=40),
    st.integers(1, 5),
)
def test_split_keeps_every_row_once_in_order_and_keys_together(rows, n):
    frame = pd.DataFrame(rows, columns=["citizen_id", "x"]).astype({"citizen_id": object})
    frame["position"] = np.arange(len(frame))
    pieces = split_frame(frame, n)
    assert len(pieces) == n
    seen = []
    for p, piece in enumerate(pieces):
        assert piece["position"].is_monotonic_increasing  # input order kept
        for key in piece["citizen_id"]:
            assert partition_of([key], n)[0] == p
        seen += piece["position"].tolist()
    assert sorted(seen) == list(range(len(frame)))


def test_split_frames_puts_a_citizens_records_of_every_table_together():
    citizens = pd.DataFrame({"citizen_id": [f"c{i}" for i in range(50)]})
    events = pd.DataFrame({"citizen_id": [f"c{i % 50}" for i in range(200)], "k": range(200)})
    parts = split_frames([citizens, events, None], 4)
    for citizens_part, events_part, nothing in parts:
        assert nothing is None
        assert set(events_part["citizen_id"]) <= set(citizens_part["citizen_id"])
    assert sum(len(p[1]) for p in parts) == 200


def test_partitions_are_the_same_in_another_process_with_another_hash_seed():
    keys = [f"citizen-{i}" for i in range(100)]
    here = partition_of(keys, 7).tolist()
    code = (
        "from activemeasures.distributed.partitioning import partition_of;"
        f"print(partition_of({keys!r}, 7).tolist())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "12345", "PYTHONPATH": ":".join(sys.path)},
    )
    assert out.stdout.strip() == str(here)


def test_partitions_are_roughly_balanced():
    parts = partition_of([f"id{i}" for i in range(20_000)], 4)
    counts = np.bincount(parts, minlength=4)
    assert counts.min() > 0.9 * 5_000 and counts.max() < 1.1 * 5_000
