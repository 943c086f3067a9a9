"""Disclosure control, checked against a slow reference of the suppression rules and by
properties of the protected tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from activemeasures.disclosure import (
    DisclosureControl,
    ProtectedTable,
    protect,
    protect_counts,
    protect_shares,
)

# ------------------------------------------------------------------ slow reference


def reference_suppression(cells, by, min_cell, primary=None, eligible=None):
    """Primary then secondary suppression with plain loops over cells and lines.

    *cells* is a list of (key tuple, count). Lines along key d: the cells sharing every other
    key. Same greedy rule as the library: while some line has exactly one suppressed cell,
    suppress its unsuppressed cell with the smallest positive count (first in order on ties),
    key by key in the order of *by*.
    """
    n = len(cells)
    hidden = [0 < count < min_cell for _, count in cells] if primary is None else list(primary)
    ok = [True] * n if eligible is None else list(eligible)
    changed = True
    while changed:
        changed = False
        for d in range(len(by)):
            lines = {}
            for i, (key, _) in enumerate(cells):
                if key is None:  # not in any line (a total row)
                    continue
                rest = tuple(k for j, k in enumerate(key) if j != d)
                lines.setdefault(rest, []).append(i)
            for members in lines.values():
                if sum(hidden[i] for i in members) != 1:
                    continue
                best = None
                for i in members:
                    usable = not hidden[i] and cells[i][1] > 0 and ok[i]
                    if usable and (best is None or cells[i][1] < cells[best][1]):
                        best = i
                if best is not None:
                    hidden[best] = True
                    changed = True
    return hidden


def lines_of(keys, d):
    lines = {}
    for i, key in enumerate(keys):
        lines.setdefault(tuple(k for j, k in enumerate(key) if j != d), []).append(i)
    return list(lines.values())


# ------------------------------------------------------------------ strategies


@st.composite
def two_way(draw, min_count=0):
    n_rows = draw(st.integers(1, 5))
    n_cols = draw(st.integers(1, 5))
    counts = draw(
        st.lists(st.integers(min_count, 30), min_size=n_rows * n_cols, max_size=n_rows * n_cols)
    )
    frame = pd.DataFrame(
        {
            "m": np.repeat([f"M{i}" for i in range(n_rows)], n_cols),
            "arm": np.tile([f"a{j}" for j in range(n_cols)], n_rows),
            "n": counts,
        }
    )
    # A statistic resting on the count: a share of persons (0 persons: no data).
    frame["share"] = np.where(frame["n"] > 0, 0.5, np.nan)
    if draw(st.booleans()):  # sparse tidy table: some cells absent
        keep = draw(st.lists(st.booleans(), min_size=len(frame), max_size=len(frame)))
        frame = frame[np.array(keep)].reset_index(drop=True)
    return frame


min_cells = st.integers(1, 8)

# ------------------------------------------------------------------ DisclosureControl


def test_describe_records_the_choice():
    assert DisclosureControl().describe() == (
        "Disclosure control: cells resting on fewer than 5 persons are suppressed "
        "(primary and secondary)."
    )
    off = DisclosureControl(enabled=False).describe()
    assert "switched off by the user (enabled=False)" in off
    assert DisclosureControl(min_cell=3).marker == "<3"


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "5"])
def test_min_cell_must_be_a_positive_integer(bad):
    with pytest.raises(ValueError, match="min_cell"):
        DisclosureControl(min_cell=bad)


def test_enabled_must_be_a_bool():
    with pytest.raises(TypeError, match="enabled"):
        DisclosureControl(enabled="no")


# ------------------------------------------------------------------ protect: properties


@settings(max_examples=50)
@given(two_way(), min_cells)
def test_no_visible_count_or_statistic_rests_on_too_few_persons(frame, min_cell):
    out = protect(
        frame,
        count="n",
        values=["share"],
        by=["m", "arm"],
        control=DisclosureControl(min_cell=min_cell),
    )
    shown = ~out.suppressed["n"].to_numpy()
    visible = frame["n"].to_numpy()[shown]
    assert not ((visible > 0) & (visible < min_cell)).any()
    visible_share = out.frame["share"].notna().to_numpy()
    assert (frame["n"].to_numpy()[visible_share] >= min_cell).all()
    # Statistics are hidden with their count.
    assert (out.suppressed["share"] == out.suppressed["n"]).all()
    assert not out.suppressed[["m", "arm"]].to_numpy().any()


@settings(max_examples=50)
@given(two_way(), min_cells)
def test_unchanged_where_not_suppressed_and_missing_where_suppressed(frame, min_cell):
    out = protect(
        frame,
        count="n",
        values=["share"],
        by=["m", "arm"],
        control=DisclosureControl(min_cell=min_cell),
    )
    mask = out.suppressed.to_numpy()
    original = frame.astype(object).to_numpy()
    protected = out.frame.astype(object).to_numpy()
    for i, j in zip(*np.nonzero(~mask), strict=True):
        a, b = original[i, j], protected[i, j]
        assert (pd.isna(a) and pd.isna(b)) or a == b
    assert out.frame.isna().to_numpy()[mask].all()
    assert out.frame.index.equals(frame.index) and list(out.frame.columns) == list(frame.columns)


@settings(max_examples=50)
@given(two_way(), min_cells)
def test_secondary_suppression_agrees_with_the_reference(frame, min_cell):
    out = protect(
        frame,
        count="n",
        values=["share"],
        by=["m", "arm"],
        control=DisclosureControl(min_cell=min_cell),
    )
    cells = [((r, c), n) for r, c, n in zip(frame["m"], frame["arm"], frame["n"], strict=True)]
    expected = reference_suppression(cells, ["m", "arm"], min_cell)
    assert out.suppressed["n"].tolist() == expected
    n_primary = sum(0 < n < min_cell for _, n in cells)
    assert (out.n_primary, out.n_secondary) == (n_primary, sum(expected) - n_primary)


@settings(max_examples=50)
@given(two_way(), min_cells)
def test_no_line_reveals_a_suppressed_cell_unless_listed(frame, min_cell):
    out = protect(
        frame,
        count="n",
        values=["share"],
        by=["m", "arm"],
        control=DisclosureControl(min_cell=min_cell),
    )
    keys = list(zip(frame["m"], frame["arm"], strict=True))
    hidden = out.suppressed["n"].to_numpy()
    counts = frame["n"].to_numpy()
    exposed = out.exposed_totals
    for d, along in enumerate(["m", "arm"]):
        other = ["m", "arm"][1 - d]
        for members in lines_of(keys, d):
            listed = exposed[
                (exposed["along"] == along) & (exposed[other] == keys[members[0]][1 - d])
            ]
            total = counts[members].sum()
            if hidden[members].sum() == 1 or 0 < total < min_cell:
                assert len(listed) == 1
            else:
                assert listed.empty
            if hidden[members].sum() == 1:
                # Only when the line has no other positive cell to hide.
                others = [i for i in members if not hidden[i]]
                assert all(counts[i] == 0 for i in others)


@settings(max_examples=50)
@given(two_way(min_count=1), min_cells)
def test_full_tables_without_zeros_never_keep_one_hidden_cell_in_a_line(frame, min_cell):
    n_rows, n_cols = frame["m"].nunique(), frame["arm"].nunique()
    if len(frame) != n_rows * n_cols or n_rows < 2 or n_cols < 2:
        return
    out = protect(
        frame,
        count="n",
        values=["share"],
        by=["m", "arm"],
        control=DisclosureControl(min_cell=min_cell),
    )
    grid = out.suppressed["n"].to_numpy().reshape(n_rows, n_cols)
    assert not (grid.sum(axis=1) == 1).any()
    assert not (grid.sum(axis=0) == 1).any()
    assert out.exposed_totals.query("reason == 'reveals a suppressed cell'").empty


@settings(max_examples=50)
@given(two_way(), min_cells)
def test_switched_off_returns_the_input_and_says_so(frame, min_cell):
    control = DisclosureControl(min_cell=min_cell, enabled=False)
    out = protect(frame, count="n", values=["share"], by=["m", "arm"], control=control)
    pd.testing.assert_frame_equal(out.frame, frame)
    assert not out.suppressed.to_numpy().any()
    assert (out.n_primary, out.n_secondary) == (0, 0)
    assert str(out).startswith("Disclosure control switched off by the user (enabled=False)")
    assert not out.summary()["enabled"].iloc[0]


@settings(max_examples=50)
@given(
    st.lists(st.integers(0, 20), min_size=1, max_size=8),
    st.lists(st.integers(0, 20), min_size=1, max_size=8),
    min_cells,
)
def test_each_count_column_is_protected_on_its_own(n1, n2, min_cell):
    k = min(len(n1), len(n2))
    frame = pd.DataFrame({"m": range(k), "n1": n1[:k], "n2": n2[:k]})
    frame["mean1"], frame["mean2"] = 1.0, 2.0
    out = protect(
        frame,
        count={"mean1": "n1", "mean2": "n2"},
        by=["m"],
        control=DisclosureControl(min_cell=min_cell),
    )
    for count, mean in (("n1", "mean1"), ("n2", "mean2")):
        cells = [((i,), n) for i, n in enumerate(frame[count])]
        assert out.suppressed[count].tolist() == reference_suppression(cells, ["m"], min_cell)
        assert (out.suppressed[mean] == out.suppressed[count]).all()


# ------------------------------------------------------------------ protect: examples


def test_zero_counts_are_shown_and_their_statistics_are_no_data():
    frame = pd.DataFrame({"m": ["A", "B", "C"], "n": [0, 10, 12], "mean": [99.0, 1.5, 2.5]})
    out = protect(frame, count="n", values=["mean"], by=["m"])
    # 0 is not suppressed; its mean rests on no persons: missing, not a suppression.
    assert out.frame["n"].tolist() == [0, 10, 12]
    assert out.frame["mean"].isna().tolist() == [True, False, False]
    assert not out.suppressed.to_numpy().any()
    assert out.to_text().splitlines()[1].split() == ["A", "0"]


def test_a_line_that_cannot_be_protected_is_listed_not_hidden():
    # Row A is [3, 0]: its total (3) equals the hidden cell whatever else is suppressed, and
    # rests on fewer than 5 persons. Column x has 3 and 8: 8 is hidden to protect the 3.
    # Row B is then [8 hidden, 9]: 9 is hidden. Column y: [0, 9 hidden] -> one hidden cell and
    # no positive cell left: listed as revealing.
    frame = pd.DataFrame({"m": list("AABB"), "arm": list("xyxy"), "n": [3, 0, 8, 9]})
    out = protect(frame, count="n", by=["m", "arm"])
    assert out.suppressed["n"].tolist() == [True, False, True, True]
    listed = out.exposed_totals.fillna("-")
    rows = set(zip(listed["along"], listed["m"], listed["arm"], listed["reason"], strict=True))
    assert rows == {
        ("arm", "A", "-", "rests on fewer than min_cell persons"),
        ("m", "-", "y", "reveals a suppressed cell"),
    }
    assert out.summary()["n_exposed_totals"].iloc[0] == 2


def test_rendering_shows_the_marker_never_zero():
    frame = pd.DataFrame({"m": ["A", "B", "C"], "n": [2, 0, 40]})
    out = protect(frame, count="n", by=["m"], margins=False)
    assert out.to_text().split("\n")[1:] == ["A <5", "B  0", "C 40"]
    assert out.to_csv() == "m,n\nA,<5\nB,0\nC,40\n"
    assert out.to_csv(marker="·").splitlines()[1] == "A,·"
    assert repr(out).startswith("<ProtectedTable: 3 rows, 3 cells, 1 primary and 0 secondary")
    assert "&lt;5" in out._repr_html_() or "<5" in out._repr_html_()


def test_without_margins_only_primary_suppression():
    frame = pd.DataFrame({"m": ["A", "B", "C"], "n": [2, 6, 40]})
    assert protect(frame, count="n", by=["m"], margins=False).suppressed["n"].tolist() == [
        True,
        False,
        False,
    ]
    # With the grand total published, the 6 must go too (total - 40 = 8 would give 2 + 6).
    assert protect(frame, count="n", by=["m"]).suppressed["n"].tolist() == [True, True, False]


def test_every_column_needs_a_role():
    frame = pd.DataFrame({"m": ["A"], "n": [10], "mean": [1.0], "label": ["x"]})
    with pytest.raises(ValueError, match=r"columns \['label'\] have no role"):
        protect(frame, count="n", values=["mean"], by=["m"])
    out = protect(frame, count="n", values=["mean"], by=["m"], labels=["label"])
    assert out.frame["label"].tolist() == ["x"]


@pytest.mark.parametrize(
    ("counts", "message"),
    [([1, -1], "not a non-negative number"), ([1, np.nan], "not a non-negative number")],
)
def test_bad_counts_are_refused(counts, message):
    frame = pd.DataFrame({"m": ["A", "B"], "n": counts})
    with pytest.raises(ValueError, match=message):
        protect(frame, count="n", by=["m"])


def test_keys_must_identify_rows_when_totals_are_published():
    frame = pd.DataFrame({"m": ["A", "A"], "n": [10, 12]})
    with pytest.raises(ValueError, match="do not identify the rows"):
        protect(frame, count="n", by=["m"])


def test_a_column_cannot_have_two_roles():
    frame = pd.DataFrame({"m": ["A"], "n": [10]})
    with pytest.raises(ValueError, match="both a key and a count"):
        protect(frame, count="n", by=["m", "n"])


# ------------------------------------------------------------------ protect_counts


@settings(max_examples=50)
@given(
    st.lists(st.integers(0, 30), min_size=1, max_size=5),
    st.integers(1, 5),
    min_cells,
)
def test_wide_tables_keep_their_shape_and_agree_with_the_tidy_form(first, n_cols, min_cell):
    rng = np.random.default_rng(sum(first) + n_cols)
    values = rng.integers(0, 30, size=(len(first), n_cols))
    values[:, 0] = first
    wide = pd.DataFrame(
        values,
        index=pd.Index([f"r{i}" for i in range(len(first))], name="m"),
        columns=pd.Index([f"c{j}" for j in range(n_cols)], name="arm"),
    )
    control = DisclosureControl(min_cell=min_cell)
    out = protect_counts(wide, control=control)
    tidy = protect(
        wide.stack().rename("n").reset_index(), count="n", by=["m", "arm"], control=control
    )
    assert out.frame.shape == wide.shape
    assert out.suppressed.to_numpy().ravel().tolist() == tidy.suppressed["n"].tolist()
    assert (out.n_primary, out.n_secondary) == (tidy.n_primary, tidy.n_secondary)
    shown = ~out.suppressed.to_numpy()
    assert (out.frame.to_numpy()[shown] == wide.to_numpy()[shown]).all()


def test_series_of_counts():
    counts = pd.Series({"A": 2, "B": 7, "C": 40})
    out = protect_counts(counts)
    assert list(out.frame.columns) == ["level_0", "count"]
    assert out.suppressed["count"].tolist() == [True, True, False]
    with pytest.raises(TypeError):
        protect_counts([1, 2, 3])


# ------------------------------------------------------------------ protect_shares


@st.composite
def share_tables(draw):
    k = draw(st.integers(1, 6))
    n = draw(st.lists(st.integers(0, 25), min_size=k, max_size=k))
    a = [draw(st.integers(0, d)) for d in n]
    frame = pd.DataFrame({"unit": [f"M{i}" for i in range(k)], "numerator": a, "denominator": n})
    total = pd.DataFrame({"unit": ["national"], "numerator": [sum(a)], "denominator": [sum(n)]})
    frame = pd.concat([frame, total], ignore_index=True)
    frame["value"] = frame["numerator"] / frame["denominator"].where(frame["denominator"] > 0)
    return frame


@settings(max_examples=50)
@given(share_tables(), min_cells, st.sampled_from(["both", "denominator"]))
def test_shares_follow_the_rule_and_agree_with_the_reference(frame, min_cell, rule):
    out = protect_shares(frame, share_rule=rule, control=DisclosureControl(min_cell=min_cell))
    a, n = frame["numerator"].to_numpy(), frame["denominator"].to_numpy()
    shown_n = ~out.suppressed["denominator"].to_numpy()
    shown_a = ~out.suppressed["numerator"].to_numpy()
    shown_value = out.frame["value"].notna().to_numpy()
    assert not ((n[shown_n] > 0) & (n[shown_n] < min_cell)).any()
    assert (n[shown_value] >= min_cell).all()
    if rule == "both":
        for counts in (a, n - a):
            assert not ((counts[shown_a] > 0) & (counts[shown_a] < min_cell)).any()
    # The share is hidden exactly with its numerator; a hidden denominator hides the row.
    assert (out.suppressed["value"] == out.suppressed["numerator"]).all()
    assert not (~shown_n & shown_a).any()
    # Reference: denominators, then numerators (complements need 0 < a < n), along units;
    # the national row (key None) is in no line. Key "_" is constant: its lines are single
    # units, so only the lines along "unit" can need a complement.
    keys = [None if u == "national" else ("x", u) for u in frame["unit"]]
    cells_n = list(zip(keys, n, strict=True))
    hidden_n = reference_suppression(cells_n, ["_", "unit"], min_cell)
    part = [
        (0 < x < min_cell or 0 < y - x < min_cell) if rule == "both" else False
        for x, y in zip(a, n, strict=True)
    ]
    hidden_a = reference_suppression(
        list(zip(keys, a, strict=True)),
        ["_", "unit"],
        min_cell,
        primary=[p or h for p, h in zip(part, hidden_n, strict=True)],
        eligible=[x < y for x, y in zip(a, n, strict=True)],
    )
    assert out.suppressed["denominator"].tolist() == hidden_n
    assert out.suppressed["numerator"].tolist() == hidden_a


def test_share_examples_by_hand():
    # Rule "both", min_cell 5: A 0/3 (denominator < 5, whole row), B 20/20 (0 "no": shown),
    # C 7/10 (3 "no": numerator and share hidden), D 1/30 (1 "yes": hidden).
    frame = pd.DataFrame(
        {"unit": list("ABCD"), "numerator": [0, 20, 7, 1], "denominator": [3, 20, 10, 30]}
    )
    frame["value"] = frame["numerator"] / frame["denominator"]
    out = protect_shares(frame, margins=False)
    assert out.suppressed["denominator"].tolist() == [True, False, False, False]
    assert out.suppressed["numerator"].tolist() == [True, False, True, True]
    loose = protect_shares(frame, margins=False, share_rule="denominator")
    assert loose.suppressed["numerator"].tolist() == [True, False, False, False]


def test_share_errors():
    frame = pd.DataFrame({"unit": ["A"], "numerator": [6], "denominator": [5], "value": [1.2]})
    with pytest.raises(ValueError, match="numerator larger than the denominator"):
        protect_shares(frame)
    with pytest.raises(ValueError, match="share_rule"):
        protect_shares(frame, share_rule="numerator")


def test_protected_table_is_frozen():
    out = protect(pd.DataFrame({"m": ["A"], "n": [10]}), count="n", by=["m"])
    assert isinstance(out, ProtectedTable)
    with pytest.raises(AttributeError):
        out.n_primary = 3


def test_further_count_columns_are_protected_on_their_own_without_values():
    frame = pd.DataFrame(
        {"week": [1, 2, 3], "n_at_risk": [40, 30, 3], "n_events": [2, 0, 1], "share": [0.05, 0, 0]}
    )
    protected = protect(
        frame, count="n_at_risk", values=["share"], counts=["n_events"], by=["week"], margins=False
    )
    hidden = protected.suppressed
    # n_events 2 and 1 are counts of 1-4 persons: hidden; the share rests on n_at_risk only.
    assert hidden["n_events"].tolist() == [True, False, True]
    assert hidden["n_at_risk"].tolist() == [False, False, True]
    assert hidden["share"].tolist() == [False, False, True]
    assert protected.n_primary == 3


def test_a_count_column_cannot_be_given_twice():
    frame = pd.DataFrame({"k": [1], "n": [10]})
    with pytest.raises(ValueError, match="given twice"):
        protect(frame, count="n", counts=["n"], by=["k"])


def test_a_value_resting_on_two_counts_is_hidden_when_either_is():
    frame = pd.DataFrame(
        {
            "week": [1, 2, 3, 4],
            "n_t": [40, 3, 40, 0],
            "n_c": [40, 40, 2, 40],
            "diff": [0.1, 0.2, 0.3, 0.4],
        }
    )
    protected = protect(frame, count={"diff": ["n_t", "n_c"]}, by=["week"], margins=False)
    assert protected.suppressed["diff"].tolist() == [False, True, True, False]
    # A difference with an empty arm is "no data", not suppressed and not a number.
    assert protected.frame["diff"].isna().tolist() == [False, True, True, True]
    with pytest.raises(ValueError, match="rests on no count"):
        protect(frame, count={"diff": []}, by=["week"])
