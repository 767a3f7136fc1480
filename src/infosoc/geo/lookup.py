"""The quadkey-to-region table of one tile file and one boundary set, computed once.

Point-in-polygon is the only spatial step of the divide. Its result, a table of
(quadkey, region, settlement), is written to the cache under a key made of the tile file's
content, the boundary set and the settlement rule, so a second aggregation of the same
quarter against the same regions is a plain equi-join that any engine can run.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InputError
from .assign import OUTSIDE, assign_points, distance_to_nearest_km, tile_centres
from .places import Places, SettlementRule

if TYPE_CHECKING:
    from .regions import Regions

LOOKUP_VERSION = "1"  # bump when the table's meaning changes, so old caches are not reused
TOWN, VILLAGE = "town", "village"
Progress = Callable[[str], None]


@dataclass(frozen=True)
class TileLookup:
    """Where the table is, and what it holds."""

    path: Path
    tiles: int
    outside: int
    reused: bool
    settlements: bool


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in 4 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(4 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _cache_key(
    tiles_sha: str, regions: Regions, places: Places | None, rule: SettlementRule | None
) -> str:
    parts = [LOOKUP_VERSION, tiles_sha, regions.sha256]
    if places is not None and rule is not None:
        parts += [places.sha256, str(rule.min_population), repr(rule.radius_km)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def distinct_quadkeys(tiles_path: Path) -> Any:
    """The file's quadkeys as a pyarrow string array; a repeated quadkey is an error."""
    import duckdb

    con = duckdb.connect()
    try:
        rows, distinct = con.execute(
            "SELECT count(*), count(DISTINCT quadkey) FROM read_parquet(?)", [str(tiles_path)]
        ).fetchall()[0]
        if rows != distinct:
            dup = con.execute(
                "SELECT quadkey FROM read_parquet(?) GROUP BY quadkey HAVING count(*) > 1 LIMIT 1",
                [str(tiles_path)],
            ).fetchall()[0][0]
            raise InputError(
                f"quadkey {dup} appears more than once ({rows - distinct} repeated rows): "
                "a quarter's file has one row per tile",
                file=str(tiles_path),
                column="quadkey",
            )
        table = con.read_parquet(str(tiles_path)).select("quadkey").to_arrow_table()
    except duckdb.Error as exc:
        raise InputError(f"cannot read the tiles: {exc}", file=str(tiles_path)) from None
    finally:
        con.close()
    return table.column("quadkey").combine_chunks()


def _settlement_labels(
    lon: np.ndarray[Any, Any], lat: np.ndarray[Any, Any], places: Places, rule: SettlementRule
) -> Any:
    import pyarrow as pa

    towns = places.at_least(rule.min_population)
    near = distance_to_nearest_km(lon, lat, towns.lon, towns.lat) <= rule.radius_km
    return pa.DictionaryArray.from_arrays(
        pa.array(np.where(near, 0, 1).astype(np.int8)), pa.array([TOWN, VILLAGE])
    )


def _write_atomically(table: Any, path: Path) -> None:
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    os.close(fd)
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build_lookup(
    tiles_path: Path,
    regions: Regions,
    cache_dir: Path,
    *,
    places: Places | None = None,
    rule: SettlementRule | None = None,
    progress: Progress | None = None,
) -> TileLookup:
    """The lookup table for these tiles and regions, from the cache or computed now."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    say = progress or (lambda _: None)
    if not tiles_path.is_file():
        raise InputError("no such file", file=str(tiles_path))
    with_settlements = places is not None
    rule = rule or SettlementRule()
    say("fingerprinting the tile file")
    key = _cache_key(file_sha256(tiles_path), regions, places, rule if with_settlements else None)
    path = cache_dir / "lookups" / f"{key}.parquet"
    if path.is_file():
        meta = pq.read_metadata(path).metadata or {}
        return TileLookup(
            path,
            int(meta.get(b"tiles", b"0")),
            int(meta.get(b"outside", b"0")),
            reused=True,
            settlements=with_settlements,
        )
    say("reading quadkeys")
    quadkeys = distinct_quadkeys(tiles_path)
    try:
        lon, lat = tile_centres(quadkeys)
    except InputError as exc:
        raise InputError(exc.reason, file=str(tiles_path), column="quadkey") from None
    say(f"placing {len(quadkeys):,} tiles in {len(regions.keys)} regions")
    index = assign_points(lon, lat, regions.geometries)
    outside = int((index == OUTSIDE).sum())
    columns: dict[str, Any] = {
        "quadkey": quadkeys,
        "region": pa.DictionaryArray.from_arrays(
            pa.array(index, mask=index == OUTSIDE), pa.array(list(regions.keys), pa.string())
        ),
    }
    if places is not None:
        say("classifying towns and villages")
        columns["settlement"] = _settlement_labels(lon, lat, places, rule)
    table = pa.table(columns).replace_schema_metadata(
        {"tiles": str(len(quadkeys)), "outside": str(outside), "regions": regions.sha256}
    )
    # Plain strings join on every engine; the dictionary only saved memory while building.
    table = table.cast(
        pa.schema([(f.name, pa.string()) for f in table.schema], metadata=table.schema.metadata)
    )
    _write_atomically(table, path)
    return TileLookup(path, len(quadkeys), outside, reused=False, settlements=with_settlements)
