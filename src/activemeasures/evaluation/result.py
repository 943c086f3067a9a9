"""The result of :func:`~activemeasures.evaluate`: every part of one programme evaluation.

:class:`Evaluation` is frozen and holds aggregates only (curves, tables, reports): no citizen
identifier, so it can be printed, shown in a notebook and handed to the report writer, which
reads every tidy table through :meth:`Evaluation.tables`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

import attrs
import numpy as np
import pandas as pd

from activemeasures.programme import Programme
from activemeasures.quality import DataQualityReport

if TYPE_CHECKING:
    from activemeasures.estimators import BalanceTable
    from activemeasures.fidelity import FidelityReport

__all__ = ["HEADLINE_WEEKS", "PROBLEM_COLUMNS", "Evaluation"]

#: Weeks of the summary: quarter, half year, the mid-term's week 35 (001, L123), one year and
#: the final evaluation's 78 weeks (000, L518-524).
HEADLINE_WEEKS = (13, 26, 35, 52, 78)

#: Columns of :attr:`Evaluation.problems`.
PROBLEM_COLUMNS = ("part", "item", "reason")

#: Columns of :meth:`Evaluation.headline` for a randomised design.
HEADLINE_COLUMNS = (
    "outcome",
    "week",
    "n_treatment",
    "n_control",
    "mean_treatment",
    "mean_control",
    "estimate",
    "ci_lower",
    "ci_upper",
    "p_value",
)

#: Fidelity tables of :meth:`Evaluation.tables` and the report attribute each comes from.
_FIDELITY_TABLES = {
    "fidelity_indicators": ("indicators", "INDICATOR_COLUMNS"),
    "fidelity_sub_components": ("sub_components", "SUB_COMPONENT_COLUMNS"),
    "fidelity_ratings": ("ratings", "RATING_COLUMNS"),
}


def _number(value: float) -> str:
    return f"{value:.4g}"


def empty_descriptive(by: str) -> pd.DataFrame:
    """The descriptive table with no rows (randomised designs)."""
    columns = ["outcome", "label", by, "week", "n_observed", "mean"]
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def empty_municipal(randomised: bool) -> pd.DataFrame:
    """The municipal table with no rows (a programme without outcomes)."""
    from activemeasures.fidelity.municipal import (
        MUNICIPALITY_EFFECT_COLUMNS,
        MUNICIPALITY_MEAN_COLUMNS,
    )

    rest = MUNICIPALITY_EFFECT_COLUMNS if randomised else MUNICIPALITY_MEAN_COLUMNS
    columns = ["outcome", "first_week", "last_week", *rest]
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def _frozen_mapping(value: Mapping) -> Mapping:
    return MappingProxyType(dict(value))


def _frame(value: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(value, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(value).__name__}")
    return value.reset_index(drop=True)


@attrs.frozen(kw_only=True, eq=False, repr=False)
class Evaluation:
    """Everything :func:`~activemeasures.evaluate` computed for one programme and dataset.

    Attributes
    ----------
    programme : Programme
        The resolved programme.
    parameters : mapping
        Every parameter the evaluation used, defaults included (``horizon``, ``method``,
        ``alpha``, ``round``, ``covariates``, ``municipal_weeks``, ``cutoff`` …).
    plugins : pandas.DataFrame
        ``plugin, distribution, version, contributed``: the registered plugins, their
        installed versions and whether they contributed to the programme.
    quality : DataQualityReport
        Records read and excluded: the dataset's entries and the panel's.
    sample : pandas.DataFrame
        ``by, value, n_citizens, n_full_follow_up``: citizens per arm (randomised designs) or
        group, and how many are observed for the whole horizon.
    effects : mapping of str to EffectCurve
        Outcome name → weekly treatment − control curve (randomised designs; empty otherwise).
    incidence : mapping of str to IncidenceCurve
        Outcome name → Kaplan–Meier cumulative incidence per arm or group, for the spell
        criteria among the outcomes.
    balance : BalanceTable or None
        Covariate balance between the arms (randomised designs with covariates).
    criteria : pandas.DataFrame
        ``key, label, unit, numerator, denominator, value, target, met``: every success
        criterion, the ``national`` row first, then the municipalities; ``met`` is missing
        where there is no target or no value.
    fidelity : FidelityReport or None
        The fidelity report (``None`` when the programme has no core elements or none could be
        computed).
    municipal : pandas.DataFrame
        ``outcome, first_week, last_week`` and the columns of
        :func:`~activemeasures.fidelity.municipality_effects` (randomised designs) or
        :func:`~activemeasures.fidelity.municipality_means` (other designs).
    descriptive : pandas.DataFrame
        ``outcome, label, <group column>, week, n_observed, mean``: weekly means per group
        (visitation and observational designs; descriptive, not effects).
    problems : pandas.DataFrame
        ``part, item, reason``: what could not be computed and why (no identifiers).
    extra_tables : mapping of str to pandas.DataFrame
        The programme's :class:`~activemeasures.ReportTable` contributions, computed: key →
        table (e.g. the monthly outcomes of 'Flere skal med').
    """

    programme: Programme = attrs.field(validator=attrs.validators.instance_of(Programme))
    parameters: Mapping = attrs.field(converter=_frozen_mapping)
    plugins: pd.DataFrame = attrs.field(converter=_frame)
    quality: DataQualityReport = attrs.field(
        validator=attrs.validators.instance_of(DataQualityReport)
    )
    sample: pd.DataFrame = attrs.field(converter=_frame)
    effects: Mapping = attrs.field(converter=_frozen_mapping)
    incidence: Mapping = attrs.field(converter=_frozen_mapping)
    balance: BalanceTable | None
    criteria: pd.DataFrame = attrs.field(converter=_frame)
    fidelity: FidelityReport | None
    municipal: pd.DataFrame = attrs.field(converter=_frame)
    descriptive: pd.DataFrame = attrs.field(converter=_frame)
    problems: pd.DataFrame = attrs.field(converter=_frame)
    extra_tables: Mapping = attrs.field(factory=dict, converter=_frozen_mapping)

    # ------------------------------------------------------------------ tables

    @property
    def randomised(self) -> bool:
        """Whether the programme's design is a randomised trial."""
        return self.programme.design == "randomised"

    def _weeks(self) -> list[int]:
        horizon = int(self.parameters.get("horizon", 0))
        return [w for w in self.parameters.get("headline_weeks", HEADLINE_WEEKS) if w <= horizon]

    def headline(self) -> pd.DataFrame:
        """The curves at the headline weeks (``parameters["headline_weeks"]`` in the horizon).

        Returns
        -------
        pandas.DataFrame
            Randomised designs: columns :data:`HEADLINE_COLUMNS`, one row per outcome and week
            with citizens observed in both arms. Other designs: the rows of
            :attr:`descriptive` at those weeks with citizens observed.
        """
        weeks = self._weeks()
        if not self.randomised:
            frame = self.descriptive
            return frame[frame["week"].isin(weeks) & (frame["n_observed"] > 0)].reset_index(
                drop=True
            )
        frames = []
        for name, curve in self.effects.items():
            frame = curve.to_frame()
            frame = frame[
                frame["week"].isin(weeks) & (frame["n_treatment"] > 0) & (frame["n_control"] > 0)
            ]
            frames.append(frame.assign(outcome=name).loc[:, list(HEADLINE_COLUMNS)])
        if not frames:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in HEADLINE_COLUMNS})
        return pd.concat(frames, ignore_index=True)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every tidy table of the evaluation, by name (the report writer's input).

        Returns
        -------
        dict of str to pandas.DataFrame
            Always these keys (empty frames where a part does not apply): ``parameters``
            (``parameter, value`` as text), ``plugins``, ``quality``, ``sample``, ``effects``
            (``outcome`` + :meth:`EffectCurve.to_frame
            <activemeasures.estimators.EffectCurve.to_frame>`), ``headline``, ``incidence``
            (``outcome`` + :meth:`IncidenceCurve.to_frame
            <activemeasures.estimators.IncidenceCurve.to_frame>`),
            ``incidence_difference`` (``outcome`` + treatment − control per week, randomised
            designs), ``balance``, ``criteria``, ``fidelity_indicators``,
            ``fidelity_sub_components``, ``fidelity_ratings``, ``municipal``,
            ``descriptive``, ``problems``.
        """
        from activemeasures.estimators.balance import BALANCE_COLUMNS
        from activemeasures.estimators.curves import EFFECT_COLUMNS
        from activemeasures.estimators.incidence import DIFFERENCE_COLUMNS, INCIDENCE_COLUMNS
        from activemeasures.fidelity import report

        def stacked(curves: Mapping, make, columns) -> pd.DataFrame:
            frames = [make(curve).assign(outcome=name) for name, curve in curves.items()]
            order = ["outcome", *columns]
            if not frames:
                return pd.DataFrame({c: pd.Series(dtype=object) for c in order})
            return pd.concat(frames, ignore_index=True).loc[:, order]

        differences = {
            name: curve
            for name, curve in self.incidence.items()
            if self.randomised and {"treatment", "control"} <= set(curve.groups)
        }
        tables = {
            "parameters": pd.DataFrame(
                {
                    "parameter": list(self.parameters),
                    "value": [_text(v) for v in self.parameters.values()],
                }
            ),
            "plugins": self.plugins,
            "quality": self.quality.to_frame(),
            "sample": self.sample,
            "effects": stacked(self.effects, lambda c: c.to_frame(), EFFECT_COLUMNS),
            "headline": self.headline(),
            "incidence": stacked(self.incidence, lambda c: c.to_frame(), INCIDENCE_COLUMNS),
            "incidence_difference": stacked(
                differences, lambda c: c.difference("treatment", "control"), DIFFERENCE_COLUMNS
            ),
            "balance": (
                self.balance.to_frame()
                if self.balance is not None
                else pd.DataFrame({c: pd.Series(dtype=object) for c in BALANCE_COLUMNS})
            ),
            "criteria": self.criteria,
        }
        for key, (attribute, columns) in _FIDELITY_TABLES.items():
            if self.fidelity is not None:
                tables[key] = getattr(self.fidelity, attribute).reset_index(drop=True)
            else:
                names = getattr(report, columns)
                tables[key] = pd.DataFrame({c: pd.Series(dtype=object) for c in names})
        tables["municipal"] = self.municipal
        tables["descriptive"] = self.descriptive
        tables["problems"] = self.problems
        return {key: frame.copy() for key, frame in tables.items()}

    # ------------------------------------------------------------------ report

    def write_report(self, directory, **options):
        """Write the report: ``index.html``, PNG figures and a CSV per table, all through
        disclosure control.

        Parameters
        ----------
        directory : path-like
        **options
            ``disclosure`` (a :class:`~activemeasures.disclosure.DisclosureControl`,
            default ``min_cell=5``), ``figures`` and ``distribution_week``: see
            :func:`activemeasures.report.write_report`.

        Returns
        -------
        pathlib.Path
            The HTML page.
        """
        from activemeasures.report import write_report

        return write_report(self, directory, **options)

    # ------------------------------------------------------------------ rendering

    def _sections(self) -> list[tuple[str, pd.DataFrame | str]]:
        sections: list[tuple[str, pd.DataFrame | str]] = [("Citizens", self.sample)]
        headline = self.headline()
        if self.randomised:
            title = f"Effects, treatment − control [{self._confidence()} CI], by week"
            cells = headline.assign(
                cell=[
                    f"{_number(e)} [{_number(lo)}, {_number(hi)}]"
                    for e, lo, hi in zip(
                        headline["estimate"],
                        headline["ci_lower"],
                        headline["ci_upper"],
                        strict=True,
                    )
                ]
            )
            table = _by_week(cells, ["outcome"], "cell")
        else:
            title = "Descriptive weekly means by group (not effects), by week"
            by = self.descriptive.columns[2]
            cells = headline.assign(cell=[_number(v) for v in headline["mean"]])
            table = _by_week(cells, ["outcome", by], "cell")
        sections.append((title, table))
        if self.incidence:
            rows = self.tables()["incidence"]
            rows = rows[rows["week"].isin(self._weeks())]
            rows = rows.assign(cell=[_number(v) for v in rows["cumulative_share"]])
            sections.append(
                (
                    "Cumulative incidence (Kaplan–Meier, censored at the last observed week)",
                    _by_week(rows, ["outcome", "group"], "cell"),
                )
            )
        if self.balance is not None:
            omnibus = self.balance.omnibus
            text = (
                f"{len(self.balance.table)} covariate rows; largest |std. mean difference| "
                f"{_number(float(np.nanmax(np.abs(self.balance.table['std_mean_diff']))))}"
                + (f"; joint test p = {_number(omnibus.p_value)}" if omnibus else "")
            )
            sections.append(("Balance", text))
        national = self.criteria[self.criteria["unit"] == "national"]
        sections.append(
            ("Success criteria (national)", national.loc[:, ["key", "value", "target", "met"]])
        )
        if self.fidelity is not None:
            ratings = self.fidelity.ratings
            sections.append(
                (
                    "Fidelity element ratings (national)",
                    ratings[ratings["unit"] == "national"].loc[:, ["element", "level"]].fillna("–"),
                )
            )
        else:
            sections.append(("Fidelity", "not computed"))
        sections.append(("Problems", self.problems))
        sections.append(
            ("Plugins", self.plugins.loc[self.plugins["contributed"] | (self.plugins.index == 0)])
        )
        return sections

    def _confidence(self) -> str:
        return f"{100 * (1 - float(self.parameters.get('alpha', 0.05))):g} %"

    def _header(self) -> list[str]:
        p = self.parameters
        method = p.get("method")
        if p.get("blocks"):
            method = f"{method} by {p['blocks']}"
        return [
            f"Evaluation of {self.programme.label} ({self.programme.name}, "
            f"{self.programme.design} design)",
            f"{p.get('n_citizens')} citizens; cut-off {p.get('cutoff')}; horizon "
            f"{p.get('horizon')} weeks ({p.get('horizon_source')}); method {method}; "
            f"alpha {p.get('alpha')}; round {p.get('round')}; municipal weeks "
            f"{p.get('municipal_weeks')}",
        ]

    def __str__(self) -> str:
        lines = self._header()
        for title, table in self._sections():
            lines += ["", f"{title}:"]
            if isinstance(table, str):
                lines.append(table)
            elif table.empty:
                lines.append("(none)")
            else:
                text = table.to_string(index=False, float_format=_number, na_rep="–")
                lines += [line.rstrip() for line in text.splitlines()]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"<Evaluation: {self.programme.name}, {self.parameters.get('n_citizens')} citizens, "
            f"{len(self.effects)} effect curves, {len(self.criteria['key'].unique())} criteria, "
            f"{len(self.problems)} problems>"
        )

    def _repr_html_(self) -> str:
        parts = [f"<p>{'<br>'.join(html.escape(line) for line in self._header())}</p>"]
        for title, table in self._sections():
            parts.append(f"<h4>{html.escape(title)}</h4>")
            if isinstance(table, str):
                parts.append(f"<p>{html.escape(table)}</p>")
            elif table.empty:
                parts.append("<p>(none)</p>")
            else:
                parts.append(
                    table.to_html(index=False, escape=True, float_format=_number, na_rep="–")
                )
        return "<div>" + "".join(parts) + "</div>"


def _by_week(frame: pd.DataFrame, index: list[str], column: str) -> pd.DataFrame:
    """One row per ``index`` (in order of appearance), one column per week (``week 13`` …)."""
    if frame.empty:
        return pd.DataFrame()
    wide = frame.pivot_table(index=index, columns="week", values=column, aggfunc="first")
    order = frame.loc[:, index].drop_duplicates()
    wide = wide.reindex(pd.MultiIndex.from_frame(order) if len(index) > 1 else order[index[0]])
    wide.columns = [f"week {w}" for w in wide.columns]
    return wide.fillna("–").reset_index()


def _text(value: object) -> str:
    if isinstance(value, tuple | list):
        return ", ".join(map(str, value))
    return "" if value is None else str(value)
