"""The public API of the digital divide: ``Observatory().divide.aggregate(...)`` and friends.

It picks the inputs (tile files from the cache or a mirror, boundaries, places and
populations, Kazakhstan's by default) and hands them to analysis.divide; the CLI's
``infosoc divide`` commands are a shell over it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import settings
from ..background import Background
from ..errors import InputError, NotFoundError
from ..geo.countries import resolve
from ..geo.places import Places, SettlementRule, load_places
from ..i18n import parse_lang
from ..snapshot import snapshot_dir
from .indicators import (
    Aggregation,
    DivideOptions,
    QuarterFile,
    Weighting,
    aggregate_regions,
    divide_report,
    quarter_of,
)

if TYPE_CHECKING:
    from ..geo.regions import Regions
    from ..sources.ookla_tiles import TileFile

KZ_BOUNDARIES = Path("geo") / "OSMB-KZ_obl_sh-i.geojson"
KZ_PLACES = Path("geo") / "geonames_cities500_KZ.tsv"
TILES_FOLDER = Path("speed") / "ookla_open_data_tiles"
# Said of a tile file without a single tile (a valid quarter: an island's mobile layer can be).
EMPTY_QUARTER_NOTE = (
    "The tile file holds no tiles: nobody ran a test in its area that quarter "
    "(no measurement, not zero speed)."
)
Progress = Callable[[str], None]


class Divide:
    """Speed tiles by region, town and village, and the divide indicators built on them."""

    def __init__(self, home: Path, mirror: Path | str | None) -> None:
        self.home = home
        self._mirror = mirror

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
        if resolve(country) != "KAZ":
            raise InputError(
                f"infosoc ships the regions of Kazakhstan only; give --regions FILE for {country}"
            )
        path = self._mirror_file(KZ_BOUNDARIES, "Kazakhstan's region boundaries", "--regions FILE")
        return kazakhstan_regions(path.parent, layout)

    def places(self, places_file: Path | None = None, country: str = "KAZ") -> Places | None:
        """Places for the town/village split: the user's file, else GeoNames for Kazakhstan."""
        if places_file is not None:
            return load_places(places_file)
        if resolve(country) != "KAZ":
            return None
        return load_places(self._mirror_file(KZ_PLACES, "Kazakhstan's places", "--places FILE"))

    def aggregate(
        self,
        tiles: Path,
        *,
        regions_file: Path | None = None,
        region_key: str | None = None,
        by_settlement: bool = False,
        places_file: Path | None = None,
        rule: SettlementRule | None = None,
        options: DivideOptions | None = None,
        lang: str = "en",
        con: Any | None = None,
        progress: Progress | None = None,
    ) -> Aggregation:
        """Measures per region for one tile file, tiles outside counted.

        The file is Ookla's Parquet, Parquet with tile centres (``tile_x``, ``tile_y``) in
        place of quadkeys, or a GeoJSON FeatureCollection of tiles (docs/sources/ookla-tiles.md).
        A file without tiles gives every region with no tests, and ``rows.metadata["note"]``
        says the file was empty.
        """
        with _reading(tiles, con) as reading:
            regions = self.regions(regions_file, region_key)
            places = self.places(places_file) if by_settlement else None
            if by_settlement and places is None:
                raise NotFoundError(
                    f"town and village figures need places: give --places FILE or a data folder "
                    f"holding {KZ_PLACES.as_posix()}"
                )
            result = aggregate_regions(
                tiles,
                regions,
                cache_dir=self.cache_dir,
                options=options,
                places=places,
                rule=rule,
                by_settlement=by_settlement,
                lang=lang,
                con=con,
                progress=progress,
                tile_file=reading.result if reading else None,
            )
        if result.totals["tiles"] == 0:
            result.rows.metadata["note"] = EMPTY_QUARTER_NOTE
        return result

    def map(
        self,
        measure: str,
        tiles: Path,
        out: Path,
        *,
        regions_file: Path | None = None,
        region_key: str | None = None,
        options: DivideOptions | None = None,
        lang: str = "en",
        progress: Progress | None = None,
    ) -> Path:
        """A choropleth of one measure by region, saved by ``out``'s suffix (svg, png, html,
        json); regions without enough tests are drawn as "no data", never as 0."""
        from ..charts import choropleth, save_chart
        from .indicators import LOWER_IS_BETTER

        options = options or DivideOptions()
        if measure not in options.measure_columns:
            choices = ", ".join(options.measure_columns)
            raise InputError(f"unknown measure '{measure}'; choose from {choices}")
        with _reading(tiles, None) as reading:
            regions = self.regions(regions_file, region_key)
            result = aggregate_regions(
                tiles,
                regions,
                cache_dir=self.cache_dir,
                options=options,
                lang=lang,
                progress=progress,
                tile_file=reading.result if reading else None,
            )
        values = {r["region"]: r[measure] for r in result.rows if r["region"] is not None}
        names = regions.names.get(lang) or regions.names.get("en") or {}
        quarter = quarter_of(tiles) or tiles.name
        if progress:
            progress("drawing")
        chart = choropleth(
            list(regions.keys),
            names,
            list(regions.geometries),
            values,
            title=f"{_measure_title(measure, lang)} — {quarter}",
            legend_title=_measure_unit(measure, lang),
            lang=parse_lang(lang),
            reverse=measure in LOWER_IS_BETTER or measure.startswith("share_below"),
        )
        return save_chart(chart, out)

    def settlements(
        self,
        country: str = "KAZ",
        *,
        level: str = "district",
        each: bool = False,
        places_file: Path | None = None,
        lang: str = "en",
    ) -> dict[str, Any]:
        """OpenStreetMap's settlements by district or region (2024 layout, KATO codes), or
        each settlement with ``each``: counts by place type, population tags and their sum, and
        the coverage against the official count of rural settlements. The OSM file is the
        user's (``places_file``, a HOT export) or the data folder's; every result carries the
        source label, since the list is neither complete nor official."""
        from ..geo.kz_boundaries import GEOKZ_FOLDER, kz_boundaries
        from ..geo.settlements import (
            OSM_PLACES,
            SUMMARY_LEVELS,
            load_settlements,
            settlement_report,
        )

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
        return settlement_report(found, level, each=each, lang=parse_lang(lang))

    def fetch(self, kind: str, year: int, quarter: int, *, progress: Any = None) -> Path:
        """Download one quarter of Ookla's tiles into the cache (resumable), or find it."""
        from ..sources.ookla_tiles import TileQuarter
        from ..sources.ookla_tiles_fetch import fetch_tiles, locate_tiles

        wanted = TileQuarter(kind, year, quarter)  # type: ignore[arg-type]
        found = locate_tiles(wanted, settings.mirror_dir(self._mirror), self.cache_dir)
        if found is not None:
            return found
        return fetch_tiles(wanted, self.cache_dir, progress=progress)

    def quarters(self, kind: str, files: Sequence[str] = ()) -> list[QuarterFile]:
        """Tile files to report on: those given ('PATH' or '2023Q1=PATH'), else every
        quarter of ``kind`` in the mirror and the cache."""
        if files:
            return [_quarter_file(spec) for spec in files]
        found: dict[str, Path] = {}
        roots = [settings.mirror_dir(self._mirror), self.cache_dir]
        for root in (r for r in roots if r is not None):
            for path in sorted(
                (root / TILES_FOLDER / f"type={kind}").glob("year=*/quarter=*/*.parquet")
            ):
                label = quarter_of(path)
                if label and label not in found:
                    found[label] = path
        return [QuarterFile(label, path) for label, path in sorted(found.items())]

    def report(
        self,
        country: str,
        *,
        kind: str = "fixed",
        files: Sequence[str] = (),
        regions_file: Path | None = None,
        region_key: str | None = None,
        places_file: Path | None = None,
        rule: SettlementRule | None = None,
        options: DivideOptions | None = None,
        weighting: Weighting = "tests",
        population_file: Path | None = None,
        layout: str = "2022",
        lang: str = "en",
        con: Any | None = None,
        progress: Progress | None = None,
    ) -> dict[str, Any]:
        """The divide indicators of a country over every quarter held, with their trend."""
        iso3 = resolve(country)
        quarters = self.quarters(kind, files)
        if not quarters:
            raise NotFoundError(
                f"no {kind} tiles held: run 'infosoc divide tiles --type {kind} --year Y "
                "--quarter Q', or give --tiles FILE"
            )
        regions = self.regions(regions_file, region_key, iso3, layout)
        population = (
            self._population(regions_file, population_file, layout)
            if weighting == "population"
            else None
        )
        result = divide_report(
            quarters,
            regions,
            cache_dir=self.cache_dir,
            places=self.places(places_file, iso3),
            rule=rule,
            options=options,
            weighting=weighting,
            population=population,
            lang=lang,
            con=con,
            progress=progress,
        )
        return {"country": iso3, "type": kind, "layout": regions.layout, **result}

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


_MEASURE_TITLES = {
    "download": {"en": "Download speed", "ru": "Скорость загрузки", "kk": "Жүктеу жылдамдығы"},
    "upload": {"en": "Upload speed", "ru": "Скорость отдачи", "kk": "Жіберу жылдамдығы"},
    "latency": {"en": "Latency", "ru": "Задержка", "kk": "Кідіріс"},
    "share": {
        "en": "Share of tests below {n} Mbit/s",
        "ru": "Доля тестов ниже {n} Мбит/с",
        "kk": "{n} Мбит/с-тан төмен тесттер үлесі",
    },
}
_STATISTIC = {
    "mean": {"en": "mean", "ru": "среднее", "kk": "орташа"},
    "median": {"en": "median", "ru": "медиана", "kk": "медиана"},
}


@contextmanager
def _reading(tiles: Path, con: Any | None) -> Iterator[Background[TileFile] | None]:
    """The tile file read on a second thread while the regions load (Python work that holds
    the GIL), for DuckDB, which aggregates from memory; nothing for another engine."""
    if con is not None:
        yield None
        return
    from ..sources.ookla_tiles import read_tile_file

    with Background(read_tile_file, tiles) as reading:
        yield reading


def _measure_title(measure: str, lang: str) -> str:
    """'Download speed, median' in the user's language."""
    if measure.startswith("share_below_"):
        n = measure.removeprefix("share_below_").removesuffix("_mbps").replace("_", ".")
        return _MEASURE_TITLES["share"][lang].format(n=n)
    statistic, what = measure.split("_")[:2]
    return f"{_MEASURE_TITLES[what][lang]}, {_STATISTIC[statistic][lang]}"


_UNITS = {
    "mbps": {"en": "Mbit/s", "ru": "Мбит/с", "kk": "Мбит/с"},
    "ms": {"en": "ms", "ru": "мс", "kk": "мс"},
    "share": {"en": "share", "ru": "доля", "kk": "үлес"},
}


def _measure_unit(measure: str, lang: str) -> str:
    if measure.startswith("share"):
        return _UNITS["share"][lang]
    return _UNITS["mbps" if measure.endswith("_mbps") else "ms"][lang]


def _quarter_file(spec: str) -> QuarterFile:
    label, _, path_text = spec.rpartition("=")
    path = Path(path_text)
    if label:
        year, sep, quarter = label.upper().replace(" ", "").partition("Q")
        if not (sep and year.isdigit() and quarter in ("1", "2", "3", "4")):
            raise InputError(f"'{label}' is not a quarter such as 2023Q1", file=spec)
        return QuarterFile(f"{year} Q{quarter}", path)
    named = quarter_of(path)
    if named is None:
        raise InputError(
            "the quarter cannot be read from the file name; write it as 2023Q1=PATH", file=spec
        )
    return QuarterFile(named, path)
