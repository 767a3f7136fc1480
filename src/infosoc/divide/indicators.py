"""The digital divide inside a country: speed tiles by region, by town and village, and how
unequal the regions are, quarter by quarter.

The spatial step (which region and settlement holds each tile) is geo.lookup's cached table;
everything after it is one Ibis expression (analysis.tile_aggregation) that runs on DuckDB
by default and on Spark when the caller passes a Spark-backed Ibis connection.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..analysis import inequality
from ..errors import InputError
from ..geo.places import SETTLEMENTS, TOWN, VILLAGE, Places, SettlementRule
from ..records import Records
from .aggregate import (
    DEFAULT_THRESHOLDS_MBPS,
    MEANS,
    MEDIANS,
    OUTSIDE,
    engine_for,
    summarise_file,
    threshold_column,
)

if TYPE_CHECKING:
    from ..geo.regions import Regions
    from ..sources.ookla_tiles import TileFile
    from .lookup import TileLookup

DEFAULT_MIN_TESTS = 50  # Ookla's tutorial reports no county with fewer tests
Weighting = Literal["tests", "population"]
Progress = Callable[[str], None]
LOWER_IS_BETTER = ("mean_latency_ms", "median_latency_ms")
OUTSIDE_NAMES = {
    "en": "outside every region",
    "ru": "вне всех регионов",
    "kk": "барлық өңірден тыс",
}


@dataclass(frozen=True)
class DivideOptions:
    """What the aggregation reports: thresholds for slow tests and the smallest sample."""

    thresholds_mbps: tuple[float, ...] = DEFAULT_THRESHOLDS_MBPS
    min_tests: int = DEFAULT_MIN_TESTS

    def __post_init__(self) -> None:
        if self.min_tests < 0:
            raise InputError(f"the minimum number of tests ({self.min_tests}) cannot be negative")
        bad = [t for t in self.thresholds_mbps if not t > 0]
        if bad:
            raise InputError(f"threshold {bad[0]} Mbit/s: thresholds must be positive")

    @cached_property
    def measure_columns(self) -> tuple[str, ...]:
        """The measure columns of a row, in order (asked once per row of a world quarter)."""
        return (*MEANS, *MEDIANS, *(threshold_column(t) for t in self.thresholds_mbps))


@dataclass
class Aggregation:
    """Measures per region (and settlement), with the lookup they were computed through."""

    rows: Records
    lookup: TileLookup
    tiles_path: Path
    options: DivideOptions
    totals: dict[str, int] = field(default_factory=dict)


def _suppress(row: dict[str, Any], options: DivideOptions) -> None:
    """Blank a group's measures when it has too few tests to be reported: missing, not 0."""
    row["reported"] = row["tests"] >= options.min_tests
    row["note"] = None
    if not row["reported"]:
        for column in options.measure_columns:
            row[column] = None
        row["note"] = f"fewer than {options.min_tests} tests"


def _ordered(row: dict[str, Any], columns: Sequence[str]) -> dict[str, Any]:
    """``row``'s values for ``columns``, in that order (None where it has none)."""
    return dict(zip(columns, map(row.get, columns), strict=True))


def _decode(rows: list[dict[str, Any]], regions: Regions) -> list[dict[str, Any]]:
    """Group keys back from indices to region keys and settlement names (None outside)."""
    for row in rows:
        index = row.get("region")
        if index is not None:
            row["region"] = None if index == OUTSIDE else regions.keys[index]
        if "settlement" in row:
            code = row["settlement"]
            row["settlement"] = None if code == OUTSIDE else SETTLEMENTS[code]
    return rows


def aggregate_regions(
    tiles_path: Path,
    regions: Regions,
    *,
    cache_dir: Path,
    options: DivideOptions | None = None,
    places: Places | None = None,
    rule: SettlementRule | None = None,
    by_settlement: bool = False,
    lang: str = "en",
    con: Any | None = None,
    progress: Progress | None = None,
    tile_file: Callable[[], TileFile] | None = None,
) -> Aggregation:
    """Measures per region for one tile file: every region listed, tiles outside counted.

    ``con`` is an Ibis connection (default: a new in-memory DuckDB); pass
    ``ibis.pyspark.connect(spark)`` to run the aggregation on Spark. ``tile_file`` gives the
    file read into memory (by default it is read here), e.g. the result of a
    :class:`~infosoc.background.Background` reading started while the regions were loaded;
    only DuckDB uses it.
    """
    # The spatial stack (numpy, pyarrow.compute, shapely) is loaded only to aggregate: the
    # report imports this module to list the quarters held, often none.
    from ..sources.ookla_tiles import check_tiles_file, read_tile_file
    from .lookup import lookup_table

    options = options or DivideOptions()
    read = None
    if con is None:  # DuckDB reads the tiles from memory, read once for the lookup and sums
        if progress:
            progress("reading the tiles")
        # A wrong file fails here, in one line, before any work.
        read = tile_file() if tile_file is not None else read_tile_file(tiles_path)
    else:
        check_tiles_file(tiles_path)
    tiles = read.table if read is not None else None
    if by_settlement and places is None:
        raise InputError("town and village figures need a places file (GeoNames layout)")
    by = ["region", "settlement"] if by_settlement else ["region"]
    # On DuckDB a lookup computed now is used from memory while its file is written.
    with lookup_table(
        tiles_path,
        regions,
        cache_dir,
        places=places,
        rule=rule,
        progress=progress,
        save_in_background=con is None,
        quadkeys=tiles.column("quadkey") if tiles is not None else None,
        tiles_sha256=read.sha256 if read is not None else None,
    ) as lookup:
        if progress:
            progress("aggregating")
        rows = summarise_file(
            engine_for(con),
            tiles_path,
            lookup.path,
            by=by,
            thresholds=options.thresholds_mbps,
            lookup_table=lookup.table,
            tiles_table=tiles,
            # The groups: each region (by settlement), and the tiles outside every region.
            tiles_per_group=lookup.tiles / (len(regions.keys) * (2 if by_settlement else 1) + 1),
        )
    lookup = replace(lookup, table=None)  # the table is not kept with the figures
    _decode(rows, regions)
    names = regions.names.get(lang) or regions.names.get("en") or {}
    seen = {tuple(r[k] for k in by) for r in rows}
    # A region without a single tile is still a region of the country: listed, with no data.
    for key in regions.keys:
        for settlement in (TOWN, VILLAGE) if by_settlement else (None,):
            group = (key, settlement) if by_settlement else (key,)
            if group not in seen:
                empty = dict(zip(by, group, strict=True))
                rows.append({**empty, "tests": 0, "devices": 0, "tiles": 0})
    order = {key: i for i, key in enumerate(regions.keys)}
    rows.sort(
        key=lambda r: (r["region"] is None, order.get(r["region"], 0), r.get("settlement") or "")
    )
    out = Records(metadata={"tiles_file": str(tiles_path), "lookup": str(lookup.path)})
    columns = (*by, "name", "tests", "devices", "tiles", *options.measure_columns)
    for row in rows:
        row["name"] = (
            names.get(row["region"], row["region"])
            if row["region"]
            else OUTSIDE_NAMES.get(lang, OUTSIDE_NAMES["en"])
        )
        ordered = _ordered(row, columns)
        _suppress(ordered, options)  # "reported" and "note" come last
        out.append(ordered)
    totals = {
        "tiles": sum(r["tiles"] for r in out),
        "tests": sum(r["tests"] for r in out),
        "outside_tiles": sum(r["tiles"] for r in out if r["region"] is None),
    }
    return Aggregation(out, lookup, tiles_path, options, totals)


def town_village(
    tiles_path: Path,
    regions: Regions,
    *,
    cache_dir: Path,
    places: Places,
    rule: SettlementRule | None = None,
    options: DivideOptions | None = None,
    con: Any | None = None,
) -> dict[str, Any]:
    """Measures for the towns and the villages of the whole country, and the gap between them."""
    from .lookup import build_lookup

    options = options or DivideOptions()
    rule = rule or SettlementRule()
    lookup = build_lookup(tiles_path, regions, cache_dir, places=places, rule=rule)
    rows = summarise_file(
        engine_for(con),
        tiles_path,
        lookup.path,
        by=["settlement"],
        thresholds=options.thresholds_mbps,
        only_inside=True,
        tiles_per_group=lookup.tiles / 2,
    )
    _decode(rows, regions)
    groups: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row["settlement"] in (TOWN, VILLAGE):
            _suppress(row, options)
            groups[row["settlement"]] = row
    town, village = groups.get(TOWN), groups.get(VILLAGE)
    return {
        "rule": rule.label,
        "town": town,
        "village": village,
        "gap": _gap(town, village, options),
    }


def _gap(
    town: dict[str, Any] | None, village: dict[str, Any] | None, options: DivideOptions
) -> dict[str, Any]:
    gap: dict[str, Any] = {}
    for column in ("mean_download_mbps", "median_download_mbps", "mean_latency_ms"):
        t = town.get(column) if town else None
        v = village.get(column) if village else None
        gap[f"{column}_ratio"] = t / v if t is not None and v else None
        gap[f"{column}_difference"] = t - v if t is not None and v is not None else None
    for mbps in options.thresholds_mbps:
        column = threshold_column(mbps)
        t = town.get(column) if town else None
        v = village.get(column) if village else None
        gap[f"{column}_difference"] = v - t if t is not None and v is not None else None
    return gap


def divide_indicators(
    rows: Sequence[dict[str, Any]],
    measure: str,
    *,
    weighting: Weighting = "tests",
    population: dict[str, float] | None = None,
) -> dict[str, Any]:
    """How unequal the reported regions are on one measure.

    Regions without a value (too few tests) or, with population weights, without a
    population are left out and named, never counted as zero.
    """
    usable: list[tuple[str, float, float]] = []
    left_out: list[str] = []
    for row in rows:
        if row.get("region") is None or row.get("settlement"):
            continue
        value = row.get(measure)
        weight = row["tests"] if weighting == "tests" else (population or {}).get(row["region"])
        if value is None or weight is None:
            left_out.append(row["region"])
            continue
        usable.append((row["region"], float(value), float(weight)))
    values = [v for _, v, _ in usable]
    weights = [w for _, _, w in usable]
    higher_is_better = not (measure in LOWER_IS_BETTER or measure.startswith("share_below"))
    best = worst = None
    if usable:
        ranked = sorted(usable, key=lambda u: u[1], reverse=higher_is_better)
        best, worst = ranked[0][0], ranked[-1][0]
    return {
        "measure": measure,
        "weighting": weighting,
        "regions": len(usable),
        "left_out": left_out,
        "best_region": best,
        "worst_region": worst,
        "best_to_worst": inequality.best_to_worst(values),
        "coefficient_of_variation": inequality.coefficient_of_variation(values, weights),
        "gini": inequality.gini(values, weights),
        "theil": inequality.theil(values, weights),
    }


def quarter_of(path: Path) -> str | None:
    """'2023 Q1' from Ookla's file name (2023-01-01_performance_fixed_tiles.parquet), or None
    for a file named otherwise."""
    from ..sources.ookla_tiles import TileQuarter

    try:
        quarter = TileQuarter.from_name(path.name)
    except InputError:
        return None
    return f"{quarter.year} Q{quarter.quarter}"


REPORT_MEASURES = ("mean_download_mbps", "median_download_mbps", "share_below_10_mbps")


@dataclass(frozen=True)
class QuarterFile:
    """One quarter's tile file and its label ('2023 Q1')."""

    label: str
    path: Path


def divide_report(
    quarters: Sequence[QuarterFile],
    regions: Regions,
    *,
    cache_dir: Path,
    places: Places | None = None,
    rule: SettlementRule | None = None,
    options: DivideOptions | None = None,
    weighting: Weighting = "tests",
    population: Callable[[str], dict[str, float] | None] | None = None,
    measures: Sequence[str] = REPORT_MEASURES,
    lang: str = "en",
    con: Any | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """The divide indicators of every quarter, and their trend over the quarters.

    ``population`` maps a quarter label to region populations, for population weights.
    """
    if not quarters:
        raise InputError("no tile files: fetch a quarter with 'infosoc divide tiles' first")
    options = options or DivideOptions()
    unknown = [m for m in measures if m not in options.measure_columns]
    if unknown:
        choices = ", ".join(options.measure_columns)
        raise InputError(f"unknown measure '{unknown[0]}'; choose from {choices}")
    per_quarter: list[dict[str, Any]] = []
    for quarter in sorted(quarters, key=lambda q: q.label):
        if progress:
            progress(f"{quarter.label}: {quarter.path.name}")
        agg = aggregate_regions(
            quarter.path, regions, cache_dir=cache_dir, options=options, lang=lang, con=con
        )
        weights = population(quarter.label) if population and weighting == "population" else None
        entry: dict[str, Any] = {
            "quarter": quarter.label,
            "file": str(quarter.path),
            "tiles": agg.totals["tiles"],
            "tests": agg.totals["tests"],
            "outside_tiles": agg.totals["outside_tiles"],
            "regions_reported": sum(1 for r in agg.rows if r["region"] and r["reported"]),
            "indicators": {
                m: divide_indicators(agg.rows, m, weighting=weighting, population=weights)
                for m in measures
            },
            "regions": [r for r in agg.rows if r["region"] is not None],
        }
        if places is not None:
            entry["town_village"] = town_village(
                quarter.path,
                regions,
                cache_dir=cache_dir,
                places=places,
                rule=rule,
                options=options,
                con=con,
            )
        per_quarter.append(entry)
    return {
        "weighting": weighting,
        "min_tests": options.min_tests,
        "thresholds_mbps": list(options.thresholds_mbps),
        "quarters": per_quarter,
        "trend": _trends(per_quarter, measures),
    }


def _quarter_number(label: str) -> int:
    year, quarter = label.split(" Q")
    return int(year) * 4 + int(quarter) - 1


def _trends(per_quarter: Sequence[dict[str, Any]], measures: Sequence[str]) -> dict[str, Any]:
    """Change per quarter of each divide indicator (least squares), over the quarters held."""
    trends: dict[str, Any] = {}
    for measure in measures:
        for name in ("best_to_worst", "coefficient_of_variation", "gini", "theil"):
            points = [
                (_quarter_number(q["quarter"]), q["indicators"][measure][name]) for q in per_quarter
            ]
            known = [(t, v) for t, v in points if v is not None]
            # Quarters are placed on their own time axis, so a missing one leaves a gap
            # instead of pulling the later quarters forward.
            trend = inequality.linear_trend([v for _, v in known], [t for t, _ in known])
            trends[f"{measure}.{name}"] = (
                None
                if trend is None
                else {"per_quarter": trend.slope, "stderr": trend.stderr, "quarters": trend.periods}
            )
    return trends
