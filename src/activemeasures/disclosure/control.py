"""The disclosure-control setting and the protected table it produces."""

from __future__ import annotations

import attrs
import numpy as np
import pandas as pd

__all__ = ["DisclosureControl", "ProtectedTable"]


def _check_min_cell(instance, attribute, value) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"min_cell must be a positive integer, got {value!r}")


def _check_enabled(instance, attribute, value) -> None:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"enabled must be True or False, got {value!r}")


@attrs.frozen(kw_only=True)
class DisclosureControl:
    """How tables are protected before they leave the library (DESIGN.md §10).

    Parameters
    ----------
    min_cell : int, default 5
        Counts of persons from 1 to ``min_cell - 1``, and every statistic resting on them,
        are suppressed. 5 is the usual rule for output from Statistics Denmark's research
        machines.
    enabled : bool, default True
        ``False`` switches protection off. This is an explicit choice: it is kept in every
        :class:`ProtectedTable` and printed by :meth:`describe`.

    Examples
    --------
    >>> from activemeasures.disclosure import DisclosureControl
    >>> print(DisclosureControl().describe())
    Disclosure control: cells resting on fewer than 5 persons are suppressed
    (primary and secondary).
    >>> print(DisclosureControl(enabled=False).describe())
    Disclosure control switched off by the user (enabled=False): cells may rest
    on fewer than 5 persons.
    """

    min_cell: int = attrs.field(default=5, validator=_check_min_cell)
    enabled: bool = attrs.field(default=True, validator=_check_enabled)

    @property
    def marker(self) -> str:
        """How a suppressed cell is shown in text and CSV, e.g. ``"<5"``."""
        return f"<{self.min_cell}"

    def describe(self) -> str:
        """One sentence for a report, saying what protection was applied."""
        if not self.enabled:
            return (
                "Disclosure control switched off by the user (enabled=False): cells may rest "
                f"on fewer than {self.min_cell} persons."
            )
        return (
            f"Disclosure control: cells resting on fewer than {self.min_cell} persons are "
            "suppressed (primary and secondary)."
        )


#: Columns of :meth:`ProtectedTable.summary`.
SUMMARY_COLUMNS = (
    "enabled",
    "min_cell",
    "n_cells",
    "n_primary",
    "n_secondary",
    "n_exposed_totals",
)


@attrs.frozen(kw_only=True)
class ProtectedTable:
    """A table after disclosure control, made by :func:`protect`, :func:`protect_counts` or
    :func:`protect_shares`.

    Attributes
    ----------
    frame : pandas.DataFrame
        The protected table: suppressed entries are missing values.
    suppressed : pandas.DataFrame
        Boolean mask of the same shape, index and columns: ``True`` where an entry was
        suppressed (missing values that were *not* suppressed, e.g. a share of zero persons,
        are ``False``: they mean "no data").
    n_cells : int
        Number of cells (counts of persons) examined.
    n_primary : int
        Cells suppressed because they rest on 1 to ``min_cell - 1`` persons.
    n_secondary : int
        Further cells suppressed so that published totals cannot reveal a suppressed one.
    exposed_totals : pandas.DataFrame
        Totals that must *not* be published next to the table, one row each: ``count``
        (count column), ``along`` (the key summed over), the key values of the line (the
        summed-over key missing) and ``reason`` (``"rests on fewer than min_cell persons"``,
        or ``"reveals a suppressed cell"`` when no other cell of the line could be
        suppressed). Usually empty.
    control : DisclosureControl
        The setting used.
    """

    frame: pd.DataFrame = attrs.field(eq=False)
    suppressed: pd.DataFrame = attrs.field(eq=False)
    n_cells: int
    n_primary: int
    n_secondary: int
    exposed_totals: pd.DataFrame = attrs.field(eq=False)
    control: DisclosureControl

    def summary(self) -> pd.DataFrame:
        """One row: ``enabled, min_cell, n_cells, n_primary, n_secondary, n_exposed_totals``."""
        row = {
            "enabled": self.control.enabled,
            "min_cell": self.control.min_cell,
            "n_cells": self.n_cells,
            "n_primary": self.n_primary,
            "n_secondary": self.n_secondary,
            "n_exposed_totals": len(self.exposed_totals),
        }
        return pd.DataFrame([row], columns=list(SUMMARY_COLUMNS))

    def rendered(self, *, marker: str | None = None, missing: str = "") -> pd.DataFrame:
        """The table as text: suppressed entries as *marker* (default ``"<5"``), other
        missing values as *missing* (never 0)."""
        marker = self.control.marker if marker is None else marker
        shown = self.frame.astype(object)
        shown = shown.where(shown.notna(), missing)
        return shown.where(~self.suppressed.to_numpy(dtype=bool), marker)

    def _show_index(self) -> bool:
        return not isinstance(self.frame.index, pd.RangeIndex)

    def to_text(self, *, marker: str | None = None, missing: str = "") -> str:
        """The table as aligned text, suppressed entries shown as the marker."""
        text = self.rendered(marker=marker, missing=missing).to_string(index=self._show_index())
        return "\n".join(line.rstrip() for line in text.splitlines())

    def to_csv(self, path=None, *, marker: str | None = None, missing: str = ""):
        """Write the table as CSV (suppressed entries as the marker); returns the text when
        *path* is ``None``."""
        return self.rendered(marker=marker, missing=missing).to_csv(
            path, index=self._show_index(), lineterminator="\n"
        )

    def __str__(self) -> str:
        return self.control.describe() + "\n" + self.to_text()

    def __repr__(self) -> str:
        return (
            f"<ProtectedTable: {len(self.frame)} rows, {self.n_cells} cells, "
            f"{self.n_primary} primary and {self.n_secondary} secondary suppressions, "
            f"min_cell={self.control.min_cell}, enabled={self.control.enabled}>"
        )

    def _repr_html_(self) -> str:
        return f"<p>{self.control.describe()}</p>" + self.rendered().to_html(
            index=self._show_index()
        )
