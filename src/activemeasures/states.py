"""Weekly states of a citizen's timeline.

A citizen can be in several states in the same week (an internship combined with ordinary
hours is the heart of the JobFirst model), so states are bit flags: one ``uint16`` per
citizen-week holds all of them (DESIGN.md §4.3).
"""

from __future__ import annotations

import enum

__all__ = ["ACTIVITY_STATES", "DERIVED_STATES", "State"]


class State(enum.IntFlag):
    """A state a citizen can be in during a week since visitation.

    Members are single bits and combine with ``|``:
    ``State.INTERNSHIP | State.WAGE_SUBSIDY`` is the mask "internship or wage subsidy".

    Attributes
    ----------
    INTERNSHIP
        Company internship (*virksomhedspraktik*), enterprise-directed (SPEC.md §1.2; 001, L293).
        Sniffing internships are registered as internships too (000, L480).
    WAGE_SUBSIDY
        Employment with wage subsidy (*løntilskud*), enterprise-directed (001, L294).
    ORDINARY_HOURS
        The week has ordinary paid hours (*ordinære timer*) > 0 (001, L341). **Derived** from the
        ``hours`` table, never read from ``activities``.
    FLEX_JOB
        Flex job (*fleksjob*), part of the FSM "virksomhedsforløb mv." composite (003, L138).
    EDUCATION
        Ordinary (mainstream) education (*ordinær uddannelse*) (003, L138).
    SNIFFING
        Sniffing activity (*snuseaktivitet*): short try-outs at workplaces (000, L391, L480).
    MENTOR
        Mentor support (GE6 fidelity, SPEC.md §4.1).
    ORDINARY_EMPLOYMENT
        Ordinary employment (*ordinær beskæftigelse*) as a registered spell (004, L107).
    RESOURCE_COURSE
        Resource course (*ressourceforløb*), an FSM "clarification" destination (003, L59).
    DISABILITY_PENSION
        Disability pension (*førtidspension*), an FSM "clarification" destination (003, L61).
    PUBLIC_BENEFIT
        Receives any public income transfer that week (for "employment without benefit",
        003, L2200).

    Notes
    -----
    ``ENTERPRISE_DIRECTED`` is the composite of the JobFirst 13-week criterion: internship,
    wage subsidy or a week with ordinary hours (001, L319-326; SPEC.md §4.3).

    Examples
    --------
    >>> from activemeasures import State
    >>> mask = State.INTERNSHIP | State.WAGE_SUBSIDY
    >>> State.WAGE_SUBSIDY in mask
    True
    >>> State.ENTERPRISE_DIRECTED == State.INTERNSHIP | State.WAGE_SUBSIDY | State.ORDINARY_HOURS
    True
    """

    INTERNSHIP = 1 << 0
    WAGE_SUBSIDY = 1 << 1
    ORDINARY_HOURS = 1 << 2
    FLEX_JOB = 1 << 3
    EDUCATION = 1 << 4
    SNIFFING = 1 << 5
    MENTOR = 1 << 6
    ORDINARY_EMPLOYMENT = 1 << 7
    RESOURCE_COURSE = 1 << 8
    DISABILITY_PENSION = 1 << 9
    PUBLIC_BENEFIT = 1 << 10

    ENTERPRISE_DIRECTED = INTERNSHIP | WAGE_SUBSIDY | ORDINARY_HOURS

    @classmethod
    def parse(cls, value: State | str | int) -> State:
        """Return the state for a member, a name such as ``"WAGE_SUBSIDY"`` or a bit value.

        Names may be combined with ``|`` (``"INTERNSHIP|WAGE_SUBSIDY"``) and are
        case-insensitive.

        Raises
        ------
        ValueError
            If a name is unknown; the message lists the known names.

        Examples
        --------
        >>> State.parse("internship | wage_subsidy") == State.INTERNSHIP | State.WAGE_SUBSIDY
        True
        """
        if isinstance(value, cls):
            return value
        if isinstance(value, int):
            return cls(value)
        result = cls(0)
        for part in str(value).split("|"):
            name = part.strip().upper()
            try:
                result |= cls[name]
            except KeyError:
                known = ", ".join(m.name for m in cls)
                raise ValueError(f"unknown state {name!r}; known states: {known}") from None
        return result


#: States that are derived from another table and cannot be registered as activities.
DERIVED_STATES: frozenset[State] = frozenset({State.ORDINARY_HOURS})

#: State names accepted in the ``activity`` column of the activities table.
ACTIVITY_STATES: tuple[str, ...] = tuple(
    m.name for m in State if m not in DERIVED_STATES and m.name is not None
)
