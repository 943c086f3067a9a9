"""The 'Flere skal med' programme for activemeasures.

'Flere skal med' scaled the JobFirst model to 88 municipalities and about 26,000 long-term
recipients of cash-benefit-like benefits, without randomisation (003, L5, L10; SPEC.md §2.2).

This distribution registers under the ``activemeasures`` entry-point group as
``flereskalmed``.
"""

import pandas as pd

import activemeasures as am
from activemeasures_flereskalmed import (
    checks,
    criteria,
    elements,
    outcomes,
    report_tables,
    visitation,
)
from activemeasures_flereskalmed.constants import PROGRAMME_NAME, VISITATION_GROUPS

__all__ = [
    "PROGRAMME_NAME",
    "VISITATION_GROUPS",
    "prepare_dataset",
    "register_core_elements",
    "register_outcomes",
    "register_programmes",
    "register_report_tables",
    "register_success_criteria",
    "register_visitation_groups",
    "resolve_visitations",
]


@am.hookimpl
def register_programmes() -> list[am.Programme]:
    """Declare 'Flere skal med': citizens visited into groups, no randomisation (003, L12-14);
    fidelity concerns the intervention group 1 (003, L98-106; SPEC.md §6.4)."""
    return [
        am.Programme(
            name=PROGRAMME_NAME,
            label="Flere skal med",
            label_da="Flere skal med",
            design="visitation",
            arms=("comparison",),
            participants=am.Population(groups=("1",)),
            citation="(003, L5-14, L75-118)",
            description=(
                "The JobFirst model scaled to 88 municipalities and about 26,000 long-term "
                "cash-benefit recipients, visited into groups; evaluated descriptively."
            ),
        )
    ]


_GROUP_DETAILS = {
    1: ("Intervention group", "Gruppe 1: Indsatsgruppen", True, "(003, L75-78, L100-118)"),
    2: ("Rehabilitation", "Gruppe 2: Rehabilitering", False, "(003, L83-88)"),
    3: ("Uncontactable", "Gruppe 3: (Ukontaktbar)", False, "(003, L90-94, L2121)"),
    6: ("Postponed visitation", "Udskudt visitation", False, "(003, L3987, L4001)"),
}


@am.hookimpl
def register_visitation_groups(programme: str) -> list[am.VisitationGroup]:
    """The four visitation groups, in the preference order of the de-duplication rule
    (group 1, 2, 3, then 6; 003, L3977-4001; SPEC.md §7)."""
    if programme != PROGRAMME_NAME:
        return []
    return [
        am.VisitationGroup(
            code=code,
            key=VISITATION_GROUPS[code],
            label=label,
            label_da=label_da,
            intervention=intervention,
            rank=rank,
            citation=citation,
        )
        for rank, (code, (label, label_da, intervention, citation)) in enumerate(
            _GROUP_DETAILS.items()
        )
    ]


@am.hookimpl
def register_core_elements(programme: str) -> list[am.CoreElement]:
    """The six core elements, measured by the staff survey (SPEC.md §6.4)."""
    return elements.core_elements() if programme == PROGRAMME_NAME else []


@am.hookimpl
def register_outcomes(programme: str) -> list:
    """The outcomes of the monthly figures (SPEC.md §4.7)."""
    return outcomes.outcomes() if programme == PROGRAMME_NAME else []


@am.hookimpl
def register_success_criteria(programme: str) -> list[am.SuccessCriterion]:
    """Visitation as planned and the 40 % funding criterion (SPEC.md §4.7, §11 A-32)."""
    return criteria.success_criteria() if programme == PROGRAMME_NAME else []


@am.hookimpl
def prepare_dataset(programme: str, dataset: am.Dataset) -> am.Dataset | None:
    """Survey answers outside the scale 1-5 removed and counted, group codes checked
    (:func:`activemeasures_flereskalmed.checks.clean_dataset`)."""
    return checks.clean_dataset(dataset) if programme == PROGRAMME_NAME else None


@am.hookimpl
def register_report_tables(programme: str) -> list[am.ReportTable]:
    """The monthly outcome table and figure by visitation group (SPEC.md §4.7)."""
    return report_tables.report_tables() if programme == PROGRAMME_NAME else []


@am.hookimpl
def resolve_visitations(programme: str, records: pd.DataFrame) -> am.ResolvedVisitations | None:
    """One visitation group per citizen by the exact rule of SPEC.md §7.2 (003, L3971-4001)."""
    return visitation.resolve(programme, records)
