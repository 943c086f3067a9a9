"""Numbers and names formatted as Stata's ``regress`` prints them.

Used by :mod:`activemeasures.fidelity.regression` so its output can be set beside the published
JobFirst tables line by line (SPEC.md §5.3; 000, L891-1022).
"""

from __future__ import annotations

import math

import numpy as np

#: Width of Stata's name column (names are abbreviated to it).
NAME_WIDTH = 12


def stata_g(value: float, width: int) -> str:
    """A number the way Stata's ``%w.0g`` shows it in ``regress`` output.

    As many significant digits as fit in ``width - 1`` characters (one is kept for a sign),
    trailing zeros dropped and the zero before the decimal point left out (``-.0704913``).
    Missing and infinite values are Stata's ``.``.
    """
    if not math.isfinite(value):
        return "."
    if value == 0:
        return "0"
    sign, magnitude = ("-" if value < 0 else ""), abs(value)
    room = width - 1
    for digits in range(room, 0, -1):
        text = np.format_float_positional(
            magnitude, precision=digits, unique=False, fractional=False, trim="-"
        )
        if text.startswith("0."):
            text = text[1:]
        if len(text) <= room and text.strip("0.") != "":
            return sign + text
    for digits in range(room, -1, -1):  # too large or too small for fixed notation
        text = f"{magnitude:.{digits}e}"
        if len(text) <= room:
            return sign + text
    return sign + f"{magnitude:.0e}"


def significant(value: float, digits: int) -> str:
    """``digits`` significant digits, trailing zeros and a leading ``0`` dropped (Stata's
    ``Root MSE``: ``6.3655``, ``7.213``, ``.89443``)."""
    if not math.isfinite(value):
        return "."
    text = np.format_float_positional(
        abs(value), precision=digits, unique=False, fractional=False, trim="-"
    )
    if text.startswith("0."):
        text = text[1:]
    return ("-" if value < 0 else "") + text


def fixed(value: float, decimals: int) -> str:
    """``%.{decimals}f``, with Stata's ``.`` for a missing or infinite value."""
    return f"{value:.{decimals}f}" if math.isfinite(value) else "."


def abbreviate(name: str, width: int = NAME_WIDTH) -> str:
    """Stata's ``abbrev()``: long names keep their start and last character around ``~``."""
    return name if len(name) <= width else name[: width - 2] + "~" + name[-1]
