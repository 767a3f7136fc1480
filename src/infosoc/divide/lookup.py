"""The quadkey-to-region table of one tile file and one boundary set, computed once.

Point-in-polygon is the only spatial step of the divide. Its result, a table of
(quadkey, region, settlement), is written to the cache under a key made of the tile file's
content, the boundary set and the settlement rule, so a second aggregation of the same
quarter against the same regions is a plain equi-join that any engine can run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..background import Background
from ..errors import InputError
from ..files import file_sha256, replacing
from ..geo.places import SETTLEMENTS, TOWN, VILLAGE, Places, SettlementRule
from ..geo.points import OUTSIDE, assign_points, centres_of_tiles, distance_to_nearest_km
from ._arrow import arrow_array
from .quadkeys import decode_quadkeys

if TYPE_CHECKING:
    from ..geo.regions import Regions

LOOKUP_VERSION = "2"  # bump when the table's meaning changes, so old caches are not reused
Progress = Callable[[str], None]


@dataclass(frozen=True)
class TileLookup:
    """Where the table is, and what it holds."""

    path: Path
    tiles: int
    outside: int
    reused: bool
    settlements: bool
    #: The table itself, inside :func:`lookup_table`'s block when it was just computed (the
    #: first aggregation then need not read the file back); None otherwise.
    table: Any = field(default=None, repr=False, compare=False)


def _cache_key(
    tiles_sha: str, regions: Regions, places: Places | None, rule: SettlementRule | None
) -> str:
    parts = [LOOKUP_VERSION, tiles_sha, regions.sha256]
    if places is not None and rule is not None:
        parts += [places.sha256, str(rule.min_population), repr(rule.radius_km)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def read_quadkeys(tiles_path: Path) -> Any:
    """The file's quadkey column, in file order, as one pyarrow string array (for a GeoJSON
    file or Parquet with tile centres, the quadkeys tile_table takes or rebuilds)."""
    import duckdb

    from ..scratch import scratch_duckdb
    from ..sources.ookla_tiles import is_ookla_parquet, tile_table

    if not is_ookla_parquet(tiles_path):
        return tile_table(tiles_path).column("quadkey").combine_chunks()
    try:
        # DuckDB decodes Parquet pages on every core, several times faster than one reader.
        # The rows stay in file order (DuckDB's default, preserve_insertion_order, which
        # infosoc never turns off): the lookup records each tile's row.
        table = scratch_duckdb().read_parquet(str(tiles_path)).select("quadkey").to_arrow_table()
    except duckdb.Error as exc:
        reason = str(exc).splitlines()[0]
        raise InputError(f"cannot read the quadkeys: {reason}", file=str(tiles_path)) from None
    return table.column("quadkey").combine_chunks()


def _check_unique(quadkeys: Any, x: Any, y: Any, zoom: int, tiles_path: Path) -> None:
    """A quarter's file has one row per tile; a repeated tile would be counted twice."""
    keys = np.sort((y << zoom) | x)
    repeated = np.flatnonzero(keys[1:] == keys[:-1])
    if repeated.size:
        key = int(keys[repeated[0]])
        first = int(np.flatnonzero(((y << zoom) | x) == key)[0])
        raise InputError(
            f"quadkey {quadkeys[first].as_py()} appears more than once ({repeated.size} "
            "repeated rows): a quarter's file has one row per tile",
            file=str(tiles_path),
            column="quadkey",
        )


def _settlement_codes(
    lon: np.ndarray[Any, Any], lat: np.ndarray[Any, Any], places: Places, rule: SettlementRule
) -> np.ndarray[Any, Any]:
    towns = places.at_least(rule.min_population)
    near = distance_to_nearest_km(lon, lat, towns.lon, towns.lat) <= rule.radius_km
    return np.where(near, SETTLEMENTS.index(TOWN), SETTLEMENTS.index(VILLAGE)).astype(np.int8)


def build_lookup(
    tiles_path: Path,
    regions: Regions,
    cache_dir: Path,
    *,
    places: Places | None = None,
    rule: SettlementRule | None = None,
    progress: Progress | None = None,
) -> TileLookup:
    """The lookup table for these tiles and regions, from the cache or computed now.

    Columns: ``quadkey``; ``row``, the tile's row in the file (so an engine that can number
    a Parquet file's rows joins on an integer); ``region``, the index of the region in
    ``regions.keys`` (null outside every region); and with places, ``settlement``, the
    index into :data:`SETTLEMENTS`.
    """
    with lookup_table(
        tiles_path, regions, cache_dir, places=places, rule=rule, progress=progress
    ) as lookup:
        return replace(lookup, table=None)


@contextlib.contextmanager
def lookup_table(
    tiles_path: Path,
    regions: Regions,
    cache_dir: Path,
    *,
    places: Places | None = None,
    rule: SettlementRule | None = None,
    progress: Progress | None = None,
    save_in_background: bool = False,
    quadkeys: Any = None,
    tiles_sha256: str | None = None,
) -> Iterator[TileLookup]:
    """:func:`build_lookup` as a block, for the aggregation that follows a computed lookup.

    Inside the block a lookup computed now is also in memory (``TileLookup.table``). With
    ``save_in_background`` its file is written by a second thread while the block runs (the
    aggregation meanwhile uses the table in memory); the block's end waits for the file, and
    raises whatever stopped it being written. The file is whole or absent, never partial.
    ``quadkeys``, the file's quadkey column already in memory, saves reading it again, and
    ``tiles_sha256``, the file's SHA-256 already computed, hashing it again.
    """
    import pyarrow.parquet as pq

    say = progress or (lambda _: None)
    if not tiles_path.is_file():
        raise InputError("no such file", file=str(tiles_path))
    with_settlements = places is not None
    rule = rule or SettlementRule()
    say("fingerprinting the tile file")
    sha = tiles_sha256 or file_sha256(tiles_path)
    key = _cache_key(sha, regions, places, rule if with_settlements else None)
    path = cache_dir / "lookups" / f"{key}.parquet"
    if path.is_file():
        meta = pq.read_metadata(path).metadata or {}
        yield TileLookup(
            path,
            int(meta.get(b"tiles", b"0")),
            int(meta.get(b"outside", b"0")),
            reused=True,
            settlements=with_settlements,
        )
        return
    table = _computed_table(tiles_path, regions, places, rule, say, quadkeys)
    tiles, outside = len(table), int(table.schema.metadata[b"outside"])
    lookup = TileLookup(path, tiles, outside, reused=False, settlements=with_settlements)
    if not save_in_background:
        _save(table, path)
        yield replace(lookup, table=table)
        return
    # Arrow's writer lets go of the GIL while it works.
    saving = Background(_save, table, path)
    try:
        yield replace(lookup, table=table)
    except BaseException:
        saving.wait_quietly()  # the block's own error is the one to report
        raise
    saving.result()


def _computed_table(
    tiles_path: Path,
    regions: Regions,
    places: Places | None,
    rule: SettlementRule,
    say: Progress,
    quadkeys: Any = None,
) -> Any:
    """The lookup table of the tiles against the regions (and places), computed now."""
    import pyarrow as pa

    if quadkeys is None:
        say("reading quadkeys")
        quadkeys = read_quadkeys(tiles_path)
    elif isinstance(quadkeys, pa.ChunkedArray):
        quadkeys = quadkeys.combine_chunks()
    try:
        x, y, zoom = decode_quadkeys(quadkeys)
    except InputError as exc:
        raise InputError(exc.reason, file=str(tiles_path), column="quadkey") from None
    # The check sorts the tiles, on a second thread while they are placed (numpy lets go of
    # the GIL); a repeated tile is still an error before anything is written.
    with Background(_check_unique, quadkeys, x, y, zoom, tiles_path) as unique:
        lon, lat = centres_of_tiles(x, y, zoom)
        say(f"placing {len(quadkeys):,} tiles in {len(regions.keys)} regions")
        index = assign_points(lon, lat, regions.geometries)
        unique.result()
    outside = int((index == OUTSIDE).sum())
    columns: dict[str, Any] = {
        "quadkey": quadkeys,
        "row": arrow_array(np.arange(len(quadkeys), dtype=np.int64)),
        "region": arrow_array(index, index == OUTSIDE),
    }
    if places is not None:
        say("classifying towns and villages")
        columns["settlement"] = arrow_array(_settlement_codes(lon, lat, places, rule))
    table = pa.Table.from_arrays(list(columns.values()), names=list(columns))
    return table.replace_schema_metadata(
        {
            "tiles": str(len(quadkeys)),
            "outside": str(outside),
            "regions": json.dumps(list(regions.keys), ensure_ascii=False),
        }
    )


def _save(table: Any, path: Path) -> None:
    import pyarrow.parquet as pq

    # A cache file, read back at once: fast LZ4 rather than small zstd. The quadkey and the
    # row are one of a kind each: a dictionary of them would cost time and save no space.
    repeating = [name for name in table.column_names if name not in ("quadkey", "row")]
    with replacing(path) as tmp:
        pq.write_table(table, tmp, compression="lz4", use_dictionary=repeating)
