"""Traffic lights for indicator values and low/medium/high ratings for core elements.

The JobFirst evaluations graded every indicator per municipality green, yellow or red, and
every core element low, medium or high (SPEC.md §6.1). Only "red under 75 %" is explicit in the
sources (000, L585-589; 001, L626); the green cut-off of 90 % and the element rating rule are
**interpretations** (SPEC.md §11 A-21, A-25), so both are parameters here with those defaults.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping

import attrs
import numpy as np

__all__ = ["Level", "RatingRule", "Thresholds", "TrafficLight"]


class TrafficLight(enum.Enum):
    """Target fulfilment of one indicator in one municipality (or nationally)."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    #: The denominator is empty: nothing to measure. Never shown as 0 % or 100 %.
    NO_DATA = "no data"
    #: The indicator has no target (``thresholds=None``): reported, not graded.
    NOT_RATED = "not rated"

    def __str__(self) -> str:
        return self.value

    @property
    def rank(self) -> int:
        """Order for "worst of": red 0 < yellow 1 < green 2; others have no rank (-1)."""
        return {TrafficLight.RED: 0, TrafficLight.YELLOW: 1, TrafficLight.GREEN: 2}.get(self, -1)


class Level(enum.Enum):
    """Fidelity rating of a core element (SPEC.md §6.1)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    def __str__(self) -> str:
        return self.value


def _fraction(instance: object, attribute: attrs.Attribute, value: float) -> None:
    if not math.isfinite(value):
        raise ValueError(f"{attribute.name} must be a finite number, got {value!r}")


@attrs.frozen(kw_only=True)
class Thresholds:
    """Cut-offs that turn an indicator value into a traffic light.

    ``RED`` when ``value < red_below``; ``GREEN`` when ``value >= green_from``; ``YELLOW`` in
    between; ``NO_DATA`` when the value is missing (empty denominator).

    Parameters
    ----------
    red_below : float, default 0.75
        "Red if under 75 %" (000, L585-589; 001, L626).
    green_from : float, default 0.90
        Green from 90 % (000, L829-831). The sources place the cut-off somewhere in
        (88 %, 90 %]; 90 % is the interpretation of SPEC.md §6.1 and §11 A-21.

    Examples
    --------
    >>> from activemeasures.fidelity import Thresholds
    >>> t = Thresholds()
    >>> [str(t.light(v)) for v in (0.64, 0.75, 0.88, 0.90, float("nan"))]
    ['red', 'yellow', 'yellow', 'green', 'no data']
    >>> str(Thresholds(red_below=0.5, green_from=0.5).light(0.66))  # "more than half" (GE3 3.3)
    'green'
    """

    red_below: float = attrs.field(default=0.75, converter=float, validator=_fraction)
    green_from: float = attrs.field(default=0.90, converter=float, validator=_fraction)

    def __attrs_post_init__(self) -> None:
        if self.green_from < self.red_below:
            raise ValueError(
                f"green_from ({self.green_from}) must not be below red_below ({self.red_below})"
            )

    def light(self, value: float | None) -> TrafficLight:
        """The traffic light of one value."""
        if value is None or not np.isfinite(value):
            return TrafficLight.NO_DATA
        if value < self.red_below:
            return TrafficLight.RED
        if value >= self.green_from:
            return TrafficLight.GREEN
        return TrafficLight.YELLOW

    def lights(self, values: np.ndarray) -> np.ndarray:
        """Traffic lights of many values at once (an object array of :class:`TrafficLight`)."""
        values = np.asarray(values, dtype=float)
        out = np.full(values.shape, TrafficLight.YELLOW, dtype=object)
        with np.errstate(invalid="ignore"):
            out[values < self.red_below] = TrafficLight.RED
            out[values >= self.green_from] = TrafficLight.GREEN
        out[~np.isfinite(values)] = TrafficLight.NO_DATA
        return out


def _level_or_none(value: Level | str | None) -> Level | None:
    return None if value is None else Level(value)


@attrs.frozen(kw_only=True)
class RatingRule:
    """How sub-component traffic lights become a low/medium/high rating of a core element.

    The sources give no rule: the ratings were the evaluators' judgement. The default is the
    **inferred** rule of SPEC.md §6.1 (§11 A-25), which reproduces 14 of the 16 published
    JobFirst ratings:

    * a sub-component's light is the worst light of its rated indicators
      (``sub_component="worst"``; ``"best"`` is the lenient alternative);
    * ``HIGH`` when at most ``high_max_red`` sub-components are red (default 0);
    * ``LOW`` when every rated sub-component is red (``low_when_all_red``);
    * ``MEDIUM`` otherwise.

    An override lifts the rating to at least ``floor`` when the value of indicator
    ``floor_if_positive`` is above zero: the JobFirst GE7 rule "MEDIUM when D > K on ordinary
    hours although the absolute share is low" (000, L147-154; 001, L384).

    Parameters
    ----------
    high_max_red : int, default 0
    low_when_all_red : bool, default True
    sub_component : {"worst", "best"}, default "worst"
    floor : Level or str, optional
    floor_if_positive : str, optional
        Key of the indicator whose positive value triggers ``floor``.

    Examples
    --------
    >>> from activemeasures.fidelity import RatingRule, TrafficLight as L
    >>> rule = RatingRule()
    >>> str(rule.rate([L.GREEN, L.YELLOW, L.GREEN]))
    'high'
    >>> str(rule.rate([L.GREEN, L.RED])), str(rule.rate([L.RED, L.RED]))
    ('medium', 'low')
    >>> ge7 = RatingRule(floor="medium", floor_if_positive="7.1-vs-control")
    >>> str(ge7.rate([L.RED], values={"7.1-vs-control": 0.08}))
    'medium'
    >>> rule.rate([L.NO_DATA]) is None  # nothing rated: no rating
    True
    """

    high_max_red: int = attrs.field(default=0, converter=int)
    low_when_all_red: bool = True
    sub_component: str = attrs.field(
        default="worst", validator=attrs.validators.in_(("worst", "best"))
    )
    floor: Level | None = attrs.field(default=None, converter=_level_or_none)
    floor_if_positive: str | None = None

    def __attrs_post_init__(self) -> None:
        if (self.floor is None) != (self.floor_if_positive is None):
            raise ValueError("floor and floor_if_positive go together: give both or neither")

    def combine(self, indicator_lights: list[TrafficLight]) -> TrafficLight:
        """The light of a sub-component from the lights of its indicators."""
        rated = [light for light in indicator_lights if light.rank >= 0]
        if not rated:
            if TrafficLight.NO_DATA in indicator_lights:
                return TrafficLight.NO_DATA
            return TrafficLight.NOT_RATED
        pick = min if self.sub_component == "worst" else max
        return pick(rated, key=lambda light: light.rank)

    def rate(
        self,
        sub_component_lights: list[TrafficLight],
        values: Mapping[str, float] | None = None,
    ) -> Level | None:
        """The level of a core element, or ``None`` when no sub-component is rated.

        Parameters
        ----------
        sub_component_lights : list of TrafficLight
            One light per sub-component (see :meth:`combine`).
        values : mapping of str to float, optional
            Indicator values by key, for the ``floor_if_positive`` override.
        """
        rated = [light for light in sub_component_lights if light.rank >= 0]
        if not rated:
            return None
        n_red = sum(light is TrafficLight.RED for light in rated)
        if n_red <= self.high_max_red:
            level = Level.HIGH
        elif self.low_when_all_red and n_red == len(rated):
            level = Level.LOW
        else:
            level = Level.MEDIUM
        if self.floor is not None:
            trigger = (values or {}).get(self.floor_if_positive, float("nan"))
            if np.isfinite(trigger) and trigger > 0 and _ORDER[level] < _ORDER[self.floor]:
                level = self.floor
        return level


_ORDER = {Level.LOW: 0, Level.MEDIUM: 1, Level.HIGH: 2}
