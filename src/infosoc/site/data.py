"""What the site reads from the library: the report's queries and a few for the whole world,
as a typed protocol that :class:`infosoc.Observatory` satisfies."""

from __future__ import annotations

from typing import Protocol

from ..records import Records
from ..report.data import ReportData


class SiteData(ReportData, Protocol):
    """Every query the site makes: the report's, and the rank intervals of a whole edition."""

    def rank_intervals(
        self, index: str, *, period: str | None = None, samples: int = 1000, seed: int = 0
    ) -> Records:
        """Every unit's nominal rank and 5-95 % Monte Carlo interval in one run."""
        ...
