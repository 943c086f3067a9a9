"""The data-quality report: what was read, and what was excluded or cut, by which rule.

Nothing is dropped without being counted here (DESIGN.md §10). The report holds counts only,
never identifiers, so it can be printed and exported as it is.
"""

from __future__ import annotations

import attrs
import pandas as pd

__all__ = ["DataQualityReport", "QualityEntry"]

#: Columns of :meth:`DataQualityReport.to_frame`.
QUALITY_COLUMNS = ("table", "rule", "action", "n_records")


@attrs.frozen(kw_only=True)
class QualityEntry:
    """One line of a :class:`DataQualityReport`.

    Parameters
    ----------
    table : str
        Input table the records come from.
    rule : str
        The rule that applied, in words.
    action : {"read", "excluded", "truncated", "note"}
        What happened to the records: counted as read, left out, cut to the follow-up window,
        or kept with a remark.
    n_records : int
        Number of records (rows) concerned.
    """

    table: str
    rule: str
    action: str = attrs.field(
        validator=attrs.validators.in_(("read", "excluded", "truncated", "note"))
    )
    n_records: int = attrs.field(converter=int)


@attrs.frozen
class DataQualityReport:
    """Counts of records read, excluded and truncated, by table and rule.

    Examples
    --------
    >>> from activemeasures.quality import DataQualityReport, QualityEntry
    >>> report = DataQualityReport((
    ...     QualityEntry(table="activities", rule="records read", action="read", n_records=10),
    ...     QualityEntry(table="activities", rule="ends before visitation", action="excluded",
    ...                  n_records=2),
    ... ))
    >>> report.excluded("activities")
    2
    >>> print(report)
    Data quality
         table                   rule   action  n_records
    activities           records read     read         10
    activities ends before visitation excluded          2
    """

    entries: tuple[QualityEntry, ...] = attrs.field(default=(), converter=tuple)

    def to_frame(self) -> pd.DataFrame:
        """Tidy table with columns ``table``, ``rule``, ``action``, ``n_records``."""
        return pd.DataFrame(
            [attrs.astuple(e) for e in self.entries], columns=list(QUALITY_COLUMNS)
        ).astype({"n_records": "int64"})

    def excluded(self, table: str | None = None) -> int:
        """Number of records excluded, from one table or from all."""
        return sum(
            e.n_records
            for e in self.entries
            if e.action == "excluded" and (table is None or e.table == table)
        )

    def __add__(self, other: DataQualityReport) -> DataQualityReport:
        return DataQualityReport(self.entries + other.entries)

    def __str__(self) -> str:
        if not self.entries:
            return "Data quality: nothing to report"
        return "Data quality\n" + self.to_frame().to_string(index=False)
