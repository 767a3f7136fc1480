"""Geography: countries, Kazakhstan's regions and districts, boundaries, settlements.

The package exports the country resolver, which every layer uses. The rest is imported from its
module, so that resolving a country does not load numpy or shapely:

- :mod:`.countries`, :mod:`.m49`, :mod:`.borders`: countries, their UN areas and neighbours;
- :mod:`.kz_regions`: Kazakhstan's regions by name and code, their layouts and crosswalk;
- :mod:`.regions`: ``Regions`` and ``load_regions`` (any boundary file), ``kazakhstan_regions``;
- :mod:`.kz_boundaries`: the official boundaries of Kazakhstan's regions and districts;
- :mod:`.population`: population by region; :mod:`.places`, :mod:`.settlements`: towns and
  villages;
- :mod:`.points`: which region holds each point, and the distance to the nearest place.
"""

from .countries import (
    Country,
    all_countries,
    country,
    member_states,
    resolve,
    resolve_many,
)

__all__ = [
    "Country",
    "all_countries",
    "country",
    "member_states",
    "resolve",
    "resolve_many",
]
