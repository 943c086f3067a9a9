"""The library's own hook implementations, registered through the same hooks as any plugin.

Registered by every :class:`~activemeasures.Registry` under the name ``activemeasures``.
"""

from __future__ import annotations

import pandas as pd
import pluggy

from activemeasures.programme import ResolvedVisitations
from activemeasures.quality import DataQualityReport, QualityEntry

hookimpl = pluggy.HookimplMarker("activemeasures")  # the same marker as activemeasures.hookimpl


@hookimpl(trylast=True)
def resolve_visitations(programme: str, records: pd.DataFrame) -> ResolvedVisitations:
    """Default: drop records that end before they start, keep each citizen's earliest record.

    Ties on the start date go to the lowest group code (compared as text). Programmes with a
    rule of their own (e.g. 'Flere skal med', SPEC.md §7.2) implement the hook themselves.
    """
    ends_first = records["end"].notna() & (records["end"] < records["start"])
    kept = records.loc[~ends_first].assign(_code=lambda f: f["group"].astype(str))
    kept = kept.sort_values(["start", "_code"], kind="stable")
    first = kept.drop_duplicates("citizen_id", keep="first").drop(columns="_code")
    table = "visitations"
    quality = DataQualityReport(
        (
            QualityEntry(table=table, rule="records read", action="read", n_records=len(records)),
            QualityEntry(
                table=table,
                rule="ends before it starts",
                action="excluded",
                n_records=int(ends_first.sum()),
            ),
            QualityEntry(
                table=table,
                rule="later record of the same citizen",
                action="excluded",
                n_records=len(kept) - len(first),
            ),
        )
    )
    first = first.sort_values("citizen_id", kind="stable")
    return ResolvedVisitations(table=first, quality=quality)
