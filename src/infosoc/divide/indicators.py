"""The digital divide inside a country: speed tiles by region, by town and village, and how
unequal the regions are, quarter by quarter.

The spatial step (which region and settlement holds each tile) is the cached lookup
(divide.lookup); everything after it is one Ibis expression (divide.aggregate) that runs on
DuckDB by default and on Spark when the caller passes an engine backed by Spark.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..analysis import inequality
from ..errors import InputError
from ..geo.places import SETTLEMENTS, TOWN, VILLAGE, Places, SettlementRule
from ..i18n import translations
from ..records import Progress, Records
from .aggregate import (
    DEFAULT_THRESHOLDS_MBPS,
    MEANS,
    MEDIANS,
    OUTSIDE,
    DuckDBEngine,
    Engine,
    Summary,
    median_bins,
    threshold_column,
)

if TYPE_CHECKING:
    from ..geo.regions import Regions
    from ..sources.ookla_tiles import TileFile
    from .lookup import Say, TileLookup

DEFAULT_MIN_TESTS = 50  # Ookla's tutorial reports no county with fewer tests
Weighting = Literal["tests", "population"]
LOWER_IS_BETTER = ("mean_latency_ms", "median_latency_ms")
INDICATORS = ("best_to_worst", "coefficient_of_variation", "gini", "theil")


@dataclass(frozen=True)
class DivideOptions:
    """What the aggregation reports: thresholds for slow tests and the smallest sample."""

    thresholds_mbps: tuple[float, ...] = DEFAULT_THRESHOLDS_MBPS
    min_tests: int = DEFAULT_MIN_TESTS

    def __post_init__(self) -> None:
        if self.min_tests < 0:
            raise InputError(f"the minimum number of tests ({self.min_tests}) cannot be negative")
        bad = [t for t in self.thresholds_mbps if not 0 < t < math.inf]
        if bad:
            raise InputError(f"threshold {bad[0]} Mbit/s: thresholds must be positive numbers")
        twice = [t for i, t in enumerate(self.thresholds_mbps) if t in self.thresholds_mbps[:i]]
        if twice:
            raise InputError(f"threshold {twice[0]:g} Mbit/s is given twice")

    @cached_property
    def measure_columns(self) -> tuple[str, ...]:
        """The measure columns of a row, in order."""
        return (*MEANS, *MEDIANS, *(threshold_column(t) for t in self.thresholds_mbps))


@dataclass
class Aggregation:
    """Measures per region (and settlement), with the lookup they were computed through."""

    rows: Records
    lookup: TileLookup
    tiles_path: Path
    options: DivideOptions
    totals: dict[str, int] = field(default_factory=dict)


def steps(progress: Progress | None) -> Say:
    """A ``say(what)`` that tells ``progress`` each step of a long operation in turn."""
    done = 0

    def say(what: str) -> None:
        nonlocal done
        if progress is not None:
            progress(done, None, what)
        done += 1

    return say


def _suppress(row: dict[str, Any], options: DivideOptions, lang: str) -> None:
    """Blank a group's measures when it has too few tests to be reported: missing, not 0."""
    row["reported"] = row["tests"] >= options.min_tests
    row["note"] = None
    if not row["reported"]:
        for column in options.measure_columns:
            row[column] = None
        row["note"] = translations(lang).gettext("fewer than %(n)s tests") % {
            "n": options.min_tests
        }


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
    engine: Engine | None = None,
    progress: Progress | None = None,
) -> Aggregation:
    """Measures per region for one tile file: every region listed, tiles outside counted.

    ``engine`` runs the aggregation: by default DuckDB in this process; on Spark,
    ``IbisEngine(ibis.pyspark.connect(spark))``.
    """
    from ..sources.ookla_tiles import read_tile_file

    say = steps(progress)
    say("reading the tiles")
    # A wrong file fails here, in one line, before any work.
    tiles = read_tile_file(tiles_path)
    return summarised(
        tiles,
        regions,
        cache_dir=cache_dir,
        options=options,
        places=places,
        rule=rule,
        by_settlement=by_settlement,
        lang=lang,
        engine=engine,
        say=say,
    )


def summarised(
    tiles: TileFile,
    regions: Regions,
    *,
    cache_dir: Path,
    options: DivideOptions | None = None,
    places: Places | None = None,
    rule: SettlementRule | None = None,
    by_settlement: bool = False,
    lang: str = "en",
    engine: Engine | None = None,
    say: Say | None = None,
) -> Aggregation:
    """:func:`aggregate_regions` for a tile file already in memory."""
    from .lookup import lookup_table

    say = say or steps(None)
    options = options or DivideOptions()
    if by_settlement and places is None:
        raise InputError("town and village figures need a places file (GeoNames layout)")
    by = ("region", "settlement") if by_settlement else ("region",)
    say("finding each tile's region")
    lookup = lookup_table(tiles, regions, cache_dir, places=places, rule=rule, say=say)
    say("aggregating")
    # The groups: each region (by settlement), and the tiles outside every region.
    groups = len(regions.keys) * (2 if by_settlement else 1) + 1
    query = Summary(by, options.thresholds_mbps, median_bins=median_bins(lookup.tiles / groups))
    rows = _decode((engine or DuckDBEngine()).summarise(tiles, lookup, query), regions)
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
    out = Records(metadata={"tiles_file": str(tiles.path), "lookup": str(lookup.path)})
    columns = (*by, "name", "tests", "devices", "tiles", *options.measure_columns)
    outside = translations(lang).pgettext("region", "outside every region")
    for row in rows:
        row["name"] = names.get(row["region"], row["region"]) if row["region"] else outside
        # The row's values in the order of ``columns``, None where it has none.
        ordered = dict(zip(columns, map(row.get, columns), strict=True))
        _suppress(ordered, options, lang)  # "reported" and "note" come last
        out.append(ordered)
    totals = {
        "tiles": sum(r["tiles"] for r in out),
        "tests": sum(r["tests"] for r in out),
        "outside_tiles": sum(r["tiles"] for r in out if r["region"] is None),
    }
    # The lookup's table is not kept with the figures.
    return Aggregation(out, replace(lookup, table=None), tiles.path, options, totals)


def town_village(
    tiles: TileFile,
    regions: Regions,
    *,
    cache_dir: Path,
    places: Places,
    rule: SettlementRule | None = None,
    options: DivideOptions | None = None,
    lang: str = "en",
    engine: Engine | None = None,
) -> dict[str, Any]:
    """Measures for the towns and the villages of the whole country, and the gap between them."""
    from .lookup import lookup_table

    options = options or DivideOptions()
    rule = rule or SettlementRule()
    lookup = lookup_table(tiles, regions, cache_dir, places=places, rule=rule)
    query = Summary(
        ("settlement",),
        options.thresholds_mbps,
        only_inside=True,
        median_bins=median_bins(lookup.tiles / 2),
    )
    rows = _decode((engine or DuckDBEngine()).summarise(tiles, lookup, query), regions)
    groups: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row["settlement"] in (TOWN, VILLAGE):
            _suppress(row, options, lang)
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
    """'2023-Q1' from Ookla's file name (2023-01-01_performance_fixed_tiles.parquet), or None
    for a file named otherwise."""
    from ..sources.ookla_tiles import TileQuarter

    try:
        quarter = TileQuarter.from_name(path.name)
    except InputError:
        return None
    return f"{quarter.year}-Q{quarter.quarter}"


REPORT_MEASURES = ("mean_download_mbps", "median_download_mbps", "share_below_10_mbps")


@dataclass(frozen=True)
class QuarterFile:
    """One quarter's tile file and its label ('2023-Q1')."""

    label: str
    path: Path


def indicators_by_quarter(
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
    engine: Engine | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """The divide indicators of every quarter, and their trend over the quarters.

    ``population`` maps a quarter label to region populations, for population weights. The
    result holds ``rows`` (one per quarter and measure: the indicators, and the town and
    village values with places), ``trends`` (one per measure and indicator), and
    ``quarters``, each quarter's file, totals, indicators, regions and town-village split.
    """
    from ..sources.ookla_tiles import read_tile_file

    if not quarters:
        raise InputError("no tile files: fetch a quarter with 'infosoc divide tiles' first")
    options = options or DivideOptions()
    unknown = [m for m in measures if m not in options.measure_columns]
    if unknown:
        choices = ", ".join(options.measure_columns)
        raise InputError(f"unknown measure '{unknown[0]}'; choose from {choices}")
    say = steps(progress)
    per_quarter: list[dict[str, Any]] = []
    for quarter in sorted(quarters, key=lambda q: q.label):
        say(f"{quarter.label}: {quarter.path.name}")
        tiles = read_tile_file(quarter.path)
        agg = summarised(
            tiles, regions, cache_dir=cache_dir, options=options, lang=lang, engine=engine
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
                tiles,
                regions,
                cache_dir=cache_dir,
                places=places,
                rule=rule,
                options=options,
                lang=lang,
                engine=engine,
            )
        per_quarter.append(entry)
    return {
        "weighting": weighting,
        "min_tests": options.min_tests,
        "thresholds_mbps": list(options.thresholds_mbps),
        "rows": _indicator_rows(per_quarter),
        "trends": _trends(per_quarter, measures),
        "quarters": per_quarter,
    }


def _indicator_rows(per_quarter: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per quarter and measure: its indicators, and the town and village values."""
    rows = []
    for quarter in per_quarter:
        split = quarter.get("town_village") or {}
        for measure, found in quarter["indicators"].items():
            town = (split.get("town") or {}).get(measure)
            village = (split.get("village") or {}).get(measure)
            rows.append({"quarter": quarter["quarter"], **found, "town": town, "village": village})
    return rows


def _quarter_number(label: str) -> int:
    year, quarter = label.split("-Q")
    return int(year) * 4 + int(quarter) - 1


def _trends(per_quarter: Sequence[dict[str, Any]], measures: Sequence[str]) -> list[dict[str, Any]]:
    """Change per quarter of each divide indicator (least squares), over the quarters held;
    None where fewer than two quarters have a value."""
    trends = []
    for measure in measures:
        for name in INDICATORS:
            points = [
                (_quarter_number(q["quarter"]), q["indicators"][measure][name]) for q in per_quarter
            ]
            known = [(t, v) for t, v in points if v is not None]
            # Quarters are placed on their own time axis, so a missing one leaves a gap
            # instead of pulling the later quarters forward.
            trend = inequality.linear_trend([v for _, v in known], [t for t, _ in known])
            trends.append(
                {
                    "measure": measure,
                    "indicator": name,
                    "per_quarter": None if trend is None else trend.slope,
                    "stderr": None if trend is None else trend.stderr,
                    "quarters": len(known),
                }
            )
    return trends
