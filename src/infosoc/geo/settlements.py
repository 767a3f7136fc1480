"""Kazakhstan's settlements from OpenStreetMap, placed in their districts and regions.

The file is the Humanitarian OpenStreetMap Team's export of populated places (a GeoJSON of
points with the OSM tags ``name``, ``name:kk``, ``name:ru``, ``name:en``, ``place``,
``population``, ``osm_id``...). It crosses the border, has no KATO codes and is neither
complete nor official: every figure made from it carries :data:`SOURCE_LABEL`. Each point is
placed in the district (geokz, 2024 layout) that holds it, and through the district's KATO
code in its region; points in no district are outside Kazakhstan and only counted.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..csvfiles import parse_number
from ..errors import InputError
from ..i18n import LANGS, Lang
from ..structured import JSON_MAX_BYTES, read_bytes
from .kz_boundaries import KzBoundaries
from .kz_regions import kz_region_names
from .points import OUTSIDE, assign_points
from .regions import check_geojson_crs, geojson_document

OSM_PLACES = Path("kz") / "osm" / "hotosm_kaz_populated_places_points_geojson.geojson"
SOURCE_LABEL = (
    "OpenStreetMap contributors (ODbL 1.0); incomplete and of mixed vintage, "
    "not an official register"
)
PLACE_TYPES: tuple[str, ...] = ("city", "town", "village", "hamlet", "isolated_dwelling")
RURAL_TYPES: tuple[str, ...] = ("village", "hamlet")
# The official count of rural settlements, as the Ministry of Digital Development reported it
# on 21 October 2025 (zakon.kz, article 6494976; SOURCES.md 10d). No register with
# coordinates and population is public, so OSM cannot be matched to it place by place.
OFFICIAL_RURAL_SETTLEMENTS = 6_179
OFFICIAL_RURAL_SETTLEMENTS_YEAR = 2025
OFFICIAL_RURAL_SETTLEMENTS_SOURCE = (
    "Ministry of Digital Development, as reported on 2025-10-21 (zakon.kz, article 6494976)"
)

_NAME_TAGS = {lang: f"name:{lang}" for lang in LANGS}  # OSM's name:en, name:ru, name:kk
# Words around a figure that leave it unambiguous: "~500", "около 500", "500 чел.".
_APPROXIMATELY = re.compile(r"^(?:~|≈|±|ca\.?|c\.|approx\.?|about|около|примерно|шамамен)\s*", re.I)
_PEOPLE = re.compile(r"\s*(?:чел\.?|человек|people|inhabitants|адам)$", re.I)
# Thousands grouped by spaces (plain, no-break, thin) or apostrophes: "1 200", "12 345 678".
# ASCII digits only: other scripts' digits are not read as a population (parse_number refuses them).
_SPACE_GROUPED = re.compile(r"[0-9]{1,3}(?:[ \u00a0\u202f\u2009'’][0-9]{3})+")
_WHOLE = re.compile(r"[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+")


@dataclass(frozen=True)
class Settlement:
    """One OSM populated place inside Kazakhstan.

    ``population`` is the ``population`` tag read as a whole number of people (None when the
    place has no tag, or a tag that is not one unambiguous positive number: never 0, never
    guessed); ``population_tag`` is the tag's text as written, kept whenever there is one.
    ``district`` and ``region`` are KATO codes (2024 layout); ``region_code`` is the ISO
    3166-2 code of the region (``KZ-11``).
    """

    osm_id: int
    osm_type: str
    name: str | None
    names: dict[str, str | None]
    place: str
    population: int | None
    population_tag: str | None
    lon: float
    lat: float
    district: str
    region: str
    region_code: str

    def display_name(self, lang: Lang = "en") -> str | None:
        """The name in ``lang`` (``name:ru`` ...), else the local ``name``."""
        return self.names.get(lang) or self.name


@dataclass(frozen=True)
class Settlements:
    """The settlements of one OSM file inside one set of districts.

    ``features`` counts the file's features; ``outside`` those of the five place types whose
    point lies in no district (across the border); ``other_places`` the features of any other
    ``place`` value (or none), by value, which are left out.
    """

    items: tuple[Settlement, ...]
    districts: KzBoundaries
    path: Path
    sha256: str
    features: int
    outside: int
    other_places: dict[str, int]
    source: str = SOURCE_LABEL

    def __len__(self) -> int:
        return len(self.items)


def parse_population(tag: Any) -> int | None:
    """An OSM ``population`` tag as a whole number of people, or None.

    Read: plain digits, thousands grouped by commas, spaces or apostrophes ("1,200",
    "1 200"), and a figure marked as approximate or followed by a word for people ("~500",
    "около 500", "500 чел."). Not read (None): anything else, such as a range ("500-700"),
    a list ("500;600"), "500+", a decimal ("1.200", "1,5") or 0, which OSM uses both for
    abandoned places and for unknown ones.
    """
    if tag is None or isinstance(tag, bool):
        return None
    if isinstance(tag, int):
        return tag if tag > 0 else None
    if isinstance(tag, float):
        return int(tag) if math.isfinite(tag) and tag.is_integer() and tag > 0 else None
    text = _PEOPLE.sub("", _APPROXIMATELY.sub("", str(tag).strip())).strip()
    if _SPACE_GROUPED.fullmatch(text):
        text = re.sub(r"\D", "", text)
    if not _WHOLE.fullmatch(text):
        return None
    value = parse_number(text, file="", row=0, column="population", thousands=True)
    return int(value) if value is not None and value > 0 else None


def load_settlements(path: Path, districts: KzBoundaries) -> Settlements:
    """The populated places of a HOT OSM export (GeoJSON points) that lie in ``districts``.

    A feature that is not a Point, coordinates outside -180..180 / -90..90, a missing or
    repeated ``osm_id`` are errors naming the file, the feature (row, from 1) and the field.
    """
    path = Path(path)
    data = read_bytes(path, max_bytes=JSON_MAX_BYTES, file=path.name)
    points = _read_points(data, path.name)
    kept = [p for p in points if p["place"] in PLACE_TYPES]
    other: dict[str, int] = {}
    for p in points:
        if p["place"] not in PLACE_TYPES:
            other[str(p["place"])] = other.get(str(p["place"]), 0) + 1
    lon = np.array([p["lon"] for p in kept], dtype=np.float64)
    lat = np.array([p["lat"] for p in kept], dtype=np.float64)
    found = assign_points(lon, lat, districts.geometries)
    items = []
    for p, index in zip(kept, found.tolist(), strict=True):
        if index == OUTSIDE:
            continue
        district = districts.keys[index]
        items.append(
            Settlement(
                osm_id=p["osm_id"],
                osm_type=p["osm_type"],
                name=p["name"],
                names=p["names"],
                place=p["place"],
                population=parse_population(p["population"]),
                population_tag=_text(p["population"]),
                lon=p["lon"],
                lat=p["lat"],
                district=district,
                region=districts.region_kato[district],
                region_code=districts.region_code[district],
            )
        )
    return Settlements(
        items=tuple(items),
        districts=districts,
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        features=len(points),
        outside=len(kept) - len(items),
        other_places=dict(sorted(other.items())),
    )


def _read_points(data: bytes, file: str) -> list[dict[str, Any]]:
    """Every feature's point and tags, checked."""
    doc = geojson_document(data, file)
    if not (isinstance(doc, dict) and isinstance(doc.get("features"), list)):
        raise InputError("is not a GeoJSON FeatureCollection", file=file)
    check_geojson_crs(doc.get("crs"), file)
    points = []
    seen: dict[tuple[str, int], int] = {}
    for row, feature in enumerate(doc["features"], start=1):
        if not isinstance(feature, dict):
            raise InputError("the feature is not a GeoJSON Feature object", file=file, row=row)
        props = feature.get("properties") or {}
        if not isinstance(props, dict):
            raise InputError("the feature's properties are not an object", file=file, row=row)
        lon, lat = _point(feature.get("geometry"), file, row)
        osm_id = props.get("osm_id")
        if isinstance(osm_id, str) and osm_id.strip().isdigit():
            osm_id = int(osm_id)
        if not isinstance(osm_id, int) or isinstance(osm_id, bool):
            raise InputError(
                f"the OSM id {osm_id!r} is not a whole number", file=file, row=row, column="osm_id"
            )
        osm_type = str(props.get("osm_type") or "nodes")
        if (osm_type, osm_id) in seen:
            raise InputError(
                f"{osm_type} {osm_id} is also feature {seen[(osm_type, osm_id)]}",
                file=file,
                row=row,
                column="osm_id",
            )
        seen[(osm_type, osm_id)] = row
        points.append(
            {
                "osm_id": osm_id,
                "osm_type": osm_type,
                "name": _text(props.get("name")),
                "names": {lang: _text(props.get(tag)) for lang, tag in _NAME_TAGS.items()},
                "place": _text(props.get("place")),
                "population": props.get("population"),
                "lon": lon,
                "lat": lat,
            }
        )
    return points


def _point(geometry: Any, file: str, row: int) -> tuple[float, float]:
    """A GeoJSON Point's longitude and latitude in degrees, or an InputError."""
    if not isinstance(geometry, dict):
        raise InputError("the feature has no geometry", file=file, row=row, column="geometry")
    kind = geometry.get("type")
    if kind != "Point":
        raise InputError(
            f"the geometry is a {kind}, not a Point", file=file, row=row, column="geometry"
        )
    position = geometry.get("coordinates")
    if not (
        isinstance(position, list)
        and len(position) in (2, 3)
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in position)
        and all(math.isfinite(v) for v in position)
    ):
        raise InputError(
            f"the coordinates {json.dumps(position)[:60]} are not a longitude and a latitude",
            file=file,
            row=row,
            column="geometry",
        )
    lon, lat = float(position[0]), float(position[1])
    if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
        raise InputError(
            f"({lon:.6g}, {lat:.6g}) is not a longitude within -180..180 and a latitude "
            "within -90..90: the file must be in WGS84 degrees",
            file=file,
            row=row,
            column="geometry",
        )
    return lon, lat


def _text(value: Any) -> str | None:
    """A tag's value as text; None for a missing or blank one."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


# --- what is printed ----------------------------------------------------------------------------

SUMMARY_LEVELS: tuple[str, ...] = ("district", "region")


def settlement_summary(
    settlements: Settlements, level: str = "district", lang: Lang = "en"
) -> list[dict[str, Any]]:
    """One row per district (or region), every one of them even without a settlement: the
    settlements by place type, how many carry a population tag and the sum of those tags
    (None when none does, never 0), and the tags that could not be read."""
    if level not in SUMMARY_LEVELS:
        raise InputError(f"unknown level '{level}': choose district or region")
    districts = settlements.districts
    region_names = kz_region_names(lang)
    units: dict[str, dict[str, Any]] = {}
    for key in sorted(
        districts.keys if level == "district" else set(districts.region_kato.values())
    ):
        if level == "district":
            code = districts.region_code[key]
            head = {
                "district": key,
                "name": districts.name(key, lang),
                "region": districts.region_kato[key],
                "region_code": code,
                "region_name": region_names[code],
            }
        else:
            code = f"KZ-{key[:2]}"
            head = {"region": key, "name": region_names[code], "region_code": code}
        units[key] = {**head, **_counts(())}
    groups: dict[str, list[Settlement]] = {key: [] for key in units}
    for item in settlements.items:
        groups[item.district if level == "district" else item.region].append(item)
    return [
        {**units[key], **_counts(items), "source": settlements.source}
        for key, items in groups.items()
    ]


def _counts(items: Any) -> dict[str, Any]:
    """Settlements by place type; those with a population tag; the sum of the tags read as a
    number (None when there is none, never 0); and the tags not read (such as "0")."""
    items = list(items)
    read = [i.population for i in items if i.population is not None]
    tags = sum(i.population_tag is not None for i in items)
    return {
        "settlements": len(items),
        **{place: sum(i.place == place for i in items) for place in PLACE_TYPES},
        "with_population_tag": tags,
        "population": sum(read) if read else None,
        "population_unread": tags - len(read),
    }


def settlement_list(settlements: Settlements, lang: Lang = "en") -> list[dict[str, Any]]:
    """Every settlement with its district and region (KATO codes and names), sorted by
    district, place type (cities first) and name."""
    districts = settlements.districts
    region_names = kz_region_names(lang)
    rows = []
    for item in sorted(
        settlements.items,
        key=lambda i: (
            i.district,
            PLACE_TYPES.index(i.place),
            i.display_name(lang) or "",
            i.osm_id,
        ),
    ):
        rows.append(
            {
                "osm_id": item.osm_id,
                "name": item.display_name(lang),
                "name_kk": item.names.get("kk"),
                "name_ru": item.names.get("ru"),
                "name_en": item.names.get("en"),
                "place": item.place,
                "population": item.population,
                "population_tag": item.population_tag,
                "lon": item.lon,
                "lat": item.lat,
                "district": item.district,
                "district_name": districts.name(item.district, lang),
                "region": item.region,
                "region_code": item.region_code,
                "region_name": region_names[item.region_code],
                "source": settlements.source,
            }
        )
    return rows


def coverage(settlements: Settlements) -> dict[str, Any]:
    """What the OSM list covers, against the official count of rural settlements.

    OSM's villages and hamlets are the nearest thing to the official rural settlements; its
    isolated dwellings (farmsteads, winter camps) are not settlements in that sense. The
    ratios compare counts only: without KATO codes the two lists cannot be matched place by
    place.
    """
    items = settlements.items
    counts = _counts(items)
    rural = _counts(i for i in items if i.place in RURAL_TYPES)
    official = OFFICIAL_RURAL_SETTLEMENTS
    result: dict[str, Any] = {
        "settlements": counts["settlements"],
        "by_place": {place: counts[place] for place in PLACE_TYPES},
        "with_population_tag": counts["with_population_tag"],
        "population": counts["population"],
        "population_unread": counts["population_unread"],
        "villages_and_hamlets": rural["settlements"],
        "villages_and_hamlets_with_population_tag": rural["with_population_tag"],
        "villages_and_hamlets_population": rural["population"],
        "official_rural_settlements": official,
        "official_year": OFFICIAL_RURAL_SETTLEMENTS_YEAR,
        "official_source": OFFICIAL_RURAL_SETTLEMENTS_SOURCE,
        "villages_and_hamlets_per_official": rural["settlements"] / official,
        "with_population_tag_per_official": rural["with_population_tag"] / official,
        "features_in_file": settlements.features,
        "outside_kazakhstan": settlements.outside,
        "other_places": settlements.other_places,
        "source": settlements.source,
    }
    result["note"] = coverage_note(result)
    return result


_PLURALS = {
    "city": "cities",
    "town": "towns",
    "village": "villages",
    "hamlet": "hamlets",
    "isolated_dwelling": "isolated dwellings",
}


def coverage_note(cov: dict[str, Any]) -> str:
    """The coverage of :func:`coverage` in one paragraph."""
    by_place = ", ".join(f"{n:,} {_PLURALS[place]}" for place, n in cov["by_place"].items())
    unread = cov["population_unread"]
    return (
        f"OpenStreetMap lists {cov['settlements']:,} populated places in Kazakhstan "
        f"({by_place}); {cov['with_population_tag']:,} carry a population tag "
        + (f"({unread:,} not read as a number of people, such as 0) " if unread else "")
        + f"that add up to {cov['population'] or 0:,} people, of mixed vintage. Its "
        f"{cov['villages_and_hamlets']:,} villages and hamlets are "
        f"{cov['villages_and_hamlets_per_official']:.0%} of the official count of "
        f"{cov['official_rural_settlements']:,} rural settlements ({cov['official_year']}); "
        f"{cov['villages_and_hamlets_with_population_tag']:,} of them "
        f"({cov['with_population_tag_per_official']:.0%} of that count) carry a population "
        f"tag, {cov['villages_and_hamlets_population'] or 0:,} people. The lists are not the "
        "same set (OSM has no KATO codes, keeps winter camps and abandoned places and may miss "
        "official villages): these are counts, not a match. "
        f"Source: {cov['source']}."
    )


def settlement_report(
    settlements: Settlements, level: str = "district", *, each: bool = False, lang: Lang = "en"
) -> dict[str, Any]:
    """The settlements by district or region (or each settlement, with ``each``), with the
    coverage against the official count and the source label."""
    rows = (
        settlement_list(settlements, lang) if each else settlement_summary(settlements, level, lang)
    )
    return {
        "country": "KAZ",
        "level": "settlement" if each else level,
        "source": settlements.source,
        "file": settlements.path.name,
        "sha256": settlements.sha256,
        "boundaries": settlements.districts.path.name if settlements.districts.path else None,
        "rows": rows,
        "coverage": coverage(settlements),
    }
