"""The 'Flere skal med' programme for activemeasures.

'Flere skal med' scaled the JobFirst model to 88 municipalities and about 26,000 long-term
recipients of cash-benefit-like benefits, without randomisation (003, L5, L10; SPEC.md §2.2).

This distribution registers under the ``activemeasures`` entry-point group as
``flereskalmed``.
"""

__all__ = ["PROGRAMME_NAME", "VISITATION_GROUPS"]

#: The name the programme is registered under.
PROGRAMME_NAME = "flereskalmed"

#: Visitation groups by code (003, L75, L3987, L4001; SPEC.md §7.1, §11 A-31).
VISITATION_GROUPS: dict[int, str] = {
    1: "intervention",
    2: "rehabilitation",
    3: "uncontactable",
    6: "postponed",
}
