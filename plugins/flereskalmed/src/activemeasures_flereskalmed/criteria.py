"""The success criteria of 'Flere skal med' (SPEC.md §4.7, §11 A-32)."""

from __future__ import annotations

import activemeasures as am
from activemeasures_flereskalmed.constants import ENTERPRISE_COURSE_SHARE_MIN, WINDOW_MONTHS
from activemeasures_flereskalmed.kinds import EverShare, VisitationShare, WindowShare

__all__ = ["success_criteria"]

_GROUP_1 = am.Population(groups=("1",))
_SC2_CITATION = "(003, L120-138, L383-387, L2167-2173)"


def success_criteria() -> list[am.SuccessCriterion]:
    """The success criteria of 'Flere skal med', for the ``register_success_criteria`` hook.

    Returns
    -------
    list of SuccessCriterion
        ``visitation_as_planned``
            ``FSM_SC1``: the municipality visited its citizens as planned (003, L128),
            measured as the share of all citizens (the target group) whose visitation records
            resolve to group 1, 2 or 3 (:class:`~activemeasures_flereskalmed.kinds.
            VisitationShare`). No target: the sources give no number.
        ``enterprise_course_etc_rolling``
            ``FSM_SC2``: at least 40 % of group 1 in "virksomhedsforløb mv." over a period of
            3 months (003, L120-138, L383-387, L2167-2173): the best rolling 3-calendar-month
            window up to the cut-off (:class:`~activemeasures_flereskalmed.kinds.WindowShare`),
            target 0.40.
        ``enterprise_course_etc_quarter``
            The same over calendar quarters, target 0.40.
        ``enterprise_course_etc_cumulative``
            Group 1 ever in "virksomhedsforløb mv." since visitation, the "more than 70 %"
            figure (003, L406-408, L2547; :class:`~activemeasures_flereskalmed.kinds.
            EverShare`). Reported without a target: the 40 % refers to a 3-month period.

    Notes
    -----
    Criterion 2 is met by a municipality when its value is :math:`\\ge 0.40`; 84 of 88
    municipalities met it (003, L397-401, L2171-2173). "Over a period of 3 months" is not
    operationalised in the sources; the rolling window with the best share is the default
    reading, the calendar quarter an alternative (Interpretation, SPEC.md §11 A-32).

    Examples
    --------
    >>> from activemeasures_flereskalmed.criteria import success_criteria
    >>> [(c.key, c.target) for c in success_criteria()]  # doctest: +NORMALIZE_WHITESPACE
    [('visitation_as_planned', None), ('enterprise_course_etc_rolling', 0.4),
     ('enterprise_course_etc_quarter', 0.4), ('enterprise_course_etc_cumulative', None)]
    """
    return [
        am.SuccessCriterion(
            key="visitation_as_planned",
            label="Citizens visited into a group (as planned)",
            kind=VisitationShare(),
            target=None,
            population=am.Population(),
            citation="(003, L69-71, L128)",
            description=(
                "Share of the target group whose visitation records resolve to group 1, 2 or 3 "
                "under the de-duplication rule; postponed visitation (group 6) is not yet "
                "visited. Interpretation: the sources give no measure or number."
            ),
        ),
        am.SuccessCriterion(
            key="enterprise_course_etc_rolling",
            label="At least 40 % of group 1 in virksomhedsforløb mv. within 3 months (rolling)",
            kind=WindowShare(months=WINDOW_MONTHS, windows="rolling", select="best"),
            target=ENTERPRISE_COURSE_SHARE_MIN,
            population=_GROUP_1,
            citation=_SC2_CITATION,
            description=(
                "Best rolling window of 3 calendar months up to the cut-off; citizens visited "
                "by the window start and observed through it count (SPEC.md §11 A-32)."
            ),
        ),
        am.SuccessCriterion(
            key="enterprise_course_etc_quarter",
            label="At least 40 % of group 1 in virksomhedsforløb mv. within a calendar quarter",
            kind=WindowShare(months=WINDOW_MONTHS, windows="calendar", select="best"),
            target=ENTERPRISE_COURSE_SHARE_MIN,
            population=_GROUP_1,
            citation=_SC2_CITATION,
            description="Best calendar quarter up to the cut-off (SPEC.md §11 A-32).",
        ),
        am.SuccessCriterion(
            key="enterprise_course_etc_cumulative",
            label="Group 1 ever in virksomhedsforløb mv. since visitation",
            kind=EverShare(),
            target=None,
            population=_GROUP_1,
            citation="(003, L406-408, L2547)",
            description="Cumulative share, the 'more than 70 %' (Table 4-4 mean 72 %) figure.",
        ),
    ]
