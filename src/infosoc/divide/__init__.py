"""The digital divide inside a country, from Ookla's speed tiles: ``Observatory().divide``.

:class:`Divide` picks the inputs (tile files from the cache or a data folder; boundaries,
places and populations, Kazakhstan's by default) and hands them to the modules of this
package, which the ``infosoc divide`` commands are a shell over:

- ``quadkeys``: tiles and their quadkeys, vectorised;
- ``lookup``: each tile's region (and town or village), computed once per tile file and
  boundary set and cached;
- ``aggregate``: the measures per group, one Ibis expression run by DuckDB (or Spark);
- ``indicators``: rows per region, the town-village gap, the inequality across regions and
  its trend over quarters;
- ``map``: a choropleth of one measure.

docs/divide.md explains the method; docs/internals/divide.md how it is made fast.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import settings
from ..errors import InputError, NotFoundError
from ..geo.countries import resolve
from ..geo.places import DEFAULT_TOWN_POPULATION, DEFAULT_TOWN_RADIUS_KM
from ..i18n import translations
from ..records import Document, Progress, Records
from ..snapshot import snapshot_dir
from .aggregate import DEFAULT_THRESHOLDS_MBPS, DuckDBEngine, Engine, IbisEngine
from .indicators import DEFAULT_MIN_TESTS, DivideOptions, QuarterFile, Weighting, quarter_of
from .overlaps import overlap_note

if TYPE_CHECKING:
    from ..geo.places import Places, SettlementRule
    from ..geo.regions import Regions

__all__ = [
    "DEFAULT_MIN_TESTS",
    "DEFAULT_THRESHOLDS_MBPS",
    "DEFAULT_TOWN_POPULATION",
    "DEFAULT_TOWN_RADIUS_KM",
    "Divide",
    "QuarterFile",
    "parse_quarter",
]

KZ_BOUNDARIES = Path("geo") / "OSMB-KZ_obl_sh-i.geojson"
KZ_PLACES = Path("geo") / "geonames_cities500_KZ.tsv"
TILES_FOLDER = Path("speed") / "ookla_open_data_tiles"
SOURCE = "Ookla Speedtest open data (CC BY-NC-SA 4.0)"
_PERIOD = re.compile(r"(\d{4})-?Q([1-4])", re.IGNORECASE)


def parse_quarter(period: str) -> tuple[int, int]:
    """Year and quarter of a period such as ``2023-Q1`` (or ``2023Q1``)."""
    found = _PERIOD.fullmatch(period.strip())
    if found is None:
        raise InputError(f"'{period}' is not a quarter such as 2023-Q1")
    return int(found[1]), int(found[2])


class Divide:
    """Speed tiles by region, town and village, and the divide indicators built on them.

    ``home`` holds the cache (downloaded tiles, computed lookups); ``mirror`` is a data
    folder laid out like the shared one (``$INFOSOC_MIRROR`` when None), read before the
    snapshot shipped in the package.
    """

    def __init__(self, home: Path, mirror: Path | str | None) -> None:
        self.home = home
        self._mirror = mirror
        self._duckdb = DuckDBEngine()  # one in-memory DuckDB for every aggregation of this Divide

    def _engine(self, spark: Any) -> Engine:
        """DuckDB in this process, or Spark through Ibis when given a SparkSession."""
        if spark is None:
            return self._duckdb
        import ibis

        return IbisEngine(ibis.pyspark.connect(spark))

    @property
    def cache_dir(self) -> Path:
        return settings.cache_dir(self.home)

    def _mirror_file(self, relative: Path, what: str, option: str) -> Path:
        """A data file from the local folder (``--from`` or ``$INFOSOC_MIRROR``) when it holds
        one, else from the shipped snapshot."""
        mirror = settings.mirror_dir(self._mirror)
        for root in (mirror, snapshot_dir()):
            if root is not None and (root / relative).is_file():
                return root / relative
        raise NotFoundError(
            f"{what} come from {relative.as_posix()} in a local data folder: "
            f"pass --from DIR (or set $INFOSOC_MIRROR), or give {option}"
        )

    def regions(
        self,
        regions_file: Path | None = None,
        key: str | None = None,
        country: str = "KAZ",
        layout: str = "2022",
    ) -> Regions:
        """The boundary set: a file given by the user, else the country's own regions (for
        Kazakhstan, in the ``layout`` of 1997, 2018 or 2022, today's regions merged by the
        crosswalk so that a series can span the reforms)."""
        from ..geo.kz_boundaries import load_boundaries
        from ..geo.regions import kazakhstan_regions

        if regions_file is not None:
            # A geokz file (Kazakhstan's KATO-coded regions or districts) gets its names in
            # en/ru/kk and KATO as its default key; any other file is read as it is.
            return load_boundaries(regions_file, key)
        if key is not None:
            raise InputError(
                f"--region-key {key} names a property of your own boundaries: give --regions FILE"
            )
        if resolve(country) != "KAZ":
            raise InputError(
                f"infosoc ships the regions of Kazakhstan only; give --regions FILE for {country}"
            )
        path = self._mirror_file(KZ_BOUNDARIES, "Kazakhstan's region boundaries", "--regions FILE")
        return kazakhstan_regions(path.parent, layout)

    def places(self, places_file: Path | None = None, country: str = "KAZ") -> Places | None:
        """Places for the town/village split: the user's file, else GeoNames for Kazakhstan."""
        from ..geo.places import load_places

        if places_file is not None:
            return load_places(places_file)
        if resolve(country) != "KAZ":
            return None
        return load_places(self._mirror_file(KZ_PLACES, "Kazakhstan's places", "--places FILE"))

    def aggregate(
        self,
        tiles: Path,
        *,
        regions: Path | None = None,
        region_key: str | None = None,
        by_settlement: bool = False,
        places: Path | None = None,
        town_population: int = DEFAULT_TOWN_POPULATION,
        town_radius_km: float = DEFAULT_TOWN_RADIUS_KM,
        thresholds: Sequence[float] | None = None,
        min_tests: int = DEFAULT_MIN_TESTS,
        lang: str = "en",
        spark: Any = None,
        progress: Progress | None = None,
    ) -> Records:
        """Measures per region for one tile file: one row per region (and per town and
        village with ``by_settlement``), every region listed, and one row for the tiles
        outside every region (``region`` None), counted, never dropped.

        ``tiles`` is Ookla's Parquet, Parquet with tile centres (``tile_x``, ``tile_y``) in
        place of quadkeys, or a GeoJSON FeatureCollection of tiles
        (docs/sources/ookla-tiles.md). ``regions`` is a boundary file with ``region_key`` its
        property naming a region (default: Kazakhstan's 20 regions). ``thresholds`` are the
        speeds (Mbit/s) under which the share of tests is given, by default
        :data:`DEFAULT_THRESHOLDS_MBPS`. A region with fewer than
        ``min_tests`` tests is listed with its measures missing, never 0. The metadata hold
        ``tiles``, ``tests`` and ``outside_tiles`` (the totals), ``tiles_file``, ``lookup``
        (the cached tile-to-region table) and ``lookup_reused``, ``source``, and ``note`` when
        the file held no tiles. ``spark``, a SparkSession, runs the aggregation on Spark.
        """
        from .indicators import aggregate_regions

        # Every option is checked before a file is read.
        options = _options(thresholds, min_tests)
        rule = _rule(town_population, town_radius_km)
        # The boundaries first: when both files are wrong, theirs is the error reported.
        boundaries = self.regions(regions, region_key)
        found = self.places(places) if by_settlement else None
        if by_settlement and found is None:
            raise NotFoundError(
                f"town and village figures need places: give --places FILE or a data folder "
                f"holding {KZ_PLACES.as_posix()}"
            )
        result = aggregate_regions(
            tiles,
            boundaries,
            cache_dir=self.cache_dir,
            options=options,
            places=found,
            rule=rule,
            by_settlement=by_settlement,
            lang=lang,
            engine=self._engine(spark),
            progress=progress,
        )
        rows = result.rows
        rows.metadata.update(
            {name: str(total) for name, total in result.totals.items()},
            lookup_reused=str(result.lookup.reused).lower(),
            source=SOURCE,
        )
        if result.totals["tiles"] == 0:
            rows.metadata["note"] = translations(lang).gettext(
                "The tile file holds no tiles: nobody ran a test in its area that quarter "
                "(no measurement, not zero speed)."
            )
        elif result.totals["outside_tiles"] == result.totals["tiles"]:
            # Boundaries of another area, or with latitude and longitude swapped.
            rows.metadata["note"] = translations(lang).gettext(
                "No tile lies inside any region: check that the boundaries cover the tiles' "
                "area and give each point as longitude, then latitude."
            )
        overlaps = overlap_note(boundaries, lang, self.cache_dir)
        if overlaps:
            rows.metadata["overlaps"] = overlaps
        return rows

    def map(
        self,
        measure: str,
        tiles: Path,
        out: Path,
        *,
        regions: Path | None = None,
        region_key: str | None = None,
        thresholds: Sequence[float] | None = None,
        min_tests: int = DEFAULT_MIN_TESTS,
        lang: str = "en",
        progress: Progress | None = None,
    ) -> list[Path]:
        """A choropleth of one measure by region, written to ``out`` in the format of its
        suffix (svg, png, html, json); regions without enough tests are drawn as "no data",
        never as 0. Returns the file written."""
        from ..charts import SUFFIXES
        from .indicators import aggregate_regions
        from .map import draw_map

        options = _options(thresholds, min_tests)
        if measure not in options.measure_columns:
            choices = ", ".join(options.measure_columns)
            raise InputError(f"unknown measure '{measure}'; choose from {choices}")
        if out.suffix.lower() not in SUFFIXES:
            raise InputError(
                f"unknown chart format '{out.suffix}'; use {', '.join(SUFFIXES)}", file=str(out)
            )
        boundaries = self.regions(regions, region_key)
        result = aggregate_regions(
            tiles,
            boundaries,
            cache_dir=self.cache_dir,
            options=options,
            lang=lang,
            engine=self._duckdb,
            progress=progress,
        )
        if progress:
            progress(1, 1, "drawing")
        period = quarter_of(tiles) or tiles.name
        return [draw_map(measure, result.rows, boundaries, out, period=period, lang=lang)]

    def settlements(
        self,
        country: str = "KAZ",
        *,
        level: str = "district",
        each: bool = False,
        places_file: Path | None = None,
        lang: str = "en",
    ) -> Document:
        """OpenStreetMap's settlements by district or region (2024 layout, KATO codes), or
        each settlement with ``each``: counts by place type, population tags and their sum, and
        the coverage against the official count of rural settlements. The OSM file is the
        user's (``places_file``, a HOT export) or the data folder's; every result carries the
        source label, since the list is neither complete nor official. The document's rows
        are under ``rows``; it also holds ``level``, ``source``, ``file`` and ``coverage``."""
        from ..geo.kz_boundaries import GEOKZ_FOLDER, kz_boundaries
        from ..geo.settlements import (
            OSM_PLACES,
            SUMMARY_LEVELS,
            load_settlements,
            settlement_report,
        )
        from ..i18n import parse_lang

        if resolve(country) != "KAZ":
            raise InputError(f"infosoc ships the settlements of Kazakhstan only, not {country}")
        if level not in SUMMARY_LEVELS:
            raise InputError(f"the level must be district or region, not '{level}'")
        districts = self._mirror_file(
            GEOKZ_FOLDER / "kaz_admbnda_adm2_2024.shp", "Kazakhstan's districts", "--from DIR"
        )
        osm = places_file or self._mirror_file(
            OSM_PLACES, "Kazakhstan's OpenStreetMap settlements", "--file FILE"
        )
        found = load_settlements(osm, kz_boundaries("district", "2024", districts.parent))
        report = settlement_report(found, level, each=each, lang=parse_lang(lang))
        return Document("divide-settlements", report, "rows")

    def fetch(
        self, period: str, *, network: str = "fixed", progress: Progress | None = None
    ) -> Records:
        """One quarter of Ookla's tiles (``period`` such as ``2023-Q1``), from the data folder
        or the cache, else downloaded into the cache (resumable, checked). One row: the
        ``network``, the ``period``, the ``file``, its ``rows`` and its ``bytes``."""
        from ..sources.ookla_tiles import TileQuarter
        from ..sources.ookla_tiles_fetch import check_located, fetch_tiles, locate_tiles

        year, quarter = parse_quarter(period)
        wanted = TileQuarter(network, year, quarter)  # type: ignore[arg-type]
        found = locate_tiles(wanted, settings.mirror_dir(self._mirror), self.cache_dir)
        if found is None:

            def told(done: int, total: int | None) -> None:
                if progress is not None:
                    progress(done, total, wanted.label)

            found = fetch_tiles(wanted, self.cache_dir, progress=told)
        info = check_located(found, self.cache_dir)
        row = {
            "network": network,
            "period": f"{year}-Q{quarter}",
            "file": str(found),
            "rows": info.rows,
            "bytes": info.size_bytes,
        }
        return Records([row], metadata={"source": SOURCE})

    def quarters(self, network: str = "fixed", files: Sequence[str] = ()) -> list[QuarterFile]:
        """Tile files to report on: those given ('PATH' or '2023-Q1=PATH'), else every
        quarter of ``network`` in the data folder and the cache, the data folder's first."""
        if files:
            return [_quarter_file(spec) for spec in files]
        found: dict[str, Path] = {}
        roots = [settings.mirror_dir(self._mirror), self.cache_dir]
        for root in (r for r in roots if r is not None):
            folder = root / TILES_FOLDER / f"type={network}"
            for path in sorted(folder.glob("year=*/quarter=*/*.parquet")):
                label = quarter_of(path)
                if label and label not in found:
                    found[label] = path
        return [QuarterFile(label, path) for label, path in sorted(found.items())]

    def report(
        self,
        country: str,
        *,
        network: str = "fixed",
        tiles: Sequence[str] = (),
        regions: Path | None = None,
        region_key: str | None = None,
        places: Path | None = None,
        town_population: int = DEFAULT_TOWN_POPULATION,
        town_radius_km: float = DEFAULT_TOWN_RADIUS_KM,
        thresholds: Sequence[float] | None = None,
        min_tests: int = DEFAULT_MIN_TESTS,
        weight: Weighting = "tests",
        population: Path | None = None,
        layout: str = "2022",
        lang: str = "en",
        spark: Any = None,
        progress: Progress | None = None,
    ) -> Document:
        """The divide indicators of a country, quarter by quarter, with their trend: the
        document of ``infosoc divide report`` (kind ``divide-report``).

        ``tiles`` are tile files ('PATH' or '2023-Q1=PATH'), by default every quarter of
        ``network`` held. Its keys: ``country``, ``network``, ``layout``, ``weighting``,
        ``min_tests``, ``thresholds_mbps``; ``rows``, one per quarter and measure, with the
        best and worst region, best-to-worst ratio, coefficient of variation, Gini and Theil
        across the regions (``weight``: by their tests or their population) and the town and
        village values; ``trends``, the least-squares change per quarter of each indicator;
        ``quarters``, each quarter's file, totals, indicators, regions and town-village gap.
        """
        from ..geo.kz_regions import check_layout
        from .indicators import indicators_by_quarter

        # Every option is checked before a tile file is looked for or read.
        if weight not in ("tests", "population"):
            raise InputError(f"the weight must be tests or population, not '{weight}'")
        check_layout(layout)
        options = _options(thresholds, min_tests)
        rule = _rule(town_population, town_radius_km)
        iso3 = resolve(country)
        quarters = self.quarters(network, tiles)
        if not quarters:
            raise NotFoundError(
                f"no {network} tiles held: run 'infosoc divide tiles --network {network} "
                "--period YEAR-QN', or give --tiles FILE"
            )
        boundaries = self.regions(regions, region_key, iso3, layout)
        result = indicators_by_quarter(
            quarters,
            boundaries,
            cache_dir=self.cache_dir,
            places=self.places(places, iso3),
            rule=rule,
            options=options,
            weighting=weight,
            population=self._population(regions, population, layout)
            if weight == "population"
            else None,
            lang=lang,
            engine=self._engine(spark),
            progress=progress,
        )
        content = {"country": iso3, "network": network, "layout": boundaries.layout, **result}
        overlaps = overlap_note(boundaries, lang, self.cache_dir)
        if overlaps:
            content["notes"] = [overlaps]
        return Document("divide-report", content, "rows")

    def _population(
        self, regions_file: Path | None, population_file: Path | None, layout: str
    ) -> Callable[[str], dict[str, float] | None]:
        """Region populations for a quarter: the user's file, else stat.gov.kz's for Kazakhstan."""
        from ..geo.population import kz_region_population, load_population_csv

        if population_file is not None:
            fixed = load_population_csv(population_file, "region", "population")
            return lambda _quarter: fixed
        if regions_file is not None:
            raise InputError("population weights for your own regions need --population FILE")
        folder = self._mirror_file(
            Path("geo") / "kz_region_population_2000-2023_statgovkz.csv",
            "Kazakhstan's region populations",
            "--population FILE",
        ).parent
        # Years published before the layout existed cannot be split into it: they are absent,
        # and a quarter of such a year has no population weights (its regions are left out).
        by_year = kz_region_population(folder, layout=layout)

        def for_quarter(quarter: str) -> dict[str, float] | None:
            year = int(quarter[:4])
            held = [y for y in by_year if y <= year]
            # The latest count at or before the quarter: populations move slowly.
            return by_year[max(held)] if held else None

        return for_quarter


def _options(thresholds: Sequence[float] | None, min_tests: int) -> DivideOptions:
    """The options of an aggregation; no thresholds means the default ones."""
    return DivideOptions(tuple(thresholds or DEFAULT_THRESHOLDS_MBPS), min_tests)


def _rule(population: int, radius_km: float) -> SettlementRule:
    from ..geo.places import SettlementRule

    return SettlementRule(population, radius_km)


def _quarter_file(spec: str) -> QuarterFile:
    label, _, path_text = spec.rpartition("=")
    path = Path(path_text)
    if label:
        try:
            year, quarter = parse_quarter(label)
        except InputError:
            raise InputError(f"'{label}' is not a quarter such as 2023-Q1", file=spec) from None
        return QuarterFile(f"{year}-Q{quarter}", path)
    named = quarter_of(path)
    if named is None:
        raise InputError(
            "the quarter cannot be read from the file name; write it as 2023-Q1=PATH", file=spec
        )
    return QuarterFile(named, path)
