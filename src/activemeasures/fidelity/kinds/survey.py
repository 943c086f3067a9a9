"""Survey indicators: the share of answers in a set, and the mean (score) answer.

Both read the survey table (``respondent_id``, ``municipality``, ``respondent``, ``round``,
``item``, ``value``). Survey answers carry no ``citizen_id``, so the
:class:`~activemeasures.fidelity.Population` does not apply to them: the units are the
municipalities of the survey table that have respondents of the requested type (in the
requested round), and every such respondent's answers count.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, ClassVar, Literal

import attrs
import numpy as np
import pandas as pd

from activemeasures.errors import FAILURE_COLUMNS, ValidationError
from activemeasures.fidelity.kinds import _params as p
from activemeasures.fidelity.kinds._grouped import (
    grouped_values,
    indicator_frame,
    municipality_codes,
)
from activemeasures.fidelity.model import NATIONAL, Population
from activemeasures.schemas import RESPONDENTS

if TYPE_CHECKING:
    from activemeasures.dataset import Dataset

__all__ = ["SurveyMean", "SurveyShare"]


def _respondent(instance: object, attribute: attrs.Attribute, value: str) -> None:
    if value not in RESPONDENTS:
        raise ValueError(
            f"respondent must be one of {', '.join(map(repr, RESPONDENTS))}, got {value!r}"
        )


class _FrozenMapping(Mapping):
    """A read-only, hashable mapping of answers to scores (keeps the kinds hashable)."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[float, float]) -> None:
        self._items = {float(k): float(v) for k, v in items.items()}

    def __getitem__(self, key: float) -> float:
        return self._items[key]

    def __iter__(self) -> Iterator[float]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(frozenset(self._items.items()))

    def __repr__(self) -> str:
        return repr(self._items)


def _recode(value: Mapping | None) -> _FrozenMapping | None:
    if value is None or isinstance(value, _FrozenMapping):
        return value
    mapping = _FrozenMapping(value)
    if not mapping or not all(np.isfinite(list(mapping.values()))):
        raise ValueError("recode must map answers to finite scores")
    return mapping


def _survey_rows(
    dataset: Dataset, respondent: str, items: tuple[str, ...], round: str | None
) -> tuple[pd.DataFrame, np.ndarray]:
    """Rows of the respondent type (and round), and which of them answer one of *items*."""
    survey = dataset.survey
    keep = survey["respondent"].astype(str).eq(respondent).to_numpy(dtype=bool)
    if round is not None:
        keep = keep & survey["round"].astype(str).eq(str(round)).to_numpy(dtype=bool)
    rows = survey.loc[keep]
    answered = rows["item"].astype(str).isin(items).to_numpy(dtype=bool)
    return rows, answered


@attrs.frozen(kw_only=True)
class SurveyShare:
    """Share of survey answers that fall in a set of answers.

    The JobFirst staff-survey rule: the share of staff answering **3, 4 or 5** on a 1-5
    scale; a municipality is red under 75 % (000, L585-589; 001, L626; SPEC.md §6.1 and §11
    A-26), e.g. indicators 1.1, 1.3 and 5.1a. Citizen-survey indicator 4.1 counts answers
    **2-10** on a 1-10 scale (000, L482-492): ``answers=range(2, 11)``,
    ``respondent="citizen"``.

    Parameters
    ----------
    item : str or tuple of str
        Survey item code(s) (``item`` column); with several, every answer to any of them
        counts once.
    answers : tuple of float, default (3, 4, 5)
        Answers that count as fulfilled.
    respondent : {"staff", "citizen"}, default "staff"

    Notes
    -----
    Units are the municipalities with at least one answer of a ``respondent`` respondent (in
    the round asked for), so a municipality whose respondents skipped the item gets a row
    with denominator 0 and no value. The population is not used: survey answers have no
    ``citizen_id``. When :meth:`compute` gets a ``round``, only that round's answers count
    (``round`` compared as text); without one, all rounds are pooled. Per unit :math:`m`,
    with :math:`A_m` the answers to the item(s) and :math:`S` the set ``answers``,

    .. math::

        v_m = \\frac{|\\{a \\in A_m : a \\in S\\}|}{|A_m|},

    nationally over all answers (pooled).

    Examples
    --------
    >>> import pandas as pd
    >>> from activemeasures import Dataset
    >>> from activemeasures.fidelity import Population, SurveyShare
    >>> citizens = pd.DataFrame({"citizen_id": [1], "municipality": ["A"],
    ...                          "visitation_date": ["2016-03-01"], "arm": ["treatment"]})
    >>> survey = pd.DataFrame({"respondent_id": [1, 2, 3, 4], "municipality": ["A", "A", "A", "B"],
    ...                        "respondent": "staff", "round": "final", "item": "work_agreement",
    ...                        "value": [2, 3, 5, 4]})
    >>> data = Dataset.from_frames(citizens, survey=survey, cutoff="2016-12-31")
    >>> SurveyShare(item="work_agreement").compute(data, Population(), round="final")
           unit  numerator  denominator     value
    0         A        2.0            3  0.666667
    1         B        1.0            1  1.000000
    2  national        3.0            4  0.750000
    """

    item: tuple[str, ...] = attrs.field(converter=p.codes_tuple, validator=p.non_empty_codes)
    answers: tuple[float, ...] = attrs.field(
        default=(3, 4, 5), converter=lambda v: tuple(float(a) for a in v)
    )
    respondent: str = attrs.field(default="staff", validator=_respondent)

    #: Tables the kind reads.
    tables = ("survey",)

    #: Values are shares (shown in %).
    scale: ClassVar[str] = "share"

    @answers.validator
    def _check_answers(self, attribute: attrs.Attribute, value: tuple[float, ...]) -> None:
        if not value:
            raise ValueError("answers must hold at least one answer")

    @property
    def codes(self) -> dict[str, tuple[str, ...]]:
        """The survey items read, by table."""
        return {"survey": self.item}

    def describe(self) -> str:
        """The definition in one sentence."""
        answers = p.listed(p.number(a) for a in self.answers)
        items = "item" if len(self.item) == 1 else "items"
        return (
            f"share of {self.respondent} answers to {items} {p.quoted(self.item)} that are "
            f"{answers}"
        )

    def compute(
        self, dataset: Dataset, population: Population, *, round: str | None = None
    ) -> pd.DataFrame:
        """Values per municipality and nationally (see the class notes).

        *population* is not used (answers have no ``citizen_id``); *round* selects one
        measurement round.
        """
        dataset.require(*self.tables, by=self.describe())
        rows, answered = _survey_rows(dataset, self.respondent, self.item, round)
        fulfilled = rows["value"].isin(self.answers).to_numpy(dtype=np.float64)
        return grouped_values(rows["municipality"].to_numpy(), fulfilled, answered)


@attrs.frozen(kw_only=True)
class SurveyMean:
    """Mean survey answer (score), per municipality and nationally.

    For score scales such as the 'Flere skal med' fidelity questions on 1-5 (003, L1028,
    L1042-1044; SPEC.md §6.4) and JobFirst citizen-survey mean scores on 1-10 (001, L1000).
    With several items it is the FSM element score (SPEC.md §6.4, interpretation).

    Parameters
    ----------
    item : str or tuple of str
        Survey item code(s).
    respondent : {"staff", "citizen"}, default "staff"
    recode : mapping of float to float, optional
        Scores of the raw answers, applied before averaging; e.g. the banded share questions
        0-20 %, ..., 80-100 % (coded 1..5 or otherwise) to scores 1..5 (003, L1481-1483,
        L1700-1702; SPEC.md §6.4, interpretation). An answer missing from the mapping is an
        error (:class:`~activemeasures.ValidationError` naming the item and the count).
    national : {"pooled", "municipality_mean"}, default "pooled"
        The national row: the same formula over all answers, or the unweighted mean of the
        municipal values ("answers are averaged within each municipality, then summarised
        across municipalities", 003, L1022-1026, L1463-1465).

    Notes
    -----
    Units and rounds as for :class:`SurveyShare`; the population is not used. With one item,
    per unit :math:`m` with answers (scores) :math:`a \\in A_m`: numerator
    :math:`\\sum a`, denominator :math:`|A_m|`, value the mean. With a set :math:`Q` of
    items (SPEC.md §6.4 interpretation,
    :math:`\\text{score}_m = \\operatorname{mean}_{q \\in Q} \\operatorname{mean}_{r \\in m}
    a_{rq}`):

    .. math::

        v_m = \\frac{1}{|Q_m|} \\sum_{q \\in Q_m} \\bar a_{mq},

    where :math:`Q_m` are the items with answers in :math:`m` and :math:`\\bar a_{mq}` their
    mean answers (each item weighs the same, however many answered it); the denominator is
    the number of distinct respondents behind it and the numerator :math:`v_m` times the
    denominator. Nationally, ``"pooled"`` applies the same formula to all answers;
    ``"municipality_mean"`` gives :math:`\\frac{1}{|M|}\\sum_{m \\in M} v_m` over the
    municipalities :math:`M` with a value (numerator :math:`\\sum v_m`, denominator
    :math:`|M|`).

    Examples
    --------
    Municipality A: item a answers 4 and 2 (mean 3), item b answer 5 (mean 5), score
    (3 + 5) / 2 = 4 from 2 respondents; B: item a answer 1, score 1 from 1 respondent.
    Pooled nationally: item a (4 + 2 + 1) / 3 = 7/3, item b 5, score (7/3 + 5) / 2 = 11/3;
    mean of municipalities: (4 + 1) / 2 = 2.5.

    >>> import pandas as pd
    >>> from activemeasures import Dataset
    >>> from activemeasures.fidelity import Population, SurveyMean
    >>> citizens = pd.DataFrame({"citizen_id": [1], "municipality": ["A"],
    ...                          "visitation_date": ["2016-03-01"], "arm": ["treatment"]})
    >>> survey = pd.DataFrame({"respondent_id": [1, 1, 2, 3], "municipality": ["A", "A", "A", "B"],
    ...                        "respondent": "staff", "round": "final",
    ...                        "item": ["a", "b", "a", "a"], "value": [4, 5, 2, 1]})
    >>> data = Dataset.from_frames(citizens, survey=survey, cutoff="2016-12-31")
    >>> SurveyMean(item=("a", "b")).compute(data, Population())
           unit  numerator  denominator     value
    0         A        8.0            2  4.000000
    1         B        1.0            1  1.000000
    2  national       11.0            3  3.666667
    >>> kind = SurveyMean(item=("a", "b"), national="municipality_mean")
    >>> kind.compute(data, Population())["value"].tolist()
    [4.0, 1.0, 2.5]
    """

    item: tuple[str, ...] = attrs.field(converter=p.codes_tuple, validator=p.non_empty_codes)
    respondent: str = attrs.field(default="staff", validator=_respondent)
    recode: Mapping[float, float] | None = attrs.field(default=None, converter=_recode)
    national: Literal["pooled", "municipality_mean"] = attrs.field(
        default="pooled", validator=p.one_of("pooled", "municipality_mean")
    )

    #: Tables the kind reads.
    tables = ("survey",)

    #: Values are scores (shown as numbers).
    scale: ClassVar[str] = "score"

    @property
    def codes(self) -> dict[str, tuple[str, ...]]:
        """The survey items read, by table."""
        return {"survey": self.item}

    def describe(self) -> str:
        """The definition in one sentence."""
        if len(self.item) == 1:
            text = f"mean {self.respondent} answer to item {p.quoted(self.item)}"
        else:
            text = (
                f"mean over items {p.quoted(self.item, 'and')} of the mean "
                f"{self.respondent} answer per item"
            )
        if self.recode is not None:
            pairs = ", ".join(f"{p.number(k)}→{p.number(v)}" for k, v in self.recode.items())
            text += f", answers scored {pairs}"
        if self.national == "municipality_mean":
            text += "; nationally the unweighted mean of the municipal values"
        return text

    def compute(
        self, dataset: Dataset, population: Population, *, round: str | None = None
    ) -> pd.DataFrame:
        """Values per municipality and nationally (see the class notes).

        *population* is not used (answers have no ``citizen_id``); *round* selects one
        measurement round.
        """
        dataset.require(*self.tables, by=self.describe())
        rows, answered = _survey_rows(dataset, self.respondent, self.item, round)
        scores = self._scores(rows, answered)
        municipality = rows["municipality"].to_numpy()
        if len(self.item) == 1:
            frame = grouped_values(municipality, scores, answered)
        else:
            frame = self._item_means(rows, municipality, scores, answered)
        if self.national == "municipality_mean":
            municipal = frame["value"].to_numpy()[:-1]
            has = np.isfinite(municipal)
            frame = indicator_frame(
                frame["unit"].tolist(),
                np.append(frame["numerator"].to_numpy()[:-1], municipal[has].sum()),
                np.append(frame["denominator"].to_numpy()[:-1], has.sum()),
            )
        return frame

    def _scores(self, rows: pd.DataFrame, answered: np.ndarray) -> np.ndarray:
        """Answers as scores (recoded); unmapped answers raise, naming items and counts."""
        values = rows["value"].to_numpy(dtype=np.float64)
        if self.recode is None:
            return values
        scores = pd.Series(values).map(dict(self.recode)).to_numpy(dtype=np.float64)
        unmapped = answered & np.isnan(scores)
        if unmapped.any():
            items = rows["item"].astype(str).to_numpy()[unmapped]
            found = pd.Series(values[unmapped]).groupby(items)
            failures = pd.DataFrame(
                [
                    dict(
                        zip(
                            FAILURE_COLUMNS,
                            (
                                "survey",
                                "value",
                                f"in the recode mapping of SurveyMean (item '{item}')",
                                len(group),
                                ", ".join(p.number(v) for v in sorted(set(group))[:3]),
                            ),
                            strict=True,
                        )
                    )
                    for item, group in found
                ]
            )
            raise ValidationError(failures)
        return scores

    def _item_means(
        self,
        rows: pd.DataFrame,
        municipality: np.ndarray,
        scores: np.ndarray,
        answered: np.ndarray,
    ) -> pd.DataFrame:
        """Unweighted mean of item means per municipality, and over all answers."""
        codes, units = municipality_codes(municipality)
        k, q = len(units), len(self.item)
        item = pd.Index(self.item).get_indexer(rows["item"].astype(str))
        codes, item, y = codes[answered], item[answered], scores[answered]
        respondent, respondents = pd.factorize(rows["respondent_id"].to_numpy()[answered])

        def score(groups: np.ndarray, n_groups: int) -> np.ndarray:
            cell = groups * q + item
            total = np.bincount(cell, weights=y, minlength=n_groups * q).reshape(n_groups, q)
            count = np.bincount(cell, minlength=n_groups * q).reshape(n_groups, q)
            with np.errstate(invalid="ignore", divide="ignore"):
                means = total / count
            has = count > 0
            n_items = has.sum(axis=1)
            summed = np.where(has, means, 0.0).sum(axis=1)
            return np.where(n_items > 0, summed / np.maximum(n_items, 1), np.nan)

        value = np.append(score(codes, k), score(np.zeros(len(y), dtype=np.int64), 1))
        # Distinct (municipality, respondent) pairs; pd.unique hashes, no sort needed.
        n_people = max(len(respondents), 1)
        pairs = pd.unique(codes.astype(np.int64) * n_people + respondent)
        people = np.append(np.bincount(pairs // n_people, minlength=k)[:k], len(respondents))
        numerator = np.where(people > 0, value * people, 0.0)
        return indicator_frame([*units, NATIONAL], numerator, people, value)
