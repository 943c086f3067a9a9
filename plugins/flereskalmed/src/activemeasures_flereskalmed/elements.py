"""The six 'Flere skal med' core elements and the survey question → element mapping.

The fidelity of group 1 was measured on six core elements (kerneelementer, 003, L98-106,
L978-1008; SPEC.md §6.4) with a staff survey in three rounds, answers on 1-5 averaged within
each municipality (003, L1022-1032). *Which* questions make up each element is documented in
part report 2, which is not among the sources (003, L1193-1196; SPEC.md §11 A-42), so the
mapping is plugin data a user can replace: ``data/survey_items.csv`` with the columns

``item``
    the survey item code (the ``item`` column of the survey table);
``element``
    the key of the core element (:data:`ELEMENTS`);
``label``
    the question in English;
``scale``
    the answer codes scored 1..5: ``1-5`` (answers 1 ... 5 taken as they are) or the five
    codes in order, separated by ``;`` (e.g. ``0;20;40;60;80`` for band lower bounds);
``banded``
    ``true`` for questions about the share of citizens in bands 0-20 %, ..., 80-100 %, scored
    1..5 (003, L1481-1483, L1700-1702; SPEC.md §6.4, interpretation);
``citation``
    the source of the question, e.g. ``(003, L1790-1816)``.

The shipped mapping holds the questions the main report names per element (SPEC.md §6.4,
"Known survey indicators"); KE5 (resource focus) has none (no specific indicator is reported).
"""

from __future__ import annotations

import importlib.resources
import io
from collections.abc import Mapping

import attrs
import pandas as pd

import activemeasures as am
from activemeasures.errors import ValidationError
from activemeasures.fidelity import SurveyMean
from activemeasures_flereskalmed.constants import CORE_ELEMENTS, HIGH_ANSWER
from activemeasures_flereskalmed.fidelity_kinds import ElementScore, ShareHigh

__all__ = [
    "ELEMENTS",
    "ITEM_MAP_COLUMNS",
    "ElementInfo",
    "core_elements",
    "item_codes",
    "item_recode",
    "load_item_map",
    "validate_item_map",
]

#: Columns of the item map (``data/survey_items.csv``).
ITEM_MAP_COLUMNS = ("item", "element", "label", "scale", "banded", "citation")


@attrs.frozen(kw_only=True)
class ElementInfo:
    """Identity of one 'Flere skal med' core element (003, L986-1008; SPEC.md §6.4).

    Parameters
    ----------
    key, number, label, label_da, citation, description : str or int
    """

    key: str
    number: int
    label: str
    label_da: str
    citation: str
    description: str = ""


#: The six core elements KE1-KE6, in the report's order (003, L98-106, L978-1008).
ELEMENTS: tuple[ElementInfo, ...] = (
    ElementInfo(
        key="own_job_goal",
        number=1,
        label="The citizen's own job goal sets the direction",
        label_da="Borgerens eget jobmål sætter retning",
        citation="(003, L98-106, L986, L1170-1178, L1436-1483)",
        description=(
            "A CV, concrete job goals and a job plan built on the citizen's own job wish; "
            "median score from about 2 (baseline) to about 4 (final) (003, L1170-1178)."
        ),
    ),
    ElementInfo(
        key="personal_job_broker",
        number=2,
        label="Personal job broker with labour-market knowledge (individual support)",
        label_da=(
            "Borger får en personlig jobformidler med kendskab til arbejdsmarkedet "
            "(Individuel støtte)"
        ),
        citation="(003, L98-106, L988-990, L1180-1187)",
        description=(
            "Continuity with the same job broker who knows the local labour market; median "
            "score from about 1.5 to about 4 (003, L1180-1187)."
        ),
    ),
    ElementInfo(
        key="individual_match",
        number=3,
        label='Individual job match with colleagues and tasks "that can grow"',
        label_da=(
            "Borger finder et individuelt jobmatch med kolleger og arbejdsopgaver "
            '"der kan vokse" (Individuelt match)'
        ),
        citation="(003, L98-106, L994-995, L1383-1399, L1600-1626)",
        description="Job brokers help citizens seek out and contact relevant companies.",
    ),
    ElementInfo(
        key="clear_agreements",
        number=4,
        label=("Clear citizen-company agreements on hours, tasks, follow-up and ordinary hours"),
        label_da=(
            "Borger og virksomhed indgår klare aftaler om timer, opgaver, opfølgning og "
            "ordinære timer"
        ),
        citation="(003, L98-106, L997-999, L1401-1412, L1662-1713)",
        description="Work agreements with a clear agreement on ordinary hours from the start.",
    ),
    ElementInfo(
        key="resource_focus",
        number=5,
        label="Resource-focused approach",
        label_da="Borger støttes gennem en ressourcefokuseret tilgang",
        citation="(003, L98-106, L1004)",
        description=(
            "No specific survey indicator is reported for this element (SPEC.md §6.4); map "
            "items to it in the item map to score it."
        ),
    ),
    ElementInfo(
        key="follow_up_progression",
        number=6,
        label=("Ongoing follow-up focused on retention and progression towards ordinary hours"),
        label_da=(
            "Borger får løbende opfølgning med fokus på fastholdelse og progression mod "
            "ordinære timer"
        ),
        citation="(003, L98-106, L1006-1008, L1414-1426, L1715-1816)",
        description=(
            "Follow-up on progression in ordinary hours and a company network that can "
            "develop the citizens."
        ),
    ),
)


def _failure(column: str, rule: str, n_rows: int, examples: str = "") -> dict:
    return {
        "table": "item map",
        "column": column,
        "rule": rule,
        "n_rows": int(n_rows),
        "examples": examples,
    }


def _parse_scale(text: str) -> tuple[float, ...] | None:
    """The five answer codes of a ``scale`` cell, or ``None`` when it cannot be read."""
    text = str(text).strip()
    try:
        if text == "1-5":
            return (1.0, 2.0, 3.0, 4.0, 5.0)
        codes = tuple(float(part) for part in text.split(";"))
    except ValueError:
        return None
    if len(codes) != 5 or len(set(codes)) != 5 or not all(pd.notna(c) for c in codes):
        return None
    return codes


def _banded(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    return {"true": True, "false": False, "1": True, "0": False}.get(text)


def validate_item_map(frame: pd.DataFrame) -> pd.DataFrame:
    """Check a question → element mapping and return it in canonical form.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns :data:`ITEM_MAP_COLUMNS` (others are kept).

    Returns
    -------
    pandas.DataFrame
        A copy with ``item``, ``element``, ``label``, ``scale``, ``citation`` as text and
        ``banded`` as bool, in the given row order.

    Raises
    ------
    ValidationError
        Listing every problem at once (table ``item map``, column, rule, rows): missing
        columns, empty or repeated items, unknown elements (not one of :data:`ELEMENTS`),
        empty labels or citations, unreadable scales (``1-5`` or five distinct numeric codes
        separated by ``;``), ``banded`` not true/false.

    Examples
    --------
    >>> import pandas as pd
    >>> from activemeasures_flereskalmed.elements import validate_item_map
    >>> frame = pd.DataFrame({"item": ["q1"], "element": ["own_job_goal"], "label": ["CV"],
    ...                       "scale": ["0;20;40;60;80"], "banded": ["true"],
    ...                       "citation": ["part report 2, question 1"]})
    >>> validate_item_map(frame)["banded"].tolist()
    [True]
    >>> bad = frame.assign(element="jobs")
    >>> validate_item_map(bad)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    activemeasures.errors.ValidationError: 1 problem in the input tables:
    ...
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"the item map must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in ITEM_MAP_COLUMNS if c not in frame.columns]
    if missing:
        raise ValidationError(
            pd.DataFrame([_failure(c, "column present", len(frame)) for c in missing])
        )
    out = frame.copy()
    failures = []
    for column in ("item", "element", "label", "scale", "citation"):
        text = out[column].astype("string").str.strip()
        empty = text.isna() | text.eq("")
        if empty.any():
            failures.append(_failure(column, "not empty", empty.sum()))
        out[column] = text.fillna("").astype(object)
    repeated = out["item"].duplicated(keep=False) & out["item"].ne("")
    if repeated.any():
        examples = ", ".join(sorted(set(out.loc[repeated, "item"]))[:3])
        failures.append(_failure("item", "unique", repeated.sum(), examples))
    known = set(CORE_ELEMENTS)
    unknown = ~out["element"].isin(known) & out["element"].ne("")
    if unknown.any():
        examples = ", ".join(sorted(set(out.loc[unknown, "element"]))[:3])
        failures.append(
            _failure("element", f"one of {', '.join(CORE_ELEMENTS)}", unknown.sum(), examples)
        )
    unreadable = out["scale"].map(_parse_scale).isna() & out["scale"].ne("")
    if unreadable.any():
        examples = ", ".join(sorted(set(out.loc[unreadable, "scale"]))[:3])
        failures.append(
            _failure(
                "scale", "'1-5' or five distinct codes separated by ';'", unreadable.sum(), examples
            )
        )
    banded = out["banded"].map(_banded)
    if banded.isna().any():
        failures.append(_failure("banded", "true or false", banded.isna().sum()))
    if failures:
        raise ValidationError(pd.DataFrame(failures))
    out["banded"] = banded.astype(bool)
    return out.reset_index(drop=True)


def load_item_map() -> pd.DataFrame:
    """The shipped question → element mapping (``data/survey_items.csv``), validated.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ITEM_MAP_COLUMNS`, one row per survey item.

    Notes
    -----
    The items are those the main report names per element (SPEC.md §6.4; e.g. the CV and
    job-goal share questions for KE1, 003, L334-348, and the company network for KE6, 003,
    L1414-1418, L1790-1816). The exact question set of part report 2 is not available
    (SPEC.md §11 A-42): replace the mapping with ``core_elements(item_map=...)`` and
    ``fidelity_scores(..., item_map=...)``.

    Examples
    --------
    >>> from activemeasures_flereskalmed.elements import load_item_map
    >>> items = load_item_map()
    >>> items.groupby("element", sort=False).size().to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'own_job_goal': 3, 'personal_job_broker': 3, 'individual_match': 2,
     'clear_agreements': 1, 'follow_up_progression': 2}
    """
    text = (
        importlib.resources.files("activemeasures_flereskalmed")
        .joinpath("data", "survey_items.csv")
        .read_text(encoding="utf-8")
    )
    return validate_item_map(pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False))


def item_codes(row: Mapping) -> tuple[float, ...]:
    """The five answer codes of an item-map row, scored 1..5 in order.

    Examples
    --------
    >>> from activemeasures_flereskalmed.elements import item_codes
    >>> item_codes({"scale": "1-5"}), item_codes({"scale": "10;30;50;70;90"})
    ((1.0, 2.0, 3.0, 4.0, 5.0), (10.0, 30.0, 50.0, 70.0, 90.0))
    """
    codes = _parse_scale(str(row["scale"]))
    if codes is None:
        raise ValueError(f"unreadable scale {row['scale']!r}; see validate_item_map")
    return codes


def item_recode(row: Mapping) -> dict[float, float] | None:
    """The ``recode`` of an item for :class:`~activemeasures.fidelity.SurveyMean`.

    ``None`` (answers taken as they are) for an unbanded item on ``1-5``; otherwise code
    :math:`k` of the scale → score :math:`k` (banded items always: band 0-20 % → 1, ...,
    80-100 % → 5; SPEC.md §6.4, interpretation).

    Examples
    --------
    >>> from activemeasures_flereskalmed.elements import item_recode
    >>> item_recode({"scale": "1-5", "banded": False}) is None
    True
    >>> item_recode({"scale": "0;20;40;60;80", "banded": True})
    {0.0: 1, 20.0: 2, 40.0: 3, 60.0: 4, 80.0: 5}
    """
    codes = item_codes(row)
    if not _banded(row["banded"]) and codes == (1.0, 2.0, 3.0, 4.0, 5.0):
        return None
    return {code: k for k, code in enumerate(codes, start=1)}


def _indicators(element: ElementInfo, items: pd.DataFrame) -> list[am.Indicator]:
    indicators = []
    rows = list(items.to_dict("records"))
    if rows:
        indicators.append(
            am.Indicator(
                key=f"KE{element.number}",
                label=f"KE{element.number} element score (1-5)",
                kind=ElementScore(
                    item=tuple(r["item"] for r in rows),
                    recodes=tuple(item_recode(r) for r in rows),
                ),
                source="staff survey",
                rated=False,
                citation="; ".join(dict.fromkeys(r["citation"] for r in rows)),
                description=(
                    "Mean over the element's questions of the municipal mean staff answer "
                    "(SPEC.md §6.4 interpretation, §11 A-42); not traffic-lighted: the sources "
                    "give no target for scores."
                ),
            )
        )
    for r in rows:
        recode = item_recode(r)
        indicators.append(
            am.Indicator(
                key=f"KE{element.number}.{r['item']}",
                label=f"{r['label']} (mean answer, 1-5)",
                kind=SurveyMean(item=r["item"], recode=recode, national="municipality_mean"),
                source="staff survey",
                rated=False,
                citation=r["citation"],
                description="Mean staff answer per municipality; nationally the mean of the "
                "municipal means (003, L1022-1026).",
            )
        )
        indicators.append(
            am.Indicator(
                key=f"KE{element.number}.{r['item']}.high",
                label=f"{r['label']} (share of municipalities high/very high)",
                kind=ShareHigh(item=r["item"], recode=recode, at_least=HIGH_ANSWER),
                source="staff survey",
                rated=False,
                citation=f"{r['citation']}; SPEC.md §11 A-26",
                description=f"Municipalities whose mean answer is at least {HIGH_ANSWER} "
                "(SPEC.md §11 A-26, interpretation).",
            )
        )
    return indicators


def core_elements(item_map: pd.DataFrame | None = None) -> list[am.CoreElement]:
    """The six core elements KE1-KE6 of 'Flere skal med' with their survey indicators.

    Parameters
    ----------
    item_map : pandas.DataFrame, optional
        The question → element mapping (:func:`load_item_map`, the default; or a user's,
        checked with :func:`validate_item_map`).

    Returns
    -------
    list of CoreElement
        KE1 ... KE6 in order, keys :data:`~activemeasures_flereskalmed.constants.CORE_ELEMENTS`,
        each with one sub-component ``KE<n>`` holding, when questions are mapped to it:

        * ``KE<n>``: the element score
          (:class:`~activemeasures_flereskalmed.fidelity_kinds.ElementScore`);
        * ``KE<n>.<item>``: the mean answer per question
          (:class:`~activemeasures.fidelity.SurveyMean`, staff, national = mean of the
          municipal means, banded questions recoded);
        * ``KE<n>.<item>.high``: the share of municipalities whose mean answer is at least 4
          (:class:`~activemeasures_flereskalmed.fidelity_kinds.ShareHigh`, SPEC.md §11 A-26).

    Notes
    -----
    None of these indicators is traffic-lighted (``rated=False``): the sources report scores
    and distributions, never a target per question (003, L1189-1209), so the elements get no
    low/medium/high level. KE5 (resource focus) has no specific indicator in the sources
    (SPEC.md §6.4): its sub-component is empty unless the item map assigns questions to it.
    Evaluate per round with ``evaluate_fidelity(data, programme, round="baseline")``.

    Examples
    --------
    >>> from activemeasures_flereskalmed.elements import core_elements
    >>> elements = core_elements()
    >>> [(e.number, e.key, len(e.indicators)) for e in elements]  # doctest: +NORMALIZE_WHITESPACE
    [(1, 'own_job_goal', 7), (2, 'personal_job_broker', 7), (3, 'individual_match', 5),
     (4, 'clear_agreements', 3), (5, 'resource_focus', 0), (6, 'follow_up_progression', 5)]
    >>> elements[5].indicators[-1].key
    'KE6.ke6_company_network.high'
    """
    items = load_item_map() if item_map is None else validate_item_map(item_map)
    result = []
    for element in ELEMENTS:
        mine = items[items["element"] == element.key]
        result.append(
            am.CoreElement(
                key=element.key,
                label=element.label,
                label_da=element.label_da,
                number=element.number,
                citation=element.citation,
                description=element.description,
                sub_components=[
                    am.SubComponent(
                        key=f"KE{element.number}",
                        label=f"KE{element.number} survey questions",
                        indicators=_indicators(element, mine),
                        citation="(003, L1038-1048, L1193-1196)",
                        description="Questions judged to describe the element (part report 2, "
                        "not among the sources; SPEC.md §11 A-42).",
                    )
                ],
            )
        )
    return result
