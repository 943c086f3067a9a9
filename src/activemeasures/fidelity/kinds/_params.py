"""Parameter converters, validators and wording shared by the built-in indicator kinds."""

from __future__ import annotations

import math
from collections.abc import Iterable

import attrs


def codes_tuple(value: object) -> tuple[str, ...]:
    """One code or several, as a tuple of text (an attrs converter)."""
    items = [value] if isinstance(value, str) else list(value)  # type: ignore[call-overload]
    return tuple(str(item) for item in items)


def non_empty_codes(instance: object, attribute: attrs.Attribute, value: tuple) -> None:
    if not value or any(not code.strip() for code in value):
        raise ValueError(f"{attribute.name} must name at least one non-empty code, got {value!r}")


def non_negative_int(instance: object, attribute: attrs.Attribute, value: int | None) -> None:
    if value is not None and value < 0:
        raise ValueError(f"{attribute.name} must be >= 0, got {value}")


def positive_finite(instance: object, attribute: attrs.Attribute, value: float) -> None:
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{attribute.name} must be a positive number, got {value!r}")


def one_of(*choices: str):
    def check(instance: object, attribute: attrs.Attribute, value: str) -> None:
        if value not in choices:
            raise ValueError(
                f"{attribute.name} must be one of {', '.join(map(repr, choices))}, got {value!r}"
            )

    return check


def whole(value: object) -> int:
    """An int from an int-like value, refusing fractions (an attrs converter)."""
    if isinstance(value, bool):
        raise TypeError(f"expected a whole number, got {value!r}")
    number = int(value)  # type: ignore[call-overload]
    if number != value:
        raise ValueError(f"expected a whole number, got {value!r}")
    return number


def optional_whole(value: object) -> int | None:
    return None if value is None else whole(value)


def quoted(codes: Iterable[object], joiner: str = "or") -> str:
    """``'a'``, ``'a' or 'b'``, ``'a', 'b' or 'c'``.

    Examples
    --------
    >>> quoted(["a"]), quoted(["a", "b"]), quoted(["a", "b", "c"], "and")
    ("'a'", "'a' or 'b'", "'a', 'b' and 'c'")
    """
    return listed([f"'{code}'" for code in codes], joiner)


def listed(items: Iterable[object], joiner: str = "or") -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    items = [str(item) for item in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {joiner} {items[-1]}"


def number(value: float) -> str:
    """A number as short text: ``91``, ``30.4375``."""
    return f"{value:g}"
