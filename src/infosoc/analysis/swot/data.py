"""What the SWOT's checks read about one country: its series, its peer groups and the
programme-targets scorecard, each read once."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ...errors import InfosocError, NotFoundError
from ...geo.countries import country
from ...i18n import Lang
from ...store import Store
from .. import connectivity
from .rules import PeerBy, TargetsFn
from .texts import group_basis, group_name, phrase


@dataclass(frozen=True)
class PeerGroup:
    """A peer group: how it was formed, its name, and its members other than the country."""

    by: PeerBy
    name: str
    members: tuple[str, ...]
    #: The vintage of the classification (income groups), if any.
    period: str | None = None

    def label(self, lang: Lang, iso3: str) -> str:
        """The group's name in ``lang``."""
        return group_name(self.by, self.name, lang, country(iso3).name(lang))

    def basis(self, lang: Lang) -> str:
        """How the group was formed, in ``lang``."""
        return group_basis(self.by, lang, self.period)


class CountryData:
    """What the checks read from the store, each series and group read once."""

    def __init__(self, store: Store, iso3: str, lang: Lang, targets: TargetsFn | None) -> None:
        self.store, self.iso3, self.lang, self.targets_fn = store, iso3, lang, targets
        self._meta: dict[str, dict[str, Any] | None] = {}
        self._series: dict[str, dict[str, dict[str, dict[str, Any]]]] = {}
        self._groups: dict[PeerBy, PeerGroup | str] = {}
        self._targets: dict[str, Any] | str | None = None

    @property
    def name(self) -> str:
        return country(self.iso3).name(self.lang)

    def meta(self, code: str) -> dict[str, Any] | None:
        if code not in self._meta:
            try:
                self._meta[code] = connectivity.indicator_meta(self.store, code)
            except NotFoundError:
                self._meta[code] = None
        return self._meta[code]

    def series(self, code: str) -> dict[str, dict[str, dict[str, Any]]]:
        """entity -> period -> row, present values only."""
        if code not in self._series:
            by_entity: dict[str, dict[str, dict[str, Any]]] = {}
            for row in connectivity.series(self.store, code):
                value = row["value"]
                if value is not None and not math.isnan(value):
                    by_entity.setdefault(row["entity"], {})[row["period"]] = row
            self._series[code] = by_entity
        return self._series[code]

    def group(self, by: PeerBy) -> PeerGroup | str:
        """The peer group, or why it cannot be formed."""
        if by not in self._groups:
            self._groups[by] = self._form_group(by)
        return self._groups[by]

    def _form_group(self, by: PeerBy) -> PeerGroup | str:
        try:
            members = connectivity.peer_group(self.store, self.iso3, by)
        except InfosocError as exc:
            return str(exc)
        others = tuple(m for m in members if m != self.iso3)
        home = country(self.iso3)
        if by == "income":
            rows = self.store.rows(
                "SELECT value, period FROM current_attributes WHERE entity = ? "
                "AND attribute = 'income_group' ORDER BY period DESC LIMIT 1",
                [self.iso3],
            )
            return PeerGroup(by, str(rows[0]["value"]), others, str(rows[0]["period"]))
        name = {"region": home.region, "subregion": home.subregion}.get(by) or by
        return PeerGroup(by, name, others)

    def groups_used(self) -> dict[PeerBy, PeerGroup | str]:
        return dict(self._groups)

    def targets(self) -> dict[str, Any] | str:
        """The programme-targets scorecard, or why there is none (in ``lang``)."""
        if self._targets is None:
            if self.targets_fn is None:
                self._targets = phrase("no_targets_api", self.lang)
            else:
                try:
                    self._targets = self.targets_fn(self.iso3)
                except InfosocError as exc:
                    self._targets = phrase("no_targets", self.lang, detail=exc)
        return self._targets
