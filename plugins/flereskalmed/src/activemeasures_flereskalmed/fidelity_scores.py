"""'Flere skal med' fidelity scores: municipality × core element × round, on 1-5.

The main report shows, per core element and survey round, the spread and the **median** of the
municipalities' scores (Figure "4-2" of chapter 3, 003, L1189-1209), combines the elements into
one overall score (Table 3-1, 003, L1217-1219, L1332-1343) and counts the municipalities that
moved from below the median to above it (003, L920-926). :func:`fidelity_scores` computes all
of these from the survey table and returns a frozen :class:`FidelityScores`.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING

import attrs
import numpy as np
import pandas as pd

from activemeasures.quality import DataQualityReport, QualityEntry
from activemeasures_flereskalmed.constants import CORE_ELEMENTS, HIGH_ANSWER, ROUNDS
from activemeasures_flereskalmed.elements import ELEMENTS, item_codes, validate_item_map

if TYPE_CHECKING:
    from activemeasures import Dataset

__all__ = [
    "COMBINED",
    "ELEMENT_SCORE_COLUMNS",
    "READINESS_COLUMNS",
    "SUMMARY_COLUMNS",
    "FidelityScores",
    "fidelity_scores",
]

#: The ``element`` value of the combined (overall) score.
COMBINED = "combined"
#: Columns of :meth:`FidelityScores.to_frame`.
ELEMENT_SCORE_COLUMNS = ("municipality", "round", "element", "score", "n_items", "n_respondents")
#: Columns of :attr:`FidelityScores.summary` and :attr:`FidelityScores.item_summary`.
SUMMARY_COLUMNS = (
    "element",
    "round",
    "n_municipalities",
    "median",
    "p25",
    "p75",
    "min",
    "max",
    "n_high",
    "share_high",
)
#: Columns of :attr:`FidelityScores.change`.
CHANGE_COLUMNS = (
    "municipality",
    "element",
    "from_round",
    "to_round",
    "from_score",
    "to_score",
    "change",
)
#: Columns of :attr:`FidelityScores.readiness`.
READINESS_COLUMNS = (
    "municipality",
    "from_score",
    "to_score",
    "from_median",
    "to_median",
    "below_median_before",
    "at_or_above_median_after",
    "moved",
)

_NUMBER = {e.key: e.number for e in ELEMENTS}


def _mapping(value: Mapping | None) -> Mapping | None:
    return None if value is None else MappingProxyType(dict(value))


@attrs.frozen(kw_only=True)
class FidelityScores:
    """Result of :func:`fidelity_scores` (frozen; frames are copies on access by ``to_frame``).

    Attributes
    ----------
    element_scores : pandas.DataFrame
        Columns :data:`ELEMENT_SCORE_COLUMNS`, one row per municipality × round × element
        with answers, plus the ``combined`` rows (``n_items`` = elements combined).
    item_scores : pandas.DataFrame
        ``municipality, round, item, element, score, n_respondents``: municipal mean answer per
        question (scored 1-5).
    summary : pandas.DataFrame
        Columns :data:`SUMMARY_COLUMNS` per element (and ``combined``) × round, across
        municipalities.
    item_summary : pandas.DataFrame
        The same per question (``element`` holds the item code): e.g. "50 of 80
        municipalities high/very high" (003, L1796-1802).
    change : pandas.DataFrame
        Columns ``municipality, element, from_round, to_round, from_score, to_score, change``
        for consecutive rounds and first → last.
    readiness : pandas.DataFrame
        Columns :data:`READINESS_COLUMNS`, one row per municipality scored in both rounds of
        ``readiness_rounds``.
    rounds : tuple of str
    elements : tuple of str
        Elements with at least one question mapped, in KE order.
    weights : mapping or None
        Weights of the combined score (``None``: unweighted).
    high_from : float
        Cut-off of "high/very high" (SPEC.md §11 A-26).
    readiness_element : str
    readiness_rounds : tuple of str
    quality : DataQualityReport
        Answers read and answers excluded (outside the question's scale, or of another round).
    """

    element_scores: pd.DataFrame = attrs.field(eq=False)
    item_scores: pd.DataFrame = attrs.field(eq=False)
    summary: pd.DataFrame = attrs.field(eq=False)
    item_summary: pd.DataFrame = attrs.field(eq=False)
    change: pd.DataFrame = attrs.field(eq=False)
    readiness: pd.DataFrame = attrs.field(eq=False)
    rounds: tuple[str, ...] = attrs.field(converter=tuple)
    elements: tuple[str, ...] = attrs.field(converter=tuple)
    weights: Mapping[str, float] | None = attrs.field(default=None, converter=_mapping)
    high_from: float = float(HIGH_ANSWER)
    readiness_element: str = COMBINED
    readiness_rounds: tuple[str, str] = attrs.field(default=("baseline", "final"), converter=tuple)
    quality: DataQualityReport = attrs.field(factory=DataQualityReport)

    # ------------------------------------------------------------------ access

    def to_frame(self) -> pd.DataFrame:
        """Tidy scores: columns :data:`ELEMENT_SCORE_COLUMNS` (elements and ``combined``)."""
        return self.element_scores.copy()

    def scores(self, element: str = COMBINED) -> pd.DataFrame:
        """One element's scores, municipalities × rounds (wide; missing where not scored)."""
        rows = self.element_scores[self.element_scores["element"] == element]
        if element not in (*self.elements, COMBINED):
            raise KeyError(f"no scores for element {element!r}; known: {self.elements}")
        wide = rows.pivot_table(
            index="municipality", columns="round", values="score", aggfunc="first", dropna=False
        )
        return wide.reindex(columns=[r for r in self.rounds if r in wide.columns])

    @property
    def n_moved(self) -> int:
        """Municipalities that moved from below the first round's median to at or above the
        last round's (003, L920-926: 16)."""
        return int(self.readiness["moved"].sum())

    # ------------------------------------------------------------------ rendering

    def _median_table(self) -> pd.DataFrame:
        table = self.summary.copy()
        table["text"] = [
            "–" if n == 0 else f"{m:.2f} [{a:.2f}-{b:.2f}] n={n}"
            for m, a, b, n in zip(
                table["median"],
                table["p25"],
                table["p75"],
                table["n_municipalities"],
                strict=True,
            )
        ]
        wide = table.pivot_table(index="element", columns="round", values="text", aggfunc="first")
        order = [*self.elements, COMBINED]
        wide = wide.reindex(
            index=[e for e in order if e in wide.index],
            columns=[r for r in self.rounds if r in wide.columns],
        )
        wide.index = [_element_name(e) for e in wide.index]
        wide.columns.name = None
        return wide

    def __str__(self) -> str:
        weights = "unweighted mean" if self.weights is None else "weighted mean"
        first, last = self.readiness_rounds
        lines = [
            "'Flere skal med' fidelity scores (1-5): median [p25-p75] across municipalities",
            self._median_table().to_string(),
            f"Combined score: {weights} of the available element scores.",
            f"Readiness ({_element_name(self.readiness_element)}): {self.n_moved} of "
            f"{len(self.readiness)} municipalities moved from below the {first} median to at "
            f"or above the {last} median.",
        ]
        excluded = self.quality.excluded()
        if excluded:
            lines.append(f"{excluded} survey answers excluded (see .quality).")
        return "\n".join(lines)

    def __repr__(self) -> str:
        n = self.element_scores["municipality"].nunique()
        return (
            f"<FidelityScores: {n} municipalities, {len(self.elements)} elements, "
            f"rounds {', '.join(self.rounds)}>"
        )

    def _repr_html_(self) -> str:
        first, last = self.readiness_rounds
        return (
            "<div><p><b>'Flere skal med' fidelity scores (1-5): median [p25-p75] across "
            "municipalities</b></p>"
            f"{self._median_table().to_html(escape=True)}"
            f"<p>Readiness: {self.n_moved} of {len(self.readiness)} municipalities moved from "
            f"below the {html.escape(first)} median to at or above the {html.escape(last)} "
            "median.</p></div>"
        )

    def plot(self, ax=None):
        """Box plots of the municipal scores per element and round, medians marked.

        The layout of the report's Figure "4-2" of chapter 3 ("spread and median score of the
        municipalities' fidelity on the core elements", 003, L1189-1209): one group per core
        element (and the combined score), one box per round.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional

        Returns
        -------
        matplotlib.axes.Axes
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(9, 4))
        elements = [*self.elements, COMBINED]
        width = 0.8 / max(len(self.rounds), 1)
        for j, round_ in enumerate(self.rounds):
            data, positions = [], []
            for i, element in enumerate(elements):
                rows = self.element_scores[
                    (self.element_scores["element"] == element)
                    & (self.element_scores["round"] == round_)
                ]
                values = rows["score"].to_numpy(dtype=float)
                values = values[np.isfinite(values)]
                if len(values):
                    data.append(values)
                    positions.append(i - 0.4 + width * (j + 0.5))
            if not data:
                continue
            boxes = ax.boxplot(
                data,
                positions=positions,
                widths=width * 0.9,
                patch_artist=True,
                medianprops={"color": "black"},
                showfliers=True,
            )
            for patch in boxes["boxes"]:
                patch.set_facecolor(f"C{j}")
            ax.plot([], [], color=f"C{j}", lw=6, label=round_)
        ax.set_xticks(range(len(elements)), [_element_name(e) for e in elements])
        ax.set_ylim(0.8, 5.2)
        ax.set_ylabel("score (1 = lowest, 5 = highest fidelity)")
        ax.set_title("Spread and median of the municipalities' fidelity per core element")
        ax.legend(loc="lower right", fontsize=8)
        return ax


def _element_name(element: str) -> str:
    if element in _NUMBER:
        return f"KE{_NUMBER[element]}"
    return element


# ========================================================================= computation


def _lookup(items: pd.DataFrame) -> pd.DataFrame:
    """(item, code) → score table of every item's scale."""
    rows = [
        (row["item"], code, float(k))
        for row in items.to_dict("records")
        for k, code in enumerate(item_codes(row), start=1)
    ]
    return pd.DataFrame(rows, columns=["item", "value", "score"])


def _summary(frame: pd.DataFrame, key: str, high_from: float) -> pd.DataFrame:
    """Median, quartiles, range and count of high municipalities per key × round."""
    if frame.empty:
        return pd.DataFrame(columns=list(SUMMARY_COLUMNS))
    grouped = frame.groupby([key, "round"], sort=False)["score"]
    out = grouped.agg(
        n_municipalities="count",
        median="median",
        p25=lambda s: s.quantile(0.25),
        p75=lambda s: s.quantile(0.75),
        min="min",
        max="max",
    ).reset_index()
    high = frame.assign(high=frame["score"] >= high_from).groupby([key, "round"], sort=False)
    out["n_high"] = high["high"].sum().to_numpy().astype(np.int64)
    out["share_high"] = out["n_high"] / out["n_municipalities"].where(out["n_municipalities"] > 0)
    return out.rename(columns={key: "element"}).loc[:, list(SUMMARY_COLUMNS)]


def _combined(scores: pd.DataFrame, weights: Mapping[str, float] | None) -> pd.DataFrame:
    wide = scores.pivot_table(
        index=["municipality", "round"], columns="element", values="score", aggfunc="first"
    )
    w = np.array([1.0 if weights is None else float(weights.get(e, 0.0)) for e in wide.columns])
    values = wide.to_numpy(dtype=float)
    has = np.isfinite(values) & (w > 0)
    total = np.where(has, values * w, 0.0).sum(axis=1)
    weight = np.where(has, w, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        combined = np.where(weight > 0, total / weight, np.nan)
    out = wide.index.to_frame(index=False)
    out["element"] = COMBINED
    out["score"] = combined
    out["n_items"] = has.sum(axis=1)
    return out


def _check_weights(weights: Mapping[str, float] | None, elements: Sequence[str]) -> None:
    if weights is None:
        return
    unknown = sorted(set(weights) - set(CORE_ELEMENTS))
    if unknown:
        raise ValueError(f"weights name unknown core elements {unknown}; known: {CORE_ELEMENTS}")
    values = np.array([float(v) for v in weights.values()])
    if not np.all(np.isfinite(values)) or (values < 0).any():
        raise ValueError("weights must be finite and >= 0")
    if not any(float(weights.get(e, 0.0)) > 0 for e in elements):
        raise ValueError("weights give no positive weight to any scored element")


def _change(scores: pd.DataFrame, rounds: Sequence[str]) -> pd.DataFrame:
    pairs = list(itertools.pairwise(rounds))
    if len(rounds) > 2:
        pairs.append((rounds[0], rounds[-1]))
    wide = scores.pivot_table(
        index=["municipality", "element"], columns="round", values="score", aggfunc="first"
    ).reindex(columns=list(rounds))
    parts = []
    for before, after in pairs:
        part = wide.index.to_frame(index=False)
        part["from_round"], part["to_round"] = before, after
        part["from_score"] = wide[before].to_numpy(dtype=float)
        part["to_score"] = wide[after].to_numpy(dtype=float)
        part["change"] = part["to_score"] - part["from_score"]
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=list(CHANGE_COLUMNS))
    out = pd.concat(parts, ignore_index=True)
    order = {e: i for i, e in enumerate(dict.fromkeys(scores["element"]))}
    pair = {p: i for i, p in enumerate(pairs)}
    out = out.assign(
        _e=out["element"].map(order),
        _p=[pair[p] for p in zip(out["from_round"], out["to_round"], strict=True)],
    ).sort_values(["_e", "_p", "municipality"], kind="stable")
    return out.drop(columns=["_e", "_p"]).reset_index(drop=True).loc[:, list(CHANGE_COLUMNS)]


def _readiness(scores: pd.DataFrame, element: str, rounds: tuple[str, str]) -> pd.DataFrame:
    first, last = rounds
    mine = scores[scores["element"] == element]
    before = mine[mine["round"] == first].set_index("municipality")["score"].dropna()
    after = mine[mine["round"] == last].set_index("municipality")["score"].dropna()
    med_before = float(before.median()) if len(before) else np.nan
    med_after = float(after.median()) if len(after) else np.nan
    both = before.index.intersection(after.index).sort_values()
    out = pd.DataFrame({"municipality": both.to_numpy(dtype=object)})
    out["from_score"] = before.reindex(both).to_numpy(dtype=float)
    out["to_score"] = after.reindex(both).to_numpy(dtype=float)
    out["from_median"] = med_before
    out["to_median"] = med_after
    out["below_median_before"] = out["from_score"] < med_before
    out["at_or_above_median_after"] = out["to_score"] >= med_after
    out["moved"] = out["below_median_before"] & out["at_or_above_median_after"]
    return out.loc[:, list(READINESS_COLUMNS)]


def fidelity_scores(
    dataset: Dataset,
    *,
    item_map: pd.DataFrame | None = None,
    rounds: Sequence[str] = ROUNDS,
    weights: Mapping[str, float] | None = None,
    high_from: float = HIGH_ANSWER,
    respondent: str = "staff",
    readiness_element: str = COMBINED,
    readiness_rounds: tuple[str, str] | None = None,
) -> FidelityScores:
    r"""Fidelity scores per municipality, core element and survey round (SPEC.md §6.4).

    Parameters
    ----------
    dataset : Dataset
        With a ``survey`` table (staff answers per round and item).
    item_map : pandas.DataFrame, optional
        Question → element mapping; default the shipped one
        (:func:`~activemeasures_flereskalmed.elements.load_item_map`).
    rounds : sequence of str, default ("baseline", "midterm", "final")
        The survey rounds in time order (003, L145-150, L185-189); answers of other rounds
        are excluded and counted.
    weights : mapping of element key to float, optional
        Weights of the combined score; default ``None``: the unweighted mean of the available
        element scores (the sources say only "weighted together", 003, L1217-1219; SPEC.md
        §11 A-42, interpretation). Elements left out of the mapping get weight 0.
    high_from : float, default 4
        A municipality is "high/very high" when its mean is at least this (SPEC.md §11 A-26).
    respondent : {"staff", "citizen"}, default "staff"
        Staff answered the fidelity survey (003, L1028-1032).
    readiness_element : str, default "combined"
        The score readiness is judged on (an element key or ``"combined"``).
    readiness_rounds : (str, str), optional
        Rounds compared for readiness; default the first and last of *rounds*.

    Returns
    -------
    FidelityScores

    Notes
    -----
    Answer :math:`a_{rq}` of respondent :math:`r` to question :math:`q` is scored by the
    question's scale (``1-5`` as it is; banded codes to 1..5, SPEC.md §6.4 interpretation);
    answers not on the scale are excluded and counted in ``quality``. For municipality
    :math:`m`, element :math:`e` with questions :math:`Q_e`, round :math:`t`
    (SPEC.md §6.4, interpretation; 003, L1022-1026):

    .. math::

        s_{met} = \frac{1}{|Q_{emt}|}\sum_{q \in Q_{emt}} \frac{1}{|R_{mqt}|}
        \sum_{r \in R_{mqt}} a_{rq},

    over the questions :math:`Q_{emt}` answered in :math:`m` in round :math:`t`. Combined
    score :math:`c_{mt} = \sum_e w_e s_{met} / \sum_e w_e` over the elements with a score
    (default :math:`w_e = 1`; 003, L1217-1219; Table 3-1 reports about 3.8-4.1, 003,
    L1332-1343). Across municipalities per element and round: median, quartiles (linear
    interpolation), minimum, maximum, count, and the number and share with
    :math:`s \ge` ``high_from`` (003, L1189-1209; SPEC.md §11 A-26). Change:
    :math:`s_{me,t'} - s_{met}` for consecutive rounds and first → last. Readiness (SPEC.md
    §11 A-38, median-based): with :math:`M_t` the median over the municipalities scored in
    round :math:`t`, a municipality scored in both rounds *moved* when
    :math:`c_{m,\text{first}} < M_\text{first}` and :math:`c_{m,\text{last}} \ge
    M_\text{last}` (the report counts 16, 003, L920-926).

    Examples
    --------
    Municipality A, baseline: q1 answers 2 and 4 (mean 3), q2 answer 1 → element e1
    = (3 + 1) / 2 = 2; B: q1 answer 5, q2 answer 5 → 5. An answer 7 is off the scale,
    excluded. Final: A 4, B 3.

    >>> import pandas as pd
    >>> from activemeasures import Dataset
    >>> from activemeasures_flereskalmed.fidelity_scores import fidelity_scores
    >>> items = pd.DataFrame({"item": ["q1", "q2"], "element": "own_job_goal",
    ...                       "label": ["CV", "plan"], "scale": "1-5", "banded": "false",
    ...                       "citation": "(003, L334-348)"})
    >>> survey = pd.DataFrame({
    ...     "respondent_id": [1, 2, 1, 3, 3, 4, 1, 3, 5],
    ...     "municipality": ["A", "A", "A", "B", "B", "B", "A", "B", "B"],
    ...     "respondent": "staff",
    ...     "round": ["baseline"] * 6 + ["final"] * 3,
    ...     "item": ["q1", "q1", "q2", "q1", "q2", "q1", "q1", "q1", "q2"],
    ...     "value": [2, 4, 1, 5, 5, 7, 4, 3, 3]})
    >>> citizens = pd.DataFrame({"citizen_id": [1], "municipality": ["A"],
    ...                          "visitation_date": ["2018-01-31"], "group": ["1"]})
    >>> data = Dataset.from_frames(citizens, survey=survey, cutoff="2019-05-31")
    >>> scores = fidelity_scores(data, item_map=items, rounds=("baseline", "final"))
    >>> scores.scores("own_job_goal")
    round         baseline  final
    municipality
    A                  2.0    4.0
    B                  5.0    3.0
    >>> scores.quality.excluded()
    1
    >>> scores.readiness[["municipality", "moved"]]
      municipality  moved
    0            A   True
    1            B  False
    """
    dataset.require("survey", by="fidelity_scores")
    items = validate_item_map(item_map) if item_map is not None else _default_items()
    rounds = tuple(str(r) for r in rounds)
    if not rounds or len(set(rounds)) != len(rounds):
        raise ValueError(f"rounds must be distinct and at least one, got {rounds}")
    readiness_rounds = (
        (rounds[0], rounds[-1]) if readiness_rounds is None else tuple(readiness_rounds)
    )
    if len(readiness_rounds) != 2 or not set(readiness_rounds) <= set(rounds):
        raise ValueError(f"readiness_rounds must be two of {rounds}, got {readiness_rounds}")
    elements = tuple(e for e in CORE_ELEMENTS if (items["element"] == e).any())
    if readiness_element != COMBINED and readiness_element not in elements:
        raise ValueError(
            f"readiness_element must be 'combined' or a scored element {elements}, "
            f"got {readiness_element!r}"
        )
    _check_weights(weights, elements)

    survey = dataset.survey
    keep = survey["respondent"].astype(str).eq(respondent) & survey["item"].astype(str).isin(
        items["item"]
    )
    rows = pd.DataFrame(
        {
            "respondent_id": survey.loc[keep, "respondent_id"].to_numpy(dtype=object),
            "municipality": survey.loc[keep, "municipality"].astype(str).to_numpy(dtype=object),
            "round": survey.loc[keep, "round"].astype(str).to_numpy(dtype=object),
            "item": survey.loc[keep, "item"].astype(str).to_numpy(dtype=object),
            "value": survey.loc[keep, "value"].to_numpy(dtype=float),
        }
    )
    entries = [
        QualityEntry(
            table="survey",
            rule=f"{respondent} answers to the {len(items)} mapped fidelity questions",
            action="read",
            n_records=len(rows),
        )
    ]
    in_round = rows["round"].isin(rounds).to_numpy()
    if (~in_round).any():
        entries.append(
            QualityEntry(
                table="survey",
                rule=f"round not one of {', '.join(rounds)}",
                action="excluded",
                n_records=int((~in_round).sum()),
            )
        )
    rows = rows.loc[in_round]
    rows = rows.merge(_lookup(items), on=["item", "value"], how="left")
    off = rows["score"].isna()
    for item, n in rows.loc[off, "item"].value_counts(sort=False).sort_index().items():
        entries.append(
            QualityEntry(
                table="survey",
                rule=f"answer not on the scale of item '{item}' (1-5 or its band codes)",
                action="excluded",
                n_records=int(n),
            )
        )
    rows = rows.loc[~off]
    rows["element"] = rows["item"].map(dict(zip(items["item"], items["element"], strict=True)))

    item_scores = (
        rows.groupby(["municipality", "round", "item", "element"], sort=True)["score"]
        .agg(score="mean", n_respondents="count")
        .reset_index()
    )
    element = (
        item_scores.groupby(["municipality", "round", "element"], sort=True)["score"]
        .agg(score="mean", n_items="count")
        .reset_index()
    )
    people = (
        rows.drop_duplicates(["municipality", "round", "element", "respondent_id"])
        .groupby(["municipality", "round", "element"], sort=True)
        .size()
        .rename("n_respondents")
        .reset_index()
    )
    element = element.merge(people, on=["municipality", "round", "element"], how="left")
    combined = _combined(element, weights)
    everyone = (
        rows.drop_duplicates(["municipality", "round", "respondent_id"])
        .groupby(["municipality", "round"])
        .size()
        .rename("n_respondents")
        .reset_index()
    )
    combined = combined.merge(everyone, on=["municipality", "round"], how="left")
    scores = pd.concat([element, combined], ignore_index=True)
    order = {e: i for i, e in enumerate([*elements, COMBINED])}
    round_order = {r: i for i, r in enumerate(rounds)}
    scores = (
        scores.assign(_e=scores["element"].map(order), _r=scores["round"].map(round_order))
        .sort_values(["_e", "_r", "municipality"], kind="stable")
        .drop(columns=["_e", "_r"])
        .reset_index(drop=True)
        .astype({"n_items": np.int64, "n_respondents": np.int64})
        .loc[:, list(ELEMENT_SCORE_COLUMNS)]
    )
    summary = _summary(scores, "element", high_from)
    item_order = {item: i for i, item in enumerate(items["item"])}
    item_scores = (
        item_scores.assign(
            _i=item_scores["item"].map(item_order), _r=item_scores["round"].map(round_order)
        )
        .sort_values(["_i", "_r", "municipality"], kind="stable")
        .drop(columns=["_i", "_r"])
        .reset_index(drop=True)
    )
    item_summary = _summary(item_scores, "item", high_from)
    return FidelityScores(
        element_scores=scores,
        item_scores=item_scores.loc[
            :, ["municipality", "round", "item", "element", "score", "n_respondents"]
        ],
        summary=summary,
        item_summary=item_summary,
        change=_change(scores, rounds),
        readiness=_readiness(scores, readiness_element, readiness_rounds),
        rounds=rounds,
        elements=elements,
        weights=weights,
        high_from=float(high_from),
        readiness_element=readiness_element,
        readiness_rounds=readiness_rounds,
        quality=DataQualityReport(tuple(entries)),
    )


def _default_items() -> pd.DataFrame:
    from activemeasures_flereskalmed.elements import load_item_map

    return load_item_map()
