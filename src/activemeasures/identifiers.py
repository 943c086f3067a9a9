"""Identifiers of persons: recognising Danish CPR numbers and replacing identifiers by keyed
pseudonyms (DESIGN.md §10).

A CPR number (*det centrale personregister*) is ten digits ``DDMMYYSSSS``: the date of birth
and a serial number, often written ``DDMMYY-SSSS``. Register data on a research server carry
pseudonymised person numbers instead; a column that still looks like CPR numbers is refused by
:func:`activemeasures.validate_tables` unless the caller says ``allow_cpr=True``.
"""

from __future__ import annotations

import hashlib
import hmac

import numpy as np
import pandas as pd

from activemeasures.errors import ActiveMeasuresError

__all__ = ["CPR_RULE", "cpr_share", "looks_like_cpr", "pseudonymise"]

#: The rule name :func:`activemeasures.validate_tables` reports for CPR-like identifiers.
CPR_RULE = "looks like a Danish CPR number (pass allow_cpr=True to accept)"

_CPR_PATTERN = r"^([0-9]{2})([0-9]{2})[0-9]{2}-?[0-9]{4}$"
_MAX_LENGTH = 64  # hex digits of a SHA-256 digest


def _as_text(values: pd.Series) -> pd.Series:
    """Values as text; whole numbers zero-padded to ten digits (a CPR read as a number loses
    the leading zero of days 01-09)."""
    if pd.api.types.is_bool_dtype(values):
        return pd.Series(pd.NA, index=values.index, dtype="string")
    if pd.api.types.is_numeric_dtype(values):
        numbers = values.astype(float)
        whole = np.isfinite(numbers) & (numbers == np.floor(numbers)) & (numbers >= 0)
        whole &= numbers < 10**10
        text = pd.Series(pd.NA, index=values.index, dtype="string")
        text[whole] = numbers[whole].astype(np.int64).astype(str).str.zfill(10)
        return text
    return values.astype("string").str.strip()


def looks_like_cpr(values: pd.Series) -> np.ndarray:
    """Which values look like Danish CPR numbers.

    Parameters
    ----------
    values : pandas.Series or array-like
        Identifier values of any type.

    Returns
    -------
    numpy.ndarray of bool
        ``True`` where the value is ten digits ``DDMMYYSSSS`` or ``DDMMYY-SSSS`` whose date
        part is plausible: day ``DD`` in 01-31 and month ``MM`` in 01-12 (the year ``YY`` can
        be anything). Missing values are ``False``.

    Notes
    -----
    Text is matched after stripping surrounding blanks; only ASCII digits count. Whole numbers
    (integer or float columns) are zero-padded to ten digits first, because a CPR number read
    as a number loses the leading zero of days 01-09. Numbers inside a column of mixed Python
    objects are matched as written (not padded).

    The modulus-11 check is not used: CPR numbers issued since 2007 need not satisfy it.
    The rule therefore also flags some identifiers that are not CPR numbers (about 4 % of
    random ten-digit numbers have a plausible date part); such a column is accepted with
    ``allow_cpr=True`` or, better, pseudonymised with :func:`pseudonymise`.

    Examples
    --------
    >>> import pandas as pd
    >>> from activemeasures.identifiers import looks_like_cpr
    >>> looks_like_cpr(pd.Series(["0101901234", "010190-1234", "3213901234", "P0101901234"]))
    array([ True,  True, False, False])
    >>> looks_like_cpr(pd.Series([101901234, 123]))  # 0101901234 without its leading zero
    array([ True, False])
    """
    values = pd.Series(values) if not isinstance(values, pd.Series) else values
    if pd.api.types.is_bool_dtype(values):
        return np.zeros(len(values), dtype=bool)
    if pd.api.types.is_integer_dtype(values) or pd.api.types.is_float_dtype(values):
        return _numbers_look_like_cpr(values)
    # Text: match each distinct value once (identifiers repeat across a table's records).
    codes, uniques = pd.factorize(values)
    flags = _text_looks_like_cpr(pd.Series(uniques, dtype=values.dtype))
    out = np.zeros(len(values), dtype=bool)
    present = codes >= 0
    out[present] = flags[codes[present]]
    return out


def _text_looks_like_cpr(values: pd.Series) -> np.ndarray:
    parts = _as_text(values).str.extract(_CPR_PATTERN)
    day = pd.to_numeric(parts[0], errors="coerce")
    month = pd.to_numeric(parts[1], errors="coerce")
    plausible = day.between(1, 31) & month.between(1, 12)
    return plausible.fillna(False).to_numpy(dtype=bool)


def _numbers_look_like_cpr(values: pd.Series) -> np.ndarray:
    """Whole numbers 0 <= v < 10**10 read as ``DDMMYYSSSS`` zero-padded, by arithmetic."""
    numbers = values.astype("float64").to_numpy(na_value=np.nan)
    with np.errstate(invalid="ignore"):
        whole = np.isfinite(numbers) & (numbers >= 0) & (numbers < 1e10)
        whole &= np.floor(numbers) == numbers
    digits = np.where(whole, numbers, 0).astype(np.int64)
    day = digits // 10**8
    month = (digits // 10**6) % 100
    return whole & (day >= 1) & (day <= 31) & (month >= 1) & (month <= 12)


def cpr_share(values: pd.Series) -> float:
    """Share of the values that look like CPR numbers (see :func:`looks_like_cpr`).

    Parameters
    ----------
    values : pandas.Series or array-like

    Returns
    -------
    float
        In [0, 1]; ``nan`` for no values.

    Examples
    --------
    >>> import pandas as pd
    >>> from activemeasures.identifiers import cpr_share
    >>> cpr_share(pd.Series(["0101901234", "P123", "x", "311299-0001"]))
    0.5
    """
    flags = looks_like_cpr(values)
    return float(flags.mean()) if flags.size else float("nan")


def pseudonymise(
    frame: pd.DataFrame,
    column: str,
    *,
    key: bytes | str,
    prefix: str = "P",
    length: int = 16,
) -> pd.DataFrame:
    """Replace an identifier column by keyed pseudonyms (HMAC-SHA256).

    Parameters
    ----------
    frame : pandas.DataFrame
    column : str
        The identifier column to replace (e.g. ``"citizen_id"``).
    key : bytes or str
        The secret key (text is encoded as UTF-8); must not be empty. Keep it outside the
        project, e.g. in an environment variable; the same key must be used for every table
        of one dataset so that the pseudonyms match across tables.
    prefix : str, default "P"
        Put in front of every pseudonym; must start with a letter, so that no pseudonym looks
        like a number (or a CPR number).
    length : int, default 16
        Number of hexadecimal digits kept of the 64 of the digest (1-64).

    Returns
    -------
    pandas.DataFrame
        A copy of *frame* with *column* replaced, in place, by the pseudonyms; missing values
        stay missing. The original values are not kept, and the key is neither stored nor
        returned.

    Raises
    ------
    ValueError
        For an empty key, a missing column, a bad prefix or length.
    ActiveMeasuresError
        If two different identifiers got the same pseudonym (choose a larger *length*).

    Notes
    -----
    The pseudonym of a value :math:`x` is ``prefix`` followed by the first *length* hex
    digits of :math:`\\mathrm{HMAC\\text{-}SHA256}(key, \\mathrm{str}(x))`. It is the same for
    the same key and value (so tables stay linkable), different under another key, and cannot
    be reversed or recomputed without the key (unlike an unkeyed hash, which anyone can
    compute for every possible CPR number). Values are hashed as text: the integer ``123``
    and the string ``"123"`` get the same pseudonym (``123.0`` does not). With 16 hex digits
    (64 bits), two of a million identifiers collide with probability about
    :math:`n^2/2^{65} \\approx 3\\cdot 10^{-8}`; a collision is detected and raised.

    The digest is computed once per distinct value in a Python loop (no vectorised HMAC
    exists); about a million values per second.

    Examples
    --------
    >>> import pandas as pd
    >>> from activemeasures import pseudonymise
    >>> citizens = pd.DataFrame({"citizen_id": ["0101901234", "0202801234", "0101901234"],
    ...                          "municipality": ["A", "B", "A"]})
    >>> out = pseudonymise(citizens, "citizen_id", key="not-a-real-key", length=8)
    >>> list(out.columns)
    ['citizen_id', 'municipality']
    >>> out["citizen_id"].str.len().tolist(), out["citizen_id"].nunique()
    ([9, 9, 9], 2)
    >>> out["citizen_id"].iloc[0] == out["citizen_id"].iloc[2]
    True
    """
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not isinstance(key, bytes | bytearray):
        raise TypeError(f"key must be bytes or str, not {type(key).__name__}")
    if len(key) == 0:
        raise ValueError("key is empty: pseudonyms without a secret key can be recomputed")
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a pandas DataFrame, not {type(frame).__name__}")
    if column not in frame.columns:
        raise ValueError(f"column {column!r} is not in the frame")
    if not (isinstance(prefix, str) and prefix[:1].isalpha()):
        raise ValueError("prefix must be text starting with a letter")
    if not (isinstance(length, int) and 1 <= length <= _MAX_LENGTH):
        raise ValueError(f"length must be an integer from 1 to {_MAX_LENGTH}, got {length!r}")
    codes, uniques = pd.factorize(frame[column], use_na_sentinel=True)
    # Distinct values with the same text (123 and "123") share one pseudonym.
    text_codes, texts = pd.factorize(pd.Index(uniques).astype(str))
    key = bytes(key)
    digests = [
        prefix + hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()[:length]
        for text in texts
    ]
    if len(set(digests)) < len(digests):
        raise ActiveMeasuresError(
            f"pseudonymise: two identifiers of column {column!r} got the same pseudonym; "
            f"use a larger length (now {length})"
        )
    # Position -1 of the lookup is the missing value (factorize's sentinel).
    lookup = np.asarray([*digests, None], dtype=object)[np.append(text_codes, -1)]
    pseudonyms = pd.Series(lookup[codes], index=frame.index, dtype="str")
    out = frame.copy()
    out[column] = pseudonyms
    return out
