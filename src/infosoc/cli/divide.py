"""``infosoc divide``: speed tiles by region, town and village; divide indicators; a map."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..i18n import parse_lang
from .common import FormatOpt, FromOpt, HomeOpt, LangOpt, Steps, app, emit, observatory, run
from .common import progress_bar as _progress_bar
from .output import Format

if TYPE_CHECKING:
    from ..divide.indicators import DivideOptions
    from ..geo.places import SettlementRule

divide_app = typer.Typer(
    help="The digital divide inside a country, from Ookla's speed tiles.", no_args_is_help=True
)
app.add_typer(divide_app, name="divide")

TilesOpt = Annotated[
    Path,
    typer.Option(
        "--tiles",
        help="Ookla open-data tile file (Parquet, or GeoJSON FeatureCollection).",
        show_default=False,
    ),
]
RegionsOpt = Annotated[
    Path | None,
    typer.Option(
        "--regions",
        help="Boundaries (GeoJSON, GeoPackage, …); default: Kazakhstan's 20 regions from --from.",
        show_default=False,
    ),
]
RegionKeyOpt = Annotated[
    str | None,
    typer.Option(
        "--region-key", help="The boundary property that names a region.", show_default=False
    ),
]
ThresholdOpt = Annotated[
    list[float] | None,
    typer.Option(
        "--threshold",
        help="Report the share of tests below this many Mbit/s (repeatable; default 2 10 25 100).",
        show_default=False,
    ),
]
MinTestsOpt = Annotated[
    int, typer.Option("--min-tests", help="Fewest tests for a region's measures to be shown.")
]
PlacesOpt = Annotated[
    Path | None,
    typer.Option(
        "--places",
        help="Populated places, GeoNames layout (default for Kazakhstan: GeoNames from --from).",
        show_default=False,
    ),
]
TownPopulationOpt = Annotated[
    int, typer.Option("--town-population", help="A town has at least this many people.")
]
TownRadiusOpt = Annotated[
    float, typer.Option("--town-radius-km", help="Tiles this close to a town belong to it.")
]

AGGREGATE_COLUMNS = (
    "region", "name", "tests", "devices", "tiles", "mean_download_mbps",
    "median_download_mbps", "mean_upload_mbps", "mean_latency_ms", "share_below_10_mbps",
    "note",
)  # fmt: skip


def _options(thresholds: list[float] | None, min_tests: int) -> DivideOptions:
    from ..divide.aggregate import DEFAULT_THRESHOLDS_MBPS
    from ..divide.indicators import DivideOptions

    return DivideOptions(tuple(thresholds or DEFAULT_THRESHOLDS_MBPS), min_tests)


def _rule(population: int, radius_km: float) -> SettlementRule:
    from ..geo.places import SettlementRule

    return SettlementRule(population, radius_km)


@divide_app.command()
def aggregate(
    tiles: TilesOpt,
    regions: RegionsOpt = None,
    region_key: RegionKeyOpt = None,
    by_settlement: Annotated[
        bool, typer.Option("--by-settlement", help="Split each region into town and village.")
    ] = False,
    places: PlacesOpt = None,
    town_population: TownPopulationOpt = 10_000,
    town_radius_km: TownRadiusOpt = 5.0,
    threshold: ThresholdOpt = None,
    min_tests: MinTestsOpt = 50,
    from_: FromOpt = None,
    home: HomeOpt = None,
    lang: LangOpt = "en",
    fmt: FormatOpt = Format.table,
) -> None:
    """Measures per region for one tile file; tiles outside every region are counted too."""

    def action() -> None:
        language = parse_lang(lang)
        options = _options(threshold, min_tests)
        with _progress_bar() as bar:
            result = observatory(home, from_).divide.aggregate(
                tiles,
                regions_file=regions,
                region_key=region_key,
                by_settlement=by_settlement,
                places_file=places,
                rule=_rule(town_population, town_radius_km),
                options=options,
                lang=language,
                progress=Steps(bar),
            )
        columns = list(AGGREGATE_COLUMNS)
        if by_settlement:
            columns.insert(1, "settlement")
        totals = result.totals
        emit(
            result.rows,
            fmt,
            columns,
            language,
            f"Ookla tiles by region: {tiles.name}",
            footnotes=[
                f"{totals['tiles']:,} tiles, {totals['outside_tiles']:,} outside every region "
                f"(the row without a region); each tile counted once, in the region holding "
                f"its centre. Means and medians are test-weighted; regions under "
                f"{options.min_tests} tests are not reported.",
                "Source: Ookla Speedtest open data (CC BY-NC-SA 4.0).",
                *([result.rows.metadata["note"]] if "note" in result.rows.metadata else []),
            ],
        )

    run(action)


@divide_app.command()
def tiles(
    kind: Annotated[str, typer.Option("--type", help="fixed or mobile.")] = "fixed",
    year: Annotated[int, typer.Option("--year", help="Year, 2019 on.")] = 0,
    quarter: Annotated[int, typer.Option("--quarter", help="Quarter, 1-4.")] = 0,
    from_: FromOpt = None,
    home: HomeOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Download one quarter of Ookla's tiles into the cache (resumable, checked)."""

    def action() -> None:
        from ..sources.ookla_tiles import check_tiles_file

        with _progress_bar() as bar:
            task = bar.add_task(f"{kind} {year} Q{quarter}", total=None)

            def progress(done: int, total: int | None) -> None:
                bar.update(task, completed=done, total=total)

            path = observatory(home, from_).divide.fetch(kind, year, quarter, progress=progress)
        info = check_tiles_file(path)
        row = {"file": str(path), "rows": info.rows, "bytes": path.stat().st_size}
        emit([row], fmt, ("file", "rows", "bytes"), "en", f"Ookla {kind} tiles {year} Q{quarter}")

    run(action)


@divide_app.command()
def report(
    country: Annotated[str, typer.Argument(help="Country, e.g. KAZ.")],
    kind: Annotated[str, typer.Option("--type", help="fixed or mobile.")] = "fixed",
    tiles_files: Annotated[
        list[str] | None,
        typer.Option(
            "--tiles",
            help="Tile file, repeatable; PATH or 2023Q1=PATH (default: every quarter held).",
            show_default=False,
        ),
    ] = None,
    weight: Annotated[
        str, typer.Option("--weight", metavar="tests|population", help="Weights across regions.")
    ] = "tests",
    population: Annotated[
        Path | None,
        typer.Option(
            "--population", help="CSV with columns region, population.", show_default=False
        ),
    ] = None,
    layout: Annotated[
        str,
        typer.Option(
            "--layout",
            metavar="2022|2018|1997",
            help="Kazakhstan's regions as of a reform, so that series span 2018 and 2022.",
        ),
    ] = "2022",
    regions: RegionsOpt = None,
    region_key: RegionKeyOpt = None,
    places: PlacesOpt = None,
    town_population: TownPopulationOpt = 10_000,
    town_radius_km: TownRadiusOpt = 5.0,
    threshold: ThresholdOpt = None,
    min_tests: MinTestsOpt = 50,
    from_: FromOpt = None,
    home: HomeOpt = None,
    lang: LangOpt = "en",
    fmt: FormatOpt = Format.table,
) -> None:
    """The divide indicators quarter by quarter: best-to-worst, CV, Gini, Theil, town-village."""

    def action() -> None:
        from ..errors import InputError

        if weight not in ("tests", "population"):
            raise InputError(f"--weight must be tests or population, not '{weight}'")
        language = parse_lang(lang)
        with _progress_bar() as bar:
            result = observatory(home, from_).divide.report(
                country,
                kind=kind,
                files=tiles_files or (),
                regions_file=regions,
                region_key=region_key,
                places_file=places,
                rule=_rule(town_population, town_radius_km),
                options=_options(threshold, min_tests),
                weighting=weight,
                population_file=population,
                layout=layout,
                lang=language,
                progress=Steps(bar),
            )
        emit(
            _indicator_rows(result),
            fmt,
            (
                "quarter",
                "measure",
                "regions",
                "best_region",
                "worst_region",
                "best_to_worst",
                "coefficient_of_variation",
                "gini",
                "theil",
                "town",
                "village",
            ),
            language,
            f"Digital divide across regions, {result['country']} ({kind}, weights: {weight})",
            footnotes=_trend_notes(result),
            payload=result,
        )

    run(action)


def _indicator_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for quarter in result["quarters"]:
        split = quarter.get("town_village") or {}
        for measure, ind in quarter["indicators"].items():
            town = (split.get("town") or {}).get(measure)
            village = (split.get("village") or {}).get(measure)
            rows.append({"quarter": quarter["quarter"], **ind, "town": town, "village": village})
    return rows


def _trend_notes(result: dict[str, Any]) -> list[str]:
    notes = []
    for name, trend in result["trend"].items():
        if trend is not None:
            notes.append(
                f"trend {name}: {trend['per_quarter']:+.4g} per quarter "
                f"over {trend['quarters']} quarters"
            )
    if not notes:
        notes.append("trend: needs two quarters or more")
    return notes


@divide_app.command("map")
def map_(
    measure: Annotated[str, typer.Argument(help="A measure, e.g. median_download_mbps.")],
    tiles: TilesOpt,
    out: Annotated[Path, typer.Option("--out", help="Output: .svg, .png, .html or .json.")],
    regions: RegionsOpt = None,
    region_key: RegionKeyOpt = None,
    threshold: ThresholdOpt = None,
    min_tests: MinTestsOpt = 50,
    from_: FromOpt = None,
    home: HomeOpt = None,
    lang: LangOpt = "en",
) -> None:
    """A choropleth of one measure by region (regions without enough tests in grey)."""

    def action() -> None:
        language = parse_lang(lang)
        with _progress_bar() as bar:
            path = observatory(home, from_).divide.map(
                measure,
                tiles,
                out,
                regions_file=regions,
                region_key=region_key,
                options=_options(threshold, min_tests),
                lang=language,
                progress=Steps(bar),
            )
        typer.echo(str(path))

    run(action)


_COUNTS = (
    "settlements", "city", "town", "village", "hamlet", "isolated_dwelling",
    "with_population_tag", "population", "population_unread",
)  # fmt: skip
SETTLEMENT_COLUMNS = {
    "district": ("district", "name", "region_code", *_COUNTS),
    "region": ("region", "name", "region_code", *_COUNTS),
    "settlement": (
        "osm_id", "name", "place", "population", "population_tag", "district", "district_name",
        "region_code",
    ),
}  # fmt: skip


@divide_app.command()
def settlements(
    country: Annotated[str, typer.Argument(help="Country: KAZ.")],
    by: Annotated[
        str, typer.Option("--by", metavar="district|region", help="One row per district or region.")
    ] = "district",
    each: Annotated[
        bool, typer.Option("--list", help="Each settlement, with its district's KATO code.")
    ] = False,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            help="HOT export of OSM populated places (GeoJSON); default: the data folder's.",
            show_default=False,
        ),
    ] = None,
    from_: FromOpt = None,
    home: HomeOpt = None,
    lang: LangOpt = "en",
    fmt: FormatOpt = Format.table,
) -> None:
    """OpenStreetMap's settlements by district or region: place types, population tags, and
    their coverage against the official count (not an official register)."""

    def action() -> None:
        language = parse_lang(lang)
        result = observatory(home, from_).divide.settlements(
            country, level=by, each=each, places_file=file, lang=language
        )
        emit(
            result["rows"],
            fmt,
            SETTLEMENT_COLUMNS[result["level"]],
            language,
            f"OpenStreetMap settlements by {result['level']}: {result['file']}",
            footnotes=[result["coverage"]["note"]],
            payload=result,
        )

    run(action)
