"""CPR detection and keyed pseudonyms."""

from __future__ import annotations

import hashlib
import hmac

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from activemeasures import pseudonymise
from activemeasures.errors import ActiveMeasuresError
from activemeasures.identifiers import cpr_share, looks_like_cpr

days = st.integers(1, 31)
months = st.integers(1, 12)
years = st.integers(0, 99)
serials = st.integers(0, 9999)


def cpr_text(day, month, year, serial, hyphen):
    return f"{day:02d}{month:02d}{year:02d}{'-' if hyphen else ''}{serial:04d}"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0101901234", True),
        ("010190-1234", True),
        ("3112991234", True),
        (" 3112991234 ", True),  # surrounding blanks are stripped
        ("0001901234", False),  # day 00
        ("3201901234", False),  # day 32
        ("0100901234", False),  # month 00
        ("0113901234", False),  # month 13
        ("010190123", False),  # nine digits as text
        ("01019012345", False),  # eleven digits
        ("010190 1234", False),  # only a hyphen may separate
        ("01-01-90-1234", False),
        ("P010190123", False),
        ("٠١٠١٩٠١٢٣٤", False),  # Arabic-Indic digits are not ASCII digits
        ("", False),
        (None, False),
    ],
)
def test_cpr_examples(value, expected):
    assert looks_like_cpr(pd.Series([value], dtype=object)).tolist() == [expected]


def test_numbers_are_padded_to_ten_digits():
    # 101901234 is 0101901234 read as a number (the leading zero lost).
    values = pd.Series([101901234, 3112991234, 1234567890, -101901234, 10**10 + 101901234])
    assert looks_like_cpr(values).tolist() == [True, True, False, False, False]
    assert looks_like_cpr(pd.Series([101901234.0, 101901234.5, np.nan])).tolist() == [
        True,
        False,
        False,
    ]
    assert looks_like_cpr(pd.Series([True, False])).tolist() == [False, False]


@settings(max_examples=50)
@given(days, months, years, serials, st.booleans())
def test_valid_dates_are_flagged(day, month, year, serial, hyphen):
    text = cpr_text(day, month, year, serial, hyphen)
    assert looks_like_cpr(pd.Series([text])).tolist() == [True]
    assert looks_like_cpr(pd.Series([int(text.replace("-", ""))])).tolist() == [True]


@settings(max_examples=50)
@given(
    st.one_of(
        st.tuples(st.sampled_from([0, *range(32, 100)]), st.integers(0, 99)),
        st.tuples(st.integers(0, 99), st.sampled_from([0, *range(13, 100)])),
    ),
    years,
    serials,
    st.booleans(),
)
def test_impossible_dates_are_not_flagged(day_month, year, serial, hyphen):
    day, month = day_month
    text = cpr_text(day, month, year, serial, hyphen)
    assert looks_like_cpr(pd.Series([text])).tolist() == [False]


def test_cpr_share():
    assert cpr_share(pd.Series(["0101901234", "x", "y", "0202021234"])) == 0.5
    assert np.isnan(cpr_share(pd.Series([], dtype=object)))


# ------------------------------------------------------------------ pseudonymise


def reference_pseudonym(key: bytes, value: object, prefix="P", length=16) -> str:
    return prefix + hmac.new(key, str(value).encode(), hashlib.sha256).hexdigest()[:length]


def test_pseudonyms_are_the_hmac_of_the_text():
    frame = pd.DataFrame({"citizen_id": ["0101901234", 42, None], "x": [1, 2, 3]})
    out = pseudonymise(frame, "citizen_id", key=b"secret")
    assert out["citizen_id"].iloc[0] == reference_pseudonym(b"secret", "0101901234")
    assert out["citizen_id"].iloc[1] == reference_pseudonym(b"secret", "42")
    assert pd.isna(out["citizen_id"].iloc[2])
    assert list(out.columns) == ["citizen_id", "x"] and out["x"].tolist() == [1, 2, 3]
    # str and bytes keys agree (UTF-8)
    again = pseudonymise(frame, "citizen_id", key="secret")
    assert again["citizen_id"].equals(out["citizen_id"])
    # the input is not modified
    assert frame["citizen_id"].iloc[0] == "0101901234"


identifier_values = st.lists(
    st.one_of(st.text(min_size=1, max_size=12), st.integers(0, 10**12)), min_size=1, max_size=20
)
keys = st.binary(min_size=1, max_size=32)


@settings(max_examples=50)
@given(identifier_values, keys, keys)
def test_stable_keyed_and_never_cpr_like(values, key, other_key):
    frame = pd.DataFrame({"citizen_id": pd.Series(values, dtype=object)})
    first = pseudonymise(frame, "citizen_id", key=key)["citizen_id"]
    second = pseudonymise(frame, "citizen_id", key=key)["citizen_id"]
    assert first.equals(second)
    # same text -> same pseudonym; different text -> different pseudonym
    texts = [str(v) for v in values]
    for i in range(len(values)):
        for j in range(len(values)):
            assert (first.iloc[i] == first.iloc[j]) == (texts[i] == texts[j])
    assert not looks_like_cpr(first).any()
    assert first.str.fullmatch(r"P[0-9a-f]{16}").all()
    if other_key != key:
        other = pseudonymise(frame, "citizen_id", key=other_key)["citizen_id"]
        assert (other != first).all()


@settings(max_examples=50)
@given(
    identifier_values,
    st.text(min_size=6, max_size=20).filter(
        lambda k: k.strip() and k not in "citizen_id municipality"
    ),
)
def test_the_key_and_the_identifiers_never_appear_in_the_output(values, key):
    values = [f"ID{v}" for v in values]  # identifiers that cannot occur inside a hex digest
    frame = pd.DataFrame({"citizen_id": values, "municipality": "A"})
    out = pseudonymise(frame, "citizen_id", key=key)
    texts = [repr(out), str(out), out.to_csv(), out.to_string(), str(out.attrs)]
    for text in texts:
        assert key not in text
        for value in values:
            assert value not in text


@pytest.mark.parametrize("key", ["", b""])
def test_an_empty_key_is_refused(key):
    with pytest.raises(ValueError, match="key is empty"):
        pseudonymise(pd.DataFrame({"citizen_id": ["a"]}), "citizen_id", key=key)


def test_bad_arguments():
    frame = pd.DataFrame({"citizen_id": ["a"]})
    with pytest.raises(TypeError, match="key must be bytes or str"):
        pseudonymise(frame, "citizen_id", key=123)
    with pytest.raises(ValueError, match="not in the frame"):
        pseudonymise(frame, "respondent_id", key="k")
    with pytest.raises(ValueError, match="prefix"):
        pseudonymise(frame, "citizen_id", key="k", prefix="1")
    with pytest.raises(ValueError, match="prefix"):
        pseudonymise(frame, "citizen_id", key="k", prefix="")
    with pytest.raises(ValueError, match="length"):
        pseudonymise(frame, "citizen_id", key="k", length=65)
    with pytest.raises(TypeError, match="DataFrame"):
        pseudonymise(frame["citizen_id"], "citizen_id", key="k")


def test_collisions_are_detected():
    # One hex digit has 16 values: 17 distinct identifiers must collide.
    frame = pd.DataFrame({"citizen_id": [f"c{i}" for i in range(17)]})
    with pytest.raises(ActiveMeasuresError, match="same pseudonym") as info:
        pseudonymise(frame, "citizen_id", key="k", length=1)
    assert "c1" not in str(info.value)


@given(st.lists(st.integers(min_value=-(10**11), max_value=10**11), min_size=1, max_size=50))
def test_whole_numbers_are_judged_by_arithmetic_exactly_as_their_zero_padded_text(numbers):
    padded = pd.Series([f"{n:010d}" if 0 <= n < 10**10 else str(n) for n in numbers])
    as_ints = pd.Series(numbers, dtype="int64")
    assert looks_like_cpr(as_ints).tolist() == looks_like_cpr(padded).tolist()
    assert looks_like_cpr(as_ints.astype("float64")).tolist() == looks_like_cpr(padded).tolist()
    # Repeated text values are judged once and mapped back.
    doubled = pd.concat([padded, padded], ignore_index=True)
    assert looks_like_cpr(doubled).tolist() == looks_like_cpr(padded).tolist() * 2
