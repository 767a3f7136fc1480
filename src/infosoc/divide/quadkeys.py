"""Web-mercator tiles and their quadkeys, vectorised over whole columns of tiles.

Ookla's open data name each zoom-16 tile by its quadkey: one base-4 digit per zoom level,
the digit being ``x_bit + 2 * y_bit`` from the most significant bit down (Bing Maps tile
system). Quadkeys of one zoom have one length, so a column of them is a matrix of ASCII
digits: decoding reads that matrix with one numpy pass per zoom level and none per tile.
Coordinates are WGS84 degrees, tiles are the XYZ scheme (y grows southwards).

A tile's *centre* (:func:`tile_centres`) is the middle of its extent in degrees: the centroid
of the WKT polygon in Ookla's ``tile`` column, and the point that places a tile in a region.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple, TypeAlias

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import InputError

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
# A pyarrow string column (Array or ChunkedArray), a numpy array or a sequence of str.
Quadkeys: TypeAlias = "pa.Array | pa.ChunkedArray | npt.NDArray[Any] | Sequence[str]"

MAX_ZOOM = 32
# Web mercator is cut off where it turns the world into a square: atan(sinh(pi)).
MAX_LAT = float(np.degrees(np.arctan(np.sinh(np.pi))))
_ZERO = ord("0")


class Bounds(NamedTuple):
    """The edges of tiles in degrees, one array per edge."""

    west: Floats
    south: Floats
    east: Floats
    north: Floats


def _string_array(quadkeys: Quadkeys) -> Any:
    """``quadkeys`` as one pyarrow string or large_string array, without copying Arrow input."""
    try:
        if not isinstance(quadkeys, (pa.Array, pa.ChunkedArray)):
            quadkeys = pa.array(quadkeys, type=pa.string())
        if isinstance(quadkeys, pa.ChunkedArray):  # pa.array too may chunk a large input
            quadkeys = quadkeys.combine_chunks()
        if not (pa.types.is_string(quadkeys.type) or pa.types.is_large_string(quadkeys.type)):
            # Dictionary-encoded and string-view columns, as Parquet readers may give.
            quadkeys = pc.cast(quadkeys, pa.string())
    except (pa.ArrowException, TypeError) as exc:
        raise InputError(f"quadkeys must be strings: {exc}") from exc
    return quadkeys


def _why_bad(quadkey: str, first: str) -> str:
    for ch in quadkey:
        if ch not in "0123":
            return f"bad quadkey '{quadkey}': '{ch}' is not a digit 0-3"
    return (
        f"bad quadkey '{quadkey}': {len(quadkey)} digits where the first quadkey "
        f"'{first}' has {len(first)} (quadkeys of mixed zoom levels)"
    )


def _digits(quadkeys: Quadkeys) -> npt.NDArray[np.uint8]:
    """The quadkeys as an (n, zoom) matrix of digits 0-3, checked.

    Arrow keeps the strings end to end in one byte buffer; when every string has the same
    number of bytes that buffer reshaped *is* the matrix, so no string is touched alone.
    """
    arr = _string_array(quadkeys)
    n = len(arr)
    if arr.null_count:
        first = int(np.argmax(pc.is_null(arr).to_numpy(zero_copy_only=False)))
        raise InputError(f"quadkey at position {first} is missing (null)", row=first + 1)
    if n == 0:
        return np.zeros((0, 0), dtype=np.uint8)
    _, offsets_buf, data_buf = arr.buffers()
    offset_type = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    offsets = np.frombuffer(offsets_buf, dtype=offset_type)[arr.offset : arr.offset + n + 1]
    lengths = np.diff(offsets)
    zoom = int(lengths[0])
    data = (
        np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else np.zeros(0, np.uint8)
    )
    if zoom > MAX_ZOOM:
        raise InputError(f"quadkeys of {zoom} digits: the deepest zoom is {MAX_ZOOM}")
    uneven = np.flatnonzero(lengths != zoom)
    # Rows before the first uneven one are laid out as a matrix; check their characters.
    whole = int(uneven[0]) if uneven.size else n
    matrix = data[offsets[0] : offsets[0] + whole * zoom].reshape(whole, zoom) - np.uint8(_ZERO)
    # Below '0' wraps round to a large uint8, so one comparison catches every bad byte
    # (non-ASCII characters are bytes >= 0x80 in UTF-8).
    # One reduction over the whole matrix first: rows are only searched when one is bad.
    bad: Any = np.flatnonzero((matrix > 3).any(axis=1)) if matrix.size and matrix.max() > 3 else []
    if len(bad) or uneven.size:
        first = int(bad[0]) if len(bad) else whole
        # The row (from 1) rides on the error, for a caller that knows the file.
        raise InputError(_why_bad(arr[first].as_py(), arr[0].as_py()), row=first + 1)
    return matrix


def decode_quadkeys(quadkeys: Quadkeys) -> tuple[Ints, Ints, int]:
    """Tile x, y and the zoom of equal-length quadkeys; a bad one is an :class:`InputError`.

    An empty input has no length to read its zoom from and gives zoom 0.
    """
    digits = _digits(quadkeys)
    n, zoom = digits.shape
    x = np.zeros(n, dtype=np.uint32)
    y = np.zeros(n, dtype=np.uint32)
    one = np.uint32(1)
    # One row of digits per zoom level, the coarsest first: a digit is x_bit + 2 * y_bit.
    for digit in np.ascontiguousarray(digits.T):
        x <<= one
        x |= digit & 1
        y <<= one
        y |= digit >> 1
    return x.astype(np.int64), y.astype(np.int64), zoom


def _check_zoom(zoom: int) -> None:
    if not 0 <= zoom <= MAX_ZOOM:
        raise InputError(f"zoom {zoom} is outside 0-{MAX_ZOOM}")


def _tile_indices(x: npt.ArrayLike, y: npt.ArrayLike, zoom: int) -> tuple[Ints, Ints]:
    """x and y as int64 arrays of one shape, each inside the 2**zoom tiles of its axis."""
    _check_zoom(zoom)
    xs, ys = np.asarray(x), np.asarray(y)
    for name, values in (("x", xs), ("y", ys)):
        if values.size and not np.issubdtype(values.dtype, np.integer):
            raise InputError(f"tile {name} must be integers, not {values.dtype}")
    xs, ys = np.broadcast_arrays(xs.astype(np.int64), ys.astype(np.int64))
    outside = np.flatnonzero((xs < 0) | (xs >= 1 << zoom) | (ys < 0) | (ys >= 1 << zoom))
    if outside.size:
        i = int(outside[0])
        raise InputError(
            f"tile x={xs.flat[i]}, y={ys.flat[i]} is outside zoom {zoom} (0 to {(1 << zoom) - 1})"
        )
    return xs, ys


def encode_quadkeys(x: npt.ArrayLike, y: npt.ArrayLike, zoom: int) -> Any:
    """The quadkeys of tiles (x, y) at ``zoom``, as a pyarrow string array."""
    xs, ys = _tile_indices(x, y, zoom)
    xs, ys = xs.ravel().astype(np.uint32), ys.ravel().astype(np.uint32)
    n = xs.size
    digits = np.empty((zoom, n), dtype=np.uint8)
    for i, shift in enumerate(range(zoom - 1, -1, -1)):
        digits[i] = ((xs >> shift) & 1) + 2 * ((ys >> shift) & 1) + _ZERO
    return _from_digit_matrix(np.ascontiguousarray(digits.T))


def _from_digit_matrix(chars: npt.NDArray[np.uint8]) -> Any:
    """A string array whose i-th string is row i of ``chars`` (ASCII bytes)."""
    n, width = chars.shape
    large = n * width >= 2**31  # int32 offsets cannot address more bytes
    offsets = np.arange(n + 1, dtype=np.int64 if large else np.int32) * width
    return (pa.LargeStringArray if large else pa.StringArray).from_buffers(
        n, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(chars))
    )


def _lon(x: Floats, zoom: int) -> Floats:
    return x / float(1 << zoom) * 360.0 - 180.0


def _lat(y: Floats, zoom: int) -> Floats:
    return np.degrees(np.arctan(np.sinh(np.pi * (1.0 - 2.0 * y / float(1 << zoom)))))


def tile_bounds(x: npt.ArrayLike, y: npt.ArrayLike, zoom: int) -> Bounds:
    """West, south, east and north edges of tiles (x, y) at ``zoom``, in degrees."""
    xs, ys = _tile_indices(x, y, zoom)
    xf, yf = xs.astype(np.float64), ys.astype(np.float64)
    one = np.float64(1.0)
    return Bounds(_lon(xf, zoom), _lat(yf + one, zoom), _lon(xf + one, zoom), _lat(yf, zoom))


def tile_centres(x: Ints, y: Ints, zoom: int) -> tuple[Floats, Floats]:
    """Longitude and latitude of the centres of tiles (x, y) at ``zoom``, in degrees.

    The centre is the middle of the tile's extent in degrees, the centroid of the WKT polygon
    in Ookla's ``tile`` column (what shapely's ``centroid`` gives), not the mercator centre.
    """
    if zoom > _EDGE_TABLE_MAX_ZOOM or len(x) < (1 << zoom):
        west, south, east, north = tile_bounds(x, y, zoom)
        return (west + east) / 2.0, (south + north) / 2.0
    # A column of tiles of a fine zoom (Ookla's 16: 65,536 columns and rows) is worked out
    # once per row and column of the grid, not once per tile, and each tile looks its centre
    # up.
    edges = np.arange((1 << zoom) + 1, dtype=np.int64)
    west, _, _, north = tile_bounds(edges[:-1], edges[:-1], zoom)
    lon_edges = np.append(west, 180.0)
    lat_edges = np.append(north, tile_bounds(edges[-2:-1], edges[-2:-1], zoom).south)
    lon_mid = (lon_edges[:-1] + lon_edges[1:]) / 2.0
    lat_mid = (lat_edges[:-1] + lat_edges[1:]) / 2.0
    return lon_mid[x], lat_mid[y]


_EDGE_TABLE_MAX_ZOOM = 20  # up to here a table of the grid's edges is small (a million rows)


def lonlat_to_tiles(lon: npt.ArrayLike, lat: npt.ArrayLike, zoom: int) -> tuple[Ints, Ints]:
    """The tiles at ``zoom`` that contain the points (lon, lat).

    Latitudes beyond mercator's ±85.05° fall in the edge row; a point on a tile edge belongs
    to the tile east or south of it, and longitude 180 to the last column.
    """
    _check_zoom(zoom)
    lons, lats = np.broadcast_arrays(np.asarray(lon, np.float64), np.asarray(lat, np.float64))
    bad = np.flatnonzero(~((np.abs(lons) <= 180.0) & (np.abs(lats) <= 90.0)))
    if bad.size:
        i = int(bad[0])
        raise InputError(f"point ({lons.flat[i]}, {lats.flat[i]}) is not a longitude, latitude")
    tiles = float(1 << zoom)
    phi = np.radians(np.clip(lats, -MAX_LAT, MAX_LAT))
    fx = (lons + 180.0) / 360.0 * tiles
    fy = (1.0 - np.arcsinh(np.tan(phi)) / np.pi) / 2.0 * tiles
    last = (1 << zoom) - 1
    return (
        np.clip(np.floor(fx), 0, last).astype(np.int64),
        np.clip(np.floor(fy), 0, last).astype(np.int64),
    )
