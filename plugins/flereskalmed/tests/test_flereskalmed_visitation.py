"""The 'Flere skal med' de-duplication rule (SPEC.md §7.2) against a slow, literal reference."""

from __future__ import annotations

import datetime
import types

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import activemeasures as am
from activemeasures_flereskalmed.constants import GROUP_RANK, REFERENCE_DATE
from activemeasures_flereskalmed.visitation import (
    RULES,
    deduplicate_visitations,
    group_codes,
    resolve,
)

REF = REFERENCE_DATE
INF = float("inf")


# ------------------------------------------------------------------------ slow reference


def _code(value):
    """Group code as int, or None (a plain per-value parse, independent of group_codes)."""
    if isinstance(value, bool | np.bool_):
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def reference(records, *, strict=False, groups=(1, 2, 3, 6), open_end="longest", ref=REF):
    """SPEC.md §7.2 step by step, one citizen at a time (plain Python)."""
    counts = dict.fromkeys(
        [
            "step0",
            "open_end",
            "rule1_excluded",
            "rule1_unknown",
            "lookback",
            "rule2",
            "rule3",
            "rule4",
            "duplicate",
            "cross",
        ],
        0,
    )
    by_citizen: dict = {}
    order: list = []
    for r in records:
        if r["citizen_id"] not in by_citizen:
            by_citizen[r["citizen_id"]] = []
            order.append(r["citizen_id"])
        start, end = r["start"], r["end"]
        if end is not None and end < start:  # step 0; open end kept
            counts["step0"] += 1
            continue
        if end is None and open_end == "exclude":
            counts["open_end"] += 1
            continue
        code = _code(r["group"])
        if code not in GROUP_RANK:  # rule 1
            counts["rule1_unknown"] += 1
            continue
        if code not in groups:
            counts["rule1_excluded"] += 1
            continue
        if strict and start > ref:
            counts["lookback"] += 1
            continue
        by_citizen[r["citizen_id"]].append({**r, "code": code})

    chosen = {}
    for citizen in order:
        candidates = by_citizen[citizen]
        if not candidates:
            continue
        # Rule 2: closest start to the reference date (absolute distance).
        best = min(abs((c["start"] - ref).days) for c in candidates)
        kept = [c for c in candidates if abs((c["start"] - ref).days) == best]
        counts["rule2"] += len(candidates) - len(kept)
        # Tie across the reference date: the earlier record (Interpretation A-30).
        earliest = min(c["start"] for c in kept)
        crossing = [c for c in kept if c["start"] != earliest]
        counts["rule2"] += len(crossing)
        counts["cross"] += len(crossing)
        kept = [c for c in kept if c["start"] == earliest]

        # Rule 3: longest time to end; an open end is the longest.
        def duration(c):
            return INF if c["end"] is None else (c["end"] - c["start"]).days

        longest = max(duration(c) for c in kept)
        counts["rule3"] += sum(duration(c) != longest for c in kept)
        kept = [c for c in kept if duration(c) == longest]
        # Rule 4: group 1, 2, 3, then 6.
        top = min(GROUP_RANK[c["code"]] for c in kept)
        counts["rule4"] += sum(GROUP_RANK[c["code"]] != top for c in kept)
        kept = [c for c in kept if GROUP_RANK[c["code"]] == top]
        counts["duplicate"] += len(kept) - 1
        chosen[citizen] = kept[0]
    table = [(citizen, c["code"], c["start"], c["end"]) for citizen, c in chosen.items()]
    counts["no_record"] = len(order) - len(chosen)
    return table, counts


# ------------------------------------------------------------------------ strategies

GROUPS = st.sampled_from([1, 2, 3, 6, "1", "2", " 3", "06", 1.0, 6.0, 4, 0, "x", "1.5", True])


@st.composite
def visitation_records(draw):
    n = draw(st.integers(0, 25))
    rows = []
    for _ in range(n):
        start = REF + datetime.timedelta(days=draw(st.integers(-6, 6)))
        length = draw(st.one_of(st.none(), st.integers(-3, 4)))
        end = None if length is None else start + datetime.timedelta(days=length)
        rows.append(
            {
                "citizen_id": draw(st.sampled_from(["c1", "c2", "c3", "c4", 5, 6])),
                "group": draw(GROUPS),
                "start": start,
                "end": end,
            }
        )
    return rows


def frame_of(rows):
    frame = pd.DataFrame(
        {
            "citizen_id": pd.Series([r["citizen_id"] for r in rows], dtype=object),
            "group": pd.Series([r["group"] for r in rows], dtype=object),
            "start": pd.to_datetime(pd.Series([r["start"] for r in rows], dtype=object)),
            "end": pd.to_datetime(pd.Series([r["end"] for r in rows], dtype=object)),
        }
    )
    return frame


def counts_of(report: am.DataQualityReport) -> dict:
    rule_key = {text: key for key, text in RULES.items()}
    counts = {}
    for entry in report.entries:
        key = rule_key.get(entry.rule)
        if key is None and entry.rule.startswith(RULES["rule1_unknown"]):
            key = "rule1_unknown"
        assert key is not None, entry.rule
        counts[key] = entry.n_records
    return counts


def as_rows(table: pd.DataFrame):
    return [
        (
            row.citizen_id,
            int(row.group),
            row.start.date(),
            None if pd.isna(row.end) else row.end.date(),
        )
        for row in table.itertuples()
    ]


# ------------------------------------------------------------------------ property tests


@settings(max_examples=60, deadline=None)
@given(
    rows=visitation_records(),
    strict=st.booleans(),
    groups=st.sampled_from([(1, 2, 3, 6), (1, 2, 3), (1, 6), (2,)]),
    open_end=st.sampled_from(["longest", "exclude"]),
)
def test_vectorised_rule_equals_the_literal_reference(rows, strict, groups, open_end):
    expected_table, expected = reference(rows, strict=strict, groups=groups, open_end=open_end)
    result = deduplicate_visitations(
        frame_of(rows), strict_lookback=strict, groups=groups, open_end=open_end
    )
    assert as_rows(result.table) == expected_table
    counts = counts_of(result.quality)
    assert counts.pop("read") == len(rows)
    assert counts.pop("rule2_cross") == expected.pop("cross")
    if open_end != "exclude":
        expected.pop("open_end")
    if not strict:
        expected.pop("lookback")
    assert counts == expected
    # Nothing is dropped without being counted.
    assert result.quality.excluded("visitations") + len(result.table) == len(rows)


@settings(max_examples=15, deadline=None)
@given(rows=visitation_records())
def test_text_and_integer_group_codes_resolve_alike(rows):
    as_text = [{**r, "group": str(r["group"])} for r in rows if _code(r["group"]) is not None]
    as_int = [{**r, "group": _code(r["group"])} for r in rows if _code(r["group"]) is not None]
    a = deduplicate_visitations(frame_of(as_text))
    b = deduplicate_visitations(frame_of(as_int))
    pd.testing.assert_frame_equal(a.table, b.table)
    assert a.quality == b.quality


# ------------------------------------------------------------------------ hand examples


def records(*rows):
    return frame_of(
        [
            {"citizen_id": c, "group": g, "start": s, "end": e}
            for c, g, s, e in [
                (
                    c,
                    g,
                    datetime.date.fromisoformat(s),
                    None if e is None else datetime.date.fromisoformat(e),
                )
                for c, g, s, e in rows
            ]
        ]
    )


def test_tie_across_the_reference_date_goes_to_the_earlier_record():
    # 2018-01-21 and 2018-02-10 are both 10 days from 2018-01-31.
    data = records(("a", 2, "2018-02-10", None), ("a", 1, "2018-01-21", "2018-03-01"))
    result = deduplicate_visitations(data)
    assert as_rows(result.table) == [
        ("a", 1, datetime.date(2018, 1, 21), datetime.date(2018, 3, 1))
    ]
    counts = counts_of(result.quality)
    assert counts["rule2"] == 1 and counts["rule2_cross"] == 1


def test_absolute_distance_by_default_and_latest_earlier_start_with_strict_lookback():
    data = records(("a", 1, "2018-02-03", None), ("a", 2, "2017-12-01", None))
    assert deduplicate_visitations(data).table["group"].tolist() == [1]  # 3 days after
    strict = deduplicate_visitations(data, strict_lookback=True)
    assert strict.table["group"].tolist() == [2]  # the only start on/before 31 Jan
    assert counts_of(strict.quality)["lookback"] == 1
    # A citizen with only later records has no row, and is noted.
    later = deduplicate_visitations(records(("b", 1, "2018-02-01", None)), strict_lookback=True)
    assert later.table.empty and counts_of(later.quality)["no_record"] == 1


def test_open_end_is_the_longest_or_excluded():
    data = records(("a", 2, "2018-01-31", None), ("a", 1, "2018-01-31", "2030-01-01"))
    assert deduplicate_visitations(data).table["group"].tolist() == [2]
    excluded = deduplicate_visitations(data, open_end="exclude")
    assert excluded.table["group"].tolist() == [1]
    assert counts_of(excluded.quality)["open_end"] == 1


def test_rule_4_prefers_group_1_2_3_then_6_and_counts_the_ties():
    # Same start and end in every record: the group decides (003, L4001).
    for present, winner in [((6, 3, 2, 1), 1), ((6, 3, 2), 2), ((6, 3), 3), ((6,), 6)]:
        data = records(*[("a", g, "2018-01-02", "2018-05-01") for g in present])
        result = deduplicate_visitations(data)
        assert result.table["group"].tolist() == [winner]
        assert counts_of(result.quality)["rule4"] == len(present) - 1


def test_end_before_start_is_dropped_first_even_when_closest():
    data = records(("a", 1, "2018-01-31", "2018-01-30"), ("a", 2, "2017-06-01", None))
    result = deduplicate_visitations(data)
    assert result.table["group"].tolist() == [2]
    assert counts_of(result.quality)["step0"] == 1


def test_unknown_codes_are_counted_with_examples_but_never_identifiers():
    data = records(
        ("secret-id-1", "9", "2018-01-31", None), ("secret-id-2", "x", "2018-01-31", None)
    )
    result = deduplicate_visitations(data)
    unknown = [e for e in result.quality.entries if e.rule.startswith(RULES["rule1_unknown"])]
    assert unknown[0].n_records == 2
    assert "'9'" in unknown[0].rule and "'x'" in unknown[0].rule
    assert "secret" not in str(result.quality)
    # Group 6 left out by the option is counted apart from unknown codes.
    known = deduplicate_visitations(records(("a", 6, "2018-01-31", None)), groups=(1, 2, 3))
    assert counts_of(known.quality)["rule1_excluded"] == 1


def test_group_codes_parse_integers_and_refuse_the_rest():
    values = pd.Series([1, "2", " 06 ", 3.0, "x", 1.5, True, "1e0", None], dtype=object)
    assert group_codes(values).tolist() == [1, 2, 6, 3, -1, -1, -1, 1, -1]


def test_bad_input_raises_validation_errors_without_identifiers():
    data = records(("secret", 1, "2018-01-31", None))
    with pytest.raises(am.ValidationError, match="column present") as err:
        deduplicate_visitations(data.drop(columns="end"))
    assert err.value.failures["column"].tolist() == ["end"]
    unreadable = data.assign(start=["31/01/2018"])
    with pytest.raises(am.ValidationError, match="is a date") as err:
        deduplicate_visitations(unreadable)
    assert "secret" not in str(err.value) and "31/01" not in str(err.value)
    with pytest.raises(TypeError):
        deduplicate_visitations([1, 2])
    with pytest.raises(ValueError, match="groups"):
        deduplicate_visitations(data, groups=(1, 4))
    with pytest.raises(ValueError, match="open_end"):
        deduplicate_visitations(data, open_end="shortest")
    with pytest.raises(ValueError, match="reference_date"):
        deduplicate_visitations(data, reference_date="not a date")


def test_iso_text_dates_are_read():
    data = pd.DataFrame(
        {
            "citizen_id": [1, 1],
            "group": [1, 2],
            "start": ["2018-01-30", "2018-01-31"],
            "end": ["2018-02-28", None],
        }
    )
    assert deduplicate_visitations(data).table["group"].tolist() == [2]


def test_the_records_are_not_changed():
    data = records(("a", "1", "2018-01-31", None), ("a", 2, "2018-01-01", "2017-01-01"))
    before = data.copy()
    deduplicate_visitations(data)
    pd.testing.assert_frame_equal(data, before)


def test_resolve_answers_for_flereskalmed_only_and_wins_through_the_registry():
    data = records(("a", 2, "2018-01-01", None), ("a", 1, "2018-01-31", None))
    assert resolve("jobfirst", data) is None
    module = types.ModuleType("fsm_resolve")

    def resolve_visitations(programme, records):
        return resolve(programme, records)

    module.resolve_visitations = am.hookimpl(resolve_visitations)
    registry = am.Registry()
    registry.register(module, name="fsm_resolve")
    ours = registry.resolve_visitations("flereskalmed", data)
    assert ours.table["group"].tolist() == [1]  # closest to 31 Jan, not the earliest
    builtin = registry.resolve_visitations("other", data)
    assert builtin.table["group"].tolist() == [2]  # the built-in default: earliest record
