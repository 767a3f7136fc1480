"""Ookla tile files as GeoJSON FeatureCollections, read to the table of Ookla's Parquet files.

Ookla's classic columns are the properties (``quadkey, avg_d_kbps, avg_u_kbps, avg_lat_ms,
tests, devices``) and each feature's geometry is its zoom-16 tile polygon in CRS84, as GDAL and
geopandas write them from Ookla's shapefiles. The quadkey is the ``quadkey`` property; a
feature without one is placed by its geometry's centre. Some copies carry ``"geometry": null``
for every feature: the quadkey then places the tile alone. An empty FeatureCollection is a
quarter in which nobody ran a test there: a table without rows.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from ..errors import InputError
from ..structured import JSON_MAX_BYTES, load_json, read_bytes
from .ookla_tile_formats import (
    COUNTS,
    LATENCIES,
    MAX_LAT,
    MAX_LON,
    REQUIRED_VALUES,
    ZOOM,
    complaint,
    coordinate_complaint,
    digit_strings,
    number_array,
    quadkey_of,
)

# Polygon corners on the mercator edge may print a hair beyond it after a round trip to text.
_EDGE_SLACK = 1e-9
_CRS84 = re.compile(r"(OGC:.*CRS84|EPSG:+4326)$", re.IGNORECASE)
_QUADKEY = re.compile(r"[0-3]{1,32}")


def _load(path: Path) -> list[Any]:
    """The features of a GeoJSON FeatureCollection in lon/lat, or an InputError."""
    name = str(path)
    data = read_bytes(path, max_bytes=JSON_MAX_BYTES)
    if not data.strip():
        raise InputError("the file is empty", file=name)
    document = load_json(data, file=name)
    kind = document.get("type") if isinstance(document, dict) else type(document).__name__
    if kind != "FeatureCollection":
        raise InputError(f"is not a GeoJSON FeatureCollection (its type is {kind!r})", file=name)
    if not isinstance(document.get("features"), list):
        raise InputError("is a FeatureCollection without a list of features", file=name)
    crs = document.get("crs")
    if isinstance(crs, dict):
        crs_name = str((crs.get("properties") or {}).get("name", ""))
        if crs_name and not _CRS84.search(crs_name):
            raise InputError(
                f"its coordinates are in {crs_name}: tiles must be in longitude and latitude "
                "(CRS84 or EPSG:4326)",
                file=name,
            )
    features: list[Any] = document["features"]
    return features


def _fault(message: str, path: Path, row: int, column: str | None = None) -> InputError:
    return InputError(message, file=str(path), row=row, column=column)


def _positions(coordinates: Any) -> list[Any]:
    """Every position of a GeoJSON geometry's (nested) coordinates."""
    if isinstance(coordinates, list) and coordinates and not isinstance(coordinates[0], list):
        return [coordinates]
    out: list[Any] = []
    for part in coordinates if isinstance(coordinates, list) else ():
        out.extend(_positions(part))
    return out


def _centre(geometry: Any, row: int, path: Path) -> tuple[float, float] | None:
    """The centre of a feature's geometry (the middle of its extent: a tile polygon's
    centroid), every position checked; None for a null geometry."""
    if geometry is None:
        return None
    if not isinstance(geometry, dict) or "coordinates" not in geometry:
        raise _fault("is not a GeoJSON geometry with coordinates", path, row, "geometry")
    points = _positions(geometry["coordinates"])
    if not points:
        raise _fault(f"the {geometry.get('type')} has no coordinates", path, row, "geometry")
    lons, lats = [], []
    for point in points:
        if len(point) < 2 or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in point[:2]
        ):
            message = f"position {json.dumps(point)} is not [longitude, latitude]"
            raise _fault(message, path, row, "geometry")
        lons.append(float(point[0]))
        lats.append(float(point[1]))
    for axis, values, limit in (("lon", lons, MAX_LON), ("lat", lats, MAX_LAT + _EDGE_SLACK)):
        for value in values:
            if not abs(value) <= limit:
                raise _fault(coordinate_complaint(axis, value) or "", path, row, "geometry")
    # A tile polygon's corners may sit on the mercator edge; its centre never does.
    return (min(lons) + max(lons)) / 2.0, (min(lats) + max(lats)) / 2.0


def _property_value(properties: dict[str, Any], column: str, row: int, path: Path) -> Any:
    value = properties.get(column)
    if value is None and column in REQUIRED_VALUES and column not in properties:
        raise InputError(
            f"the feature has no property '{column}'", file=str(path), row=row, column=column
        )
    problem = complaint(column, value)
    if problem:
        raise InputError(problem, file=str(path), row=row, column=column)
    return value


def read_geojson_tiles(path: Path) -> Any:
    """The tiles of a GeoJSON FeatureCollection as the table of Ookla's Parquet files:
    ``quadkey`` (the property, else the zoom-16 tile of the geometry's centre), the speeds
    and latencies as float64 (null where a loaded latency is null), ``tests`` and
    ``devices`` as int64. An empty collection is a quarter without tiles: no rows.

    Every feature is checked: values as in :func:`check_values`, coordinates inside web
    mercator, a property quadkey agreeing with its polygon, one feature per tile.
    """
    features = _load(path)
    optional = [c for c in LATENCIES[1:] if any(_has(f, c) for f in features)]
    columns = [*REQUIRED_VALUES[:3], *optional, *COUNTS]
    values: dict[str, list[Any]] = {c: [] for c in columns}
    quadkeys: list[str | None] = []
    centres: list[tuple[float, float] | None] = []
    width: int | None = None
    for row, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise InputError("is not a GeoJSON Feature", file=str(path), row=row)
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            raise InputError("its properties are not an object", file=str(path), row=row)
        for column in columns:
            values[column].append(_property_value(properties, column, row, path))
        quadkeys.append(_quadkey_property(properties, row, path, width))
        width = width or (len(quadkeys[-1]) if quadkeys[-1] else None)
        centres.append(_centre(feature.get("geometry"), row, path))
        if quadkeys[-1] is None and centres[-1] is None:
            raise InputError(
                "the feature has neither a quadkey nor a geometry: the tile cannot be placed",
                file=str(path),
                row=row,
                column="quadkey",
            )
    keys = _placed(quadkeys, centres, path)
    arrays = [keys]
    for column in columns:
        if column in COUNTS:
            arrays.append(number_array(np.array(values[column], dtype=np.int64)))
        else:
            missing = np.array([v is None for v in values[column]], dtype=bool)
            numbers = [math.nan if v is None else v for v in values[column]]
            arrays.append(number_array(np.array(numbers, dtype=np.float64), missing))
    return pa.Table.from_arrays(arrays, names=["quadkey", *columns])


def _has(feature: Any, column: str) -> bool:
    properties = feature.get("properties") if isinstance(feature, dict) else None
    return isinstance(properties, dict) and column in properties


def _quadkey_property(
    properties: dict[str, Any], row: int, path: Path, width: int | None
) -> str | None:
    """A feature's quadkey property, checked: digits 0-3, ``width`` of them (the first
    quadkey's, None before it)."""
    value = properties.get("quadkey")
    if value is None:
        return None
    if not isinstance(value, str) or not _QUADKEY.fullmatch(value):
        message = f"{json.dumps(value)} is not a quadkey (1 to 32 digits 0-3)"
        raise _fault(message, path, row, "quadkey")
    if width is not None and len(value) != width:
        raise _fault(
            f"quadkey '{value}' has {len(value)} digits where the first has {width} "
            "(tiles of mixed zoom levels)",
            path,
            row,
            "quadkey",
        )
    return value


def _placed(
    quadkeys: list[str | None], centres: list[tuple[float, float] | None], path: Path
) -> Any:
    """Every feature's quadkey as one string array: the property where there is one (checked
    against the geometry), else the tile of the geometry's centre."""
    given = [q for q in quadkeys if q is not None]
    zoom = len(given[0]) if given else ZOOM
    located = [(i, c) for i, c in enumerate(centres) if c is not None]
    derived: dict[int, str] = {}
    if located:
        lon = np.array([c[0] for _, c in located])
        # Within the slack allowed to corners on the mercator edge, but not beyond it.
        lat = np.clip([c[1] for _, c in located], -MAX_LAT, MAX_LAT)
        quadkeys_there = quadkey_of(lon, lat, zoom).to_pylist()
        derived = {i: q for (i, _), q in zip(located, quadkeys_there, strict=True)}
    keys: list[str] = []
    seen: dict[str, int] = {}
    for i, quadkey in enumerate(quadkeys):
        placed = derived.get(i)
        if quadkey is not None and placed is not None and placed != quadkey:
            raise InputError(
                f"quadkey '{quadkey}' is not the tile of the feature's geometry (its centre "
                f"{centres[i]} lies in tile '{placed}')",
                file=str(path),
                row=i + 1,
                column="quadkey",
            )
        key = quadkey if quadkey is not None else placed
        assert key is not None  # a feature with neither was refused as it was read
        if key in seen:
            raise InputError(
                f"features {seen[key]} and {i + 1} are the same tile ({key}): a quarter's "
                "file has one row per tile",
                file=str(path),
                row=i + 1,
                column="quadkey",
            )
        seen[key] = i + 1
        keys.append(key)
    width = len(keys[0]) if keys else 0
    chars = np.frombuffer("".join(keys).encode("ascii"), dtype=np.uint8).reshape(len(keys), width)
    return digit_strings(chars)
