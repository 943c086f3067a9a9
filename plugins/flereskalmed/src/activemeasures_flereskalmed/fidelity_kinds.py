"""'Flere skal med' indicator kinds: element scores and the "high/very high" share.

Both follow :class:`activemeasures.fidelity.IndicatorKind` exactly (``tables``, ``codes``,
``scale``, ``describe()``, ``compute(dataset, population, *, round=None)`` returning the
columns :data:`~activemeasures.fidelity.INDICATOR_VALUE_COLUMNS`, one row per municipality
sorted as text and the ``national`` row last) and are built from the core kind
:class:`~activemeasures.fidelity.SurveyMean`, so answers are averaged within each municipality
first (003, L1022-1026, L1463-1465; SPEC.md §6.4).

* :class:`ElementScore`: the element score of SPEC.md §6.4 (interpretation, §11 A-42), the
  unweighted mean of the items' municipal mean answers, each item with its own scoring
  (banded items, 003, L1481-1483, L1700-1702);
* :class:`ShareHigh`: whether a municipality's mean answer is "high or very high", and
  nationally the share of municipalities that are (SPEC.md §11 A-26).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

import attrs
import numpy as np
import pandas as pd

from activemeasures.fidelity import NATIONAL, Population, SurveyMean
from activemeasures.schemas import RESPONDENTS
from activemeasures_flereskalmed.constants import HIGH_ANSWER

if TYPE_CHECKING:
    from activemeasures import Dataset

__all__ = ["ElementScore", "ShareHigh"]


def _items(value: object) -> tuple[str, ...]:
    items = (value,) if isinstance(value, str) else tuple(value)  # type: ignore[arg-type]
    items = tuple(str(item) for item in items)
    if not items or any(not item.strip() for item in items):
        raise ValueError(f"item must name at least one non-empty survey item, got {items!r}")
    if len(set(items)) != len(items):
        raise ValueError(f"item names a survey item twice: {items!r}")
    return items


def _respondent(instance: object, attribute: attrs.Attribute, value: str) -> None:
    if value not in RESPONDENTS:
        raise ValueError(f"respondent must be one of {RESPONDENTS}, got {value!r}")


def _recode(value: Mapping | None) -> Mapping[float, float] | None:
    # Validated by SurveyMean's own converter (finite scores; a read-only, hashable mapping).
    return None if value is None else SurveyMean(item="x", recode=value).recode


def _recodes(value: object) -> tuple[Mapping[float, float] | None, ...]:
    return tuple(_recode(r) for r in value)  # type: ignore[attr-defined]


def _national_mean(units: list[str], municipal: np.ndarray, denominator: np.ndarray):
    """Indicator table with municipal values and, nationally, their unweighted mean."""
    has = np.isfinite(municipal)
    numerator = np.where(has, municipal * denominator, 0.0)
    frame = pd.DataFrame(
        {
            "unit": [*units, NATIONAL],
            "numerator": np.append(numerator, municipal[has].sum()).astype(float),
            "denominator": np.append(np.where(has, denominator, 0), has.sum()).astype(np.int64),
        }
    )
    value = np.append(municipal, municipal[has].mean() if has.any() else np.nan)
    frame["value"] = np.where(frame["denominator"].to_numpy() > 0, value, np.nan)
    return frame


@attrs.frozen(kw_only=True)
class ElementScore:
    """Score of a core element: the mean over its items of the municipal mean answers.

    Parameters
    ----------
    item : str or tuple of str
        The survey items of the element (the question set of part report 2 is not among the
        sources, so the plugin's item map supplies it: 003, L1193-1196; SPEC.md §11 A-42).
    recodes : tuple of (mapping or None), optional
        One per item: scores 1-5 of the item's answer codes (e.g. banded share questions,
        band 0-20 % → 1, ..., 80-100 % → 5; 003, L1481-1483; SPEC.md §6.4, interpretation),
        or ``None`` to take the answers as they are. Default: ``None`` for every item. An
        answer missing from a mapping is an error
        (:class:`~activemeasures.ValidationError`), as in
        :class:`~activemeasures.fidelity.SurveyMean`; use
        :func:`activemeasures_flereskalmed.fidelity_scores.fidelity_scores` to exclude and
        count such answers instead.
    respondent : {"staff", "citizen"}, default "staff"
        Staff answered the fidelity survey (003, L1028-1032).

    Notes
    -----
    With :math:`\\bar a_{mq}` the mean (recoded) answer to item :math:`q` in municipality
    :math:`m` (:class:`~activemeasures.fidelity.SurveyMean` on that item) and :math:`Q_m`
    the items answered in :math:`m`,

    .. math::

        v_m = \\frac{1}{|Q_m|} \\sum_{q \\in Q_m} \\bar a_{mq}

    (SPEC.md §6.4, interpretation). The denominator is the number of distinct respondents
    answering any of the items in :math:`m`, the numerator :math:`v_m` times it. Nationally
    the unweighted mean of the municipal values ("averaged within each municipality, then
    summarised across municipalities", 003, L1022-1026): numerator :math:`\\sum_m v_m`,
    denominator the number of municipalities with a value.

    Examples
    --------
    Municipality A: item a answers 4 and 2 (mean 3), banded item b answer coded 80 (scored
    5); score (3 + 5) / 2 = 4. B: item a answer 1, score 1. Nationally (4 + 1) / 2 = 2.5.

    >>> import pandas as pd
    >>> from activemeasures import Dataset
    >>> from activemeasures.fidelity import Population
    >>> from activemeasures_flereskalmed.fidelity_kinds import ElementScore
    >>> citizens = pd.DataFrame({"citizen_id": [1], "municipality": ["A"],
    ...                          "visitation_date": ["2018-01-31"], "group": ["1"]})
    >>> survey = pd.DataFrame({"respondent_id": [1, 1, 2, 3], "municipality": ["A", "A", "A", "B"],
    ...                        "respondent": "staff", "round": "final",
    ...                        "item": ["a", "b", "a", "a"], "value": [4, 80, 2, 1]})
    >>> data = Dataset.from_frames(citizens, survey=survey, cutoff="2019-05-31")
    >>> bands = {0: 1, 20: 2, 40: 3, 60: 4, 80: 5}
    >>> ElementScore(item=("a", "b"), recodes=(None, bands)).compute(data, Population())
           unit  numerator  denominator  value
    0         A        8.0            2    4.0
    1         B        1.0            1    1.0
    2  national        5.0            2    2.5
    """

    item: tuple[str, ...] = attrs.field(converter=_items)
    recodes: tuple[Mapping[float, float] | None, ...] | None = attrs.field(
        default=None, converter=attrs.converters.optional(_recodes)
    )
    respondent: str = attrs.field(default="staff", validator=_respondent)

    #: Tables the kind reads.
    tables = ("survey",)
    #: Values are a score or mean (shown as a number).
    scale: ClassVar[str] = "score"
    #: Values are scores on 1-5, not shares.
    scale = "score"

    def __attrs_post_init__(self) -> None:
        if self.recodes is not None and len(self.recodes) != len(self.item):
            raise ValueError(
                f"recodes must hold one entry (a mapping or None) per item: {len(self.item)} "
                f"items, {len(self.recodes)} recodes"
            )

    @property
    def codes(self) -> dict[str, tuple[str, ...]]:
        """The survey items read, by table."""
        return {"survey": self.item}

    def _item_kinds(self) -> list[SurveyMean]:
        recodes = self.recodes if self.recodes is not None else (None,) * len(self.item)
        return [
            SurveyMean(item=item, respondent=self.respondent, recode=recode)
            for item, recode in zip(self.item, recodes, strict=True)
        ]

    def describe(self) -> str:
        """The definition in one sentence."""
        items = ", ".join(f"'{item}'" for item in self.item)
        banded = sum(r is not None for r in (self.recodes or ()))
        text = f"element score: mean over items {items} of the mean {self.respondent} answer"
        if banded:
            text += f" ({banded} item(s) with recoded answers)"
        return text + "; nationally the unweighted mean of the municipal scores"

    def compute(
        self, dataset: Dataset, population: Population, *, round: str | None = None
    ) -> pd.DataFrame:
        """Values per municipality and nationally (see the class notes).

        *population* is not used (survey answers have no ``citizen_id``); *round* selects
        one measurement round.
        """
        tables = [kind.compute(dataset, population, round=round) for kind in self._item_kinds()]
        units = sorted({u for t in tables for u in t["unit"] if u != NATIONAL})
        means = (
            np.column_stack(
                [t.set_index("unit")["value"].reindex(units).to_numpy(dtype=float) for t in tables]
            )
            if units
            else np.empty((0, len(tables)))
        )
        answered = np.isfinite(means)
        with np.errstate(invalid="ignore"):
            municipal = np.where(answered, means, 0.0).sum(axis=1) / answered.sum(axis=1)
        municipal = np.where(answered.any(axis=1), municipal, np.nan)

        survey = dataset.survey
        keep = survey["respondent"].astype(str).eq(self.respondent) & survey["item"].astype(
            str
        ).isin(self.item)
        if round is not None:
            keep &= survey["round"].astype(str).eq(str(round))
        pairs = survey.loc[keep, ["municipality", "respondent_id"]].astype(str).drop_duplicates()
        people = pairs.groupby("municipality").size().reindex(units, fill_value=0).to_numpy()
        return _national_mean(units, municipal, people)


@attrs.frozen(kw_only=True)
class ShareHigh:
    """Whether a municipality's mean answer is "high or very high" (at least 4 on 1-5).

    The 'Flere skal med' report summarises survey questions as the number of municipalities
    whose staff answer, on average, "to a high" or "to a very high degree", e.g. a
    well-developed company network 50 of 80 municipalities at baseline, 57 of 70 at the final
    round (003, L1796-1802), or the focus on progression in ordinary hours 33 of 48 (003,
    L1719-1723).

    Parameters
    ----------
    item : str or tuple of str
        Survey item(s); with several, the municipality's mean is the mean of its item means
        (as :class:`ElementScore`).
    recode : mapping, optional
        Scores 1-5 of the answer codes (banded items), as in
        :class:`~activemeasures.fidelity.SurveyMean`.
    at_least : float, default 4.0
        Mean answer from which a municipality counts as high (SPEC.md §11 A-26,
        interpretation: "mean answer ≥ 4"). The figures label a municipality by the answer
        category of its mean (003, L1463-1465, L1595-1597); reading that as the *rounded*
        mean would make the cut-off 3.5: pass ``at_least=3.5`` for that reading.
    respondent : {"staff", "citizen"}, default "staff"

    Notes
    -----
    With :math:`\\bar a_m` the municipality's mean answer (:class:`ElementScore` of the
    items), a municipality row has numerator :math:`[\\bar a_m \\ge c]`, denominator 1 and
    value 0 or 1 (no value, denominator 0, when nobody in :math:`m` answered). Nationally
    numerator :math:`\\#\\{m : \\bar a_m \\ge c\\}`, denominator the number of
    municipalities with a mean, value the share: "62.6 % = 50/80" is computed from the
    counts (SPEC.md §11 A-36).

    Examples
    --------
    A: mean (5 + 4) / 2 = 4.5, high; B: mean 3, not high; nationally 1 of 2.

    >>> import pandas as pd
    >>> from activemeasures import Dataset
    >>> from activemeasures.fidelity import Population
    >>> from activemeasures_flereskalmed.fidelity_kinds import ShareHigh
    >>> citizens = pd.DataFrame({"citizen_id": [1], "municipality": ["A"],
    ...                          "visitation_date": ["2018-01-31"], "group": ["1"]})
    >>> survey = pd.DataFrame({"respondent_id": [1, 2, 3], "municipality": ["A", "A", "B"],
    ...                        "respondent": "staff", "round": "final",
    ...                        "item": "network", "value": [5, 4, 3]})
    >>> data = Dataset.from_frames(citizens, survey=survey, cutoff="2019-05-31")
    >>> ShareHigh(item="network").compute(data, Population(), round="final")
           unit  numerator  denominator  value
    0         A        1.0            1    1.0
    1         B        0.0            1    0.0
    2  national        1.0            2    0.5
    """

    item: tuple[str, ...] = attrs.field(converter=_items)
    recode: Mapping[float, float] | None = attrs.field(default=None, converter=_recode)
    at_least: float = attrs.field(default=float(HIGH_ANSWER), converter=float)
    respondent: str = attrs.field(default="staff", validator=_respondent)

    #: Tables the kind reads.
    tables = ("survey",)
    #: Values are shares (shown in %).
    scale: ClassVar[str] = "share"
    #: Values are shares of municipalities.
    scale = "share"

    def __attrs_post_init__(self) -> None:
        if not np.isfinite(self.at_least):
            raise ValueError(f"at_least must be a finite number, got {self.at_least!r}")

    @property
    def codes(self) -> dict[str, tuple[str, ...]]:
        """The survey items read, by table."""
        return {"survey": self.item}

    def describe(self) -> str:
        """The definition in one sentence."""
        items = ", ".join(f"'{item}'" for item in self.item)
        return (
            f"share of municipalities whose mean {self.respondent} answer to {items} is at "
            f"least {self.at_least:g} (high or very high)"
        )

    def compute(
        self, dataset: Dataset, population: Population, *, round: str | None = None
    ) -> pd.DataFrame:
        """Values per municipality and nationally (see the class notes)."""
        score = ElementScore(
            item=self.item,
            recodes=(self.recode,) * len(self.item),
            respondent=self.respondent,
        ).compute(dataset, population, round=round)
        mean = score["value"].to_numpy(dtype=float)[:-1]
        has = np.isfinite(mean)
        high = (has & (mean >= self.at_least)).astype(float)
        share = high.sum() / has.sum() if has.any() else np.nan
        return pd.DataFrame(
            {
                "unit": score["unit"].tolist(),
                "numerator": np.append(high, high.sum()),
                "denominator": np.append(has, has.sum()).astype(np.int64),
                "value": np.append(np.where(has, high, np.nan), share),
            }
        )
