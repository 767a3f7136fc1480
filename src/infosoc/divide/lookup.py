"""The tile-to-region table of one tile file and one boundary set, computed once.

Point-in-polygon is the only spatial step of the divide. Its result, one row per tile in the
file's order (quadkey, region, settlement), is cached under a key made of the tile file's
content, the boundary set and the settlement rule: a second aggregation of the same quarter
against the same regions reads it instead of placing the tiles again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InputError
from ..files import replacing
from ..geo.places import SETTLEMENTS, TOWN, VILLAGE, Places, SettlementRule
from ..geo.points import OUTSIDE, assign_points, distance_to_nearest_km
from ..sources.ookla_tile_formats import number_array
from .quadkeys import decode_quadkeys, tile_centres

if TYPE_CHECKING:
    from ..geo.regions import Regions
    from ..sources.ookla_tiles import TileFile

LOOKUP_VERSION = "3"  # bump when the table's meaning changes, so old caches are not reused
Say = Callable[[str], None]  # told the current step in a few words


@dataclass(frozen=True)
class TileLookup:
    """Where the table is cached, what it holds, and the table itself (a pyarrow Table, one
    row per tile in the tile file's order, with at least the group keys; None once the
    figures are made)."""

    path: Path
    tiles: int
    outside: int
    reused: bool
    settlements: bool
    table: Any = field(default=None, repr=False, compare=False)


def _cache_key(
    tiles_sha: str, regions: Regions, places: Places | None, rule: SettlementRule | None
) -> str:
    parts = [LOOKUP_VERSION, tiles_sha, regions.sha256]
    if places is not None and rule is not None:
        parts += [places.sha256, str(rule.min_population), repr(rule.radius_km)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def lookup_table(
    tiles: TileFile,
    regions: Regions,
    cache_dir: Path,
    *,
    places: Places | None = None,
    rule: SettlementRule | None = None,
    say: Say | None = None,
) -> TileLookup:
    """The lookup of these tiles against these regions (and places), from the cache, or
    computed now and written to the cache (whole, or not at all) before it is returned.

    Its columns: ``quadkey``; ``region``, the index of the tile's region in ``regions.keys``
    (null outside every region); with places, ``settlement``, the index into
    :data:`~infosoc.geo.places.SETTLEMENTS` (town or village). A tile listed twice in the file
    is an :class:`InputError`.
    """
    say = say or (lambda _: None)
    rule = rule or SettlementRule()
    with_settlements = places is not None
    key = _cache_key(tiles.sha256, regions, places, rule if with_settlements else None)
    path = cache_dir / "lookups" / f"{key}.parquet"
    table = _cached(path, tiles.table.num_rows)
    reused = table is not None
    if table is None:
        table = _computed_table(tiles, regions, places, rule, say)
        _save(table, path)
    outside = int(table.schema.metadata[b"outside"])
    return TileLookup(path, table.num_rows, outside, reused, with_settlements, table)


def _cached(path: Path, rows: int) -> Any:
    """The cached table at ``path``, or None when there is none to trust (absent, damaged,
    or of another length: then it is computed again)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not path.is_file():
        return None
    try:
        with pq.ParquetFile(path) as parquet:
            # The group keys: the quadkeys are for engines that join on them (Spark), which
            # read the file themselves.
            keys = [name for name in parquet.schema_arrow.names if name != "quadkey"]
            table = parquet.read(columns=keys)
    except (OSError, pa.ArrowException):
        return None
    metadata = table.schema.metadata or {}
    return table if table.num_rows == rows and b"outside" in metadata else None


def _check_unique(quadkeys: Any, x: Any, y: Any, zoom: int, path: Path) -> None:
    """A quarter's file has one row per tile; a repeated tile would be counted twice."""
    keys = (y << zoom) | x
    ordered = np.sort(keys)
    repeated = np.flatnonzero(ordered[1:] == ordered[:-1])
    if repeated.size:
        rows = np.flatnonzero(keys == ordered[repeated[0]])
        raise InputError(
            f"quadkey {quadkeys[int(rows[0])].as_py()} appears more than once (first on row "
            f"{int(rows[0]) + 1}; {repeated.size} repeated rows): a quarter's file has one row "
            "per tile",
            file=str(path),
            row=int(rows[1]) + 1,
            column="quadkey",
        )


def _settlement_codes(
    lon: np.ndarray[Any, Any], lat: np.ndarray[Any, Any], places: Places, rule: SettlementRule
) -> np.ndarray[Any, Any]:
    towns = places.at_least(rule.min_population)
    near = distance_to_nearest_km(lon, lat, towns.lon, towns.lat) <= rule.radius_km
    return np.where(near, SETTLEMENTS.index(TOWN), SETTLEMENTS.index(VILLAGE)).astype(np.int8)


def _computed_table(
    tiles: TileFile,
    regions: Regions,
    places: Places | None,
    rule: SettlementRule,
    say: Say,
) -> Any:
    """The lookup table of the tiles against the regions (and places), computed now."""
    import pyarrow as pa

    quadkeys = tiles.table.column("quadkey").combine_chunks()
    try:
        x, y, zoom = decode_quadkeys(quadkeys)
    except InputError as exc:
        reason = exc.reason.replace(f"at position {(exc.row or 1) - 1} ", "")
        raise InputError(reason, file=str(tiles.path), row=exc.row, column="quadkey") from None
    _check_unique(quadkeys, x, y, zoom, tiles.path)
    lon, lat = tile_centres(x, y, zoom)
    say(f"placing {len(quadkeys):,} tiles in {len(regions.keys)} regions")
    index = assign_points(lon, lat, regions.geometries)
    columns: dict[str, Any] = {
        "quadkey": quadkeys,
        "region": number_array(index, index == OUTSIDE),
    }
    if places is not None:
        say("classifying towns and villages")
        columns["settlement"] = number_array(_settlement_codes(lon, lat, places, rule))
    table = pa.Table.from_arrays(list(columns.values()), names=list(columns))
    return table.replace_schema_metadata(
        {
            "tiles": str(len(quadkeys)),
            "outside": str(int((index == OUTSIDE).sum())),
            "regions": json.dumps(list(regions.keys), ensure_ascii=False),
        }
    )


def _save(table: Any, path: Path) -> None:
    import pyarrow.parquet as pq

    # A cache file, read back whole: fast LZ4 rather than small zstd. The quadkey is one of a
    # kind: a dictionary of it would cost time and save no space.
    repeating = [name for name in table.column_names if name != "quadkey"]
    with replacing(path) as tmp:
        pq.write_table(table, tmp, compression="lz4", use_dictionary=repeating)
