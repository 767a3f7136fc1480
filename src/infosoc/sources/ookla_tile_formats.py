"""Ookla tile files in the layouts found in the wild besides Ookla's own Parquet files, and the
plausibility rules every tile file is held to.

Such files are read to the same in-memory table as Ookla's Parquet files
(:func:`infosoc.sources.ookla_tiles.tile_table`: the columns of ``TILE_SCHEMA`` the file has,
``quadkey`` first). This module reads **Parquet without** ``quadkey`` (and ``tile``) but with
``tile_x``, ``tile_y``, each tile's centre in degrees (rounded to 4 decimals by Ookla): the
zoom-16 quadkey is rebuilt from it (:func:`quadkey_of`). GeoJSON files are read by
:mod:`infosoc.sources.ookla_tile_geojson`.

These files are extracts (a country or an island, not the world), read whole and checked value
by value. :func:`check_values` and :func:`check_footer_values` hold the plausibility rules
shared with Ookla's own files: no negative speed, latency or count, no NaN or infinite value,
no coordinate outside web mercator. Rows are counted from 1: the first feature of a GeoJSON
file, the first row of a Parquet file. docs/sources/ookla-tiles.md has the details.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import InputError

ZOOM = 16  # Ookla's tiles are zoom-16 web-mercator tiles
MAX_ZOOM = 32
# Web mercator stops where it turns the world into a square: atan(sinh(pi)), 85.0511 degrees.
MAX_LAT = float(np.degrees(np.arctan(np.sinh(np.pi))))
MAX_LON = 180.0
# A tile_x/tile_y more than this share of a tile from the tile's centre is not a centre.
_CENTRE_SLACK = 0.25

SPEEDS = ("avg_d_kbps", "avg_u_kbps")
LATENCIES = ("avg_lat_ms", "avg_lat_down_ms", "avg_lat_up_ms")
COUNTS = ("tests", "devices")
VALUE_COLUMNS = (*SPEEDS, *LATENCIES, *COUNTS)
REQUIRED_VALUES = ("avg_d_kbps", "avg_u_kbps", "avg_lat_ms", "tests", "devices")
# The largest plausible value of each kind, for one tile and quarter (decision 0027): no access
# link is faster than 100 Gbit/s; a latency of ten minutes is no answer; a billion tests in one
# tile is beyond the whole world's, and the sums over millions of tiles must not overflow.
MAXIMA = {"speed": 100_000_000.0, "latency": 600_000.0, "count": 1_000_000_000.0}
_UNITS = {"speed": "kbit/s (100 Gbit/s)", "latency": "ms (ten minutes)", "count": ""}


def _kind(column: str) -> str:
    return "count" if column in COUNTS else "speed" if column in SPEEDS else "latency"


Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


# --- quadkeys from coordinates ------------------------------------------------------------


def _north_edge(y: Floats, zoom: int) -> Floats:
    """The latitude of the top edge of tile row ``y`` (rows may be fractional)."""
    # The expression of geo.tiles' tile_bounds, so that a point placed here lies inside the
    # bounds it computes, to the last bit.
    result: Floats = np.degrees(np.arctan(np.sinh(np.pi * (1.0 - 2.0 * y / float(1 << zoom)))))
    return result


def _west_edge(x: Floats, zoom: int) -> Floats:
    result: Floats = x / float(1 << zoom) * 360.0 - 180.0
    return result


def _check_lon_lat(lon: Floats, lat: Floats) -> int | None:
    """The position of the first point that is not a longitude, latitude inside web mercator."""
    bad = ~((np.abs(lon) <= MAX_LON) & (np.abs(lat) <= MAX_LAT))  # NaN fails both tests
    return int(np.argmax(bad)) if bad.any() else None


def tiles_of(lon: npt.ArrayLike, lat: npt.ArrayLike, zoom: int = ZOOM) -> tuple[Ints, Ints]:
    """The x and y of the tiles at ``zoom`` that hold the points (lon, lat), in degrees.

    A point on an edge between two tiles belongs to the tile east or south of it; longitude
    180 to the last column and latitude -85.0511 to the last row. The floor of the mercator
    formula can miss by one tile next to an edge (rounding), so each tile is checked against
    its own edges, computed as geo.tiles computes them, and moved by one where it missed.
    """
    if not 0 <= zoom <= MAX_ZOOM:
        raise InputError(f"zoom {zoom} is outside 0-{MAX_ZOOM}")
    lons, lats = np.broadcast_arrays(np.asarray(lon, np.float64), np.asarray(lat, np.float64))
    lons, lats = lons.ravel(), lats.ravel()
    bad = _check_lon_lat(lons, lats)
    if bad is not None:
        raise InputError(
            f"point ({lons[bad]}, {lats[bad]}) at position {bad} is not a longitude within "
            f"±{MAX_LON:g} and a latitude within web mercator's ±{MAX_LAT:.4f}"
        )
    last = (1 << zoom) - 1
    fx = (lons + 180.0) / 360.0 * float(1 << zoom)
    fy = (1.0 - np.arcsinh(np.tan(np.radians(lats))) / np.pi) / 2.0 * float(1 << zoom)
    x = np.clip(np.floor(fx), 0, last)
    y = np.clip(np.floor(fy), 0, last)
    x += (_west_edge(x + 1.0, zoom) <= lons) & (x < last)
    x -= (lons < _west_edge(x, zoom)) & (x > 0)
    y += (lats <= _north_edge(y + 1.0, zoom)) & (y < last)
    y -= (lats > _north_edge(y, zoom)) & (y > 0)
    return x.astype(np.int64), y.astype(np.int64)


def _encode(x: Ints, y: Ints, zoom: int) -> Any:
    """The quadkeys of tiles (x, y) at ``zoom`` as a pyarrow string array (Bing's digits:
    ``x_bit + 2 * y_bit``, most significant first)."""
    xs, ys = x.astype(np.uint64), y.astype(np.uint64)
    digits = np.empty((len(xs), zoom), dtype=np.uint8)
    for i, shift in enumerate(range(zoom - 1, -1, -1)):
        bit = np.uint64(shift)
        digits[:, i] = ((xs >> bit) & 1) + 2 * ((ys >> bit) & 1) + ord("0")
    return digit_strings(digits)


def number_array(values: npt.NDArray[Any], missing: npt.NDArray[np.bool_] | None = None) -> Any:
    """A numpy column as an Arrow array, nulls where ``missing``, built from buffers:
    ``pa.array`` looks for pandas objects and so imports pandas, a slow start for a command
    that never uses it."""
    data = np.ascontiguousarray(values)
    validity = None
    nulls = 0
    if missing is not None and missing.any():
        validity = pa.py_buffer(np.packbits(~missing, bitorder="little"))
        nulls = int(missing.sum())
    kind = pa.from_numpy_dtype(data.dtype)
    return pa.Array.from_buffers(kind, len(data), [validity, pa.py_buffer(data)], nulls)


def digit_strings(chars: npt.NDArray[np.uint8]) -> Any:
    """A string array whose i-th string is row i of ``chars`` (ASCII), built from buffers as
    :func:`number_array` is."""
    n, width = chars.shape
    large = n * width >= 2**31  # int32 offsets cannot address more bytes
    offsets = np.arange(n + 1, dtype=np.int64 if large else np.int32) * width
    return (pa.LargeStringArray if large else pa.StringArray).from_buffers(
        n, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(chars))
    )


def quadkey_of(lon: npt.ArrayLike, lat: npt.ArrayLike, zoom: int = ZOOM) -> Any:
    """The quadkeys (a pyarrow string array) of the tiles at ``zoom`` holding the points.

    Vectorised: ``lon`` and ``lat`` are numbers or arrays of one shape, in degrees (WGS84);
    a point outside ±180° of longitude or web mercator's ±85.0511° of latitude, or NaN, is an
    :class:`InputError` naming its position. Edges as in :func:`tiles_of`.
    """
    x, y = tiles_of(lon, lat, zoom)
    return _encode(x, y, zoom)


# --- plausibility -------------------------------------------------------------------------


def complaint(column: str, value: Any) -> str | None:
    """What is wrong with one value of a tile column, or None if it is plausible."""
    if value is None:
        return "is missing (null)" if column in REQUIRED_VALUES else None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        shown = f"'{value}'" if isinstance(value, str) else json.dumps(value)
        return f"is {shown}, should be a number"
    if isinstance(value, float) and math.isnan(value):
        return "is NaN, should be a number"
    if isinstance(value, float) and math.isinf(value):
        return f"is {value}, should be a finite number"
    what = _kind(column)
    if value < 0:
        return f"is {float(value):g}: a {what} cannot be negative"
    if column in COUNTS and value != int(value):
        return f"is {value:g}, should be a whole number"
    if value > MAXIMA[what]:
        unit = _UNITS[what]
        return f"is {float(value):g}: a tile's {what} cannot exceed {MAXIMA[what]:,.0f}" + (
            f" {unit}" if unit else ""
        )
    return None


def coordinate_complaint(axis: str, value: float) -> str | None:
    """What is wrong with a tile's longitude (``axis`` "lon") or latitude, or None."""
    limit = MAX_LON if axis == "lon" else MAX_LAT
    name = "longitude" if axis == "lon" else "latitude"
    if not math.isfinite(value):
        return f"{name} {value} is not a number"
    if abs(value) > limit:
        if axis == "lon":
            return f"{name} {value:g} is beyond ±180°"
        return f"{name} {value:g} is beyond web mercator's ±{MAX_LAT:.4f}° (no tile lies beyond)"
    return None


def _first(mask: Any) -> int | None:
    """The position of the first true value of a boolean Arrow array (nulls are false)."""
    mask = pc.fill_null(mask, False)
    if not pc.any(mask).as_py():
        return None
    return int(pc.index(mask, True).as_py())


def check_values(table: Any, path: Path, columns: tuple[str, ...] | None = None) -> None:
    """An InputError at the first implausible value of the tile columns of ``table``.

    ``columns``: the columns to look at (default: every tile value column it has). Negative
    speeds, latencies and counts, values above :data:`MAXIMA`, NaN and infinite values and
    counts that are not whole are refused, and so is a null in a required column (a missing
    value is never taken for a zero). Vectorised: one pass of Arrow's kernels per rule.
    """
    for column in columns if columns is not None else VALUE_COLUMNS:
        if column not in table.column_names:
            continue
        values = table.column(column)
        if pa.types.is_dictionary(values.type):
            values = values.cast(values.type.value_type)
        if not (pa.types.is_integer(values.type) or pa.types.is_floating(values.type)):
            raise InputError(f"is {values.type}, should be a number", file=str(path), column=column)
        bad = pc.or_(pc.less(values, 0), pc.greater(values, MAXIMA[_kind(column)]))
        if pa.types.is_floating(values.type):
            bad = pc.or_(bad, pc.invert(pc.is_finite(values)))
            if column in COUNTS:
                bad = pc.or_(bad, pc.not_equal(values, pc.floor(values)))
        if column in REQUIRED_VALUES and values.null_count:
            bad = pc.or_kleene(bad, pc.is_null(values))
        row = _first(bad)
        if row is not None:
            message = complaint(column, values[row].as_py()) or "is not plausible"
            raise InputError(message, file=str(path), row=row + 1, column=column)


def check_footer_values(metadata: Any, path: Path) -> tuple[str, ...]:
    """Check the tile value columns against the Parquet footer's statistics, without reading
    the data; the columns the statistics cannot vouch for, to be checked in memory.

    A row group whose minimum is negative or whose maximum is infinite or beyond
    :data:`MAXIMA` is an InputError; the column is then read to name the row. Floats always
    need a look at the data: the statistics leave NaN out.
    """
    index = {metadata.schema.column(i).path: i for i in range(metadata.num_columns)}
    unverified: list[str] = []
    for column in VALUE_COLUMNS:
        if column not in index:
            continue
        clean = metadata.schema.column(index[column]).physical_type not in ("FLOAT", "DOUBLE")
        for group in range(metadata.num_row_groups):
            chunk = metadata.row_group(group).column(index[column])
            stats = chunk.statistics
            if stats is None or not stats.has_min_max:
                # No minimum is recorded: unknown, unless every value of the group is null.
                if stats is None or stats.null_count != chunk.num_values:
                    clean = False
                continue
            if stats.min < 0 or math.isinf(stats.max) or stats.max > MAXIMA[_kind(column)]:
                _read_and_check(path, column)
        if not clean:
            unverified.append(column)
    return tuple(unverified)


def _read_and_check(path: Path, column: str) -> None:
    import pyarrow.parquet as pq

    with pq.ParquetFile(path) as parquet:
        check_values(parquet.read(columns=[column]), path, (column,))


# --- Parquet with tile_x, tile_y ----------------------------------------------------------


def read_centre_tiles(path: Path, columns: tuple[str, ...]) -> Any:
    """The tiles of a Parquet file that gives each tile's centre (``tile_x``, ``tile_y``)
    instead of its quadkey, with the zoom-16 quadkey rebuilt, and every value checked.

    ``columns``: the file's tile columns to keep (besides the centre).
    """
    import pyarrow.parquet as pq

    try:
        with pq.ParquetFile(path) as parquet:
            table = parquet.read(columns=[*columns, "tile_x", "tile_y"])
    except (OSError, pa.ArrowException) as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"cannot be read ({first_line})", file=str(path)) from None
    check_values(table, path)
    lon = _coordinates(table, "tile_x", path)
    lat = _coordinates(table, "tile_y", path)
    x, y = tiles_of(lon, lat)
    _check_centres(lon, lat, x, y, path)
    _check_one_row_per_tile(x, y, path)
    quadkeys = _encode(x, y, ZOOM)
    return pa.Table.from_arrays(
        [quadkeys, *(table.column(c) for c in columns)], names=["quadkey", *columns]
    )


def _coordinates(table: Any, column: str, path: Path) -> Floats:
    """A tile_x or tile_y column as float64 degrees, each value checked."""
    values = table.column(column)
    axis = "lon" if column == "tile_x" else "lat"
    if values.null_count:
        row = _first(pc.is_null(values))
        raise InputError(
            "is missing (null): the tile cannot be placed",
            file=str(path),
            row=None if row is None else row + 1,
            column=column,
        )
    degrees: Floats = np.asarray(values.to_numpy(), dtype=np.float64)
    limit = MAX_LON if axis == "lon" else MAX_LAT
    bad = ~(np.abs(degrees) <= limit)
    if bad.any():
        row = int(np.argmax(bad))
        message = coordinate_complaint(axis, float(degrees[row])) or "is not plausible"
        raise InputError(message, file=str(path), row=row + 1, column=column)
    return degrees


def _check_centres(lon: Floats, lat: Floats, x: Ints, y: Ints, path: Path) -> None:
    """tile_x, tile_y must be the centres of zoom-16 tiles (to Ookla's 4 decimals): a corner,
    or a tile of another zoom, would put some tiles one tile off without a word."""
    xf, yf = x.astype(np.float64), y.astype(np.float64)
    width = _west_edge(xf + 1.0, ZOOM) - _west_edge(xf, ZOOM)
    north, south = _north_edge(yf, ZOOM), _north_edge(yf + 1.0, ZOOM)
    off_x = np.abs(lon - (_west_edge(xf, ZOOM) + width / 2.0)) / width
    off_y = np.abs(lat - (north + south) / 2.0) / (north - south)
    bad = (off_x > _CENTRE_SLACK) | (off_y > _CENTRE_SLACK)
    if bad.any():
        row = int(np.argmax(bad))
        column = "tile_x" if off_x[row] > _CENTRE_SLACK else "tile_y"
        raise InputError(
            f"({lon[row]}, {lat[row]}) is not the centre of a zoom-{ZOOM} tile (it is "
            f"{max(off_x[row], off_y[row]):.0%} of a tile away from the centre of the tile "
            "holding it): tile_x and tile_y must be the tiles' centres",
            file=str(path),
            row=row + 1,
            column=column,
        )


def _check_one_row_per_tile(x: Ints, y: Ints, path: Path) -> None:
    keys = (y << ZOOM) | x
    order = np.argsort(keys, kind="stable")
    same = np.flatnonzero(keys[order][1:] == keys[order][:-1])
    if same.size:
        first, second = sorted((int(order[same[0]]) + 1, int(order[same[0] + 1]) + 1))
        raise InputError(
            f"rows {first} and {second} are the same zoom-{ZOOM} tile: a quarter's file has "
            "one row per tile",
            file=str(path),
            row=second,
            column="tile_x",
        )
