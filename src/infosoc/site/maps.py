"""The world map of an indicator: Natural Earth's countries coloured by value (decision 0020)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..report.localiser import Localiser
from .figures import NARROW, WIDE, Drawing
from .world import Indicator


def map_drawing(values: Mapping[str, Any], spec: Indicator, loc: Localiser) -> Drawing | None:
    """A world choropleth of ``values`` (ISO3 -> value or None), wide and narrow; None when
    nothing has a value. Countries without a value are grey, never coloured as 0."""
    if not any(v is not None for v in values.values()):
        return None
    from ..geo.world import numeric_to_iso3, world_topology
    from ..worldmap import world_map

    topology, ids = world_topology(), numeric_to_iso3()

    def spec_of(width: int, narrow: bool) -> dict[str, Any]:
        chart = world_map(topology, ids, dict(values), legend_title="", lang=loc.lang,
                          reverse=spec.lower_is_better, width=width, narrow=narrow)  # fmt: skip
        drawn: dict[str, Any] = chart.to_dict(validate=False)
        drawn.pop("title", None)
        return drawn

    return Drawing(spec_of(WIDE, False), spec_of(NARROW, True))
