"""The JobFirst success criteria (SPEC.md §4.3, §4.5) and the indicator kinds they need.

The final evaluation was to judge JobFirst on two stated criteria (001, L90-93): participants
contribute **twice as many wage hours** as the control group after the course, and **75 %** of
participants show progression in selected categories of the progression tool (MinVurdering).
The evaluations also report the core success measure of the model, **13 weeks of continuous
enterprise-directed activity** (001, L319-326; 000, L518-528), in two variants.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import attrs
import numpy as np
import pandas as pd

from activemeasures import SuccessCriterion, ValidationError
from activemeasures.errors import FAILURE_COLUMNS
from activemeasures.fidelity import Population
from activemeasures.fidelity.kinds import Contrast, SpellShare
from activemeasures.fidelity.kinds._grouped import grouped_values
from activemeasures_jobfirst.constants import (
    CRITERION_13W,
    CRITERION_13W_STATES,
    EFFECT_WEEKS,
    FOLLOW_UP_WEEKS,
    PROGRESSION_SHARE,
    WAGE_HOURS_RATIO,
)

if TYPE_CHECKING:
    from activemeasures import Dataset

__all__ = ["MeanHoursInWindow", "ProgressionShare", "success_criteria"]

#: What :meth:`ProgressionShare.describe` says when it has nothing to compute.
NOT_CONFIGURED = "not computable: progression categories not configured (SPEC.md §11 A-44)"


def _window(value: object) -> tuple[int, int]:
    try:
        first, last = (int(w) for w in value)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        raise ValueError(f"weeks must be two whole numbers (first, last), got {value!r}") from None
    if not 1 <= first <= last:
        raise ValueError(f"weeks must satisfy 1 <= first <= last, got {value!r}")
    return first, last


@attrs.frozen(kw_only=True)
class MeanHoursInWindow:
    """Mean ordinary hours per week over a window of weeks since the draw, per citizen.

    The quantity behind the success criterion "twice as many wage hours as the control group
    after the completed course" (001, L92; SPEC.md §4.5): the window is not defined; the
    default is weeks 53-78, the effect window of the final evaluation (000, L1032; SPEC.md
    §11 A-43, interpretation). Use it in
    :class:`~activemeasures.fidelity.Contrast` with ``ratio=True`` for D / K.

    Parameters
    ----------
    weeks : tuple of int, default (53, 78)
        First and last week of the window (1-based, both included).

    Notes
    -----
    With :math:`h_{iw}` citizen :math:`i`'s ordinary hours in week :math:`w` (zeros included)
    and :math:`O_i` the weeks of the window :math:`[a, b]` that are observed for :math:`i`
    (:math:`a \\le w \\le \\min(b, T_i)`, :math:`T_i` the observed weeks),

    .. math::

        \\bar h_i = \\frac{1}{|O_i|} \\sum_{w \\in O_i} h_{iw}, \\qquad
        d_i = 1\\{|O_i| > 0\\},

    the numerator of a unit is :math:`\\sum d_i \\bar h_i`, the denominator
    :math:`\\sum d_i` and the value their ratio: the mean over citizens of their mean weekly
    hours. Citizens with no observed week in the window are left out (censored, not zero).
    Needs the hours table.

    Examples
    --------
    >>> import pandas as pd
    >>> from activemeasures import Dataset
    >>> from activemeasures.fidelity import Population
    >>> from activemeasures_jobfirst.criteria import MeanHoursInWindow
    >>> citizens = pd.DataFrame({"citizen_id": [1, 2], "municipality": ["A", "A"],
    ...                          "visitation_date": ["2016-03-01"] * 2, "arm": ["treatment"] * 2})
    >>> hours = pd.DataFrame({"citizen_id": [1], "period_start": ["2016-03-08"],
    ...                       "period_end": ["2016-03-14"], "hours": [10.0]})
    >>> data = Dataset.from_frames(citizens, hours=hours, cutoff="2016-12-31")
    >>> MeanHoursInWindow(weeks=(2, 3)).compute(data, Population())  # (10 + 0) / 2 = 5; 0
           unit  numerator  denominator  value
    0         A        5.0            2    2.5
    1  national        5.0            2    2.5
    """

    weeks: tuple[int, int] = attrs.field(default=EFFECT_WEEKS, converter=_window)

    #: Tables the kind reads.
    tables = ("citizens", "hours")
    #: Values are a score or mean (shown as a number).
    scale: ClassVar[str] = "score"
    #: Per-municipality numerators and denominators are sums over citizens: the
    #: distributed path adds them up over partitions (activemeasures.distributed).
    combine: ClassVar[str] = "sum"

    @property
    def codes(self) -> dict[str, tuple[str, ...]]:
        """No codes: the kind reads hours only."""
        return {}

    def describe(self) -> str:
        """The definition in one sentence."""
        first, last = self.weeks
        return (
            f"mean over citizens of their mean ordinary hours per week in weeks {first}-{last} "
            "after the draw date (observed weeks only; citizens with none left out)"
        )

    def citizen_means(self, dataset: Dataset) -> tuple[np.ndarray, np.ndarray]:
        """Each citizen's mean weekly hours in the window and their observed weeks in it.

        Returns
        -------
        mean : numpy.ndarray of float64
            NaN where no week of the window is observed.
        n_weeks : numpy.ndarray of int64
        """
        first, last = self.weeks
        panel = dataset.panel(last)
        hours = panel.hours[:, first - 1 : last].astype(np.float64)
        weeks = np.arange(first, last + 1)
        observed = weeks[None, :] <= panel.observed_weeks.astype(np.int64)[:, None]
        n_weeks = observed.sum(axis=1)
        total = np.where(observed, hours, 0.0).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(n_weeks > 0, total / np.maximum(n_weeks, 1), np.nan)
        return mean, n_weeks

    def compute(
        self, dataset: Dataset, population: Population, *, round: str | None = None
    ) -> pd.DataFrame:
        """Values per municipality and nationally (see the class notes); *round* is ignored."""
        dataset.require(*self.tables, by=self.describe())
        mask = population.select(dataset.citizens)
        mean, n_weeks = self.citizen_means(dataset)
        in_den = n_weeks > 0
        municipality = dataset.citizens["municipality"].to_numpy()
        return grouped_values(municipality[mask], np.nan_to_num(mean[mask], nan=0.0), in_den[mask])


def _optional_column(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"column must be a non-empty column name or None, got {value!r}")
    return value


def _categories(value: object) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else list(value)  # type: ignore[call-overload]
    result = tuple(str(item).strip() for item in items)
    if any(not item for item in result):
        raise ValueError(f"categories must be non-empty codes, got {value!r}")
    return result


@attrs.frozen(kw_only=True)
class ProgressionShare:
    """Share of citizens with progression in selected categories of the progression tool.

    The criterion "75 % of participants experience progression in selected categories of
    the progression tool" (MinVurdering) (001, L93; SPEC.md §4.5). The sources do not list
    the categories (SPEC.md §11 A-44): they are a parameter. Without a column and categories
    the kind is **not computable**: every unit gets denominator 0 and no value.

    Parameters
    ----------
    column : str, optional
        Citizens column holding, per citizen, the categories in which the citizen showed
        progression: one code, several joined by ``,`` or ``;``, or a list of codes. An
        empty text or list means assessed without progression; a missing value means not
        assessed.
    categories : tuple of str
        The selected categories (compared as text, spaces around codes ignored).
    require : {"any", "all"}, default "any"
        Progression in at least one of the selected categories, or in all of them
        (interpretation: the source says "in selected categories").
    count_missing : bool, default False
        Count citizens without a value as not progressed instead of leaving them out.

    Notes
    -----
    With :math:`C_i` the categories of citizen :math:`i` and :math:`S` the selected ones,
    :math:`y_i = 1\\{|C_i \\cap S| \\ge 1\\}` (``any``) or :math:`1\\{S \\subseteq C_i\\}`
    (``all``), :math:`d_i = 1\\{C_i \\text{ recorded}\\}` (or 1 with ``count_missing``);
    the value is :math:`\\sum d_i y_i / \\sum d_i` per municipality and pooled nationally.

    Examples
    --------
    >>> import pandas as pd
    >>> from activemeasures import Dataset
    >>> from activemeasures.fidelity import Population
    >>> from activemeasures_jobfirst.criteria import ProgressionShare
    >>> citizens = pd.DataFrame({"citizen_id": [1, 2, 3], "municipality": ["A"] * 3,
    ...                          "visitation_date": ["2016-03-01"] * 3, "arm": ["treatment"] * 3,
    ...                          "progressed": ["health, work", "", None]})
    >>> data = Dataset.from_frames(citizens, cutoff="2016-12-31")
    >>> ProgressionShare(column="progressed", categories=("work",)).compute(
    ...     data, Population())["value"].tolist()
    [0.5, 0.5]
    >>> ProgressionShare().describe()
    'not computable: progression categories not configured (SPEC.md §11 A-44)'
    >>> ProgressionShare().compute(data, Population())["denominator"].tolist()
    [0, 0]
    """

    column: str | None = attrs.field(default=None, converter=_optional_column)
    categories: tuple[str, ...] = attrs.field(default=(), converter=_categories)
    require: str = attrs.field(default="any", validator=attrs.validators.in_(("any", "all")))
    count_missing: bool = attrs.field(default=False, converter=bool)

    #: Tables the kind reads.
    tables = ("citizens",)
    #: Values are shares (shown in %).
    scale: ClassVar[str] = "share"
    #: Per-municipality numerators and denominators are sums over citizens: the
    #: distributed path adds them up over partitions (activemeasures.distributed).
    combine: ClassVar[str] = "sum"

    @property
    def configured(self) -> bool:
        """Whether a column and at least one category are given."""
        return self.column is not None and bool(self.categories)

    @property
    def codes(self) -> dict[str, tuple[str, ...]]:
        """The citizens column read, when configured."""
        return {"citizens": (self.column,)} if self.configured else {}

    def describe(self) -> str:
        """The definition in one sentence."""
        if not self.configured:
            return NOT_CONFIGURED
        listed = ", ".join(f"'{c}'" for c in self.categories)
        how = "at least one of" if self.require == "any" else "all of"
        missing = (
            "citizens not assessed count as not progressed"
            if self.count_missing
            else "citizens not assessed left out"
        )
        return (
            f"share of citizens with progression in {how} the categories {listed} "
            f"(citizens column '{self.column}'; {missing})"
        )

    def progressed(self, citizens: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Per citizen: progressed in the selected categories, and whether assessed."""
        if self.column not in citizens.columns:
            row = dict(
                zip(
                    FAILURE_COLUMNS,
                    ("citizens", self.column, "column present", len(citizens), ""),
                    strict=True,
                )
            )
            raise ValidationError(pd.DataFrame([row]))
        values = citizens[self.column].reset_index(drop=True)
        assessed = values.notna().to_numpy(dtype=bool)
        items = values[assessed].explode()
        items = items.dropna().astype(str).str.split(r"[,;]").explode().str.strip()
        hits = items[items.isin(self.categories)]
        n_hit = hits.groupby(level=0).nunique().reindex(values.index, fill_value=0).to_numpy()
        need = 1 if self.require == "any" else len(set(self.categories))
        return n_hit >= need, assessed

    def compute(
        self, dataset: Dataset, population: Population, *, round: str | None = None
    ) -> pd.DataFrame:
        """Values per municipality and nationally (see the class notes); *round* is ignored."""
        dataset.require(*self.tables, by=self.describe())
        citizens = dataset.citizens
        mask = population.select(citizens)
        municipality = citizens["municipality"].to_numpy()[mask]
        if not self.configured:
            nothing = np.zeros(int(mask.sum()))
            return grouped_values(municipality, nothing, nothing.astype(bool))
        success, assessed = self.progressed(citizens)
        in_den = np.ones(len(assessed), dtype=bool) if self.count_missing else assessed
        return grouped_values(municipality, success[mask].astype(np.float64), in_den[mask])


#: Published shares of the participants meeting the 13-week criteria, by follow-up horizon:
#: the mid-term (44 weeks; 47 % and 33 % by week 35, 001, L616) and the final evaluation
#: (78 weeks; 64 % and 59 %, 000, L518-528). Shown beside the computed values in reports.
_PUBLISHED_13W = {
    FOLLOW_UP_WEEKS["midterm"]: {
        "criterion_13w": {
            "published": 0.47,
            "published_note": "mid-term, by week 35 (001, L616)",
        },
        "criterion_13w_same_workplace": {
            "published": 0.33,
            "published_note": "mid-term, by week 35 (001, L616)",
        },
    },
    FOLLOW_UP_WEEKS["final"]: {
        "criterion_13w": {
            "published": 0.64,
            "published_note": "final evaluation, within 78 weeks (000, L518-524)",
        },
        "criterion_13w_same_workplace": {
            "published": 0.59,
            "published_note": "final evaluation, within 78 weeks (000, L526-528)",
        },
    },
}


def success_criteria(
    *,
    post_weeks: tuple[int, int] = EFFECT_WEEKS,
    progression_column: str | None = None,
    progression_categories: tuple[str, ...] = (),
    horizon: int = FOLLOW_UP_WEEKS["final"],
) -> list[SuccessCriterion]:
    """The JobFirst success criteria.

    Parameters
    ----------
    post_weeks : tuple of int, default (53, 78)
        Window of the wage-hours criterion (SPEC.md §11 A-43, interpretation; 000, L1032).
    progression_column : str, optional
        Citizens column with the progression categories (:class:`ProgressionShare`).
    progression_categories : tuple of str, default ()
        The selected MinVurdering categories; not in the sources (SPEC.md §11 A-44): without
        them the progression criterion is reported as not computable.
    horizon : int, default 78
        Follow-up weeks of the 13-week criteria (the final evaluation, 000, L518-524, L591).

    Returns
    -------
    list of SuccessCriterion
        ``criterion_13w`` and ``criterion_13w_same_workplace`` (reported, no target: the
        sources give no number to reach), ``wage_hours_x2`` (target 2.0) and
        ``progression_75`` (target 0.75).

    Examples
    --------
    >>> from activemeasures_jobfirst.criteria import success_criteria
    >>> [(c.key, c.target) for c in success_criteria()]  # doctest: +NORMALIZE_WHITESPACE
    [('criterion_13w', None), ('criterion_13w_same_workplace', None),
     ('wage_hours_x2', 2.0), ('progression_75', 0.75)]
    """
    spell = {"rule": CRITERION_13W, "states": CRITERION_13W_STATES, "horizon": horizon}
    published = _PUBLISHED_13W.get(horizon, {})
    window = MeanHoursInWindow(weeks=post_weeks)
    first, last = window.weeks
    return [
        SuccessCriterion(
            key="criterion_13w",
            label="13 weeks of continuous enterprise-directed activity",
            kind=SpellShare(**spell),
            **published.get("criterion_13w", {}),
            citation="(001, L319-326; 000, L518-524)",
            description=(
                "Share of participants with 13 counted weeks in internship, wage subsidy or "
                "with ordinary hours, gaps of up to four weeks tolerated and not counted, "
                f"within the observed weeks (at most {horizon}). Published: 47 % by week 35 "
                "(001, L616), 64 % within 78 weeks, twice the control share (000, L518-524). "
                "No target is stated; reported only (SPEC.md §4.3, §11 A-2, A-3, A-6)."
            ),
        ),
        SuccessCriterion(
            key="criterion_13w_same_workplace",
            label="13 weeks of continuous enterprise-directed activity at the same workplace",
            kind=SpellShare(**spell, same_workplace=True),
            **published.get("criterion_13w_same_workplace", {}),
            citation="(000, L526-528, L595-597; 001, L616)",
            description=(
                "As criterion_13w, with the 13 counted weeks at one workplace: the version "
                "the intervention model counts as faithful. Published: 33 % at mid-term "
                "(001, L616), 59 % = 1,430 citizens in the final evaluation (000, L526-528, "
                "L648). Reported only (SPEC.md §4.3, §11 A-4, A-5)."
            ),
        ),
        SuccessCriterion(
            key="wage_hours_x2",
            label="Twice as many wage hours as the control group",
            kind=Contrast(of=window, ratio=True),
            target=WAGE_HOURS_RATIO,
            population=Population(),
            citation="(001, L90-92)",
            description=(
                "Ratio treatment / control of mean ordinary hours per week in weeks "
                f"{first}-{last} after the draw date; met when at least 2.0. The window is "
                "not defined in the sources; weeks 53-78 is the effect window of the final "
                "evaluation (000, L1032; SPEC.md §4.5, §11 A-43, interpretation)."
            ),
        ),
        SuccessCriterion(
            key="progression_75",
            label="75 % of participants progress in selected progression-tool categories",
            kind=ProgressionShare(column=progression_column, categories=progression_categories),
            target=PROGRESSION_SHARE,
            citation="(001, L93)",
            description=(
                "Share of participants with progression in the selected categories of the "
                "progression tool (MinVurdering); met when at least 75 %. The sources do not "
                "list the categories: configure them, otherwise the value is not computable "
                "(SPEC.md §4.5, §11 A-44)."
            ),
        ),
    ]
