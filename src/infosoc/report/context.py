"""What every section builder works with while the report is gathered."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .data import ReportData
from .localiser import Localiser
from .notes import Notes

if TYPE_CHECKING:
    from ..store import Store


@dataclass
class Figure:
    """A figure quoted in the summary: its period, value and footnotes."""

    year: str
    value: Any
    notes: tuple[int, ...]


@dataclass
class Findings:
    """What the sections found that the summary quotes (None: not found)."""

    egdi_history: list[dict[str, Any]] = field(default_factory=list)  # editions with values
    states_ranked: int | None = None  # in the latest edition
    interval: Mapping[str, Any] | None = None  # the latest rank's Monte Carlo interval
    users: Figure | None = None  # the published share of internet users
    broadband: Figure | None = None
    mobile: Figure | None = None
    speed: Mapping[str, Any] | None = None  # the fixed download speed quoted
    speed_notes: tuple[int, ...] = ()
    speed_methods: list[str] = field(default_factory=list)  # how each speed source measures
    peers_by: str | None = None  # "neighbours" or "subregion"
    peers: Sequence[Mapping[str, Any]] = ()
    targets: dict[str, Any] | None = None  # the targets' whole result, which the SWOT reuses
    scorecard: Mapping[str, Any] | None = None  # of the targets, when any is registered
    article: dict[str, int] | None = None  # claims checked, by verdict, and "total"


@dataclass
class Context:
    """The country, the language, the data and the footnotes of the report being gathered."""

    data: ReportData
    store: Store  # one read-only store for the whole gathering
    iso3: str
    name: str  # the country's name in the report's language
    loc: Localiser
    notes: Notes
    found: Findings = field(default_factory=Findings)

    def series(self, code: str, iso3s: Sequence[str]) -> list[dict[str, Any]]:
        """Values of one indicator with the file each came from; [] when the store has none."""
        return list(self.store.series(code, list(iso3s)))
