"""The Dataset: one validated, frozen bundle of every input table of an evaluation.

Everything downstream (panels, fidelity indicators, success criteria) reads from a Dataset, so
the tables are validated once, together, and the cut-off date travels with them.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import pandas as pd

from activemeasures.errors import MissingTableError
from activemeasures.panel import QUALITY_RULES, Panel, as_cutoff, as_horizon
from activemeasures.quality import DataQualityReport, QualityEntry
from activemeasures.validation import validate_tables

__all__ = ["TABLES", "Dataset"]

#: Names of the tables a Dataset can hold, in the order of DESIGN.md §4.1.
TABLES: tuple[str, ...] = ("citizens", "activities", "hours", "events", "survey", "visitations")


def _frozen_frame(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    # A private copy: later changes to the caller's frame never reach the Dataset.
    return None if frame is None else frame.copy()


@attrs.frozen(kw_only=True, repr=False, eq=False)
class Dataset:
    """Validated input tables of one evaluation and their data cut-off.

    Build one with :meth:`from_frames`; the constructor assumes validated tables.

    Attributes
    ----------
    citizens : pandas.DataFrame
        One row per citizen (:data:`activemeasures.schemas.CITIZENS`).
    activities, hours, events, survey, visitations : pandas.DataFrame or None
        The other input tables (:mod:`activemeasures.schemas`); ``None`` when not given.
    cutoff : pandas.Timestamp
        Last day covered by the register data.
    quality : DataQualityReport
        Records read per table (panels add what they exclude).
    """

    citizens: pd.DataFrame = attrs.field(converter=_frozen_frame)
    cutoff: pd.Timestamp = attrs.field(converter=as_cutoff)
    activities: pd.DataFrame | None = attrs.field(default=None, converter=_frozen_frame)
    hours: pd.DataFrame | None = attrs.field(default=None, converter=_frozen_frame)
    events: pd.DataFrame | None = attrs.field(default=None, converter=_frozen_frame)
    survey: pd.DataFrame | None = attrs.field(default=None, converter=_frozen_frame)
    visitations: pd.DataFrame | None = attrs.field(default=None, converter=_frozen_frame)
    quality: DataQualityReport = attrs.field(factory=DataQualityReport)
    _panels: dict[int, Panel] = attrs.field(factory=dict, init=False)

    @classmethod
    def from_frames(
        cls,
        citizens: pd.DataFrame,
        activities: pd.DataFrame | None = None,
        hours: pd.DataFrame | None = None,
        *,
        events: pd.DataFrame | None = None,
        survey: pd.DataFrame | None = None,
        visitations: pd.DataFrame | None = None,
        cutoff: object,
        allow_cpr: bool = False,
    ) -> Dataset:
        """Validate the tables together and bundle them.

        Parameters
        ----------
        citizens : pandas.DataFrame
            One row per citizen (required).
        activities, hours, events, survey, visitations : pandas.DataFrame, optional
            The other tables of DESIGN.md §4.1.
        cutoff : date-like
            Last day covered by the register data; later weeks are censored.
        allow_cpr : bool, default False
            Accept identifiers that look like Danish CPR numbers (see
            :func:`~activemeasures.validate_tables`).

        Returns
        -------
        Dataset

        Raises
        ------
        ValidationError
            Listing every broken rule of every table at once; no identifier is shown.

        Examples
        --------
        >>> import pandas as pd
        >>> from activemeasures import Dataset
        >>> citizens = pd.DataFrame({"citizen_id": ["a", "b"], "municipality": ["X", "X"],
        ...                          "visitation_date": ["2016-03-01", "2016-03-08"],
        ...                          "arm": ["treatment", "control"]})
        >>> events = pd.DataFrame({"citizen_id": ["a"], "date": ["2016-03-15"],
        ...                        "event": ["conversation"]})
        >>> data = Dataset.from_frames(citizens, events=events, cutoff="2016-06-30")
        >>> data
        <Dataset: 2 citizens; events (1 rows); cut-off 2016-06-30>
        >>> data.panel(horizon=10).observed_weeks
        array([10, 10], dtype=int16)
        """
        cutoff = as_cutoff(cutoff)
        tables = validate_tables(
            citizens,
            activities,
            hours,
            events=events,
            survey=survey,
            visitations=visitations,
            allow_cpr=allow_cpr,
        )
        read = [
            QualityEntry(
                table=name, rule=QUALITY_RULES["read"], action="read", n_records=len(frame)
            )
            for name, frame in tables.items()
            if frame is not None
        ]
        return cls(**tables, cutoff=cutoff, quality=DataQualityReport(read))

    # ------------------------------------------------------------------ accessors

    @property
    def n_citizens(self) -> int:
        """Number of citizens."""
        return len(self.citizens)

    @property
    def tables(self) -> Mapping[str, pd.DataFrame]:
        """The tables present, by name (``citizens`` first)."""
        return {name: getattr(self, name) for name in TABLES if getattr(self, name) is not None}

    def require(self, *names: str, by: str) -> None:
        """Raise a clear error when a table *by* needs is missing.

        Parameters
        ----------
        *names : str
            Table names (see :data:`TABLES`).
        by : str
            What needs them, for the message (e.g. ``"indicator 1.2a"``).
        """
        missing = [name for name in names if getattr(self, name, None) is None]
        if missing:
            raise MissingTableError(
                f"{by} needs the {' and '.join(missing)} table"
                f"{'s' if len(missing) > 1 else ''}, which the dataset does not have"
            )

    def panel(self, horizon: int) -> Panel:
        """The weekly citizen timeline, built once per horizon and then reused.

        Parameters
        ----------
        horizon : int
            Number of weeks since visitation.

        Returns
        -------
        Panel
            Rows in the order of :attr:`citizens`.
        """
        horizon = as_horizon(horizon)
        if horizon not in self._panels:
            tables = {"citizens": self.citizens, "activities": self.activities}
            tables["hours"] = self.hours
            self._panels[horizon] = Panel._from_validated(tables, self.cutoff, horizon)
        return self._panels[horizon]

    def __repr__(self) -> str:
        others = [
            f"{name} ({len(frame)} rows)"
            for name, frame in self.tables.items()
            if name != "citizens"
        ]
        listed = "; ".join([f"{self.n_citizens} citizens", *others])
        return f"<Dataset: {listed}; cut-off {self.cutoff.date()}>"
