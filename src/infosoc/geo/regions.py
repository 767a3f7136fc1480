"""Sub-national regions: boundaries from a vector file, and Kazakhstan's regions across reforms.

:func:`load_regions` reads any set of region boundaries (GeoJSON with :mod:`json` and shapely,
anything else GDAL reads through pyogrio); geopandas and pandas are never imported here, so
that loading boundaries does not pay for their start-up. :func:`kazakhstan_regions` gives the 20
current regions of Kazakhstan keyed by their ISO 3166-2 codes.

Kazakhstan redrew its regions twice since the 1997 mergers, so a region code alone does not name
a territory: ``KZ-63`` East Kazakhstan lost Abai Region in 2022 but kept its code. A code *and a
layout* do. The three layouts are "1997" (14 oblasts, Almaty and Astana: 16), "2018" (Shymkent
split from South Kazakhstan, which was renamed Turkistan: 17) and "2022" (Abai, Jetisu and
Ulytau split from East Kazakhstan, Almaty Region and Karaganda: 20). ``kz_regions.csv`` lists
every region with the layouts it belongs to; ``kz_region_crosswalk.csv`` maps each region of a
layout to the region of the previous layout that contains it.
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
import numpy.typing as npt

from ..errors import InputError
from ..i18n import LANGS, Lang
from ..structured import JSON_MAX_BYTES, load_json, read_bytes
from .kz_regions import (
    LAYOUTS,
    check_layout,
    crosswalk,
    kz_layout_codes,
    kz_region_names,
    resolve_kz_regions,
)

# The key property tried, in this order, when the caller names none.
KEY_CANDIDATES: tuple[str, ...] = ("name", "shapeName", "NAME", "id")
OSMB_FILE = "OSMB-KZ_obl_sh-i.geojson"

_POLYGONAL = ("Polygon", "MultiPolygon")
_GEOJSON_SUFFIXES = (".geojson", ".json")
# A shapefile keeps its attributes and CRS beside the .shp; they are part of the boundary set.
_SHAPEFILE_SIDECARS = (".shx", ".dbf", ".prj", ".cpg")
# Names of WGS84 longitude/latitude in a legacy GeoJSON "crs" member or a GDAL CRS string.
_WGS84 = re.compile(r"(crs84|(^|:)4326)$")
_WKT_CRS84 = re.compile(r'(AUTHORITY|ID)\["OGC",\s*"CRS84"\]\]$')
# Coordinates a hair outside ±180/±90 happen in real files (rounding); projected ones are far out.
_SLACK = 1e-6
#: The largest boundary file read (with its sidecars): the bytes are read whole to be hashed.
MAX_BYTES = JSON_MAX_BYTES


@dataclass(frozen=True, eq=False)
class Regions:
    """A set of region boundaries, one (Multi)Polygon per key, in WGS84 longitude/latitude.

    ``names`` maps a language (en, ru, kk) to key -> display name; for a user's file every
    language shows the key. ``sha256`` hashes the file and the key property, so it names the
    boundary set for caching. ``repaired`` lists the keys whose invalid geometry was mended with
    ``shapely.make_valid``. Two sets are equal only when they are the same object (the arrays
    and dictionaries inside have no one meaning of equality).
    """

    keys: tuple[str, ...]
    names: dict[str, dict[str, str]]
    geometries: npt.NDArray[np.object_]
    path: Path | None
    key_property: str
    sha256: str
    layout: str | None = None
    repaired: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.keys)

    def name(self, key: str, lang: Lang = "en") -> str:
        """Display name of a region in ``lang``."""
        return self.names[lang][key]


# --- reading boundary files -------------------------------------------------------------------


def _file_bytes(path: Path) -> bytes:
    """The file's bytes (a shapefile's with its sidecars), each a regular file of at most
    :data:`MAX_BYTES`: a device or a FIFO is refused before it is opened."""
    data = read_bytes(path, max_bytes=MAX_BYTES, file=path.name)
    if path.suffix.lower() == ".shp":
        for suffix in _SHAPEFILE_SIDECARS:
            sidecar = path.with_suffix(suffix)
            if sidecar.exists():
                data += b"\x00" + read_bytes(sidecar, max_bytes=MAX_BYTES, file=sidecar.name)
    return data


def geojson_document(data: bytes, file: str) -> Any:
    """The decoded JSON of a GeoJSON file, or an InputError: empty, not UTF-8, not JSON, or
    beyond the limits of :func:`infosoc.structured.load_json`."""
    if not data.strip():
        raise InputError("the file is empty", file=file)
    return load_json(data, file=file)


def _geojson_features(data: bytes, file: str) -> list[tuple[dict[str, Any], Any]]:
    """(properties, shapely geometry or None) of each feature of a GeoJSON document."""
    from shapely.errors import ShapelyError

    doc = geojson_document(data, file)
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}
    if not (isinstance(doc, dict) and isinstance(doc.get("features"), list)):
        raise InputError("is not a GeoJSON FeatureCollection", file=file)
    check_geojson_crs(doc.get("crs"), file)
    for row, feature in enumerate(doc["features"], start=1):
        if not isinstance(feature, dict):
            raise InputError("the feature is not a GeoJSON Feature object", file=file, row=row)
        if not isinstance(feature.get("properties") or {}, dict):
            raise InputError("the feature's properties are not an object", file=file, row=row)
    features: list[tuple[dict[str, Any], Any]] = []
    for row, feature in enumerate(doc["features"], start=1):
        geometry = feature.get("geometry")
        try:
            geom = None if geometry is None else _geometry(geometry)
        except (ShapelyError, ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
            raise InputError(
                f"the geometry cannot be read ({exc})", file=file, row=row, column="geometry"
            ) from None
        features.append((feature.get("properties") or {}, geom))
    return features


def _geometry(geometry: dict[str, Any]) -> Any:
    """The shapely geometry of a GeoJSON geometry object, as ``shapely.geometry.shape`` gives.

    Polygons and multipolygons, what boundary files hold, are built from numpy arrays of their
    rings: ``shape()`` converts each point of a large boundary on its own (decision 0009). Any
    other type, or a polygon the arrays cannot hold, goes through ``shape()`` and its errors.
    """
    import shapely
    import shapely.geometry
    from shapely.errors import ShapelyError

    kind = geometry.get("type")
    # shape() refuses a null; a NaN it keeps, to be named with its feature by
    # check_coordinates: numpy's warning about it would only reach the user's terminal.
    with np.errstate(invalid="ignore"):
        if kind in ("Polygon", "MultiPolygon"):
            try:
                parts = (
                    geometry["coordinates"] if kind == "MultiPolygon" else [geometry["coordinates"]]
                )
                polygons = []
                for rings in parts:
                    arrays = [np.asarray(ring, dtype=float) for ring in rings]
                    if not all(np.isfinite(a).all() for a in arrays):  # a null became NaN
                        raise ValueError("a coordinate is not a number")
                    shells = [shapely.linearrings(a) for a in arrays]
                    polygons.append(shapely.polygons(shells[0], holes=shells[1:] or None))
                return shapely.multipolygons(polygons) if kind == "MultiPolygon" else polygons[0]
            except (ShapelyError, ValueError, TypeError, KeyError, IndexError):
                pass
        return shapely.geometry.shape(geometry)


def check_geojson_crs(crs: Any, file: str) -> None:
    """RFC 7946 GeoJSON is always CRS84; a legacy ``crs`` member may say otherwise."""
    if crs is None:
        return
    props = crs.get("properties") if isinstance(crs, dict) else None
    props = props if isinstance(props, dict) else {}
    name = props.get("name")
    if isinstance(name, str) and _WGS84.search(name.strip().lower()):
        return
    if props.get("code") == 4326:  # the 2008 GeoJSON draft's {"type": "EPSG", "code": ...}
        return
    shown = name if isinstance(name, str) else json.dumps(crs)[:80]
    raise InputError(
        f"its CRS is {shown}, not WGS84 longitude/latitude: reproject it to EPSG:4326 "
        "(for example: ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson)",
        file=file,
        column="crs",
    )


def _ogr_features(path: Path, file: str, layer: str | None) -> list[tuple[dict[str, Any], Any]]:
    """(properties, shapely geometry or None) of each feature of a file GDAL reads."""
    import pyogrio
    import pyogrio.errors
    import shapely

    try:
        meta, _, wkb, columns = pyogrio.raw.read(path, layer=layer)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise InputError(f"cannot be read as a vector file ({exc})", file=file) from None
    _check_ogr_crs(meta.get("crs"), file)
    if wkb is None:
        raise InputError("has no geometry column", file=file)
    geoms = shapely.from_wkb(wkb)
    fields = [str(f) for f in meta["fields"]]
    return [
        ({f: values[i] for f, values in zip(fields, columns, strict=True)}, geoms[i])
        for i in range(len(geoms))
    ]


def _pyproj_judgement(crs: str) -> tuple[bool, str]:
    """Whether pyproj finds ``crs`` to be WGS84 longitude/latitude, and its name."""
    try:
        import pyproj
        from pyproj.exceptions import CRSError
    except ImportError:  # pyproj comes with geopandas; without it only GDAL's names are known
        return False, crs[:80]
    try:
        parsed = pyproj.CRS.from_user_input(crs)
    except CRSError:
        return False, crs[:80]
    return parsed.equals("OGC:CRS84", ignore_axis_order=True), parsed.name


def _check_ogr_crs(crs: str | None, file: str) -> None:
    """GDAL names EPSG:4326 or CRS84 when it recognises them; pyproj judges any other WKT.

    A file without a CRS passes here: its coordinates are checked to be degrees instead.
    """
    if crs is None or crs in ("EPSG:4326", "OGC:CRS84") or _WKT_CRS84.search(crs):
        return
    lonlat, shown = _pyproj_judgement(crs)
    if lonlat:
        return
    raise InputError(
        f"its CRS is {shown}, not WGS84 longitude/latitude: reproject it to EPSG:4326 "
        "(for example: ogr2ogr -t_srs EPSG:4326 out.gpkg in.gpkg)",
        file=file,
        column="crs",
    )


def _key_text(value: Any) -> str | None:
    """A property value as a key: None for a missing one, whole numbers without ".0"."""
    if value is None:
        return None
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return None
        if float(value).is_integer():
            return str(int(value))
    text = str(value).strip()
    return text or None


def _choose_key(features: list[tuple[dict[str, Any], Any]], file: str) -> str:
    for candidate in KEY_CANDIDATES:
        if all(_key_text(props.get(candidate)) is not None for props, _ in features):
            return candidate
    available = list(dict.fromkeys(p for props, _ in features for p in props))
    raise InputError(
        f"none of {', '.join(KEY_CANDIDATES)} is a property of every feature; name the key "
        f"property (the features have: {', '.join(available) or 'no properties'})",
        file=file,
    )


def _polygonal(geom: Any, *, file: str, row: int) -> tuple[Any, bool]:
    """The feature's (Multi)Polygon, mended when invalid (and whether it was); else an error."""
    import shapely

    if geom is None or geom.is_empty:
        raise InputError("the feature has no geometry", file=file, row=row, column="geometry")
    if geom.geom_type not in _POLYGONAL:
        raise InputError(
            f"the geometry is a {geom.geom_type}, not a Polygon or MultiPolygon",
            file=file,
            row=row,
            column="geometry",
        )
    if geom.is_valid:
        return geom, False
    # make_valid may return a collection with stray lines and points: keep the areas only.
    polygons = [
        poly
        for part in shapely.get_parts(shapely.make_valid(geom))
        if part.geom_type in _POLYGONAL
        for poly in shapely.get_parts(part)
    ]
    if not polygons:
        raise InputError(
            "the geometry is invalid and has no area once repaired",
            file=file,
            row=row,
            column="geometry",
        )
    return (polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)), True


def check_coordinates(geometries: npt.NDArray[np.object_], file: str) -> None:
    """Every coordinate must be a longitude within ±180 and a latitude within ±90 (degrees,
    a hair of rounding allowed); the first that is not is an InputError naming the feature
    (as the row, from 1): NaN or infinite, swapped (latitude first), or projected (metres).
    Vectorised over every coordinate at once. A None geometry has no coordinates."""
    import shapely

    coords, index = shapely.get_coordinates(geometries, return_index=True)
    if not len(coords):
        return
    x, y = coords[:, 0], coords[:, 1]
    finite = np.isfinite(x) & np.isfinite(y)
    if not finite.all():
        i = int(np.argmax(~finite))
        raise InputError(
            f"the coordinate ({x[i]}, {y[i]}) is not a number",
            file=file,
            row=int(index[i]) + 1,
            column="geometry",
        )
    lon_ok = np.abs(x) <= 180 + _SLACK
    lat_ok = np.abs(y) <= 90 + _SLACK
    if (lon_ok & lat_ok).all():
        return
    i = int(np.argmax(~(lon_ok & lat_ok)))
    row = int(index[i]) + 1
    # Latitude first: every x is a latitude and every y a longitude, some beyond ±90.
    if (np.abs(x) <= 90 + _SLACK).all() and (np.abs(y) <= 180 + _SLACK).all():
        raise InputError(
            f"coordinates such as ({x[i]:.6g}, {y[i]:.6g}) look swapped: GeoJSON and "
            "boundary files give longitude first, then latitude",
            file=file,
            row=row,
            column="geometry",
        )
    raise InputError(
        f"coordinates such as ({x[i]:.6g}, {y[i]:.6g}) are not longitude/latitude degrees: "
        "reproject the file to EPSG:4326",
        file=file,
        row=row,
        column="geometry",
    )


def load_regions(path: Path, key: str | None = None, *, layer: str | None = None) -> Regions:
    """Region boundaries from a GeoJSON, GeoPackage, Shapefile or any file GDAL reads.

    ``key`` is the property naming each region; without it the first of ``name``,
    ``shapeName``, ``NAME`` and ``id`` that every feature has. ``layer`` picks a layer of a
    multi-layer file (default: the first). Errors name the file, the feature (as the row,
    counting from 1) and the property (as the column).
    """
    import shapely

    path = Path(path)
    file = path.name
    data = _file_bytes(path)
    if path.suffix.lower() in _GEOJSON_SUFFIXES:
        features = _geojson_features(data, file)
    else:
        features = _ogr_features(path, file, layer)
    if not features:
        raise InputError("holds no features", file=file)
    check_coordinates(np.array([g for _, g in features], dtype=object), file)
    key = key or _choose_key(features, file)
    keys: list[str] = []
    first_row: dict[str, int] = {}
    geoms: list[Any] = []
    repaired: list[str] = []
    for row, (props, geom) in enumerate(features, start=1):
        value = _key_text(props.get(key))
        if value is None:
            available = ", ".join(p for p in props if p != key) or "no properties"
            raise InputError(
                f"the feature has no property '{key}' (it has: {available})",
                file=file,
                row=row,
                column=key,
            )
        if value in first_row:
            raise InputError(
                f"'{value}' is also the key of feature {first_row[value]}; keys must be unique",
                file=file,
                row=row,
                column=key,
            )
        first_row[value] = row
        polygon, mended = _polygonal(geom, file=file, row=row)
        keys.append(value)
        geoms.append(polygon)
        if mended:
            repaired.append(value)
    geometries = shapely.force_2d(np.array(geoms, dtype=object))
    names: dict[str, dict[str, str]] = {lang: {k: k for k in keys} for lang in LANGS}
    return Regions(
        keys=tuple(keys),
        names=names,
        geometries=geometries,
        path=path,
        key_property=key,
        sha256=hashlib.sha256(data + b"\x00" + key.encode("utf-8")).hexdigest(),
        repaired=tuple(repaired),
    )


# --- Kazakhstan's boundaries -------------------------------------------------------------------


def _dissolve(regions: Regions, layout: str) -> Regions:
    """The regions merged up to an older layout through the crosswalk."""
    import shapely

    mapping = crosswalk(regions.layout or LAYOUTS[-1], layout)
    codes = kz_layout_codes(layout)
    parts: dict[str, list[Any]] = {c: [] for c in codes}
    for code, geom in zip(regions.keys, regions.geometries, strict=True):
        parts[mapping[code]].append(geom)
    geometries = np.array(
        [shapely.union_all(parts[c]) if len(parts[c]) > 1 else parts[c][0] for c in codes],
        dtype=object,
    )
    return Regions(
        keys=codes,
        names={lang: kz_region_names(lang, layout) for lang in LANGS},
        geometries=geometries,
        path=regions.path,
        key_property=regions.key_property,
        sha256=hashlib.sha256(f"{regions.sha256}:{layout}".encode()).hexdigest(),
        layout=layout,
        repaired=tuple(sorted({mapping[k] for k in regions.repaired})),
    )


def kazakhstan_regions(shared_geo_dir: Path, layout: str = "2022") -> Regions:
    """Kazakhstan's regions keyed by ISO 3166-2 code, with names in en/ru/kk.

    The boundaries are OpenStreetMap's current 20 regions (``OSMB-KZ_obl_sh-i.geojson``);
    for the 2018 or 1997 layout they are merged through the crosswalk, so every layout shares
    one outline of the country. Every feature's ``name`` must match the region table.
    """
    path = Path(shared_geo_dir) / OSMB_FILE
    loaded = load_regions(path, key="name")
    rows = {name: i for i, name in enumerate(loaded.keys, start=1)}
    codes = resolve_kz_regions(loaded.keys, layout="2022", file=path.name, column="name", rows=rows)
    missing = sorted(set(kz_layout_codes("2022")) - set(codes.values()))
    if missing:
        raise InputError(f"has no boundary for {', '.join(missing)}", file=path.name)
    order = sorted(range(len(loaded.keys)), key=lambda i: codes[loaded.keys[i]])
    keys = tuple(codes[loaded.keys[i]] for i in order)
    current = Regions(
        keys=keys,
        names={lang: kz_region_names(lang, "2022") for lang in LANGS},
        geometries=loaded.geometries[order],
        path=path,
        key_property=loaded.key_property,
        sha256=loaded.sha256,
        layout="2022",
        repaired=tuple(codes[k] for k in loaded.repaired),
    )
    return current if check_layout(layout) == "2022" else _dissolve(current, layout)
