"""Write an evaluation as a report folder: ``index.html``, ``figures/*.png``, ``tables/*.csv``.

Everything written is made from :func:`~activemeasures.report.protect_evaluation`'s tables:
the CSV files are the protected tables (suppressed cells shown as the marker, e.g. ``<5``),
the figures are drawn from them (suppressed points are gaps) and the page shows them. The
same evaluation and settings give byte-identical files (no time stamps, sorted orders, PNGs
without software metadata).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from activemeasures.disclosure import DisclosureControl, ProtectedTable
from activemeasures.report import page
from activemeasures.report.protection import disclosure_summary, protect_evaluation

__all__ = ["FIGURE_DPI", "write_report"]

#: Resolution of the PNG figures.
FIGURE_DPI = 110


def _need_matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise ImportError(
            "the report's figures need matplotlib: pip install 'activemeasures[plots]' "
            "(or write_report(..., figures=False))"
        ) from None


def _slug(text: str) -> str:
    keep = "".join(c if c.isalnum() or c in "-_" else "_" for c in str(text))
    return keep.strip("_") or "x"


def _csv(table: ProtectedTable | pd.DataFrame, path: Path) -> None:
    if isinstance(table, ProtectedTable):
        table.to_csv(path)
    else:
        table.to_csv(path, index=False, lineterminator="\n")


def _save(figure, path: Path) -> None:
    figure.savefig(path, dpi=FIGURE_DPI, metadata={"Software": None})


def _n_at(frame: pd.DataFrame, week: int) -> tuple[str, str]:
    row = frame[frame["week"] == week]
    if row.empty:
        return "–", "–"
    return tuple(page.cell(row.iloc[0][c]) for c in ("n_treatment", "n_control"))


def _band_outcomes(programme) -> list:
    """Outcomes that are bands of hours (``lower``/``upper`` attributes), in order."""
    return [o for o in programme.outcomes if hasattr(o, "lower") and hasattr(o, "upper")]


def _distribution_week(evaluation, week: int | None) -> int:
    horizon = int(evaluation.parameters.get("horizon", 1))
    if week is not None:
        if not 1 <= int(week) <= horizon:
            raise ValueError(f"distribution_week must be within weeks 1-{horizon}, got {week}")
        return int(week)
    # The mid-term's week 35 (001, L123) when observed, otherwise the last headline week.
    weeks = [w for w in evaluation.parameters.get("headline_weeks", ()) if w <= horizon]
    return 35 if 35 in weeks else (max(weeks) if weeks else horizon)


class _Writer:
    """Collects the sections of the page while writing figures and tables."""

    def __init__(self, evaluation, folder: Path, control: DisclosureControl, figures: bool):
        self.evaluation = evaluation
        self.folder = folder
        self.control = control
        self.figures = figures
        self.protected = protect_evaluation(evaluation, control)
        self.sections: list[page.Section] = []
        self.confidence = f"{100 * (1 - float(evaluation.parameters.get('alpha', 0.05))):g} %"

    # ---------------------------------------------------------------- helpers

    def frame(self, name: str) -> pd.DataFrame:
        table = self.protected[name]
        return table.frame if isinstance(table, ProtectedTable) else table

    def figure(self, name: str, make) -> str | None:
        if not self.figures:
            return None
        figure = make()
        path = self.folder / "figures" / f"{name}.png"
        _save(figure, path)
        return f"figures/{path.name}"

    def table_link(self, name: str) -> str:
        return f"tables/{name}.csv"

    # ---------------------------------------------------------------- sections

    def effects(self) -> None:
        frame = self.frame("effects")
        if frame.empty:
            return
        p = self.evaluation.parameters
        method = (
            "blocked difference in means by municipality (randomisation blocks)"
            if p.get("method") == "blocked"
            else "raw difference in means (Welch)"
        )
        labels = {o.name: o.label for o in self.evaluation.programme.outcomes}
        items = []
        for name in self.evaluation.effects:
            rows = frame[frame["outcome"] == name]
            last = int(rows["week"].max())
            n1, n2 = _n_at(rows, 1), _n_at(rows, last)
            caption = (
                f"{labels.get(name, name)} ({name}). Left: the weekly mean per arm over the "
                "citizens observed in that week (week w = days 7(w−1) to 7w−1 after "
                f"visitation). Right: treatment − control, {method}, with pointwise "
                f"{self.confidence} confidence intervals"
                + (
                    " and the simultaneous (sup-t) band (dotted)"
                    if p.get("bands") and p.get("method") == "blocked"
                    else ""
                )
                + f". n: {n1[0]} treatment and {n1[1]} control citizens observed in week 1, "
                f"{n2[0]} and {n2[1]} in week {last}. Points resting on fewer than "
                f"{self.control.min_cell} persons are not shown."
            )
            src = self.figure(
                f"effect_{_slug(name)}",
                lambda rows=rows, name=name: _figures().effect_figure(
                    rows, title=labels.get(name, name), confidence=self.confidence
                ),
            )
            items.append(page.Figure(src=src, caption=caption, title=labels.get(name, name)))
        headline = self.protected["headline"]
        self.sections.append(
            page.Section(
                key="effects",
                title="Did it work? Effects by week since visitation",
                figures=items,
                tables=[
                    page.Table(
                        title=f"Effects at the headline weeks (treatment − control, "
                        f"{self.confidence} CI)",
                        frame=page.rendered(headline, self.control),
                        csv=self.table_link("headline"),
                    )
                ],
                note=f"Every curve: {self.table_link('effects')}.",
            )
        )

    def distribution(self, week: int | None) -> None:
        bands = _band_outcomes(self.evaluation.programme)
        frame = self.frame("effects")
        if not bands or frame.empty or not self.evaluation.randomised:
            return
        week = _distribution_week(self.evaluation, week)
        rows = frame[(frame["week"] == week) & frame["outcome"].isin([b.name for b in bands])]
        rows = rows.set_index("outcome").reindex([b.name for b in bands])
        shares = {}
        for arm, column in (("treatment", "mean_treatment"), ("control", "mean_control")):
            values = rows[column].to_numpy(dtype=float)
            total = np.nansum(values)
            # Among citizens with ordinary hours: each band's share of all bands together.
            shares[arm] = values / total if total > 0 else np.full(len(values), np.nan)
        table = pd.DataFrame({"category": [_band_label(b) for b in bands], **shares})
        n_t, n_c = (page.cell(rows[c].iloc[0]) for c in ("n_treatment", "n_control"))
        caption = (
            f"Ordinary hours per week among the citizens with ordinary hours in week {week} "
            "since visitation, by arm: each band's weekly share divided by the share with "
            f"any ordinary hours in the bands. n: {n_t} treatment and {n_c} control citizens "
            f"observed in week {week}. Bands resting on fewer than {self.control.min_cell} "
            "persons in an arm are not shown."
        )
        src = self.figure(
            f"hours_distribution_week_{week}",
            lambda: _figures().distribution_figure(table, title=f"Ordinary hours, week {week}"),
        )
        table.to_csv(
            self.folder / "tables" / f"hours_distribution_week_{week}.csv",
            index=False,
            lineterminator="\n",
        )
        self.sections.append(
            page.Section(
                key="hours",
                title=f"Ordinary hours in week {week}",
                figures=[page.Figure(src=src, caption=caption, title="Hours distribution")],
            )
        )

    def incidence(self) -> None:
        frame = self.frame("incidence")
        if frame.empty:
            return
        labels = {o.name: o.label for o in self.evaluation.programme.outcomes}
        items = []
        for name in self.evaluation.incidence:
            rows = frame[frame["outcome"] == name]
            first = rows[rows["week"] == 1]
            n = ", ".join(f"{page.cell(r['n_at_risk'])} {r['group']}" for _, r in first.iterrows())
            caption = (
                f"{labels.get(name, name)}: cumulative share of citizens who have met the "
                "criterion by each week since visitation (Kaplan–Meier on weeks, censored "
                f"at each citizen's last observed week; Greenwood {self.confidence} CI). "
                f"n at risk in week 1: {n}."
            )
            src = self.figure(
                f"incidence_{_slug(name)}",
                lambda rows=rows, name=name: _figures().incidence_figure(
                    rows, title=labels.get(name, name), confidence=self.confidence
                ),
            )
            items.append(page.Figure(src=src, caption=caption, title=labels.get(name, name)))
        self.sections.append(
            page.Section(
                key="incidence",
                title="Cumulative incidence of the spell criteria",
                figures=items,
                note=f"Curves: {self.table_link('incidence')}; treatment − control: "
                f"{self.table_link('incidence_difference')}.",
            )
        )

    def descriptive(self) -> None:
        frame = self.frame("descriptive")
        if frame.empty:
            return
        by = frame.columns[2]
        items = []
        for name, rows in frame.groupby("outcome", sort=False):
            label = str(rows["label"].iloc[0])
            first = rows[rows["week"] == rows["week"].min()]
            n = ", ".join(
                f"{page.cell(r['n_observed'])} in {by} {r[by]}" for _, r in first.iterrows()
            )
            caption = (
                f"{label} ({name}): weekly mean per {by} over the citizens observed in that "
                "week. Descriptive levels, not effects: without randomisation the groups "
                f"differ in more than the programme. n observed in week 1: {n}. Points "
                f"resting on fewer than {self.control.min_cell} persons are not shown."
            )
            src = self.figure(
                f"descriptive_{_slug(name)}",
                lambda rows=rows, label=label: _figures().lines_figure(
                    rows,
                    x="week",
                    y="mean",
                    group=by,
                    xlabel="weeks since visitation",
                    ylabel="mean",
                    title=label,
                ),
            )
            items.append(page.Figure(src=src, caption=caption, title=label))
        self.sections.append(
            page.Section(
                key="descriptive",
                title=f"Outcomes by {by} (descriptive)",
                figures=items,
                note=f"Every series: {self.table_link('descriptive')}.",
            )
        )

    def extras(self) -> None:
        for table in self.evaluation.programme.report_tables:
            name = f"extra_{table.key}"
            if name not in self.protected:
                continue
            src = None
            if table.figure is not None:
                spec = table.figure
                src = self.figure(
                    _slug(name),
                    lambda spec=spec, name=name, table=table: _figures().lines_figure(
                        self.frame(name),
                        x=spec.x,
                        y=spec.y,
                        group=spec.group,
                        panel=spec.panel,
                        xlabel=spec.xlabel,
                        ylabel=spec.ylabel,
                        title=table.title,
                    ),
                )
            figure = page.Figure(src=src, caption=table.caption, title=table.title)
            figures = [figure] if src else []
            self.sections.append(
                page.Section(
                    key=_slug(name),
                    title=table.title,
                    figures=figures,
                    note=("" if src else table.caption) + f" Table: {self.table_link(name)}.",
                )
            )

    def balance_and_sample(self) -> None:
        tables = [
            page.Table(
                title="Citizens",
                frame=page.rendered(self.protected["sample"], self.control),
                csv=self.table_link("sample"),
            )
        ]
        balance = self.protected["balance"]
        if not balance.frame.empty:
            tables.append(
                page.Table(
                    title="Balance of the randomisation (means by arm, standardised mean "
                    "difference, p-value blocked by municipality)",
                    frame=page.rendered(balance, self.control),
                    csv=self.table_link("balance"),
                )
            )
            omnibus = self.evaluation.balance.omnibus
        else:
            omnibus = None
        note = (
            f"Joint test of balance: {omnibus.method}, statistic {page.cell(omnibus.statistic)}"
            f" on {page.cell(omnibus.df)} df, p = {page.cell(omnibus.p_value)}."
            if omnibus is not None
            else ""
        )
        self.sections.append(
            page.Section(key="sample", title="Citizens and balance", tables=tables, note=note)
        )

    def criteria(self) -> None:
        table = self.protected["criteria"]
        frame = page.rendered(table, self.control)
        published = {c.key: c for c in self.evaluation.programme.success_criteria}
        national = table.frame["unit"].astype(str) == "national"
        frame["published"] = [
            page.cell(published[k].published) if n and published[k].published is not None else ""
            for k, n in zip(table.frame["key"], national, strict=True)
        ]
        frame["published where"] = [
            published[k].published_note if n else ""
            for k, n in zip(table.frame["key"], national, strict=True)
        ]
        self.sections.append(
            page.Section(
                key="criteria",
                title="Success criteria (national, then per municipality)",
                tables=[
                    page.Table(
                        title="Computed and published values",
                        frame=frame[national.to_numpy()],
                        csv=self.table_link("criteria"),
                    )
                ],
                note="Per municipality: " + self.table_link("criteria") + ".",
            )
        )

    def fidelity(self) -> None:
        indicators = self.protected["fidelity_indicators"]
        if indicators.frame.empty:
            return
        frame = indicators.frame.copy()
        lights = frame["light"].astype(object)
        lights[indicators.suppressed["light"].to_numpy(dtype=bool)] = "suppressed"
        frame["light"] = lights.fillna("no data")
        rounds = list(pd.unique(frame["round"].astype(object)))
        items = []
        for round_ in rounds:
            same = frame["round"].isna() if pd.isna(round_) else frame["round"].eq(round_)
            rows = frame[same.to_numpy(dtype=bool)]
            wide = rows.pivot_table(
                index="unit", columns="indicator", values="light", aggfunc="first", sort=False
            )
            order = ["national", *sorted((u for u in wide.index if u != "national"), key=str)]
            wide = wide.reindex([u for u in order if u in wide.index])
            suffix = "" if pd.isna(round_) else f"_{_slug(round_)}"
            title = "Traffic lights" + ("" if pd.isna(round_) else f", round {round_}")
            denominators = pd.to_numeric(
                indicators.frame.loc[rows.index, "denominator"], errors="coerce"
            )
            caption = (
                "Each indicator's value per municipality and nationally, graded red below "
                f"{_pct(self.evaluation.programme.thresholds.red_below)}, green from "
                f"{_pct(self.evaluation.programme.thresholds.green_from)} (the programme's "
                "thresholds; an indicator may have its own). Grey hatched: suppressed "
                f"(fewer than {self.control.min_cell} persons, or secondary). n: "
                f"{int(np.nansum(denominators[rows['unit'] == 'national']))} denominators "
                "summed over the national indicators; each indicator's numerator and "
                f"denominator in {self.table_link('fidelity_indicators')}."
            )
            src = self.figure(
                f"fidelity_lights{suffix}",
                lambda wide=wide, title=title: _figures().lights_figure(wide, title=title),
            )
            items.append(page.Figure(src=src, caption=caption, title=title))
        ratings = self.protected["fidelity_ratings"]
        shown = page.rendered(ratings, self.control)
        wide = shown.pivot_table(
            index="unit", columns="element", values="level", aggfunc="first", sort=False
        )
        order = ["national", *sorted((u for u in wide.index if u != "national"), key=str)]
        wide = wide.reindex([u for u in order if u in wide.index]).reset_index()
        self.sections.append(
            page.Section(
                key="fidelity",
                title="Was it delivered as designed? Fidelity",
                figures=items,
                tables=[
                    page.Table(
                        title="Element ratings (low / medium / high)",
                        frame=wide,
                        csv=self.table_link("fidelity_ratings"),
                    )
                ],
                note="Indicators: "
                + self.table_link("fidelity_indicators")
                + "; sub-components: "
                + self.table_link("fidelity_sub_components")
                + ".",
            )
        )

    def municipal(self) -> None:
        table = self.protected["municipal"]
        if table.frame.empty:
            return
        self.sections.append(
            page.Section(
                key="municipal",
                title="Per municipality",
                note="Per-municipality means and effects over weeks "
                f"{'–'.join(map(str, self.evaluation.parameters.get('municipal_weeks', ())))}: "
                + self.table_link("municipal")
                + ". Associations between municipalities' fidelity and results are "
                "descriptive, not causal.",
            )
        )

    def quality(self) -> None:
        summary = disclosure_summary(self.protected)
        summary.to_csv(self.folder / "tables" / "disclosure.csv", index=False, lineterminator="\n")
        exposed = [
            t.exposed_totals.assign(table=name)
            for name, t in self.protected.items()
            if isinstance(t, ProtectedTable) and len(t.exposed_totals)
        ]
        tables = [
            page.Table(
                title="Data quality: records read and excluded, by rule",
                frame=page.rendered(self.protected["quality"], self.control),
                csv=self.table_link("quality"),
            ),
            page.Table(
                title="Disclosure control: cells examined and suppressed, by table",
                frame=summary,
                csv="tables/disclosure.csv",
            ),
        ]
        if exposed:
            frame = pd.concat(exposed, ignore_index=True)
            frame = frame.loc[:, ["table", *[c for c in frame.columns if c != "table"]]]
            frame.to_csv(
                self.folder / "tables" / "totals_not_to_publish.csv",
                index=False,
                lineterminator="\n",
            )
            tables.append(
                page.Table(
                    title="Totals that must not be published beside these tables",
                    frame=frame.astype(object).where(frame.notna(), ""),
                    csv="tables/totals_not_to_publish.csv",
                )
            )
        problems = self.protected["problems"]
        if not problems.empty:
            tables.append(page.Table(title="Not computed", frame=problems, csv=None))
        tables.append(page.Table(title="Plugins", frame=self.protected["plugins"], csv=None))
        tables.append(page.Table(title="Parameters", frame=self.protected["parameters"], csv=None))
        self.sections.append(
            page.Section(
                key="quality",
                title="Data quality, disclosure control and settings",
                tables=tables,
                note=self.control.describe(),
            )
        )


def _band_label(outcome) -> str:
    lower, upper = float(outcome.lower), float(outcome.upper)
    if not np.isfinite(upper):
        return f"{lower:g}+"
    return f"{lower:g}–{upper:g}"


def _pct(value: float) -> str:
    return f"{100 * float(value):g} %"


def _figures():
    from activemeasures.report import figures

    return figures


def write_report(
    evaluation,
    directory: str | os.PathLike,
    *,
    disclosure: DisclosureControl | None = None,
    figures: bool = True,
    distribution_week: int | None = None,
) -> Path:
    """Write the evaluation's report: one HTML page, PNG figures and a CSV per table.

    Parameters
    ----------
    evaluation : Evaluation
    directory : path-like
        Created if missing. Files of the same names are replaced; nothing else is touched.
    disclosure : DisclosureControl, optional
        Default ``DisclosureControl()``: cells resting on fewer than 5 persons suppressed,
        with secondary suppression. ``DisclosureControl(enabled=False)`` switches it off;
        the page then says so at the top.
    figures : bool, default True
        Draw the PNG figures (needs matplotlib, the ``plots`` extra).
    distribution_week : int, optional
        Week of the ordinary-hours distribution figure (programmes with hour-band outcomes).
        Default: week 35 (the JobFirst mid-term's, 001, L123) when it is a headline week
        within the horizon, else the last headline week.

    Returns
    -------
    pathlib.Path
        The HTML page, ``<directory>/index.html``.

    Notes
    -----
    Layout: ``index.html``; ``figures/`` (effect curves by arm and treatment − control per
    outcome, the hours distribution, cumulative incidence, descriptive curves of
    non-randomised designs, the programme's extra figures, the traffic-light matrix);
    ``tables/`` (every table of :meth:`Evaluation.tables
    <activemeasures.evaluation.Evaluation.tables>` after disclosure control, the extra tables
    as ``extra_<key>.csv``, ``disclosure.csv`` with the cells suppressed per table). Each
    figure's caption states its definition and the number of persons behind it.
    """
    control = DisclosureControl() if disclosure is None else disclosure
    if not isinstance(control, DisclosureControl):
        raise TypeError(f"disclosure must be a DisclosureControl, got {type(control).__name__}")
    if figures:
        _need_matplotlib()
    folder = Path(directory)
    (folder / "figures").mkdir(parents=True, exist_ok=True)
    (folder / "tables").mkdir(parents=True, exist_ok=True)
    writer = _Writer(evaluation, folder, control, figures)
    for name, table in writer.protected.items():
        _csv(table, folder / "tables" / f"{name}.csv")
    if evaluation.randomised:
        writer.effects()
        writer.distribution(distribution_week)
    writer.incidence()
    writer.descriptive()
    writer.extras()
    writer.balance_and_sample()
    writer.criteria()
    writer.fidelity()
    writer.municipal()
    writer.quality()
    path = folder / "index.html"
    path.write_text(page.html(evaluation, writer.sections, control), encoding="utf-8")
    return path
