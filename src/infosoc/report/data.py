"""What the report needs to read: the queries it makes, as typed protocols.

:class:`infosoc.Observatory` satisfies :class:`ReportData` as it is (mypy checks it where the
Observatory hands itself to the report); the report imports nothing from the Observatory, and
a test or another front end can hand it any object with these methods.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol

from ..i18n import Lang

if TYPE_CHECKING:
    from ..analysis.connectivity import PeerBy
    from ..geo.regions import Regions
    from ..store import Store

#: A row of a query's answer.
Row = Mapping[str, Any]


class DivideData(Protocol):
    """The digital divide from speed tiles (:class:`infosoc.divide.Divide`)."""

    def quarters(self, kind: str, /) -> Sequence[Any]:
        """The quarters of tiles held for a network (``"fixed"``), oldest first."""
        ...

    def report(self, country: str, *, lang: str) -> Mapping[str, Any]:
        """The divide's indicators in ``country`` for every quarter held, with their trend."""
        ...

    def regions(self, *, country: str, layout: str) -> Regions:
        """The country's region boundaries in a layout (``"2022"``)."""
        ...


class ReportData(Protocol):
    """Every query the report makes, with the arguments it passes."""

    def reading(self) -> AbstractContextManager[Store]:
        """One read-only store for every query made inside the block."""
        ...

    def sources(self) -> Sequence[Row]:
        """Every source version held, with its provenance."""
        ...

    def egdi(self, country: str, *, lang: Lang) -> Sequence[Row]:
        """Every edition of the UN E-Government Survey for ``country``."""
        ...

    def rank(self, period: str | None, /) -> Sequence[Row]:
        """The EGDI ranking of one edition."""
        ...

    def rank_interval(
        self, index: str, country: str, *, period: str | None, samples: int, seed: int
    ) -> Mapping[str, Any]:
        """``country``'s rank in ``index`` and its Monte Carlo interval."""
        ...

    def penetration(self, country: str) -> Sequence[Row]:
        """Internet users ÷ population against the published share, year by year."""
        ...

    def speed(self, country: str, *, measure: str | None) -> Sequence[Row]:
        """Internet speeds held for ``country``."""
        ...

    def peers(self, country: str, *, indicator: str, by: PeerBy, lang: Lang) -> Sequence[Row]:
        """``country``'s peers on ``indicator``, ranked (``by``: neighbours or subregion)."""
        ...

    @property
    def divide(self) -> DivideData:
        """The digital divide inside a country, from speed tiles."""
        ...

    def targets(self, country: str, *, lang: Lang) -> dict[str, Any]:
        """``country``'s national targets, each judged, with a scorecard."""
        ...

    def swot(
        self, country: str, *, lang: Lang, targets: dict[str, Any] | None
    ) -> Mapping[str, Any]:
        """The SWOT found in the data, and the review article's SWOT tested."""
        ...

    def article(self, *, lang: Lang = "en") -> Mapping[str, Any]:
        """The review article's claims (under ``"claims"``), each with the value computed, a
        verdict and its explanation in ``lang``."""
        ...
