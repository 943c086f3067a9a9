"""Computing a programme's fidelity model and reporting it: values, traffic lights, ratings.

:func:`evaluate_fidelity` runs every indicator of a :class:`~activemeasures.Programme` on a
:class:`~activemeasures.Dataset`, nationally and per municipality, turns the values into
traffic lights (SPEC.md §6.1, §11 A-21, A-26), combines them into sub-component lights and
rates every core element low / medium / high with the programme's (or the element's own)
:class:`~activemeasures.fidelity.RatingRule` (SPEC.md §6.1, §11 A-25). The result, a
:class:`FidelityReport`, prints itself, exports tidy frames and draws the municipality ×
indicator traffic-light map. Comparisons between measurement rounds (SPEC.md §6.4) are in
:mod:`activemeasures.fidelity.rounds`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING

import attrs
import numpy as np
import pandas as pd

from activemeasures.errors import ActiveMeasuresError
from activemeasures.fidelity._contract import checked_table
from activemeasures.fidelity._render import cell_texts, header, sections, value_scale
from activemeasures.fidelity.lights import TrafficLight
from activemeasures.fidelity.model import NATIONAL, Indicator, Population

if TYPE_CHECKING:
    from activemeasures.dataset import Dataset
    from activemeasures.programme import Programme

__all__ = [
    "INDICATOR_COLUMNS",
    "LIGHTS",
    "RATING_COLUMNS",
    "SUB_COMPONENT_COLUMNS",
    "FidelityReport",
    "evaluate_fidelity",
]

#: Columns of :attr:`FidelityReport.indicators` (and :meth:`FidelityReport.to_frame`).
INDICATOR_COLUMNS = (
    "round",
    "element",
    "sub_component",
    "indicator",
    "label",
    "source",
    "unit",
    "numerator",
    "denominator",
    "value",
    "light",
)
#: The values of the ``light`` columns, in the order of :meth:`FidelityReport.light_counts`.
LIGHTS = ("red", "yellow", "green", "no data", "not rated")
#: Columns of :attr:`FidelityReport.sub_components`.
SUB_COMPONENT_COLUMNS = ("round", "element", "sub_component", "unit", "light")
#: Columns of :attr:`FidelityReport.ratings`.
RATING_COLUMNS = ("round", "element", "element_label", "unit", "level")


def _sorted_units(units: object) -> list:
    """Municipalities in sorted order (as text when their types cannot be compared)."""
    unique = [unit for unit in pd.unique(pd.Series(list(units), dtype=object)) if unit != NATIONAL]
    try:
        return sorted(unique)
    except TypeError:
        return sorted(unique, key=str)


def _mapping(value: Mapping) -> Mapping:
    return MappingProxyType(dict(value))


# --------------------------------------------------------------------------- computing


def _lights(indicator: Indicator, values: np.ndarray, programme: Programme) -> np.ndarray:
    """Traffic lights of one indicator's values (object array of TrafficLight).

    Missing value → NO_DATA; otherwise NOT_RATED for indicators without a target, else the
    thresholds' light.
    """
    if not indicator.rated:
        return np.where(np.isfinite(values), TrafficLight.NOT_RATED, TrafficLight.NO_DATA)
    thresholds = indicator.thresholds if indicator.thresholds is not None else programme.thresholds
    return thresholds.lights(values)


def _selected_elements(programme: Programme, elements: Sequence[str] | None) -> list:
    if elements is None:
        return list(programme.core_elements)
    wanted = [elements] if isinstance(elements, str) else list(elements)
    for key in wanted:
        programme.element(key)  # KeyError listing the known keys
    return [element for element in programme.core_elements if element.key in set(wanted)]


def evaluate_fidelity(
    dataset: Dataset,
    programme: Programme,
    *,
    round: str | None = None,
    population: Population | None = None,
    elements: Sequence[str] | None = None,
) -> FidelityReport:
    r"""Compute every fidelity indicator of a programme, its traffic lights and element ratings.

    Parameters
    ----------
    dataset : Dataset
        The validated input tables.
    programme : Programme
        The programme model: its ``core_elements`` hold sub-components holding indicators.
    round : str, optional
        Measurement round passed to every indicator kind (survey kinds keep the answers of
        that round, e.g. ``"baseline"``, ``"midterm"``, ``"final"``; register kinds ignore it).
    population : Population, optional
        Whom the indicators are measured on; default ``programme.participants``.
    elements : sequence of str, optional
        Keys of the core elements to evaluate (default: all, in the programme's order).

    Returns
    -------
    FidelityReport

    Raises
    ------
    ActiveMeasuresError
        When an indicator's ``compute()`` returns a table that breaks the contract of
        :class:`~activemeasures.fidelity.IndicatorKind` (the message names the indicator and
        the problem), or two evaluated indicators share a key.
    KeyError
        For an unknown element key.

    Notes
    -----
    Units are ``national`` and every municipality that appears in any indicator's table. For
    indicator :math:`i` and unit :math:`m` the kind gives :math:`v_{im} = a_{im} / n_{im}`
    (for a register share: citizens meeting the rule over eligible citizens; the national
    value is pooled over all citizens, not a mean of municipal shares, SPEC.md §6.1). Then

    * light :math:`\ell_{im}` = ``NO_DATA`` when :math:`v_{im}` is missing (an empty
      denominator, or the municipality absent from that indicator's table); ``NOT_RATED`` when
      the indicator has ``rated=False``; else, with the indicator's thresholds or the
      programme's, ``RED`` if :math:`v < r`, ``GREEN`` if :math:`v \ge g`, ``YELLOW`` between
      (defaults :math:`r = 0.75`, :math:`g = 0.90`: "red under 75 %" (000, L585-589;
      001, L626), green from 90 % (000, L829-831), SPEC.md §11 A-21);
    * sub-component light = ``rule.combine`` of its indicators' lights (default: the worst
      rated light) and element level = ``rule.rate`` of its sub-component lights, with
      ``rule`` the element's ``rating_rule`` or else the programme's. The default rule
      (HIGH when no sub-component is red, LOW when all are, MEDIUM otherwise) is an
      **inferred** rule, not the sources' (SPEC.md §6.1, §11 A-25); its ``floor_if_positive``
      override reads the unit's values of all evaluated indicators (the JobFirst GE7 rule:
      MEDIUM when D > K on ordinary hours, 000, L147-154; 001, L384). No rated
      sub-component → no level (missing).

    Examples
    --------
    >>> import pandas as pd
    >>> from activemeasures import CoreElement, Dataset, Indicator, Programme, SubComponent
    >>> from activemeasures.fidelity import evaluate_fidelity, kinds
    >>> citizens = pd.DataFrame({
    ...     "citizen_id": [f"c{i}" for i in range(8)],
    ...     "municipality": ["Aarhus"] * 4 + ["Vejle"] * 4,
    ...     "visitation_date": "2016-03-01", "arm": "treatment"})
    >>> events = pd.DataFrame({"citizen_id": [f"c{i}" for i in range(6)],
    ...                        "date": "2016-03-20", "event": "cv_update"})
    >>> data = Dataset.from_frames(citizens, events=events, cutoff="2016-12-31")
    >>> cv = Indicator(key="8.1", label="CV updated",
    ...                kind=kinds.EventWithin(event="cv_update", days=35))
    >>> element = CoreElement(key="springboard", label="Springboard",
    ...     sub_components=[SubComponent(key="8.1", label="CV", indicators=[cv])])
    >>> programme = Programme(name="pilot", label="Pilot", core_elements=[element])
    >>> report = evaluate_fidelity(data, programme)
    >>> report.to_frame()[["unit", "numerator", "denominator", "value", "light"]]
         unit  numerator  denominator  value  light
    0  national        6.0          8.0   0.75  yellow
    1    Aarhus        4.0          4.0   1.00   green
    2     Vejle        2.0          4.0   0.50     red
    >>> report.ratings[["unit", "level"]]
           unit   level
    0  national    high
    1    Aarhus    high
    2     Vejle     low
    """
    population = programme.participants if population is None else population
    chosen = _selected_elements(programme, elements)
    indicators = [(e, s, i) for e in chosen for s in e.sub_components for i in s.indicators]
    keys = [indicator.key for _, _, indicator in indicators]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise ActiveMeasuresError(
            f"programme {programme.name!r} has indicators sharing the keys {repeated}"
        )

    tables = []
    for _, _, indicator in indicators:
        computed = indicator.kind.compute(dataset, population, round=round)
        tables.append(checked_table(computed, indicator))
    units = [NATIONAL, *_sorted_units(u for table in tables for u in table.index)]

    # One block of rows per indicator, aligned on the units.
    aligned = [table.reindex(pd.Index(units, dtype=object)) for table in tables]
    values = {key: table["value"].to_numpy() for key, table in zip(keys, aligned, strict=True)}
    lights = {
        indicator.key: _lights(indicator, values[indicator.key], programme)
        for _, _, indicator in indicators
    }
    n_units = len(units)
    indicator_rows = pd.DataFrame(
        {
            "round": [round] * (n_units * len(indicators)),
            "element": np.repeat([e.key for e, _, _ in indicators], n_units),
            "sub_component": np.repeat([s.key for _, s, _ in indicators], n_units),
            "indicator": np.repeat(keys, n_units),
            "label": np.repeat([i.label for _, _, i in indicators], n_units),
            "source": np.repeat([str(i.source) for _, _, i in indicators], n_units),
            "unit": units * len(indicators),
            "numerator": np.concatenate([t["numerator"].to_numpy() for t in aligned] or [[]]),
            "denominator": np.concatenate([t["denominator"].to_numpy() for t in aligned] or [[]]),
            "value": np.concatenate([values[key] for key in keys] or [[]]),
            "light": [str(light) for key in keys for light in lights[key]],
        },
        columns=list(INDICATOR_COLUMNS),
    )

    # Sub-component lights and element levels: loops over units and elements only.
    unit_values = [{key: float(values[key][u]) for key in keys} for u in range(n_units)]
    sub_rows, rating_rows = [], []
    for element in chosen:
        rule = element.rating_rule if element.rating_rule is not None else programme.rating_rule
        sub_lights = [
            [rule.combine([lights[ind.key][u] for ind in sub.indicators]) for u in range(n_units)]
            for sub in element.sub_components
        ]
        for sub, by_unit in zip(element.sub_components, sub_lights, strict=True):
            sub_rows += [
                (round, element.key, sub.key, unit, str(light))
                for unit, light in zip(units, by_unit, strict=True)
            ]
        for u, unit in enumerate(units):
            level = rule.rate([by_unit[u] for by_unit in sub_lights], values=unit_values[u])
            level_text = None if level is None else str(level)
            rating_rows.append((round, element.key, element.label, unit, level_text))

    return FidelityReport(
        programme=programme.name,
        round=round,
        population=population.describe(),
        indicators=indicator_rows,
        sub_components=pd.DataFrame(sub_rows, columns=list(SUB_COMPONENT_COLUMNS)),
        ratings=pd.DataFrame(rating_rows, columns=list(RATING_COLUMNS)),
        definitions={indicator.key: indicator.kind.describe() for _, _, indicator in indicators},
        scales={
            indicator.key: value_scale(indicator, values[indicator.key])
            for _, _, indicator in indicators
        },
    )


# --------------------------------------------------------------------------- the result


def _frame(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.reset_index(drop=True)


@attrs.frozen(kw_only=True, eq=False)
class FidelityReport:
    """Fidelity indicators, traffic lights and element ratings of one programme and round.

    Made by :func:`evaluate_fidelity`. Values of shares are fractions in every frame (0.88);
    only the text, HTML and plot show percentages.

    Attributes
    ----------
    programme : str
        The programme's name.
    round : str or None
        The measurement round the indicators were computed for.
    population : str
        Whom the indicators were measured on, in words.
    indicators : pandas.DataFrame
        One row per indicator × unit (columns :data:`INDICATOR_COLUMNS`): ``round, element,
        sub_component, indicator, label, source, unit, numerator, denominator, value, light``
        (``light`` as text: ``green``, ``yellow``, ``red``, ``no data``, ``not rated``).
        Indicators in the programme's order; per indicator the ``national`` row first, then
        the municipalities sorted.
    sub_components : pandas.DataFrame
        One row per sub-component × unit: ``round, element, sub_component, unit, light``.
    ratings : pandas.DataFrame
        One row per core element × unit: ``round, element, element_label, unit, level``
        (``low`` / ``medium`` / ``high``, missing when no sub-component is rated).
    definitions : mapping of str to str
        Indicator key → the kind's one-sentence definition.
    scales : mapping of str to str
        Indicator key → ``"share"`` (shown in %), ``"difference"`` (a difference of shares,
        shown in percentage points) or ``"score"`` (shown as a number). A kind declares it with
        a ``scale`` attribute; otherwise values within [0, 1] are shares.

    Notes
    -----
    The national value of a register share is pooled over all citizens, not the mean of the
    municipal shares (SPEC.md §6.1). Lights, sub-component lights and levels follow
    :func:`evaluate_fidelity`; the level rule is an inference, not the sources' (SPEC.md §11
    A-25).

    Examples
    --------
    Three municipalities; 1.1 = 4/4, 4/5, 3/5 and 1.2 = 3/4, 5/5, 1/5 (national 11/14 and
    9/14); 2.1 has no target and no data in Odense:

    >>> from activemeasures.fidelity._example import example_report
    >>> print(example_report())
    Fidelity of pilot, round final; population: arm treatment
    <BLANKLINE>
    Indicators (national):
    indicator    label  value  n     light
          1.1       CV 78.6 % 14    yellow
          1.2 Job goal 64.3 % 14       red
          2.1   Mentor 75.0 %  4 not rated
    <BLANKLINE>
    Element ratings (national):
    element       label  level
      roles Clear roles medium
    support     Support      –
    <BLANKLINE>
    Municipalities per light:
    indicator  red  yellow  green  no data  not rated
          1.1    1       1      1        0          0
          1.2    1       1      1        0          0
          2.1    0       0      0        1          2
    """

    programme: str
    round: str | None
    population: str
    indicators: pd.DataFrame = attrs.field(converter=_frame)
    sub_components: pd.DataFrame = attrs.field(converter=_frame)
    ratings: pd.DataFrame = attrs.field(converter=_frame)
    definitions: Mapping[str, str] = attrs.field(converter=_mapping)
    scales: Mapping[str, str] = attrs.field(factory=dict, converter=_mapping)

    # ------------------------------------------------------------------ frames

    @property
    def indicator_keys(self) -> list[str]:
        """Indicator keys in report order."""
        return list(pd.unique(self.indicators["indicator"]))

    @property
    def municipalities(self) -> list:
        """The municipalities of the report, sorted."""
        return _sorted_units(self.indicators["unit"])

    def to_frame(self) -> pd.DataFrame:
        """The tidy indicator table (a copy of :attr:`indicators`).

        Examples
        --------
        >>> from activemeasures.fidelity._example import example_report
        >>> example_report().to_frame().columns.tolist()  # doctest: +NORMALIZE_WHITESPACE
        ['round', 'element', 'sub_component', 'indicator', 'label', 'source', 'unit',
         'numerator', 'denominator', 'value', 'light']
        """
        return self.indicators.copy()

    def _wide(self, column: str) -> pd.DataFrame:
        frame = self.indicators
        units, keys = self.municipalities, self.indicator_keys
        municipal = frame["unit"].to_numpy(dtype=object) != NATIONAL
        rows = pd.Index(units, dtype=object).get_indexer(
            frame["unit"].to_numpy(dtype=object)[municipal]
        )
        columns = pd.Index(keys, dtype=object).get_indexer(
            frame["indicator"].to_numpy(dtype=object)[municipal]
        )
        if column == "light":
            cells = np.full((len(units), len(keys)), "no data", dtype=object)
            cells[rows, columns] = frame[column].to_numpy(dtype=object)[municipal]
        else:
            cells = np.full((len(units), len(keys)), np.nan)
            cells[rows, columns] = frame[column].to_numpy(dtype=float)[municipal]
        return pd.DataFrame(
            cells,
            index=pd.Index(units, dtype=object, name="municipality"),
            columns=pd.Index(keys, dtype=object, name="indicator"),
        )

    def wide(self, value: str = "value") -> pd.DataFrame:
        """Municipality × indicator table, for joining with results per municipality.

        Parameters
        ----------
        value : {"value", "numerator", "denominator"}
            Which number fills the cells.

        Returns
        -------
        pandas.DataFrame
            Index ``municipality`` (sorted, national excluded), one column per indicator key
            in report order; missing where a municipality has no data.

        Examples
        --------
        >>> from activemeasures.fidelity._example import example_report
        >>> example_report().wide()
        indicator     1.1   1.2  2.1
        municipality
        Aarhus        1.0  0.75  0.5
        Odense        0.8  1.00  NaN
        Vejle         0.6  0.20  1.0
        """
        if value not in ("value", "numerator", "denominator"):
            raise ValueError(f"value must be 'value', 'numerator' or 'denominator', got {value!r}")
        return self._wide(value)

    def lights(self) -> pd.DataFrame:
        """Municipality × indicator table of traffic lights (as text), like :meth:`wide`.

        Examples
        --------
        >>> from activemeasures.fidelity._example import example_report
        >>> example_report().lights()
        indicator        1.1        1.2        2.1
        municipality
        Aarhus         green     yellow  not rated
        Odense        yellow      green    no data
        Vejle            red        red  not rated
        """
        return self._wide("light")

    def light_counts(self) -> pd.DataFrame:
        """Per indicator, the number of municipalities in each light.

        Returns
        -------
        pandas.DataFrame
            Index ``indicator`` (report order); columns ``red, yellow, green, no data,
            not rated``.

        Examples
        --------
        >>> from activemeasures.fidelity._example import example_report
        >>> example_report().light_counts()
                   red  yellow  green  no data  not rated
        indicator
        1.1          1       1      1        0          0
        1.2          1       1      1        0          0
        2.1          0       0      0        1          2
        """
        keys = self.indicator_keys
        key_codes, light_codes, _ = self._municipal_codes()
        counts = np.bincount(
            key_codes * len(LIGHTS) + light_codes, minlength=len(keys) * len(LIGHTS)
        ).reshape(len(keys), len(LIGHTS))
        return pd.DataFrame(counts, index=pd.Index(keys, name="indicator"), columns=list(LIGHTS))

    def _municipal_codes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Municipal rows as arrays: indicator position, light position (in LIGHTS), value."""
        frame = self.indicators
        municipal = frame["unit"].to_numpy(dtype=object) != NATIONAL
        indicator = frame["indicator"].to_numpy(dtype=object)[municipal]
        light = frame["light"].to_numpy(dtype=object)[municipal]
        return (
            pd.Index(self.indicator_keys, dtype=object).get_indexer(indicator).astype(np.int64),
            pd.Index(list(LIGHTS), dtype=object).get_indexer(light).astype(np.int64),
            frame["value"].to_numpy(dtype=float)[municipal],
        )

    # ------------------------------------------------------------------ rounds

    def change(self, other: FidelityReport) -> pd.DataFrame:
        """Change of every indicator value since another report: ``self − other``.

        See :func:`activemeasures.fidelity.rounds.change`.
        """
        from activemeasures.fidelity.rounds import change

        return change(self, other)

    def spread(self) -> pd.DataFrame:
        """Median, quartiles, range and light counts per indicator across municipalities.

        See :func:`activemeasures.fidelity.rounds.spread`.
        """
        from activemeasures.fidelity.rounds import spread

        return spread(self)

    # ------------------------------------------------------------------ rendering

    def __str__(self) -> str:
        lines = [header(self)]
        for title, table in sections(self):
            lines += ["", f"{title}:"]
            if table.empty:
                lines.append("(none)")
                continue
            lines += [line.rstrip() for line in table.to_string(index=False).splitlines()]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"<FidelityReport: {self.programme}, round {self.round}; "
            f"{len(self.indicator_keys)} indicators × {len(self.municipalities)} municipalities>"
        )

    def _repr_html_(self) -> str:
        parts = [f"<p>{html.escape(header(self))}</p>"]
        for title, table in sections(self):
            parts.append(f"<h4>{html.escape(title)}</h4>")
            parts.append(table.to_html(index=False, escape=True))
        return "<div>" + "".join(parts) + "</div>"

    def plot(self, ax=None, *, annotate: bool = True):
        """Traffic-light map: municipalities (rows, sorted) × indicators (columns).

        Cells are green, yellow or red; light grey where there is no data; white and hatched
        for indicators without a target (not rated).

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Where to draw; a new figure is made when omitted.
        annotate : bool, default True
            Write each cell's value in it (shares in %).

        Returns
        -------
        matplotlib.axes.Axes
        """
        from activemeasures.fidelity._heatmap import plot_lights

        texts = cell_texts(self) if annotate else None
        return plot_lights(self.lights(), texts, ax=ax, title=header(self))
